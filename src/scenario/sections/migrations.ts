/**
 * The `migrations` section: live migrations of VMs between hypervisors (pre-copy as in Clark et al., NSDI 2005, and QEMU's
 * migration/options.c). Each names
 * the VM, the destination hypervisor and the start time; its timing is given in one of two forms:
 *
 * - explicit: `{ downtime, precopy }`, the pre-copy time (the VM still runs at the source) and the
 *   stop-and-copy downtime;
 * - pre-copy: `{ memory, dirtyRate, bandwidth, downtimeLimit, maxRounds }`, from which the pre-copy
 *   model (src/migration/pre-copy.ts, QEMU's defaults) derives the rounds and the downtime.
 *
 * Both forms are one mapping whose fields are all optional, so each problem is reported at its own
 * field; which form is meant and whether it is complete is checked after the schema (as for the
 * Gilbert-Elliott loss model), and the defaults of the form are applied by normalise.ts.
 */
import { z } from 'zod';
import { autoOrMac, byteRate, count, duration, section, size } from '../fields.js';
import { REMEDIES_HELP, remedySchema } from './remedies.js';

/** Fields of the explicit timing form. */
export const EXPLICIT_TIMING_FIELDS = ['downtime', 'precopy'] as const;
/** Fields of the pre-copy timing form. */
export const PRE_COPY_TIMING_FIELDS = ['memory', 'dirtyRate', 'bandwidth', 'downtimeLimit', 'maxRounds'] as const;

/** Defaults of the timing forms, as a file writes them (QEMU migration/options.c for the pre-copy form). */
export const TIMING_DEFAULTS = { downtime: '300ms', precopy: '0s', bandwidth: '128MiB/s', downtimeLimit: '300ms', maxRounds: 30 } as const;

/** The `timing` of a migration. */
export const timingSchema = section(
  {
    downtime: duration().optional().describe(`Explicit form: the stop-and-copy downtime, during which the VM neither sends nor receives (default ${TIMING_DEFAULTS.downtime}, QEMU's downtime-limit).`),
    precopy: duration().optional().describe(`Explicit form: the pre-copy time before the downtime, while the VM still runs at the source (default ${TIMING_DEFAULTS.precopy}).`),
    memory: size({ min: 1 }).optional().describe('Pre-copy form (required in it): the VM\'s memory, e.g. 4GiB; the first round copies all of it.'),
    dirtyRate: byteRate().optional().describe('Pre-copy form (required in it): memory the guest dirties per second while it runs, e.g. 64MiB/s.'),
    bandwidth: byteRate({ positive: true }).optional().describe(`Pre-copy form: the migration stream's rate (default ${TIMING_DEFAULTS.bandwidth}, QEMU's max-bandwidth).`),
    downtimeLimit: duration().optional().describe(`Pre-copy form: the VM is stopped once what is left can be sent within this (default ${TIMING_DEFAULTS.downtimeLimit}, QEMU's downtime-limit).`),
    maxRounds: count(1, 10_000).optional().describe(`Pre-copy form: rounds after which the VM is stopped anyway, the downtime being whatever is left (default ${TIMING_DEFAULTS.maxRounds}).`),
  },
  `How long the migration takes, in one of two forms: explicit {${EXPLICIT_TIMING_FIELDS.join(', ')}}, or pre-copy {${PRE_COPY_TIMING_FIELDS.join(', ')}}, whose rounds and downtime follow from the pre-copy model (Clark et al., NSDI 2005). Default: explicit, ${TIMING_DEFAULTS.downtime} of downtime and no pre-copy.`,
).prefault({});

/** What the guest sees of the move (a migration's `guestLink`). */
export const guestLinkSchema = z.enum(['resume', 'replug'])
  .describe('What the guest sees of the move: resume (default: QEMU\'s live migration; the guest\'s NIC never goes down and sends only what remedies say) or replug (the guest\'s interface is re-created at the destination and brought up, as container moves and veth-based labs do: Linux sends arp_notify\'s GARP at once and, after DAD again, ndisc_notify\'s NA, both only with those sysctls set; on a linux-bridge virtual switch the port is enabled only after the guest\'s link-up, so that GARP is dropped).');

/** One migration. */
export const migrationSchema = section(
  {
    vm: z.string({ error: 'a VM name' }).min(1).describe('The VM to move: a host of a group on hypervisors (vm-7).'),
    to: z.string({ error: 'a hypervisor name' }).min(1).describe('The destination hypervisor (hv-3), other than the one the VM is on when the migration starts.'),
    at: duration().describe('When the migration starts (pre-copy begins), from the start of the simulation; the VM pauses after the pre-copy and resumes at the destination after the downtime, before the end of the simulation.'),
    timing: timingSchema,
    newMac: autoOrMac().optional()
      .describe('A new MAC at the destination (a new vNIC: every cache has to learn the new binding): a unicast MAC, or auto = 02:NN:<the VM\'s host number, 32 bits>, NN = 02 for the VM\'s first move with newMac: auto, 03 for its second, … (layout.ts). Default: the VM keeps its MAC, as a live migration does.'),
    portReadyAfter: duration().prefault('0s')
      .describe('The destination vSwitch port forwards only this long after the VM is plugged in (flows not yet installed, an OVN port binding not yet claimed: openvswitch/ovs-issues #230); what the VM sends before then is lost (default 0s).'),
    guestLink: guestLinkSchema.default('resume'),
    remedies: z.array(remedySchema).optional().describe(`This migration's remedies, replacing the top-level remedies (default: the top-level list). ${REMEDIES_HELP}`),
  },
  'One live migration of one VM from its hypervisor to another.',
);

/** A parsed migration (times in ns, sizes in bytes, rates in bytes per second). */
export type MigrationSettings = z.output<typeof migrationSchema>;

/** The parsed timing of a migration. */
export type TimingSettings = MigrationSettings['timing'];
