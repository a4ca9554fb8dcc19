/**
 * The `variants` section: the comparison of several runs of one scenario. Each variant is a run of
 * the same network, hosts, traffic and migrations with some parts replaced; the parts that can be
 * replaced are the ones a comparison varies (remedies, impairments, events, the gateway's and the
 * hosts' stacks, a migration's timing, port readiness, guest link and remedies, the seed, the
 * switches' security features, or none of them), and nothing that changes what nodes exist or
 * where they are, so every run has the same layout.
 *
 * A given field replaces the scenario's whole setting: lists are not merged, and `sysctls` objects
 * replace the scenario's `sysctls` object rather than adding keys to it. A field left out keeps the
 * scenario's setting. Validation uses the same schema pieces and cross-field checks as the top level,
 * so problems are located inside the variant (`variants[2].remedies[0].count`).
 */
import { z } from 'zod';
import { duration, name, section, seed } from '../fields.js';
import { eventSchema } from './events.js';
import { lossRuleSchema } from './loss.js';
import { PROFILE_HELP, profileName, sysctlsObjectSchema } from './profiles.js';
import { guestLinkSchema, timingSchema } from './migrations.js';
import { REMEDIES_HELP, remedySchema } from './remedies.js';
import { securitySchema } from './security.js';

/** The settings a variant may replace, in file order. */
export const VARIANT_OVERRIDES = ['remedies', 'loss', 'events', 'gateway', 'hostSysctls', 'migrations', 'seed', 'security'] as const;

/** The settings of one migration a variant may replace. */
export const VARIANT_MIGRATION_FIELDS = ['timing', 'portReadyAfter', 'guestLink', 'remedies'] as const;

/** A variant's change to one migration. */
export const variantMigrationSchema = section(
  {
    vm: z.string({ error: 'a VM name' }).min(1).describe('The VM whose migration this changes (vm-7): a VM the migrations list moves.'),
    at: duration().optional().describe('The start of the migration this changes, as the migrations list gives it: needed only when the VM moves more than once.'),
    timing: timingSchema.optional().describe('Replaces the migration\'s timing as a whole (explicit or pre-copy form, as in migrations).'),
    portReadyAfter: duration().optional().describe('Replaces the migration\'s portReadyAfter.'),
    guestLink: guestLinkSchema.optional().describe('Replaces the migration\'s guestLink: resume or replug (see migrations).'),
    remedies: z.array(remedySchema).optional().describe(`Replaces this migration's remedies (and, for it, the variant's own remedies list). ${REMEDIES_HELP}`),
  },
  `Changes one migration of this run: vm (and at) name it; ${VARIANT_MIGRATION_FIELDS.join(', ')} replace its settings; the VM, destination and start stay.`,
);

/** One variant. */
export const variantSchema = section(
  {
    name: name().describe('Name of the run, unique among the variants; used in reports and output file names (required).'),
    description: z.string().optional().describe('What this run shows.'),
    remedies: z.array(remedySchema).optional()
      .describe(`Replaces the remedies of every migration: the top-level list and the migrations' own lists alike. ${REMEDIES_HELP}`),
    loss: z.array(lossRuleSchema).optional().describe('Replaces the whole top-level loss list (not merged).'),
    events: z.array(eventSchema).optional().describe('Replaces the whole top-level events list (not merged).'),
    gateway: section(
      {
        profile: profileName().optional().describe(`Replaces the gateway's profile. ${PROFILE_HELP}`),
        sysctls: sysctlsObjectSchema.optional().describe('Replaces the gateway\'s sysctls object as a whole (not merged key by key); left out, the scenario\'s apply, and must suit the profile.'),
      },
      'Replaces the gateway\'s profile and overrides; placement, addresses and attachment cannot vary.',
    ).optional(),
    hostSysctls: z.record(z.string(), sysctlsObjectSchema)
      .optional()
      .describe('Per host group name, replaces that group\'s sysctls object as a whole (not merged key by key); groups not named keep theirs.'),
    migrations: z.array(variantMigrationSchema).optional()
      .describe(`Changes to single migrations in this run, each naming one migration by vm (and at) and replacing its ${VARIANT_MIGRATION_FIELDS.join(', ')}; migrations not named keep theirs.`),
    seed: seed().optional().describe('Replaces the seed (default: the scenario\'s seed, so that the runs share their random draws where they can).'),
    security: z.union([securitySchema, z.literal('none')], { error: 'a security section, or none' }).optional()
      .describe('Replaces the whole security section (not merged), or none: this run without security features (to compare a network with and without them).'),
  },
  'One run of the comparison: the scenario with the given settings replaced (see the variants section).',
);

/** A parsed change of a variant to one migration. */
export type VariantMigrationSettings = z.output<typeof variantMigrationSchema>;

/** A parsed variant. */
export type VariantSettings = z.output<typeof variantSchema>;

/** Help text of the `variants` list. */
export const VARIANTS_HELP = `Runs to compare: each variant is the same scenario with some settings replaced (${VARIANT_OVERRIDES.join(', ')}); a given setting replaces the scenario's whole setting, lists and sysctls objects included; the rest (fabric, subnet, gateway placement and addresses, hypervisors, hosts, traffic, migrations, dhcp, contention, duration) is the same in every run. Default (and with an empty list): one run, named after the scenario.`;
