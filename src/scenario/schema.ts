/**
 * The scenario schema: the one source of truth for every setting of a scenario file — its type, its
 * default and its help text. The YAML loader validates against it, the JSON Schema for editors is
 * generated from it, and the parsed output (times in ns, rates in bit/s, sizes in bytes, addresses in
 * canonical text) is what normalise.ts completes into a {@link Scenario}.
 *
 * Sections live in `sections/`, one module each (fabric, addressing, nodes and profiles,
 * hypervisors, traffic, events, loss, remedies, migrations, dhcp, security, contention, variants,
 * output); add a setting there, with its description and default, and it appears in
 * validation, defaults and the JSON Schema at once. Rules that relate fields to each other (an
 * address inside its subnet, a name that must exist) are in cross-check.ts.
 */
import { z } from 'zod';
import { duration, name, section, seed } from './fields.js';
import { subnetSchema } from './sections/addressing.js';
import { eventSchema } from './sections/events.js';
import { fabricSchema } from './sections/fabric.js';
import { hypervisorsSchema } from './sections/hypervisors.js';
import { lossRuleSchema } from './sections/loss.js';
import { migrationSchema } from './sections/migrations.js';
import { gatewaySchema, hostGroupSchema } from './sections/nodes.js';
import { outputSchema } from './sections/output.js';
import { REMEDIES_HELP, remedySchema } from './sections/remedies.js';
import { contentionSchema } from './sections/contention.js';
import { dhcpSchema } from './sections/dhcp.js';
import { securitySchema } from './sections/security.js';
import { flowSchema } from './sections/traffic.js';
import { VARIANTS_HELP, variantSchema } from './sections/variants.js';

/** The schema of a scenario file. */
export const scenarioSchema = section(
  {
    name: name().describe('Short name of the scenario, used in reports and output file names (required).'),
    description: z.string().optional().describe('What the scenario shows, for people and reports.'),
    seed: seed().default(1)
      .describe('Seed of the random-number generator: the same scenario and seed give the same result (default 1).'),
    duration: duration({ positive: true }).prefault('60s').describe('Simulated time (default 60s).'),
    fabric: fabricSchema,
    subnet: subnetSchema,
    gateway: gatewaySchema,
    hypervisors: hypervisorsSchema.optional(),
    hosts: z.array(hostGroupSchema).default([]).describe('Groups of hosts; a group `vm` of count N makes vm-1 … vm-N, on edge switch ports or, with `on: hypervisors`, as VMs on the hypervisors (default none).'),
    traffic: z.array(flowSchema).default([]).describe('Application traffic flows (default none).'),
    events: z.array(eventSchema).default([]).describe('Things that happen at a time: restarts, links and hosts going down and up, table flushes (default none).'),
    loss: z.array(lossRuleSchema).default([]).describe('Link impairments: loss models and congestion windows (default none).'),
    remedies: z.array(remedySchema).default([])
      .describe(`Remedies after every migration; a migration's own remedies replace this list, and a variant's remedies replace both (default none: nothing announces a move). ${REMEDIES_HELP}`),
    migrations: z.array(migrationSchema).default([]).describe('Live migrations of VMs between hypervisors (default none).'),
    dhcp: dhcpSchema.optional(),
    security: securitySchema.optional(),
    contention: z.array(contentionSchema).default([]).describe('Second hosts claiming a VM\'s addresses: a clone, a misconfigured host, the source copy of a failed migration, a malicious VM (default none).'),
    variants: z.array(variantSchema).optional().describe(VARIANTS_HELP),
    output: outputSchema,
  },
  'An arpshift scenario: a Layer-2 data-center network, its gateway, hypervisors and hosts, traffic, events, impairments, live migrations and their remedies, DHCP, switch security features, address contention, and the variants to compare.',
);

/** A scenario file as the schema parses it, before normalisation (see {@link Scenario} in normalise.ts). */
export type ParsedScenario = z.output<typeof scenarioSchema>;

/** A scenario file as written (every field with a default may be left out). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
