/**
 * The `contention` section: a second host claims a VM's addresses, often while the VM is moving. Each
 * case adds one host, the claimant, as a VM on a hypervisor:
 *
 * - `clone`: a copy of the VM (same MAC, same addresses) resumes on another hypervisor, as a VM
 *   copied with its disk and started while the original runs; it announces itself as a resumed guest
 *   does (a gratuitous ARP and an unsolicited NA per address);
 * - `misconfigured`: another host (its own MAC) is given the VM's addresses by mistake; it configures
 *   them as its profile does (RFC 5227 probing and RFC 4862 DAD where the profile runs them) and
 *   announces nothing by default;
 * - `source-copy`: a migration that failed or was aborted after the destination resumed, so the
 *   source copy still runs (same MAC, same addresses) on the source hypervisor from the resume on; it
 *   announces nothing by default, but answers whatever reaches it;
 * - `malicious`: another VM (its own MAC) claims the addresses without checking, answers requests for
 *   them, and sends a forged ARP reply and unsolicited NA to the gateway every 2 s (as dsniff's
 *   arpspoof does) until the end.
 *
 * IPv4 cannot tell a claim from the VM's own gratuitous ARP at the time of a move (RFC 5227 §4: a
 * gratuitous ARP is an announcement, not detection); IPv6 separates DAD (NS from ::), resolution (NS
 * from a unicast address) and advertisement (unsolicited NA). The metrics say who noticed.
 */
import { z } from 'zod';
import { count, duration, name, section } from '../fields.js';
import { PROFILE_HELP, profileName } from './profiles.js';

/** The contention cases. */
export const CONTENTION_KINDS = ['clone', 'misconfigured', 'source-copy', 'malicious'] as const;

/** A contention case. */
export type ContentionKind = (typeof CONTENTION_KINDS)[number];

/** One contention case. */
export const contentionSchema = section(
  {
    kind: z.enum(CONTENTION_KINDS).describe(`Who claims the addresses: ${CONTENTION_KINDS.join(' | ')} (see the section's description).`),
    vm: z.string({ error: 'a VM name' }).min(1).describe('The VM whose addresses are claimed (vm-2): a host of a group on hypervisors.'),
    name: name().optional().describe('The claimant\'s name (default <kind>-<vm>, e.g. clone-vm-2); it must name no other node.'),
    on: z.string().min(1).optional().describe('The hypervisor the claimant runs on (required except for source-copy, which runs where the VM was).'),
    migration: count(0, 1_000_000).optional().describe('source-copy: the index of the migration that left the copy behind (default the VM\'s first migration).'),
    at: duration().optional().describe('When the claimant appears (default for source-copy: the migration\'s resume; required for the others).'),
    family: z.enum(['ipv4', 'ipv6', 'both']).default('both').describe('Which of the VM\'s addresses it claims (default both: every address the VM has).'),
    profile: profileName().optional().describe(`The claimant's stack (default the VM's). ${PROFILE_HELP}`),
    announce: section(
      {
        count: z.union([z.int().min(0), z.literal('until-end')], { error: 'a whole number of rounds, or "until-end"' }).optional()
          .describe('Rounds of claims (default: 1 for clone, 0 for misconfigured and source-copy, until-end for malicious).'),
        interval: duration({ positive: true }).optional().describe('Gap between rounds (default 2s, as arpspoof).'),
        to: z.enum(['broadcast', 'gateway']).optional()
          .describe('broadcast: gratuitous ARP and unsolicited NA to ff02::1 (default, except malicious); gateway: an ARP reply and an NA unicast to the gateway (default for malicious).'),
      },
      'The unsolicited claims the claimant sends, from when it appears (each round: per claimed address a gratuitous ARP or ARP reply, and an unsolicited NA with O = 1).',
    ).prefault({}),
  },
  'A second host claiming a VM\'s addresses.',
);

/** A parsed contention case. */
export type ContentionSettings = z.output<typeof contentionSchema>;
