/**
 * The scenario's timed events (gateway restarts, links and hosts going down and up, neighbor table
 * flushes), each scheduled at its time, and the link impairments (loss models, congestion windows)
 * per link and direction. Links are named by a link name, a port name, a node name or a glob over
 * them (`*` any run of characters, `?` one character).
 */
import type { Link } from '../../net/index.js';
import type { Host } from '../../stack/index.js';
import type { BuildContext } from './context.js';
import type { BuiltGateways } from './gateways.js';

/** A glob over names (`*` any run, `?` one character) as a regular expression. */
export function globRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** The links whose name, port names or node names match `pattern`. */
export function linksMatching(c: BuildContext, pattern: string): Link[] {
  const re = globRegExp(pattern);
  return [...c.network.links].filter((l) => re.test(l.name) || re.test(l.a.name) || re.test(l.b.name) || re.test(l.a.owner.name) || re.test(l.b.owner.name));
}

/** The end stations an event's target names: `*`, `gateway` (the pair's master), a node, or a group. */
function hostsMatching(c: BuildContext, gateways: BuiltGateways, hosts: ReadonlyMap<string, Host>, target: string): Host[] {
  if (target === '*') return [...gateways.nodes, ...hosts.values()];
  if (target === 'gateway') return gateways.pair !== null ? [gateways.pair.master] : [...gateways.nodes];
  const gw = gateways.nodes.find((x) => x.name === target);
  if (gw !== undefined) return [gw];
  const host = hosts.get(target);
  if (host !== undefined) return [host];
  const gi = c.scenario.hosts.findIndex((g) => g.name === target);
  if (gi < 0) return [];
  return Array.from({ length: c.scenario.hosts[gi]!.count }, (_, i) => hosts.get(`${target}-${i + 1}`)!);
}

/** Schedules the run's events. */
export function scheduleEvents(c: BuildContext, gateways: BuiltGateways, hosts: ReadonlyMap<string, Host>): void {
  const { kernel } = c;
  for (const e of c.run.events) {
    kernel.scheduleAt(e.at, 'scenario', e.kind, () => {
      switch (e.kind) {
        case 'gateway-restart':
          for (const h of hostsMatching(c, gateways, hosts, e.target)) h.restart(e.duration);
          return;
        case 'link-down':
          for (const l of linksMatching(c, e.target)) {
            l.setUp(false);
            if (e.duration !== undefined) kernel.schedule(e.duration, 'scenario', 'link-up', () => l.setUp(true));
          }
          return;
        case 'link-up':
          for (const l of linksMatching(c, e.target)) l.setUp(true);
          return;
        case 'host-down':
          for (const h of hostsMatching(c, gateways, hosts, e.target)) {
            h.setUp(false);
            if (e.duration !== undefined) kernel.schedule(e.duration, 'scenario', 'host-up', () => h.setUp(true));
          }
          return;
        case 'host-up':
          for (const h of hostsMatching(c, gateways, hosts, e.target)) h.setUp(true);
          return;
        case 'flush-neighbors':
          for (const h of hostsMatching(c, gateways, hosts, e.target)) {
            if (e.family !== 'ipv6') for (const a of [...h.arp.entries().keys()]) h.arp.remove(a);
            if (e.family !== 'ipv4') for (const a of [...h.nd.entries().keys()]) h.nd.remove(a);
          }
          return;
      }
    });
  }
}

/** Applies the run's loss rules to the links they name, in the directions they name. */
export function applyImpairments(c: BuildContext): void {
  for (const rule of c.run.loss) {
    for (const l of linksMatching(c, rule.links)) {
      const config = { loss: rule.model, congestion: rule.congestion };
      if (rule.direction !== 'b-to-a') l.impair(l.a, config);
      if (rule.direction !== 'a-to-b') l.impair(l.b, config);
    }
  }
}
