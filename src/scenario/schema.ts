/**
 * The scenario schema: the one source of truth for every setting of a scenario file — its type, its
 * default and its help text. The YAML loader validates against it, the JSON Schema for editors is
 * generated from it, and the parsed output (times in ns, rates in bit/s, sizes in bytes, addresses in
 * canonical text) is what normalise.ts completes into a {@link Scenario}.
 *
 * Sections live in `sections/`, one module each (fabric, addressing, nodes and profiles, traffic,
 * events, loss, output); add a setting there, with its description and default, and it appears in
 * validation, defaults and the JSON Schema at once. Rules that relate fields to each other (an
 * address inside its subnet, a name that must exist) are in cross-check.ts.
 */
import { z } from 'zod';
import { duration, name, section } from './fields.js';
import { subnetSchema } from './sections/addressing.js';
import { eventSchema } from './sections/events.js';
import { fabricSchema } from './sections/fabric.js';
import { lossRuleSchema } from './sections/loss.js';
import { gatewaySchema, hostGroupSchema } from './sections/nodes.js';
import { outputSchema } from './sections/output.js';
import { flowSchema } from './sections/traffic.js';

/** The schema of a scenario file. */
export const scenarioSchema = section(
  {
    name: name().describe('Short name of the scenario, used in reports and output file names (required).'),
    description: z.string().optional().describe('What the scenario shows, for people and reports.'),
    seed: z.int({ error: 'a whole number from 0 to 2^53 - 1' }).min(0).max(Number.MAX_SAFE_INTEGER).default(1)
      .describe('Seed of the random-number generator: the same scenario and seed give the same result (default 1).'),
    duration: duration({ positive: true }).prefault('60s').describe('Simulated time (default 60s).'),
    fabric: fabricSchema,
    subnet: subnetSchema,
    gateway: gatewaySchema,
    hosts: z.array(hostGroupSchema).default([]).describe('Groups of hosts; a group `vm` of count N makes vm-1 … vm-N (default none).'),
    traffic: z.array(flowSchema).default([]).describe('Application traffic flows (default none).'),
    events: z.array(eventSchema).default([]).describe('Things that happen at a time: restarts, links and hosts going down and up, table flushes (default none).'),
    loss: z.array(lossRuleSchema).default([]).describe('Link impairments: loss models and congestion windows (default none).'),
    output: outputSchema,
  },
  'An arpshift scenario: a Layer-2 data-center network, its gateway and hosts, traffic, events and impairments.',
);

/** A scenario file as the schema parses it, before normalisation (see {@link Scenario} in normalise.ts). */
export type ParsedScenario = z.output<typeof scenarioSchema>;

/** A scenario file as written (every field with a default may be left out). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
