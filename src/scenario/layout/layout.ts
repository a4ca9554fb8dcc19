/**
 * What a scenario implies about individual nodes, put together: every switch, the gateway's nodes, the
 * hypervisors and every host with its attachment (an edge switch port, or a hypervisor for a VM), its
 * MAC and its addresses. The cross-field checks use the same rules (names.ts, placement.ts,
 * mac-plan.ts, address-plan.ts) to find impossible scenarios, and a builder uses
 * {@link scenarioLayout} to create exactly the nodes the checks accepted, so the two cannot disagree.
 */
import type { Scenario } from '../normalise.js';
import { blockAddress, blockIpv4, planAddresses } from './address-plan.js';
import { gatewayMac, hostMac, hostMacNumber, macNumber, nthMac } from './mac-plan.js';
import type { GatewayNode, SwitchLayout } from './names.js';
import { fabricSwitches, gatewayNodes, hypervisorName } from './names.js';
import { NO_EDGE, placeHosts } from './placement.js';

/** One host, as a builder creates it. */
export interface HostLayout {
  readonly name: string;
  /** Index of its group in `scenario.hosts`, and its index in the group (0-based). */
  readonly group: number;
  readonly index: number;
  /** Its number among all hosts (1-based, group by group), which its MAC carries. */
  readonly number: number;
  /** The edge switch it attaches to: its own port's, or, for a VM, its hypervisor's. */
  readonly edge: string;
  /** For a VM, the hypervisor it starts on (hv-3); null for a host on an edge switch port. */
  readonly hypervisor: string | null;
  /** Its MAC (lower-case colon hex): its group's `mac` and onwards, or the MAC plan's (mac-plan.ts). */
  readonly mac: string;
  readonly ipv4: string | null;
  readonly ipv6: string | null;
}

/**
 * The hosts of one group as a builder creates them, host by host without an object or text per host
 * (a million-VM domain would otherwise write out and parse back a million MACs and addresses): the
 * same values as {@link HostLayout}'s, as numbers. `i` is the host's 0-based index in the group.
 */
export interface HostGroupLayout {
  /** Index of the group in `scenario.hosts`. */
  readonly group: number;
  readonly count: number;
  /** `<group>-<i + 1>`. */
  name(i: number): string;
  /** Its MAC as a 48-bit number (what `parseMac` gives for {@link HostLayout.mac}). */
  mac(i: number): number;
  /** Its IPv4 address as an unsigned 32-bit number (what `parseIpv4` gives for {@link HostLayout.ipv4}); -1 for none. */
  ipv4(i: number): number;
  /** Its IPv6 address in canonical text, or null. */
  ipv6(i: number): string | null;
  /** For a VM, the 0-based index of the hypervisor it starts on (0 is hv-1); -1 for a host on an edge switch port. */
  hypervisor(i: number): number;
  /** The edge switch it attaches to. */
  edge(i: number): string;
}

/** A gateway node with its addresses. */
export interface GatewayLayout extends GatewayNode {
  /** The addresses it answers for: its own (pair) and, when active or anycast, the gateway's. */
  readonly ownIpv4: string | null;
  readonly ownIpv6: string | null;
  /** Its own MAC: `gateway.mac` and onwards, or the MAC plan's (the virtual MAC of a pair or anycast gateway is `scenario.gateway.virtualMac`). */
  readonly mac: string;
}

/** A hypervisor: its virtual switch has one uplink to a host port of `edge`. */
export interface HypervisorLayout {
  /** `hv-1 … hv-N`. */
  readonly name: string;
  /** 0-based: `hv-1` is 0. */
  readonly index: number;
  /** The edge switch its uplink attaches to. */
  readonly edge: string;
}

/** The nodes a validated scenario makes (the same for every run: variants change nothing it depends on). */
export interface ScenarioLayout {
  readonly switches: readonly SwitchLayout[];
  readonly edgeSwitches: readonly string[];
  readonly gateways: readonly GatewayLayout[];
  /** The hypervisors, hv-1 first (empty without a hypervisors section). */
  readonly hypervisors: readonly HypervisorLayout[];
  readonly hostCount: number;
  /** Host `index` (0-based) of group `group`. */
  host(group: number, index: number): HostLayout;
  /** Every host, group by group. */
  hosts(): IterableIterator<HostLayout>;
  /** Group `group`'s hosts as numbers (see {@link HostGroupLayout}). */
  hostGroup(group: number): HostGroupLayout;
}

