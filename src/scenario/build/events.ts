/**
 * The scenario's timed events (gateway restarts, links and hosts going down and up, neighbor table
 * flushes), each bound to its instant on the scenario's clock (timeline.ts), and the link impairments (loss models, congestion windows)
 * per link and direction. Links are named by a link name, a port name, a node name or a glob over
 * them (`*` any run of characters, `?` one character).
 */
import type { Link } from '../../net/index.js';
import type { Host } from '../../stack/index.js';
import type { BuildContext } from './context.js';
import type { BuiltGateways } from './gateways.js';
import type { ScenarioTimeline } from './timeline.js';
import { eventKey } from './timeline.js';

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

/**
 * Binds the run's events to the scenario's clock (timeline.ts: at an instant, after the migrations'
 * phases, in the list's order; an event's end, when it has a duration, where its start would be).
 */
export function scheduleEvents(c: BuildContext, gateways: BuiltGateways, hosts: ReadonlyMap<string, Host>, timeline: ScenarioTimeline): void {
  c.run.events.forEach((e, j) => {
    const end = (duration: number | undefined, action: () => void): void => {
      if (duration !== undefined) timeline.bind(eventKey(j, true), e.at + duration, action);
    };
    const bind = (action: () => void): void => timeline.bind(eventKey(j, false), e.at, action);
    switch (e.kind) {
      case 'gateway-restart': {
        let restarted: Host[] = [];
        bind(() => {
          restarted = hostsMatching(c, gateways, hosts, e.target);
          for (const h of restarted) h.restart();
        });
        end(e.duration, () => {
          for (const h of restarted) h.setUp(true);
        });
        return;
      }
      case 'link-down': {
        let links: Link[] = [];
        bind(() => {
          links = linksMatching(c, e.target);
          for (const l of links) l.setUp(false);
        });
        end(e.duration, () => {
          for (const l of links) l.setUp(true);
        });
        return;
      }
      case 'link-up':
        bind(() => {
          for (const l of linksMatching(c, e.target)) l.setUp(true);
        });
        return;
      case 'host-down': {
        let down: Host[] = [];
        bind(() => {
          down = hostsMatching(c, gateways, hosts, e.target);
          for (const h of down) h.setUp(false);
        });
        end(e.duration, () => {
          for (const h of down) h.setUp(true);
        });
        return;
      }
      case 'host-up':
        bind(() => {
          for (const h of hostsMatching(c, gateways, hosts, e.target)) h.setUp(true);
        });
        return;
      case 'flush-neighbors':
        bind(() => {
          for (const h of hostsMatching(c, gateways, hosts, e.target)) {
            if (e.family !== 'ipv6') for (const a of [...h.arp.entries().keys()]) h.arp.remove(a);
            if (e.family !== 'ipv4') for (const a of [...h.nd.entries().keys()]) h.nd.remove(a);
          }
        });
        return;
    }
  });
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
