/**
 * What a control plane does to the data plane: point every switch's filtering-database entry for a
 * MAC towards the switch where it now lives (pushed entries, replaced by later learning), remove a MAC
 * from every switch (a withdrawal), and install an IP→MAC binding in gateways' neighbor tables.
 */
import type { LearningSwitch } from '../net/index.js';
import { portsTowards } from '../net/index.js';
import type { Kernel } from '../sim/index.js';
import type { Host } from '../stack/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';
import { parseIpv4, parseIpv6 } from '../wire/index.js';

/**
 * Points `mac` (in `vlan`) towards `edge` on every switch of `switches`; on `edge` itself, to
 * `edgePort`. A push to a switch is skipped when `lost(switch)` says the message was lost.
 */
export function pushMacLocation(
  switches: readonly LearningSwitch[],
  vlan: number,
  mac: MacAddress,
  edge: LearningSwitch,
  edgePort: number,
  now: number,
  lost: (s: LearningSwitch) => boolean = () => false,
): number {
  const towards = portsTowards(switches, edge);
  let pushed = 0;
  for (const s of switches) {
    const port = s === edge ? edgePort : towards.get(s);
    if (port === undefined || lost(s)) continue;
    const outcome = s.fdb.learn(vlan, mac, port, now, 'pushed');
    if (outcome !== 'full' && outcome !== 'static') pushed++;
  }
  return pushed;
}

/** Removes `mac` (in `vlan`) from every switch (traced as a flush); returns how many entries were removed. */
export function withdrawMac(switches: readonly LearningSwitch[], vlan: number, mac: MacAddress): number {
  let removed = 0;
  for (const s of switches) {
    if (s.fdb.remove(vlan, mac)) {
      removed++;
      s.traceFlush(null, 1, 'withdrawal');
    }
  }
  return removed;
}

/** Installs the binding of each of the VM's addresses to `mac` in a gateway's tables (override, REACHABLE). */
export function pushNeighbor(gateway: Host, ipv4: readonly Ipv4Address[], ipv6: readonly Ipv6Address[], mac: MacAddress, now: number): void {
  for (const a of ipv4) gateway.arp.update(a, { lladdr: mac, state: 'reachable', override: true, weakOverride: false, create: true }, now);
  for (const a of ipv6) gateway.nd.update(a, { lladdr: mac, state: 'reachable', override: true, weakOverride: false, create: true }, now);
}

/**
 * What EVPN's MAC/IP routes do for a distributed anycast gateway (RFC 9135; RFC 9161 learning): a
 * binding one instance learns from its own attachment (a reply to its solicitation, a gratuitous ARP, an
 * unsolicited NA) is installed in every other instance. Without it, an instance cannot resolve a host
 * behind another leaf: the host answers the anycast MAC, and its own leaf's instance takes the answer.
 * Only new or changed bindings travel; installing them does not travel again.
 */
export function syncAnycastNeighbors(kernel: Kernel, instances: readonly Host[]): void {
  if (instances.length < 2) return;
  const byName = new Map(instances.map((h) => [h.name, h]));
  let installing = false;
  kernel.trace.on('neighbor-changed', (e) => {
    if (installing || e.lladdr === null) return;
    const learnedBy = byName.get(e.node);
    if (learnedBy === undefined) return;
    if (e.to !== 'reachable' && e.to !== 'stale' && e.to !== 'delay') return;
    const v4 = e.family === 'ipv4' ? parseIpv4(e.address) : undefined;
    const v6 = e.family === 'ipv6' ? parseIpv6(e.address) : undefined;
    const mac = e.lladdr;
    installing = true;
    try {
      for (const other of instances) {
        if (other === learnedBy) continue;
        const known = v4 !== undefined ? other.arp.get(v4) : v6 !== undefined ? other.nd.get(v6) : undefined;
        if (known?.lladdr === mac && known.state !== 'failed' && known.state !== 'incomplete') continue;
        pushNeighbor(other, v4 === undefined ? [] : [v4], v6 === undefined ? [] : [v6], mac, kernel.now);
      }
    } finally {
      installing = false;
    }
  });
}
