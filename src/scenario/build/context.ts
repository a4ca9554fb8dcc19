/**
 * What every builder of one run shares: the scenario and the run, the kernel and network being
 * built, the fabric and the layout, and the subnet prefix lengths.
 */
import type { LinkConfig, Network } from '../../net/index.js';
import type { Topology } from '../../net/index.js';
import type { Kernel } from '../../sim/index.js';
import type { ImplementationProfile } from '../../stack/index.js';
import { PROFILES, withOverrides } from '../../stack/index.js';
import type { ScenarioLayout } from '../layout/index.js';
import type { Scenario } from '../normalise.js';
import type { RunSpec } from '../runs.js';

/** The shared state of one model being built. */
export interface BuildContext {
  readonly scenario: Scenario;
  readonly run: RunSpec;
  readonly kernel: Kernel;
  readonly network: Network;
  readonly topology: Topology;
  readonly layout: ScenarioLayout;
  /** Prefix lengths of the subnet (0 for a family the scenario does not have). */
  readonly v4Prefix: number;
  readonly v6Prefix: number;
  /** Host groups whose IPv4 addresses come from DHCP (the dhcp section): their hosts are built without one. */
  readonly dhcpGroups?: ReadonlySet<string>;
}

/** The profile named `name` with per-node overrides. */
export function profileFor(name: string, overrides: Readonly<Record<string, number | undefined>>): ImplementationProfile {
  const base = PROFILES[name];
  if (base === undefined) throw new RangeError(`unknown profile ${name}`);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Record<string, number>;
  return withOverrides(base, defined);
}

/** The length of a prefix written `address/length`, or 0 when there is none. */
export function prefixLength(prefix: string | undefined): number {
  return prefix === undefined ? 0 : Number(prefix.split('/')[1]);
}

/** A node's own link settings (`link` of the gateway or a host group). */
export interface NodeLinkSettings {
  readonly rate?: number | undefined;
  readonly delay?: number | undefined;
  readonly queue?: number | undefined;
}

/**
 * The link of a node whose settings give `link`: the access link class of the fabric, field by field
 * replaced by what `link` gives; undefined when it gives nothing (the topology's host link then).
 */
export function nodeLinkConfig(c: BuildContext, link: NodeLinkSettings | undefined): LinkConfig | undefined {
  if (link === undefined) return undefined;
  const access = c.scenario.fabric.links.access;
  return { rate: link.rate ?? access.rate, delay: link.delay ?? access.delay, queueBytes: link.queue ?? access.queue };
}
