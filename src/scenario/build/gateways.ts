/**
 * The gateway in its placement: one router at the core; a redundant pair (each member with its own
 * addresses, VRRPv3 for the virtual ones, RFC 5798); or an anycast instance in every edge switch,
 * each on a port of its own with the virtual MAC pinned in every switch and the instances sharing the
 * bindings they snoop (RFC 9135, RFC 9161 §3.1). Gateway MACs come from the layout's MAC plan.
 */
import type { LearningSwitch } from '../../net/index.js';
import { portsTowards } from '../../net/index.js';
import { syncAnycastNeighbors } from '../../migration/index.js';
import { Host, RedundantGatewayPair } from '../../stack/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../../wire/index.js';
import { parseIpv4, parseIpv6, parseMac } from '../../wire/index.js';
import type { BuildContext } from './context.js';
import { nodeLinkConfig, profileFor } from './context.js';

/** The gateway as built. */
export interface BuiltGateways {
  /** Every gateway node, in the layout's order. */
  readonly nodes: readonly Host[];
  /** The redundant pair, when the placement is `pair`. */
  readonly pair: RedundantGatewayPair | null;
  /** The gateway's (virtual, for pair and anycast) addresses and virtual MAC, when it has them. */
  readonly ipv4: Ipv4Address | undefined;
  readonly ipv6: Ipv6Address | undefined;
  readonly virtualMac: MacAddress | undefined;
}

/** Builds the gateway nodes and attaches them to the fabric. */
export function buildGateways(c: BuildContext): BuiltGateways {
  const { network, topology, layout, run, kernel, v4Prefix, v6Prefix } = c;
  const g = run.gateway;
  const gatewayProfile = profileFor(g.profile, g.sysctls as Record<string, number | undefined>);
  const vip4 = g.ipv4 === null ? undefined : parseIpv4(g.ipv4)!;
  const vip6 = g.ipv6 === null ? undefined : parseIpv6(g.ipv6)!;
  const vmac = g.virtualMac === null ? undefined : parseMac(g.virtualMac)!;
  const nodes: Host[] = [];
  for (const node of layout.gateways) {
    const host = new Host(network, node.name, { mac: parseMac(node.mac)!, profile: gatewayProfile });
    if (g.placement === 'pair') {
      if (node.ownIpv4 !== null) host.addIpv4(parseIpv4(node.ownIpv4)!, v4Prefix, { skipDad: true });
      if (node.ownIpv6 !== null) host.addIpv6(parseIpv6(node.ownIpv6)!, v6Prefix, { skipDad: true });
    } else {
      const mac = g.placement === 'anycast' ? vmac : undefined;
      if (vip4 !== undefined) host.addIpv4(vip4, v4Prefix, { skipDad: true, ...(mac === undefined ? {} : { mac }) });
      if (vip6 !== undefined) host.addIpv6(vip6, v6Prefix, { skipDad: true, ...(mac === undefined ? {} : { mac }) });
    }
    if (g.placement === 'anycast') {
      // The anycast gateway lives in its edge switch: a port of its own, the virtual MAC pinned there.
      const sw = topology.switch(node.edge);
      const port = sw.addPort(sw.mode(topology.hostPorts(node.edge)[0]?.index ?? 0));
      network.connect(host.port, port, { rate: c.scenario.fabric.links.access.rate, delay: 0 });
    } else if (topology.edgeSwitches.some((sw) => sw.name === node.edge)) {
      topology.connectHost(node.edge, host.port, nodeLinkConfig(c, g.link));
    } else {
      // A core gateway on a switch above the edge (a spine, a core switch): a port of its own there.
      const sw = topology.switch(node.edge);
      const port = sw.addPort();
      const access = c.scenario.fabric.links.access;
      network.connect(host.port, port, nodeLinkConfig(c, g.link) ?? { rate: access.rate, delay: access.delay, queueBytes: access.queue });
    }
    nodes.push(host);
  }
  let pair: RedundantGatewayPair | null = null;
  if (g.placement === 'pair') {
    pair = new RedundantGatewayPair(kernel, nodes[0]!, nodes[1]!, {
      mac: vmac!,
      ...(vip4 === undefined ? {} : { ipv4: { address: vip4, prefixLength: v4Prefix } }),
      ...(vip6 === undefined ? {} : { ipv6: { address: vip6, prefixLength: v6Prefix } }),
    });
  }
  if (g.placement === 'anycast' && vmac !== undefined) pinAnycastMac(c, nodes, vmac);
  return { nodes, pair, ipv4: vip4, ipv6: vip6, virtualMac: vmac };
}

/**
 * Every switch pins the anycast MAC: edges to their own gateway, the others towards the first edge,
 * so the many instances never look like one MAC moving around; the instances share their bindings.
 */
function pinAnycastMac(c: BuildContext, nodes: readonly Host[], vmac: MacAddress): void {
  const switches: LearningSwitch[] = [...c.topology.switches.values()];
  const towardsFirst = portsTowards(switches, c.topology.switch(c.layout.gateways[0]!.edge));
  for (const sw of switches) {
    const port = nodes.find((h) => h.port.peer?.owner === sw)?.port.peer?.index ?? towardsFirst.get(sw);
    if (port !== undefined) sw.fdb.learn(1, vmac, port, 0, 'static');
  }
  syncAnycastNeighbors(c.kernel, nodes, vmac);
}
