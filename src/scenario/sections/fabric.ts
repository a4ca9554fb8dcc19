/**
 * The `fabric` section: the Layer-2 network the hosts and gateways attach to, by generator kind
 * (`leaf-spine`, `tree`, `fat-tree`, each with its own size fields), with the settings every kind
 * shares (host ports, bridging mode, MAC tables, link classes). Switch names follow from the kind and
 * sizes (layout.ts): `spine-1`, `leaf-3`; `core-1`, `aggregation-2`, `access-4`; `core-1`,
 * `pod-2-aggregation-1`, `pod-2-edge-1`.
 */
import { z } from 'zod';
import { bitRate, count, duration, section, size } from '../fields.js';

/** How the switches bridge (src/net topology modes). */
export const BRIDGING_MODES = ['none', 'stp', 'rstp', 'spb'] as const;

/** The fabric generators. */
export const FABRIC_KINDS = ['leaf-spine', 'tree', 'fat-tree'] as const;

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
    .describe('Host-facing ports per edge switch (leaf, access or fat-tree edge); hosts and gateways that attach to a switch each take one (default 48).'),
  bridging: z.enum(BRIDGING_MODES).default('rstp')
    .describe('How the switches bridge: none (plain learning bridges; only loop-free fabrics), stp (802.1D), rstp (802.1w, default), spb (shortest-path bridging fabric with edge learning).'),
  macAgingTime: duration({ positive: true }).prefault('300s')
    .describe('MAC address table ageing time of every switch (default 300s, the 802.1D default).'),
  macTableCapacity: count(1, 16_777_216).default(65_536)
    .describe('MAC address table entries per switch; when full, new addresses are not learnt and their frames flood (default 65536).'),
  links,
};

const kindHelp = 'Fabric generator: leaf-spine (default; every leaf connects to every spine), tree (core / aggregation / access tiers) or fat-tree (k-ary fat tree: k pods of k/2 aggregation and k/2 edge switches, (k/2)^2 core switches).';

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
    aggregation: count(1, 512).default(2).describe('Aggregation switches, named aggregation-1 … aggregation-N (default 2).'),
    access: count(1, 4096).default(4).describe('Access switches, named access-1 … access-N; hosts attach to access switches (default 4).'),
    ...common,
  },
  'A three-tier tree: core, aggregation, access.',
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
  .discriminatedUnion('kind', [leafSpine, tree, fatTree])
  .prefault({})
  .describe('The Layer-2 fabric: its generator and size, bridging mode, MAC tables and link classes (default: a leaf-spine fabric of 4 leaves and 2 spines).');

/** The parsed `fabric` section. */
export type Fabric = z.output<typeof fabricSchema>;
