/**
 * What a scenario implies about individual nodes, put together: every switch, the gateway's nodes, the
 * hypervisors and every host with its attachment (an edge switch port, or a hypervisor for a VM), its
 * MAC and its addresses. The cross-field checks use the same rules (names.ts, placement.ts,
 * mac-plan.ts, address-plan.ts) to find impossible scenarios, and a builder uses
 * {@link scenarioLayout} to create exactly the nodes the checks accepted, so the two cannot disagree.
 */
import type { Scenario } from '../normalise.js';
import { blockAddress, planAddresses } from './address-plan.js';
import { gatewayMac, hostMac, nthMac } from './mac-plan.js';
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
  return {
    switches,
    edgeSwitches: edges,
    gateways,
    hypervisors,
    hostCount: n - 1,
    host,
    *hosts() {
      for (let g = 0; g < scenario.hosts.length; g++) {
        for (let i = 0; i < scenario.hosts[g]!.count; i++) yield host(g, i);
      }
    },
  };
}
