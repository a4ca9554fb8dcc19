/**
 * The `gateway` and `hosts` sections: the Layer-3 nodes of the scenario, each with an implementation
 * profile, per-node overrides and addresses.
 *
 * Node names (layout.ts): the gateway is `gateway` (placement core), `gateway-1` and `gateway-2`
 * (pair) or `gateway-<edge switch>` (anycast: one instance in every edge switch); a host group `vm`
 * of count N makes hosts `vm-1` … `vm-N`. Everywhere a node is named, `gateway` also means "the
 * default gateway" (the active member of a pair; for anycast, the instance on the host's own switch).
 *
 * A host group sits on edge switch ports (`on: edge`, the default) or is a group of VMs on the
 * hypervisors of the `hypervisors` section (`on: hypervisors`, or a list of hypervisor names); only
 * VMs can migrate.
 */
import { z } from 'zod';
import { autoOrAddress, autoOrMac, bitRate, count, duration, name, section, size } from '../fields.js';
import { PROFILE_HELP, profileName, sysctlsSchema } from './profiles.js';

/** Where the default gateway lives. */
export const GATEWAY_PLACEMENTS = ['core', 'pair', 'anycast'] as const;

/** `spread`, an edge switch name, or a list of edge switch names (host and hypervisor placement). */
export const edgeListSchema = z.union([z.string(), z.array(z.string()).min(1)], { error: 'an edge switch name or a list of edge switch names' });

/** The words `on` takes besides hypervisor names. */
export const HOST_ATTACHMENTS = ['edge', 'hypervisors'] as const;

/** A node's own link to its switch: each field given replaces the `fabric.links.access` value. */
export const nodeLinkSchema = section(
  {
    rate: bitRate().optional().describe('Line rate of each direction (default fabric.links.access.rate).'),
    delay: duration().optional().describe('One-way propagation delay (default fabric.links.access.delay).'),
    queue: size({ min: 1 }).optional().describe('Drop-tail queue capacity per direction, bytes (default fabric.links.access.queue).'),
  },
  'This node\'s own link to its switch, field by field instead of the access link class (fabric.links.access).',
).optional();

/** The `gateway` section. */
export const gatewaySchema = section(
  {
    placement: z.enum(GATEWAY_PLACEMENTS).default('core')
      .describe('core (default): one gateway router attached to one edge switch; pair: a redundant active/standby pair sharing a virtual IP and MAC (VRRPv3, advertisements on the wire), gateway-1 active; anycast: the same virtual IP and MAC in every edge switch (EVPN distributed anycast gateway).'),
    profile: profileName().default('linux-router').describe(`${PROFILE_HELP} Default linux-router.`),
    sysctls: sysctlsSchema.describe('Overrides of the gateway profile\'s values (see the sysctls definition).'),
    ipv4: autoOrAddress('ipv4', ['none']).prefault('auto')
      .describe('The gateway\'s IPv4 address (the virtual address for pair and anycast): auto (default) = the first address of subnet.ipv4; none = no IPv4 gateway; or an address inside subnet.ipv4.'),
    ipv6: autoOrAddress('ipv6', ['none']).prefault('auto')
      .describe('The gateway\'s IPv6 address (the virtual address for pair and anycast): auto (default) = the first address of subnet.ipv6 (prefix::1); none; or an address inside subnet.ipv6.'),
    mac: autoOrMac().prefault('auto')
      .describe('The gateway\'s own MAC (its NIC\'s): auto (default) = 02:00:5e:00:00:01 for the first gateway node, …:02 for the second (the MAC plan); or a unicast MAC for the first node (gateway, gateway-1, or the anycast instance of the first edge switch), the others taking the next ones (gateway-2 = that + 1). The virtual MAC of a pair or anycast gateway is virtualMac.'),
    virtualMac: autoOrMac().prefault('auto')
      .describe('Virtual MAC of a pair or anycast gateway: auto (default) = 00:00:5e:00:01:01 (the VRRP MAC of VRID 1, RFC 5798 §7.3), or a unicast MAC. Not for placement core, whose gateway uses its own MAC.'),
    attach: edgeListSchema.optional()
      .describe('Switch(es) the gateway attaches to: one name for core (default: the first edge switch, e.g. leaf-1; any switch of the fabric, e.g. spine-1, where it takes a port of its own); two edge switches for pair (default: the first two, e.g. [leaf-1, leaf-2]). Not for anycast, which lives in every edge switch.'),
    link: nodeLinkSchema.describe('The gateway\'s link(s) to its switch, field by field instead of fabric.links.access (e.g. { rate: 10Gbps } on a spine). Not for anycast.'),
  },
  'The default gateway of the subnet.',
).prefault({});