/**
 * The layout of a scenario that passed validation (loadScenario / checkScenario). Throws `RangeError`
 * when the scenario does not fit its network, which validation would have reported.
 */
export function scenarioLayout(scenario: Scenario): ScenarioLayout {
  const switches = fabricSwitches(scenario.fabric);
  const edges = switches.filter((s) => s.edge).map((s) => s.name);
  const placement = placeHosts(scenario);
  const plans = { ipv4: planAddresses(scenario, 'ipv4'), ipv6: planAddresses(scenario, 'ipv6') };
  const problems = [...plans.ipv4.problems, ...plans.ipv6.problems];
  const unplacedVms = placement.hypervisorOf.some((on) => on !== null && on.includes(NO_EDGE));
  if (problems.length > 0 || placement.overflow.some((n) => n > 0) || placement.hypervisorOverflow > 0 || unplacedVms) {
    throw new RangeError(`scenario ${scenario.name} does not fit its network; validate it first (${problems.length} address problems)`);
  }
  const gateways: GatewayLayout[] = gatewayNodes(scenario).map((g, i) => ({
    ...g,
    ownIpv4: scenario.gateway.placement === 'pair' ? plans.ipv4.members[i] ?? null : plans.ipv4.gateway,
    ownIpv6: scenario.gateway.placement === 'pair' ? plans.ipv6.members[i] ?? null : plans.ipv6.gateway,
    mac: scenario.gateway.mac === 'auto' ? gatewayMac(i + 1) : nthMac(scenario.gateway.mac, i),
  }));
  const hypervisors: HypervisorLayout[] = Array.from(placement.hypervisorEdge, (e, i) => ({ name: hypervisorName(i), index: i, edge: edges[e]! }));
  const firstNumber: number[] = [];
  let n = 1;
  for (const g of scenario.hosts) {
    firstNumber.push(n);
    n += g.count;
  }
  const host = (group: number, index: number): HostLayout => {
    const g = scenario.hosts[group];
    if (g === undefined || !Number.isInteger(index) || index < 0 || index >= g.count) throw new RangeError(`no host ${index} in group ${group}`);
    const b4 = plans.ipv4.groups[group];
    const b6 = plans.ipv6.groups[group];
    const on = placement.hypervisorOf[group];
    const number = firstNumber[group]! + index;
    return {
      name: `${g.name}-${index + 1}`,
      group,
      index,
      number,
      edge: edges[placement.edgeOf[group]![index]!]!,
      hypervisor: on === null || on === undefined ? null : hypervisorName(on[index]!),
      mac: g.mac === 'auto' ? hostMac(number) : nthMac(g.mac, index),
      ipv4: b4 === null || b4 === undefined ? null : blockAddress(b4, index, 'ipv4'),
      ipv6: b6 === null || b6 === undefined ? null : blockAddress(b6, index, 'ipv6'),
    };
  };
  const hostGroup = (group: number): HostGroupLayout => {
    const g = scenario.hosts[group];
    if (g === undefined) throw new RangeError(`no host group ${group}`);
    const b4 = plans.ipv4.groups[group] ?? null;
    const b6 = plans.ipv6.groups[group] ?? null;
    const on = placement.hypervisorOf[group] ?? null;
    const edgeOf = placement.edgeOf[group]!;
    const first = firstNumber[group]!;
    const firstMac = g.mac === 'auto' ? -1 : macNumber(g.mac);
    const prefix = `${g.name}-`;
    return {
      group,
      count: g.count,
      name: (i) => `${prefix}${i + 1}`,
      mac: (i) => (firstMac < 0 ? hostMacNumber(first + i) : firstMac + i),
      ipv4: (i) => (b4 === null ? -1 : blockIpv4(b4, i)),
      ipv6: (i) => (b6 === null ? null : blockAddress(b6, i, 'ipv6')),
      hypervisor: (i) => (on === null ? -1 : on[i]!),
      edge: (i) => edges[edgeOf[i]!]!,
    };
  };
  return {
    switches,
    edgeSwitches: edges,
    gateways,
    hypervisors,
    hostCount: n - 1,
    host,
    hostGroup,
    *hosts() {
      for (let g = 0; g < scenario.hosts.length; g++) {
        for (let i = 0; i < scenario.hosts[g]!.count; i++) yield host(g, i);
      }
    },
  };
}
