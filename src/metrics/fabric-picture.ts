/**
 * The fabric of a run as the report draws it: switches by tier, hypervisors and gateway nodes on
 * their edge switches, the links between switches, and the path from the gateway to a migrating VM's
 * hypervisor along the forwarding ports (the active topology: a spanning tree's forwarding ports, or
 * the shortest-path fabric's edges) at the migration's start and at its resume.
 */
import type { LiveMigration } from '../migration/index.js';
import type { LearningSwitch } from '../net/index.js';
import { FabricSwitch, REMOTE_PORT_BASE, fdbPortsTowards } from '../net/index.js';
import type { Model } from '../scenario/index.js';
import type { FabricNode, FabricPicture } from './series-types.js';

/** Follows the forwarding ports from the gateway towards `target`; the node names on the way. */
function pathTo(model: Model, target: LearningSwitch, hypervisor: string): string[] {
  const gateway = model.gateways[0];
  if (gateway === undefined) return [];
  const towards = fdbPortsTowards(model.switches, target);
  const out = [gateway.name];
  let at = gateway.port.peer?.owner;
  const byName = new Map(model.switches.map((s) => [s.name, s]));
  let s = at === undefined ? undefined : byName.get(at.name);
  if (s === undefined) {
    // An anycast gateway lives inside its edge switch.
    s = byName.get(model.layout.gateways.find((g) => g.name === gateway.name)?.edge ?? '');
  }
  for (let steps = 0; s !== undefined && steps <= model.switches.length; steps++) {
    if (s === target) {
      out.push(hypervisor);
      return out;
    }
    out.push(s.name);
    const port = towards.get(s);
    if (port === undefined) break;
    if (port >= REMOTE_PORT_BASE) {
      const edge = port - REMOTE_PORT_BASE;
      s = model.switches.find((x) => x instanceof FabricSwitch && x.index === edge);
      continue;
    }
    at = s.ports[port]?.peer?.owner;
    s = at === undefined ? undefined : byName.get(at.name);
  }
  return out;
}

/** Records the fabric of `model` and, for `migration`, the paths at its start and resume. */
export class FabricRecorder {
  private before: string[] = [];
  private after: string[] = [];
  private readonly model: Model;

  constructor(model: Model, migration: LiveMigration | null) {
    this.model = model;
    if (migration === null) return;
    const vm = migration.spec.vm.name;
    model.kernel.trace.on('migration-phase', (e) => {
      if (e.vm !== vm) return;
      if (e.phase === 'start' && e.time === migration.schedule.start) this.before = pathTo(model, migration.spec.from.vswitch, migration.spec.from.name);
      if (e.phase === 'resume' && e.time === migration.schedule.resumeAt) this.after = pathTo(model, migration.spec.to.vswitch, migration.spec.to.name);
    });
  }

  finish(): FabricPicture {
    const layout = this.model.layout;
    const nodes: FabricNode[] = [
      ...layout.switches.map((s) => ({ name: s.name, kind: 'switch' as const, tier: s.tier, edge: null })),
      ...layout.hypervisors.map((h) => ({ name: h.name, kind: 'hypervisor' as const, tier: 'hypervisor', edge: h.edge })),
      ...layout.gateways.map((g) => ({ name: g.name, kind: 'gateway' as const, tier: 'gateway', edge: g.edge })),
    ];
    const links = [...this.model.topology.links.values()].map((l) => ({ a: l.a.owner.name, b: l.b.owner.name }));
    return { nodes, links, before: this.before, after: this.after };
  }
}
