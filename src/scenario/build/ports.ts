/**
 * The ports of the fabric's switches as the security section names them: each with its class
 * (host-facing, hypervisor-facing, gateway-facing, fabric) and the node plugged into it, read from a
 * built network. {@link planPorts} builds the fabric and plugs the gateways, hypervisors and hosts in
 * with the builders themselves (no traffic, nothing run), so the validation of a scenario sees exactly
 * the ports its run will have.
 */
import type { Topology } from '../../net/index.js';
import { Network } from '../../net/index.js';
import type { Hypervisor } from '../../migration/index.js';
import { Kernel } from '../../sim/index.js';
import type { Host } from '../../stack/index.js';
import { scenarioLayout } from '../layout/index.js';
import type { Scenario } from '../normalise.js';
import type { PortClass } from '../sections/security.js';
import type { BuildContext } from './context.js';
import { prefixLength } from './context.js';
import { buildFabric } from './fabric.js';
import { buildGateways } from './gateways.js';
import { buildHosts, buildHypervisors } from './hosts.js';

/** One port of a fabric switch. */
export interface PortView {
  readonly index: number;
  /** `leaf-2:p3`. */
  readonly name: string;
  readonly cls: PortClass;
  /** The node plugged into it (a host, a gateway node, a hypervisor, a switch), or null. */
  readonly node: string | null;
}

/** One fabric switch and its ports. */
export interface SwitchView {
  readonly name: string;
  readonly edge: boolean;
  readonly ports: readonly PortView[];
}

/** The ports of every fabric switch of `topology`, classified by what is plugged into them. */
export function switchPorts(topology: Topology, gateways: readonly Host[], hypervisors: ReadonlyMap<string, Hypervisor>): SwitchView[] {
  const fabric = new Set<unknown>(topology.switches.values());
  const gatewayNodes = new Set<unknown>(gateways);
  const hvSwitches = new Set<unknown>([...hypervisors.values()].map((h) => h.vswitch));
  const edges = new Set(topology.edgeSwitches.map((s) => s.name));
  const out: SwitchView[] = [];
  for (const sw of topology.switches.values()) {
    const hostPorts = new Set(edges.has(sw.name) ? topology.hostPorts(sw.name).map((p) => p.index) : []);
    const ports: PortView[] = sw.ports.map((p) => {
      const owner = p.peer?.owner ?? null;
      const node = owner === null ? null : owner.name;
      const cls: PortClass = owner === null ? (hostPorts.has(p.index) ? 'host-facing' : 'fabric')
        : fabric.has(owner) ? 'fabric'
          : hvSwitches.has(owner) ? 'hypervisor-facing'
            : gatewayNodes.has(owner) ? 'gateway-facing'
              : 'host-facing';
      return { index: p.index, name: p.name, cls, node };
    });
    out.push({ name: sw.name, edge: edges.has(sw.name), ports });
  }
  return out;
}

/**
 * The ports `scenario`'s run will have (its first run's gateway; placement does not vary between
 * runs). Throws when the scenario does not lay out (validate it first).
 */
export function planPorts(scenario: Scenario): SwitchView[] {
  const kernel = new Kernel({ seed: 0 });
  const network = new Network(kernel);
  const topology = buildFabric(network, scenario);
  const run = scenario.runs[0]!;
  const c: BuildContext = {
    scenario, run, kernel, network, topology,
    layout: scenarioLayout(scenario),
    v4Prefix: prefixLength(scenario.subnet.ipv4),
    v6Prefix: prefixLength(scenario.subnet.ipv6),
  };
  const gateways = buildGateways(c);
  const hypervisors = buildHypervisors(c);
  buildHosts(c, gateways, hypervisors);
  return switchPorts(topology, gateways.nodes, hypervisors);
}
