/**
 * From the schema's output to a {@link Scenario}: the defaults that depend on other fields are filled
 * in (the gateway's addresses, MAC and attachment, flow names, families and stop times, the pcap
 * node), shorthand is expanded (`attach: leaf-1` → `['leaf-1']`, `on: hv-2` → `['hv-2']`), loss
 * models become the link layer's `LossSpec`, remedies the migration model's `RemedySpec`, and
 * migrations and variants are resolved into runs (runs.ts). The function is total: it never throws,
 * even for a scenario that the cross-field checks will refuse, so that those checks can run on it;
 * an explicit value is always kept as written (in canonical form), so the checks can tell it from a
 * default.
 */
import type { RemedySpec } from '../migration/index.js';
import { gilbertElliottFor } from '../net/index.js';
import type { CongestionWindow, LossSpec } from '../net/index.js';
import type { Family } from './addresses.js';
import { addressFamily, bigIntToAddress, parseAddress, prefixOf, usableRange } from './addresses.js';
import { edgeSwitchNames } from './layout/index.js';
import type { Migration, RunSpec } from './runs.js';
import { remedySpec, resolveRuns } from './runs.js';
import type { ParsedScenario } from './schema.js';
import type { EventSettings } from './sections/events.js';
import type { HypervisorSettings } from './sections/hypervisors.js';
import type { LossRuleSettings } from './sections/loss.js';
import type { GatewaySettings, HostGroupSettings } from './sections/nodes.js';
import type { RemedySettings } from './sections/remedies.js';
import type { FlowSettings } from './sections/traffic.js';

/** The VRRP virtual MAC of VRID 1 (RFC 5798 §7.3), the default of pair and anycast gateways. */
export const DEFAULT_VIRTUAL_MAC = '00:00:5e:00:01:01';

/** The gateway section, completed. */
export interface Gateway extends Omit<GatewaySettings, 'ipv4' | 'ipv6' | 'virtualMac' | 'attach'> {
  /** The gateway's IPv4 address (the virtual one for pair and anycast), canonical; null for none. */
  readonly ipv4: string | null;
  /** The gateway's IPv6 address (the virtual one for pair and anycast), canonical; null for none. */
  readonly ipv6: string | null;
  /** The virtual MAC of a pair or anycast gateway; null for core. */
  readonly virtualMac: string | null;
  /** Edge switches the gateway attaches to: one for core, two for pair, none for anycast. */
  readonly attach: readonly string[];
}

/** The hypervisors section, completed. */
export interface Hypervisors extends Omit<HypervisorSettings, 'placement'> {
  /** `spread`, or the edge switches to round-robin over. */
  readonly placement: 'spread' | readonly string[];
}

/** A host group, completed. */
export interface HostGroup extends Omit<HostGroupSettings, 'on' | 'placement' | 'ipv4' | 'ipv6'> {
  /** `edge` (hosts on edge switch ports), `hypervisors` (VMs on every hypervisor), or the hypervisors to round-robin over. */
  readonly on: 'edge' | 'hypervisors' | readonly string[];
  /** `spread`, or the edge switches to round-robin over (hosts on edge switch ports only). */
  readonly placement: 'spread' | readonly string[];
  /** `auto`, `none`, or the first address (canonical); `auto` without an IPv4 subnet becomes `none`. */
  readonly ipv4: string;
  /** `auto`, `none`, or the first address (canonical); `auto` without an IPv6 subnet becomes `none`. */
  readonly ipv6: string;
}

type CompleteFlow<F> = F extends unknown
  ? Omit<F, 'name' | 'family' | 'stop'> & {
    /** The flow's name (default `<kind>-<from>-<to>`). */
    readonly name: string;
    readonly family: Family;
    /** When sending stops, ns (default: the end of the simulation). */
    readonly stop: number;
  }
  : never;

/** A traffic flow, completed: a union by `kind`, as in the file. */
export type Flow = CompleteFlow<FlowSettings>;

/** An event, as in the file (with defaults). */
export type ScenarioEvent = EventSettings;

/** A loss rule, with its model as the link layer takes it. */
export interface LossRule extends Omit<LossRuleSettings, 'model' | 'congestion'> {
  readonly model: LossSpec;
  readonly congestion: readonly CongestionWindow[];
}

// The parsed remedies are exactly the model's (where the model has a default, the file always gives
// a value): a field added to one side only is a compile error here.
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const REMEDY_SHAPES_AGREE: SameKeys<Readonly<Required<RemedySettings>>, Required<RemedySpec>> = true;
void REMEDY_SHAPES_AGREE;

/**
 * A validated scenario, ready for a builder: every default applied, times in integer nanoseconds,
 * rates in bits (or packets, or bytes) per second, sizes in bytes, addresses and MACs in canonical
 * text. Names, places, addresses and MACs of individual nodes follow from it through
 * `scenarioLayout`.
 *
 * The top-level `gateway`, `hosts`, `loss`, `events`, `remedies`, `migrations` and `seed` are the
 * scenario as written; `runs` are what to simulate: one per variant with its replacements applied,
 * or the scenario itself as the only run. A builder loops over `runs`.
 */
export interface Scenario extends Omit<ParsedScenario, 'gateway' | 'hypervisors' | 'hosts' | 'traffic' | 'events' | 'loss' | 'remedies' | 'migrations' | 'variants' | 'output'> {
  readonly gateway: Gateway;
  /** The hypervisors, or null when the scenario has none. */
  readonly hypervisors: Hypervisors | null;
  readonly hosts: readonly HostGroup[];
  readonly traffic: readonly Flow[];
  readonly events: readonly ScenarioEvent[];
  readonly loss: readonly LossRule[];
  /** The top-level remedies (for migrations without their own). */
  readonly remedies: readonly RemedySpec[];
  /** The migrations, with their remedies resolved as written (no variant applied). */
  readonly migrations: readonly Migration[];
  /** The runs to simulate: one per variant, or one named after the scenario. */
  readonly runs: readonly RunSpec[];
  readonly output: {
    /** The node where the `--pcap` capture is taken. */
    readonly pcap: string;
  };
}

