/**
 * What a control plane does to the data plane: point every switch's filtering-database entry for a
 * MAC towards the switch where it now lives (pushed entries, replaced by later learning), remove a MAC
 * from every switch (a withdrawal), and install an IP→MAC binding in gateways' neighbor tables.
 */
import type { LearningSwitch } from '../net/index.js';
import { fdbPortsTowards } from '../net/index.js';
import type { Kernel } from '../sim/index.js';
import type { Host } from '../stack/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';
import { MAC_BROADCAST, arpRequest, ethernetFrame, ipv6Destination, neighborSolicitation } from '../wire/index.js';

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
  // Where each switch's entry should point (inside a shortest-path fabric: at the edge behind which
  // the MAC lives, and the fabric finds the path).
  const codes = fdbPortsTowards(switches, edge);
  let pushed = 0;
  for (const s of switches) {
    const port = s === edge ? edgePort : codes.get(s);
    if (port === undefined || lost(s)) continue;
    const outcome = s.install(vlan, mac, port, now);
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
 * What arpshift's agent does for a VM whose MAC did not change: the gateway re-resolves each address
 * now, with a broadcast ARP request (RFC 826) per IPv4 address and a multicast Neighbor Solicitation
 * with SLLAO to the solicited-node group (RFC 4861 §7.2.2) per IPv6 address, from its own address on
 * the subnet; its entries are left to the answers.
 */
export function reResolveNeighbor(gateway: Host, ipv4: readonly Ipv4Address[], ipv6: readonly Ipv6Address[]): void {
  for (const a of ipv4) {
    const src = gateway.sourceIpv4(a);
    if (src === undefined) continue;
    gateway.counters.arpOut++;
    gateway.sendFrame(ethernetFrame(MAC_BROADCAST, src.mac, arpRequest(src.mac, src.address, a)));
  }
  for (const a of ipv6) {
    const src = gateway.sourceIpv6(a);
    if (src === undefined) continue;
    const packet = neighborSolicitation(src.address, a, src.mac);
    gateway.counters.ndOut++;
    gateway.sendFrame(ethernetFrame(ipv6Destination(packet, MAC_BROADCAST), src.mac, packet));
  }
}

/**
 * What EVPN's MAC/IP routes do for a distributed anycast gateway (RFC 9135, with the learning of RFC
 * 9161 §3.1): every binding an instance snoops from the ARP requests and replies and the Neighbor
 * Advertisements it receives (by their sender fields; not from Neighbor Solicitations) is installed in
 * every instance. Without it an instance cannot resolve a host behind another leaf: the host answers
 * the anycast MAC, and its own leaf's instance takes the answer. `anycastMac` is the instances' own
 * MAC, never learned; a binding already in place is left alone.
 */
export function syncAnycastNeighbors(kernel: Kernel, instances: readonly Host[], anycastMac: MacAddress): void {
  if (instances.length < 2) return;
  const names = new Set(instances.map((h) => h.name));
  const install = (v4: Ipv4Address | undefined, v6: Ipv6Address | undefined, mac: MacAddress): void => {
    for (const instance of instances) {
      const known = v4 !== undefined ? instance.arp.get(v4) : instance.nd.get(v6!);
      if (known !== undefined && known.lladdr === mac && known.state !== 'incomplete' && known.state !== 'failed') continue;
      pushNeighbor(instance, v4 === undefined ? [] : [v4], v6 === undefined ? [] : [v6], mac, kernel.now);
    }
  };
  kernel.trace.on('frame-received', (e) => {
    if (!names.has(e.node)) return;
    const p = e.frame.eth.payload;
    if (p.kind === 'arp') {
      if ((p.operation !== 1 && p.operation !== 2) || p.senderProtocolAddress === 0 || p.senderHardwareAddress === anycastMac) return;
      install(p.senderProtocolAddress, undefined, p.senderHardwareAddress);
    } else if (p.kind === 'ipv6' && p.payload.kind === 'icmpv6' && p.payload.type === 'na') {
      const tllao = p.payload.options.find((o) => o.kind === 'target-link-layer');
      if (tllao === undefined || tllao.kind !== 'target-link-layer' || tllao.address === anycastMac) return;
      install(undefined, p.payload.targetAddress, tllao.address);
    }
  });
}
