/**
 * The `fabric` section: the Layer-2 network the hosts and gateways attach to, by generator kind
 * (`leaf-spine`, `tree`, `fat-tree`, `single`, each with its own size fields), with the settings
 * every kind shares (host ports, bridging mode, MAC tables, link classes). Switch names follow from
 * the kind and sizes (layout/names.ts): `spine-1`, `leaf-3`; `core-1`, `aggregation-2` (or
 * `aggregation2-3` in a deeper tree), `access-4`; `core-1`, `pod-2-aggregation-1`, `pod-2-edge-1`;
 * `switch-1`.
 */
import { z } from 'zod';
import { bitRate, count, duration, section, size } from '../fields.js';

/** How the switches bridge (src/net topology modes). */
export const BRIDGING_MODES = ['none', 'stp', 'rstp', 'spb'] as const;

/** The fabric generators. */
export const FABRIC_KINDS = ['leaf-spine', 'tree', 'fat-tree', 'single'] as const;

/** The most aggregation tiers a tree may have (a depth of 10 tiers). */
export const MAX_AGGREGATION_TIERS = 8;

function linkClass(defaults: { rate: string; delay: string; queue: string }, description: string) {
  return section(
    {
      rate: bitRate().prefault(defaults.rate).describe(`Line rate of each direction (default ${defaults.rate}).`),
      delay: duration().prefault(defaults.delay).describe(`One-way propagation delay (default ${defaults.delay}; 1us is about 200 m of fibre).`),
      queue: size({ min: 1 }).prefault(defaults.queue).describe(`Drop-tail queue capacity per direction, bytes (default ${defaults.queue}).`),
    },
    description,
  ).prefault({});
}

const links = section(
  {
    access: linkClass({ rate: '10Gbps', delay: '1us', queue: '1MiB' }, 'Links between hosts or gateways and edge switches.'),
    fabric: linkClass({ rate: '40Gbps', delay: '1us', queue: '4MiB' }, 'Links between switches.'),
  },
  'Link classes: every link of a class has these settings (impairments per link are in `loss`).',
).prefault({});

const common = {
  hostPortsPerEdge: count(1, 4096).default(48)
    .describe('Host-facing ports per edge switch (leaf, access, fat-tree edge, or the single switch); hosts and gateways that attach to a switch each take one (default 48).'),
  bridging: z.enum(BRIDGING_MODES).default('rstp')
    .describe('How the switches bridge: none (plain learning bridges; only loop-free fabrics), stp (802.1D), rstp (802.1w, default), spb (shortest-path bridging fabric with edge learning).'),
  macAgingTime: duration({ positive: true }).prefault('300s')
    .describe('MAC address table ageing time of every switch (default 300s, the 802.1D default).'),
  macTableCapacity: count(1, 16_777_216).default(65_536)
    .describe('MAC address table entries per switch; when full, new addresses are not learnt and their frames flood (default 65536).'),
  links,
};

const kindHelp = 'Fabric generator: leaf-spine (default; every leaf connects to every spine), tree (core, any number of aggregation tiers, access), fat-tree (k-ary fat tree: k pods of k/2 aggregation and k/2 edge switches, (k/2)^2 core switches) or single (one switch, switch-1, as a lab of one bridge).';

const leafSpine = section(
  {
    kind: z.literal('leaf-spine').default('leaf-spine').describe(kindHelp),
    leaves: count(1, 1024).default(4).describe('Leaf switches, named leaf-1 … leaf-N; hosts attach to leaves (default 4).'),
    spines: count(1, 64).default(2).describe('Spine switches, named spine-1 … spine-N (default 2).'),
    ...common,
  },
  'A leaf-spine (Clos) fabric.',
);

const tree = section(
  {
    kind: z.literal('tree').describe(kindHelp),
    core: count(1, 64).default(2).describe('Core switches, named core-1 … core-N (default 2).'),
    aggregation: z.union([count(0, 512), z.array(count(1, 512)).min(1).max(MAX_AGGREGATION_TIERS)], { error: `a whole number from 0 to 512, or a list of 1 to ${MAX_AGGREGATION_TIERS} whole numbers from 1 to 512` })
      .meta({ examples: [2, 0, [2, 4]] })
      .default(2)
      .describe(`Aggregation switches: a number for one tier, named aggregation-1 … aggregation-N (default 2; each connects to every core switch); 0 for none (a two-tier tree: every access switch connects to every core switch); or a list, one number per tier from the top, for a deeper tree (at most ${MAX_AGGREGATION_TIERS} tiers): [2, 4] makes aggregation1-1, aggregation1-2 (each to every core switch) and aggregation2-1 … aggregation2-4, each below the tiers above it dual-homed to two switches of the tier above.`),
    access: count(1, 4096).default(4).describe('Access switches, named access-1 … access-N; hosts attach to access switches, each dual-homed to two switches of the tier above (default 4).'),
    ...common,
  },
  'A hierarchical tree (RFC 6820 §6.4): core, aggregation tiers (one by default: the three-tier tree), access; pairs in every tier but access have a peer link. Its redundant links close loops that stp, rstp or spb handle.',
);

const single = section(
  {
    kind: z.literal('single').describe(kindHelp),
    ...common,
  },
  'One switch, switch-1, that every host, gateway and hypervisor attaches to (a lab of one Linux bridge: bridging none, as its STP is off by default).',
);

const fatTree = section(
  {
    kind: z.literal('fat-tree').describe(kindHelp),
    k: count(2, 64).refine((k) => k % 2 === 0, { error: 'an even number from 2 to 64' }).default(4)
      .describe('Ports per switch of the k-ary fat tree (even): k pods of k/2 aggregation switches (pod-P-aggregation-I) and k/2 edge switches (pod-P-edge-I), (k/2)^2 core switches (core-N) (default 4).'),
    ...common,
  },
  'A k-ary fat tree (Al-Fares et al., SIGCOMM 2008).',
);

/** The `fabric` section. */
export const fabricSchema = z
  .discriminatedUnion('kind', [leafSpine, tree, fatTree, single])
  .prefault({})
  .describe('The Layer-2 fabric: its generator and size, bridging mode, MAC tables and link classes (default: a leaf-spine fabric of 4 leaves and 2 spines).');

/** The parsed `fabric` section. */
export type Fabric = z.output<typeof fabricSchema>;
