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
import { Host, RouterAdvertiser } from '../../stack/index.js';
import { parseIpv4, parseIpv6, parseMac } from '../../wire/index.js';
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

/** Builds every host, group by group, with the gateway's addresses as their default gateway. */
export function buildHosts(c: BuildContext, gateway: BuiltGateways, hypervisors: ReadonlyMap<string, Hypervisor>): Map<string, Host> {
  const hosts = new Map<string, Host>();
  const vip4 = gateway.ipv4;
  const vip6 = gateway.ipv6;
  for (const h of c.layout.hosts()) {
    const group = c.run.hosts[h.group]!;
    const profile = profileFor(group.profile, group.sysctls as Record<string, number | undefined>);
    const host = new Host(c.network, h.name, {
      mac: parseMac(h.mac)!,
      profile,
      ...(vip4 === undefined ? {} : { gateway4: vip4 }),
      ...(vip6 === undefined ? {} : { gateway6: vip6 }),
    });
    const dad = group.allowAddressConflict === true;
    if (h.ipv4 !== null && c.dhcpGroups?.has(group.name) !== true) host.addIpv4(parseIpv4(h.ipv4)!, c.v4Prefix, { skipDad: !dad });
    if (h.ipv6 !== null) host.addIpv6(parseIpv6(h.ipv6)!, c.v6Prefix, { skipDad: !dad });
    if (h.hypervisor === null) c.topology.connectHost(h.edge, host.port, nodeLinkConfig(c, group.link));
    else hypervisors.get(h.hypervisor)!.plug(host);
    const ra = group.routerAdvertisements;
    if (ra !== undefined) new RouterAdvertiser(c.kernel, host, { start: ROUTER_ADVERTISEMENT_START, interval: ra.interval, lifetime: ra.lifetime, stop: c.scenario.duration });
    hosts.set(h.name, host);
  }
  return hosts;
}
