/**
 * The builder: a validated {@link Scenario} becomes a model ready to run, put together from small
 * builders, one per concern, as ns-3's helpers are: the fabric (fabric.ts), the gateway in its
 * placement (gateways.ts), the hypervisors and hosts (hosts.ts), DHCP (dhcp.ts), the switches'
 * security features (security.ts), the traffic (traffic.ts), the timed events and link impairments
 * (events.ts), the migrations and remedies (migrations.ts), and the contention cases (contention.ts);
 * the scenario's own instants (migration phases, events) are reserved first, on its clock
 * (timeline.ts), so they run first at their time. Models
 * never read YAML; this is the only place that turns settings into objects. The builders run in a
 * fixed order, so the same scenario and seed give the same model, event for event.
 *
 * Conventions the builders fix (documented in the README): names, MACs and addresses come from the
 * layout (layout/); VMs are plugged into their hypervisor's virtual switch, named like the hypervisor
 * (hv-3).
 */
import type { LearningSwitch, Topology } from '../../net/index.js';
import { Network } from '../../net/index.js';
import type { Hypervisor, LiveMigration } from '../../migration/index.js';
import { Kernel } from '../../sim/index.js';
import type { Host, RedundantGatewayPair } from '../../stack/index.js';
import type { ScenarioLayout } from '../layout/index.js';
import { scenarioLayout } from '../layout/index.js';
import type { Scenario } from '../normalise.js';
import type { RunSpec } from '../runs.js';
import type { BuildContext } from './context.js';
import { prefixLength } from './context.js';
import { applyImpairments, scheduleEvents } from './events.js';
import { buildFabric } from './fabric.js';
import { buildGateways } from './gateways.js';
import { buildHosts, buildHypervisors } from './hosts.js';
import { buildMigrations } from './migrations.js';
import type { BuiltClaimant } from './contention.js';
import { buildContention } from './contention.js';
import type { BuiltDhcp } from './dhcp.js';
import { buildDhcp } from './dhcp.js';
import type { BuiltSecurity, PlannedAddresses } from './security.js';
import { buildSecurity, plannedAddresses } from './security.js';
import { ScenarioTimeline } from './timeline.js';
import type { BuiltTraffic } from './traffic.js';
import { buildTraffic } from './traffic.js';
import type { Ipv4Address } from '../../wire/index.js';

/** The model of one run. */
export interface Model {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly kernel: Kernel;
  readonly network: Network;
  readonly topology: Topology;
  readonly layout: ScenarioLayout;
  /** Every gateway node. */
  readonly gateways: readonly Host[];
  /** Hosts by name (gateways not included). */
  readonly hosts: ReadonlyMap<string, Host>;
  /** Names of every end station (hosts and gateways), for metrics that look at end stations only. */
  readonly endStations: ReadonlySet<string>;
  /** Every switch: the fabric's, then the hypervisors' virtual switches. */
  readonly switches: readonly LearningSwitch[];
  readonly traffic: readonly BuiltTraffic[];
  /** The redundant pair, when the gateway placement is `pair`. */
  readonly pair: RedundantGatewayPair | null;
  /** The run this model is for. */
  readonly run: RunSpec;
  /** Hypervisors by name. */
  readonly hypervisors: ReadonlyMap<string, Hypervisor>;
  /** The run's migrations, in the scenario's order. */
  readonly migrations: readonly LiveMigration[];
  /** The run's switch security (null when it has none). */
  readonly security: BuiltSecurity | null;
  /** The DHCP server and clients (null without a dhcp section). */
  readonly dhcp: BuiltDhcp | null;
  /** The claimants of the contention cases, in the scenario's order. */
  readonly contention: readonly BuiltClaimant[];
  /** True for `gateway` and every gateway node's name. */
  isGateway(name: string): boolean;
}

/**
 * The names of every end station as a set: the gateway nodes', the hosts' (the hosts map's own keys:
 * a Set of its own with a copy of a million names took as long to fill as the map), the contention
 * claimants'; iterated in that order. Every node's name is unique in its network (`Network.add`), so
 * the three lists never share a name.
 */
class EndStationNames implements ReadonlySet<string> {
  private readonly first: readonly string[];
  private readonly hosts: ReadonlyMap<string, unknown>;
  private readonly last: readonly string[];
  private readonly others: ReadonlySet<string>;

  constructor(first: readonly string[], hosts: ReadonlyMap<string, unknown>, last: readonly string[]) {
    this.first = first;
    this.hosts = hosts;
    this.last = last;
    this.others = new Set([...first, ...last]);
  }

  has(name: string): boolean {
    return this.hosts.has(name) || this.others.has(name);
  }

  get size(): number {
    return this.first.length + this.hosts.size + this.last.length;
  }

  *values(): IterableIterator<string> {
    yield* this.first;
    yield* this.hosts.keys();
    yield* this.last;
  }

  keys(): IterableIterator<string> {
    return this.values();
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of this.values()) yield [name, name];
  }

  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const name of this.values()) callback.call(thisArg, name, name, this);
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.values();
  }
}

/** Builds the model of one run of `scenario` (the first when none is given), with `seed` (default the run's). */
export function buildModel(scenario: Scenario, run: RunSpec = scenario.runs[0]!, seed: number = run.seed): Model {
  const kernel = new Kernel({ seed });
  // The scenario's own instants first, so that they run first at their time (timeline.ts).
  const timeline = new ScenarioTimeline(kernel, run);
  const network = new Network(kernel);
  const topology = buildFabric(network, scenario);
  const dhcpGroups = new Set(scenario.dhcp?.groups ?? []);
  const c: BuildContext = {
    scenario, run, kernel, network, topology,
    layout: scenarioLayout(scenario),
    v4Prefix: prefixLength(scenario.subnet.ipv4),
    v6Prefix: prefixLength(scenario.subnet.ipv6),
    dhcpGroups,
  };
  const gateways = buildGateways(c);
  const hypervisors = buildHypervisors(c);
  const hosts = buildHosts(c, gateways, hypervisors);
  const planned = scenario.dhcp !== undefined || run.security !== null || scenario.contention.length > 0;
  const addresses: ReadonlyMap<string, PlannedAddresses> = planned ? plannedAddresses(c, gateways, dhcpGroups) : new Map();
  const dhcp = buildDhcp(c, gateways, hosts, addresses);
  const security = buildSecurity(c, gateways, hosts, hypervisors, addresses, dhcp?.server ?? null);
  const planned4 = new Map<string, Ipv4Address>();
  for (const [name, a] of addresses) if (a.dhcp && a.ipv4[0] !== undefined) planned4.set(name, a.ipv4[0]);
  const traffic = buildTraffic(c, gateways, hosts, planned4);
  scheduleEvents(c, gateways, hosts, timeline);
  applyImpairments(c);
  const switches = [...topology.switches.values(), ...[...hypervisors.values()].map((x) => x.vswitch)];
  const migrations = buildMigrations(c, switches, gateways.nodes, hosts, hypervisors, timeline, security?.plane ?? null, dhcp?.clients ?? null);
  const contention = buildContention(c, gateways, hosts, hypervisors, addresses, security?.plane ?? null);
  const endStations = new EndStationNames(gateways.nodes.map((x) => x.name), hosts, contention.map((x) => x.name));
  const gatewayNames = new Set(['gateway', ...gateways.nodes.map((x) => x.name)]);
  return {
    scenario, seed, kernel, network, topology, layout: c.layout, gateways: gateways.nodes, hosts, endStations, switches, traffic,
    pair: gateways.pair, run, hypervisors, migrations, security, dhcp, contention, isGateway: (name) => gatewayNames.has(name),
  };
}
