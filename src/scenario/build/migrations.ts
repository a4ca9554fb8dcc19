/**
 * Migrations and remedies: one live migration per entry of the run's `migrations` (between the
 * hypervisors the run resolved; its phases on the scenario's clock, timeline.ts), a keepalive per keepalive mode among every remedy of the run (a
 * deployment-wide setting: every VM, all along the run), and an EVPN control plane over the edge
 * switches when a remedy asks for one.
 */
import type { LearningSwitch } from '../../net/index.js';
import type { Edge, Hypervisor, RemedySpec, SecurityPlane } from '../../migration/index.js';
import { EvpnControlPlane, LiveMigration, startKeepalive } from '../../migration/index.js';
import type { DhcpClient, Host } from '../../stack/index.js';
import { parseMac } from '../../wire/index.js';
import type { BuildContext } from './context.js';
import type { ScenarioTimeline } from './timeline.js';
import { phaseKey } from './timeline.js';

/** Builds the run's migrations (in the scenario's order) and starts its remedies. */
export function buildMigrations(
  c: BuildContext,
  switches: readonly LearningSwitch[],
  gateways: readonly Host[],
  hosts: ReadonlyMap<string, Host>,
  hypervisors: ReadonlyMap<string, Hypervisor>,
  timeline: ScenarioTimeline,
  security: SecurityPlane | null = null,
  dhcpClients: ReadonlyMap<Host, DhcpClient> | null = null,
): LiveMigration[] {
  const { kernel, network, run, topology } = c;
  const world = { network, switches, gateways, ...(security === null ? {} : { security }), ...(dhcpClients === null ? {} : { dhcpClients }) };
  const migrations = run.migrations.map((m, i) => new LiveMigration(world, {
    vm: hosts.get(m.vm)!,
    from: hypervisors.get(m.from)!,
    to: hypervisors.get(m.to)!,
    start: m.at,
    timing: m.timing,
    ...(m.newMac === null ? {} : { newMac: parseMac(m.newMac)! }),
    remedies: m.remedies,
    portReadyAfter: m.portReadyAfter,
    guestLink: m.guestLink,
    vlan: m.vlan,
    schedulePhase: (kind, time, action) => timeline.bind(phaseKey(i, kind), time, action),
  }));
  const remedies: RemedySpec[] = [...run.remedies, ...run.migrations.flatMap((m) => m.remedies)];
  // The VMs, in host order; found once, from each hypervisor's own ports (not every hypervisor per host).
  let vms: Host[] | undefined;
  const vmsInHostOrder = (): Host[] => {
    if (vms !== undefined) return vms;
    const plugged = new Set<Host>();
    for (const hv of hypervisors.values()) for (const vm of hv.vms()) plugged.add(vm);
    return (vms = [...hosts.values()].filter((host) => plugged.has(host)));
  };
  const keepalives = new Set<string>();
  for (const r of remedies) {
    if (r.kind === 'keepalive' && !keepalives.has(r.mode)) {
      keepalives.add(r.mode);
      startKeepalive(kernel, r, vmsInHostOrder(), gateways, 0, c.scenario.duration);
    }
  }
  const evpn = remedies.find((r) => r.kind === 'evpn');
  if (evpn !== undefined && evpn.kind === 'evpn') {
    const edges: Edge[] = topology.edgeSwitches.map((sw) => ({ switch: sw, hostPorts: new Set(topology.hostPorts(sw.name).map((p) => p.index)) }));
    new EvpnControlPlane(kernel, switches, edges, evpn);
  }
  return migrations;
}