function firstUsable(prefix: string | undefined, family: Family): string | null {
  if (prefix === undefined) return null;
  return bigIntToAddress(usableRange(prefixOf(prefix, family)).first, family);
}

function gatewayAddress(value: string, prefix: string | undefined, family: Family): string | null {
  if (value === 'none') return null;
  if (value === 'auto') return firstUsable(prefix, family);
  return value;
}

function hostAddress(value: string, prefix: string | undefined): string {
  return value === 'auto' && prefix === undefined ? 'none' : value;
}

/** The model of a loss rule as the link layer takes it (total: unreachable parameters are clamped; the cross-field check reports them). */
export function lossSpec(model: LossRuleSettings['model']): LossSpec {
  switch (model.kind) {
    case 'none': return { kind: 'none' };
    case 'bernoulli': return { kind: 'bernoulli', rate: model.rate };
    case 'gilbert-elliott': {
      if (model.lossRate !== undefined && model.meanBurstLength !== undefined) {
        try {
          return gilbertElliottFor(model.lossRate, model.meanBurstLength);
        } catch {
          return { kind: 'gilbert-elliott', pGoodToBad: 1, pBadToGood: 1 / model.meanBurstLength, lossGood: 0, lossBad: 1 };
        }
      }
      return {
        kind: 'gilbert-elliott',
        pGoodToBad: model.pGoodToBad ?? 0,
        pBadToGood: model.pBadToGood ?? 1,
        lossGood: model.lossGood ?? 0,
        lossBad: model.lossBad ?? 1,
      };
    }
  }
}

function flowFamily(flow: FlowSettings, s: ParsedScenario): Family {
  if (flow.family !== undefined) return flow.family;
  const toFamily = addressFamily(flow.to.trim());
  if (toFamily !== undefined) return toFamily;
  return s.subnet.ipv4 !== undefined || s.subnet.ipv6 === undefined ? 'ipv4' : 'ipv6';
}

function completeFlow(flow: FlowSettings, s: ParsedScenario): Flow {
  const family = flowFamily(flow, s);
  const toFamily = addressFamily(flow.to.trim());
  const to = toFamily === undefined ? flow.to : (() => {
    const r = parseAddress(flow.to, toFamily);
    return r.ok ? r.value : flow.to;
  })();
  return {
    ...flow,
    to,
    name: flow.name ?? `${flow.kind}-${flow.from}-${to}`,
    family,
    stop: flow.stop ?? s.duration,
  } as Flow;
}

/** Completes the schema's output into a {@link Scenario} (see the module comment). */
export function normaliseScenario(s: ParsedScenario): Scenario {
  const edges = edgeSwitchNames(s.fabric);
  const g = s.gateway;
  const attach = g.attach === undefined
    ? g.placement === 'core' ? edges.slice(0, 1) : g.placement === 'pair' ? [edges[0]!, edges[1] ?? edges[0]!] : []
    : typeof g.attach === 'string' ? [g.attach] : g.attach;
  const virtualMac = g.virtualMac === 'auto' ? (g.placement === 'core' ? null : DEFAULT_VIRTUAL_MAC) : g.virtualMac;
  const gateway: Gateway = {
    ...g,
    ipv4: gatewayAddress(g.ipv4, s.subnet.ipv4, 'ipv4'),
    ipv6: gatewayAddress(g.ipv6, s.subnet.ipv6, 'ipv6'),
    virtualMac,
    attach,
  };
  const hosts: HostGroup[] = s.hosts.map((h) => ({
    ...h,
    on: h.on === 'edge' || h.on === 'hypervisors' ? h.on : typeof h.on === 'string' ? [h.on] : h.on,
    placement: edgeList(h.placement),
    ipv4: hostAddress(h.ipv4, s.subnet.ipv4),
    ipv6: hostAddress(h.ipv6, s.subnet.ipv6),
  }));
  const hypervisors: Hypervisors | null = s.hypervisors === undefined ? null : { ...s.hypervisors, placement: edgeList(s.hypervisors.placement) };
  const firstGateway = g.placement === 'core' ? 'gateway' : g.placement === 'pair' ? 'gateway-1' : `gateway-${edges[0]!}`;
  const loss = s.loss.map(lossRule);
  const remedies = s.remedies.map(remedySpec);
  const { variants: _variants, ...rest } = s;
  const { migrations, runs } = resolveRuns(
    { name: s.name, description: s.description ?? null, seed: s.seed, gateway, hosts, loss, events: s.events, remedies, hypervisors, security: s.security ?? null },
    s.migrations,
    s.variants,
    lossRule,
  );
  return {
    ...rest,
    gateway,
    hypervisors,
    hosts,
    traffic: s.traffic.map((f) => completeFlow(f, s)),
    loss,
    remedies,
    migrations,
    runs,
    output: { pcap: s.output.pcap ?? firstGateway },
  };
}

function edgeList(placement: string | readonly string[]): 'spread' | readonly string[] {
  return placement === 'spread' ? 'spread' : typeof placement === 'string' ? [placement] : placement;
}

function lossRule(l: LossRuleSettings): LossRule {
  return { ...l, model: lossSpec(l.model) };
}
