/**
 * Hypervisors and hosts, where the layout places them: each hypervisor's virtual switch has one uplink
 * to its edge switch; hosts with their profile (and sysctls), MAC and addresses either on an edge
 * switch port or plugged into their hypervisor (VMs). Addresses are configured as they would be long
 * before the run (no DAD), except in groups with `allowAddressConflict`, whose hosts configure them at
 * time 0 and so run RFC 5227 / RFC 4862 detection; hosts of the `dhcp` section's groups get their
 * IPv4 address from their DHCP client (dhcp.ts); hosts of a group with `routerAdvertisements` send
 * them (src/stack router-advertiser.ts), the first 1 s into the run.
 */
import { Hypervisor } from '../../migration/index.js';
import type { Network } from '../../net/index.js';
import { Host, RouterAdvertiser } from '../../stack/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../../wire/index.js';
import type { BuildContext } from './context.js';
import { nodeLinkConfig, profileFor } from './context.js';
import type { BuiltGateways } from './gateways.js';

/** When a router host sends its first Router Advertisement (ns). */
const ROUTER_ADVERTISEMENT_START = 1e9;

/** Builds the hypervisors, hv-1 first, attached to their edge switches. */
export function buildHypervisors(c: BuildContext): Map<string, Hypervisor> {
  const hypervisors = new Map<string, Hypervisor>();
  const hv = c.scenario.hypervisors;
  for (const h of c.layout.hypervisors) {
    const hypervisor = new Hypervisor(c.network, h.name, { ...(hv === null ? {} : { agingTime: hv.vswitchAgingTime, vlan: hv.vlan, kind: hv.vswitch }) });
    c.topology.connectHost(h.edge, hypervisor.uplink);
    hypervisors.set(h.name, hypervisor);
  }
  return hypervisors;
}

/**
 * The hosts of the scenario's groups by name, in the order they were made: a list looked up through
 * the network's own index of node names (a name is unique among a network's nodes), not a second map
 * of every name (filling one took a tenth of the build at a million VMs). The hosts were numbered one
 * after another by the network's host store (`Host.quietSlot`), so a host's place in the list is its
 * number less the first's.
 */
class HostsByName implements ReadonlyMap<string, Host> {
  private readonly list: readonly Host[];
  private readonly network: Network;
  private readonly first: number;

  constructor(list: readonly Host[], network: Network) {
    this.list = list;
    this.network = network;
    this.first = list.length === 0 ? 0 : list[0]!.quietSlot;
  }

  get(name: string): Host | undefined {
    const node = this.network.node(name);
    if (!(node instanceof Host)) return undefined;
    return this.list[node.quietSlot - this.first] === node ? node : undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    return this.list.length;
  }

  *entries(): MapIterator<[string, Host]> {
    for (const host of this.list) yield [host.name, host];
  }

  *keys(): MapIterator<string> {
    for (const host of this.list) yield host.name;
  }

  values(): MapIterator<Host> {
    return this.list.values();
  }

  [Symbol.iterator](): MapIterator<[string, Host]> {
    return this.entries();
  }

  forEach(callback: (value: Host, key: string, map: ReadonlyMap<string, Host>) => void, thisArg?: unknown): void {
    for (const host of this.list) callback.call(thisArg, host, host.name, this);
  }
}

/**
 * Builds every host, group by group, with the gateway's addresses as their default gateway. The
 * layout gives each host's MAC and addresses as numbers (`hostGroup`), not as text to parse back.
 */
export function buildHosts(c: BuildContext, gateway: BuiltGateways, hypervisors: ReadonlyMap<string, Hypervisor>): ReadonlyMap<string, Host> {
  const hosts: Host[] = [];
  // Whether the hosts were numbered one after another (nothing else made a host meanwhile).
  let numbered = true;
  const vip4 = gateway.ipv4;
  const vip6 = gateway.ipv6;
  // The layout's hypervisors in order (hv-1 first), as buildHypervisors made them: a VM's by index.
  const byIndex = c.layout.hypervisors.map((h) => hypervisors.get(h.name)!);
  // Room for every host in the host store and two ports per host in the port store (its own and
  // the switch port it is linked to), made once rather than doubled step by step.
  let count = 0;
  for (let g = 0; g < c.scenario.hosts.length; g++) count += c.layout.hostGroup(g).count;
  Host.reserve(c.network, count);
  c.network.reserveNodes(c.network.nodeCount + count);
  c.network.trace.ports.reserve(c.network.trace.ports.size + 2 * count);
  for (let g = 0; g < c.scenario.hosts.length; g++) {
    const group = c.run.hosts[g]!;
    const plan = c.layout.hostGroup(g);
    const profile = profileFor(group.profile, group.sysctls as Record<string, number | undefined>);
    const options = {
      profile,
      ...(vip4 === undefined ? {} : { gateway4: vip4 }),
      ...(vip6 === undefined ? {} : { gateway6: vip6 }),
    };
    const dad = { skipDad: group.allowAddressConflict !== true };
    const dhcp = c.dhcpGroups?.has(group.name) === true;
    const link = nodeLinkConfig(c, group.link);
    const ra = group.routerAdvertisements;
    for (let i = 0; i < plan.count; i++) {
      const name = plan.name(i);
      const host = new Host(c.network, name, { mac: plan.mac(i) as MacAddress, ...options });
      const v4 = plan.ipv4(i);
      if (v4 >= 0 && !dhcp) host.addIpv4(v4 as Ipv4Address, c.v4Prefix, dad);
      const v6 = plan.ipv6(i);
      if (v6 !== null) host.addIpv6(v6 as Ipv6Address, c.v6Prefix, dad);
      const on = plan.hypervisor(i);
      if (on < 0) c.topology.connectHost(plan.edge(i), host.port, link);
      else byIndex[on]!.plug(host);
      if (ra !== undefined) new RouterAdvertiser(c.kernel, host, { start: ROUTER_ADVERTISEMENT_START, interval: ra.interval, lifetime: ra.lifetime, stop: c.scenario.duration });
      if (hosts.length > 0 && host.quietSlot !== hosts[0]!.quietSlot + hosts.length) numbered = false;
      hosts.push(host);
    }
  }
  return numbered ? new HostsByName(hosts, c.network) : new Map(hosts.map((h) => [h.name, h]));
}
