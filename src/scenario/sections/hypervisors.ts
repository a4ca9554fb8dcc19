/**
 * The `hypervisors` section: the hosts that VMs live on. Each hypervisor is a virtual switch (a
 * learning bridge, as src/migration/hypervisor.ts models Open vSwitch or a Linux bridge, of a kind
 * that says how a re-plugged guest's port comes up: src/migration/vswitch.ts) with one
 * uplink to a host port of an edge switch and one port per VM. Hypervisors are named `hv-1 … hv-N`
 * (layout.ts); host groups with `on: hypervisors` (or a list of hypervisor names) are their VMs, and
 * only VMs can migrate (the `migrations` section).
 */
import { z } from 'zod';
import { VSWITCH_KINDS } from '../../migration/index.js';
import type { VswitchKind } from '../../migration/index.js';
import { count, duration, section } from '../fields.js';
import { edgeListSchema } from './nodes.js';

/** The prefix of hypervisor names: `hv-1 … hv-N`. */
export const HYPERVISOR_PREFIX = 'hv';

/** The `hypervisors` section (absent: no hypervisors, no VMs, no migrations). */
export const hypervisorsSchema = section(
  {
    count: count(1, 65_536).describe('Number of hypervisors, named hv-1 … hv-N (required).'),
    placement: edgeListSchema.default('spread')
      .describe('Where the hypervisors attach, each to one host port of an edge switch: spread (default) = round-robin over all edge switches from the first (hv-1 on the first, hv-2 on the second, …), skipping full switches; or a list of edge switch names, round-robin over those. They are placed after the gateway and before the host groups on edge switch ports.'),
    vswitchAgingTime: duration({ positive: true }).prefault('300s')
      .describe('MAC ageing time of every hypervisor\'s virtual switch (default 300s, as Open vSwitch\'s mac-aging-time and the Linux bridge\'s ageing_time).'),
    vswitch: z.enum(VSWITCH_KINDS as [VswitchKind, ...VswitchKind[]]).default('linux-bridge')
      .describe('The kind of virtual switch, which decides how the port of a guest whose interface is re-plugged (a migration with guestLink: replug) comes up: linux-bridge (default: the port is enabled only after the guest\'s link-up notifier ran, so its arp_notify GARP is dropped; Linux net/bridge, measured on 6.18), ovs (Open vSwitch\'s datapath takes frames from the moment the port is added; net/openvswitch/vport-netdev.c) or vendor (a vendor vSwitch such as VMware\'s, whose port is connected before the guest runs; unverified).'),
    vlan: count(1, 4094).default(1)
      .describe('VLAN of the VMs: their vSwitch ports are access ports of it, and the uplink carries it tagged when it is not 1 (default 1).'),
  },
  'Hypervisor hosts, named hv-1 … hv-N: each a virtual switch with one uplink to an edge switch port and one port per VM. Host groups with `on: hypervisors` are VMs on them; only VMs can migrate (default: no hypervisors).',
);

/** The parsed `hypervisors` section. */
export type HypervisorSettings = z.output<typeof hypervisorsSchema>;
