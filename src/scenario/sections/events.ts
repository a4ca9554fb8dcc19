/**
 * The `events` section: things that happen at a time, by kind. Each kind says what it applies to
 * (`target`) and whether it comes back by itself (`duration`). Add a kind by adding a section to the
 * union below; the cross-field check knows what each kind's target must name.
 */
import { z } from 'zod';
import { duration, section } from '../fields.js';

/** The event kinds. */
export const EVENT_KINDS = ['gateway-restart', 'link-down', 'link-up', 'host-down', 'host-up', 'flush-neighbors'] as const;

const kindHelp = `What happens: ${EVENT_KINDS.join(' | ')}.`;
const at = duration().describe('When the event happens, from the start of the simulation (before `duration`).');
const linkTarget = z.string({ error: 'a link name, a port name or a glob over link names' }).min(1)
  .describe('The link(s): a link name (leaf-1:p49<->spine-1:p1), a port name (leaf-1:p3: the link on that port), a node name (vm-7: its links), or a glob with * and ? (leaf-1:*). Quote a pattern that starts with *.');
const hostTarget = z.string({ error: 'a host or group name' }).min(1).describe('A host name (vm-1) or a group name (vm: every host of it).');

/** One event. */
export const eventSchema = z.discriminatedUnion('kind', [
  section(
    {
      at,
      kind: z.literal('gateway-restart').describe(kindHelp),
      target: z.string().min(1).default('gateway').describe('The gateway to restart: gateway (default; the active one of a pair), or a gateway node name (gateway-2, gateway-leaf-3).'),
      duration: duration({ positive: true }).prefault('5s').describe('How long the gateway is down; it comes back with empty neighbor tables (default 5s).'),
    },
    'A gateway restarts: it stops forwarding and answering, then comes back with empty ARP and ND tables.',
  ),
  section(
    { at, kind: z.literal('link-down').describe(kindHelp), target: linkTarget, duration: duration({ positive: true }).optional().describe('When given, the link comes back up after this long.') },
    'Links go down (frames in flight are lost).',
  ),
  section({ at, kind: z.literal('link-up').describe(kindHelp), target: linkTarget }, 'Links come back up.'),
  section(
    { at, kind: z.literal('host-down').describe(kindHelp), target: hostTarget, duration: duration({ positive: true }).optional().describe('When given, the host comes back up after this long.') },
    'Hosts stop (their interfaces go down).',
  ),
  section({ at, kind: z.literal('host-up').describe(kindHelp), target: hostTarget }, 'Hosts come back up.'),
  section(
    {
      at,
      kind: z.literal('flush-neighbors').describe(kindHelp),
      target: z.string().min(1).describe('Whose tables: a host, a group, gateway, a gateway node name, or * for every node.'),
      family: z.enum(['ipv4', 'ipv6', 'both']).default('both').describe('Which table: ipv4 (ARP), ipv6 (ND) or both (default).'),
    },
    'Neighbor tables are flushed (as `ip neigh flush`).',
  ),
], { error: `an event with a kind: ${EVENT_KINDS.join(', ')}` });

/** A parsed event. */
export type EventSettings = z.output<typeof eventSchema>;