/** The parsed `gateway` section. */
export type GatewaySettings = z.output<typeof gatewaySchema>;

/** One group of hosts. */
export const hostGroupSchema = section(
  {
    name: name().describe('Group name: the hosts are <name>-1 … <name>-<count>; traffic, events and output may name the group (every host of it) or one host.'),
    count: count(1, 16_777_216).default(1).describe('Number of hosts in the group (default 1).'),
    profile: profileName().default('linux').describe(`${PROFILE_HELP} Default linux.`),
    sysctls: sysctlsSchema.describe('Overrides of the profile\'s values for every host of the group (see the sysctls definition).'),
    on: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: '"edge", "hypervisors", a hypervisor name or a list of hypervisor names' })
      .meta({ examples: ['edge', 'hypervisors', ['hv-1', 'hv-2']] })
      .default('edge')
      .describe('What the hosts attach to: edge (default) = each takes an edge switch port (see placement); hypervisors = they are VMs, round-robin over every hypervisor (hv-1, hv-2, …), one cursor continuing from group to group; or a hypervisor name or a list of them ([hv-2, hv-3]), round-robin over those. VMs take no edge switch port (their hypervisor has one), and only VMs can migrate.'),
    placement: edgeListSchema.default('spread')
      .describe('Where hosts on edge switch ports attach: spread (default) = round-robin over all edge switches, continuing where the previous spread group stopped and skipping full switches; or a list of edge switch names, round-robin over those. Not for VMs (on: hypervisors), which live where their hypervisor is.'),
    ipv4: autoOrAddress('ipv4', ['none']).prefault('auto')
      .describe('IPv4 addresses: auto (default) = the next free addresses of subnet.ipv4 (none when the scenario has no IPv4 subnet); none; or the first address, the group taking consecutive addresses from it.'),
    ipv6: autoOrAddress('ipv6', ['none']).prefault('auto')
      .describe('IPv6 addresses: auto (default) = the next free addresses of subnet.ipv6 (none when the scenario has no IPv6 subnet); none; or the first address, the group taking consecutive addresses from it.'),
    mac: autoOrMac().prefault('auto')
      .describe('MAC addresses: auto (default) = 02:00: and the host\'s number among all hosts as 32 bits (the MAC plan: the first host is 02:00:00:00:00:01); or the first host\'s MAC, the group taking consecutive MACs from it (vm-2 = that + 1), all of them unicast and no other node\'s.'),
    link: nodeLinkSchema.describe('Each host\'s link to its edge switch, field by field instead of fabric.links.access. Not for VMs (on: hypervisors), whose virtual NIC is part of the hypervisor.'),
    allowAddressConflict: z.boolean().default(false)
      .describe('Let this group\'s explicit addresses coincide with other nodes\' addresses (to study duplicate address detection and address conflicts); otherwise a shared address is an error (default false).'),
    routerAdvertisements: section(
      {
        interval: duration({ min: 4e9, minText: '4s' }).prefault('600s').describe('Time between advertisements (default 600s, RFC 4861 §6.2.1 MaxRtrAdvInterval; at least 4s). The first is sent 1 s into the run.'),
        lifetime: duration({ max: 9_000e9, maxText: '9000s (RFC 4861 §6.2.1)' }).prefault('1800s').describe('Router Lifetime advertised (default 1800s = 3 × MaxRtrAdvInterval, RFC 4861 §6.2.1; at most 9000s).'),
      },
      'The hosts are routers (a virtual router, a VNF): each sends unsolicited Router Advertisements from its link-local address to ff02::1 (RFC 4861 §6.2.3), which RA guard judges by port (default: absent, hosts send none).',
    ).optional(),
  },
  'A group of identical hosts.',
);

/** The parsed host group. */
export type HostGroupSettings = z.output<typeof hostGroupSchema>;
