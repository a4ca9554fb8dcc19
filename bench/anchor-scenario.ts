/**
 * The two anchor scenarios (an ARP storm in one Layer-2 domain, and steady unicast forwarding after
 * it) as arpshift scenario files: one core switch (`spine-1` of a one-spine leaf-spine fabric) with
 * the gateway on a 10 Gbit/s link of its own, ceil(N / 40) top-of-rack switches (`leaf-1` …) on
 * 10 Gbit/s links, N hosts round-robin over the racks on 1 Gbit/s links, every link 1 us long; plain
 * learning bridges; IPv4 only, 198.18.0.0/16, the gateway .0.1 and host i 198.18.0.2 + i. Host i
 * sends one 64-byte datagram to the gateway at s_i (mulberry32, seed 1, over 1 s: the same start times
 * as the ns-3 program); `steady` adds 1000 datagrams per host every 10 ms from 2 s + (s_i mod 10 ms).
 * Profile `ns3` (ns-3's ArpCache: requests neither create nor update entries, ns-3 bug 107) on the
 * hosts and the gateway.
 */
import type { AnchorScenario } from './ns3.js';
import { HOSTS_PER_RACK, STEADY_DATAGRAMS_PER_HOST, racksFor } from './ns3.js';

/** The simulated duration of each scenario, in seconds (as the ns-3 program stops). */
export const ANCHOR_DURATION_SECONDS: Readonly<Record<AnchorScenario, number>> = { storm: 2, steady: 12.01 };

/** The scenario file (YAML) of `scenario` with `hosts` hosts. */
export function anchorScenarioYaml(scenario: AnchorScenario, hosts: number, seed = 1): string {
  const steady = scenario === 'steady'
    ? `
  - name: steady
    from: h
    to: gateway
    rate: 100pps
    start: 2s
    packets: ${STEADY_DATAGRAMS_PER_HOST}
    startSpread: { seed: ${seed}, over: 1s, wrap: 10ms }`
    : '';
  return `name: anchor-${scenario}-${hosts}
description: The ${scenario} anchor scenario with ${hosts} hosts (bench/anchor-scenario.ts).
duration: ${ANCHOR_DURATION_SECONDS[scenario]}s
seed: ${seed}
fabric:
  kind: leaf-spine
  leaves: ${racksFor(hosts)}
  spines: 1
  bridging: none
  hostPortsPerEdge: ${HOSTS_PER_RACK}
  macAgingTime: 300s
  links:
    access: { rate: 1Gbps, delay: 1us }
    fabric: { rate: 10Gbps, delay: 1us }
subnet:
  ipv4: 198.18.0.0/16
gateway:
  placement: core
  attach: spine-1
  profile: ns3
  link: { rate: 10Gbps }
hosts:
  - name: h
    count: ${hosts}
    profile: ns3
traffic:
  - name: storm
    from: h
    to: gateway
    rate: 1pps
    packets: 1
    startSpread: { seed: ${seed}, over: 1s }${steady}
`;
}
