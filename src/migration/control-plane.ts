/**
 * What a control plane does to the data plane: point every switch's filtering-database entry for a
 * MAC towards the switch where it now lives (pushed entries, replaced by later learning), remove a MAC
 * from every switch (a withdrawal), and install an IP→MAC binding in gateways' neighbor tables.
 */
import type { LearningSwitch } from '../net/index.js';
import { portsTowards } from '../net/index.js';
import type { Host } from '../stack/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';

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
