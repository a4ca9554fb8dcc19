/**
 * From the parsed remedies, migrations and variants to what a builder runs: remedies as the
 * migration model's `RemedySpec`, migrations with their source hypervisor, timing, schedule and new
 * MAC resolved, and one {@link RunSpec} per variant (or a single run named after the scenario) with
 * every replaced setting applied.
 *
 * Resolution rules:
 * - a migration's remedies are its own list when it has one, else the top-level list; a variant's
 *   remedies replace both for every migration of that run, and a variant's change to one migration
 *   (its `migrations`, naming the migration by vm and at) replaces that migration's remedies, timing,
 *   port readiness or guest link, before the run's migrations are resolved again;
 * - a migration starts from the hypervisor its VM is on at that time: where the layout placed it, or
 *   the destination of its previous migration (moves of one VM in order of start time, then of the
 *   list);
 * - `newMac: auto` is the MAC plan's next MAC for the VM (layout.ts), counting its earlier moves with
 *   `newMac: auto` in the same order;
 * - timing defaults: explicit {downtime 300 ms, precopy 0}; pre-copy {bandwidth 128 MiB/s, downtime
 *   limit 300 ms, 30 rounds} (QEMU's defaults, src/migration/pre-copy.ts); the schedule follows
 *   `migrationSchedule` of src/migration/live-migration.ts exactly.
 *
 * Like normalise.ts, every function here is total: a scenario that the cross-field checks will refuse
 * (a VM that names no host, an incomplete pre-copy form) still normalises, with placeholders (group
 * −1, an empty `from`, a zero-length schedule) that the checks report.
 */
import { QEMU_DOWNTIME_LIMIT, QEMU_MAX_BANDWIDTH, preCopyPlan } from '../migration/index.js';
import type { MigrationSchedule, MigrationTiming, RemedySpec } from '../migration/index.js';
import { autoNewMac, hostNumber, hypervisorName, vmHypervisor } from './layout/index.js';
import type { Gateway, HostGroup, Hypervisors, LossRule, ScenarioEvent } from './normalise.js';
import type { LossRuleSettings } from './sections/loss.js';
import type { MigrationSettings, TimingSettings } from './sections/migrations.js';
import { PRE_COPY_TIMING_FIELDS, TIMING_DEFAULTS } from './sections/migrations.js';
import type { RemedySettings } from './sections/remedies.js';
import type { SecuritySettings } from './sections/security.js';
import type { VariantMigrationSettings, VariantSettings } from './sections/variants.js';

/** One migration, resolved for one run. Times in ns. */
export interface Migration {
  /** The VM's host name (vm-7). */
  readonly vm: string;
  /** Index of the VM's group in `scenario.hosts` and its index in the group (0-based); −1 when `vm` names no host. */
  readonly group: number;
  readonly index: number;
  /** The hypervisor the VM is on when the migration starts. */
  readonly from: string;
  /** The destination hypervisor. */
  readonly to: string;
  /** When the migration starts (pre-copy begins). */
  readonly at: number;
  /** The timing as the migration model takes it. */
  readonly timing: MigrationTiming;
  /** When it pauses and resumes (as `migrationSchedule` computes it). */
  readonly schedule: MigrationSchedule;
  /** The VM's MAC at the destination (explicit, or the MAC plan's for `auto`), or null: it keeps its MAC. */
  readonly newMac: string | null;
  /** The destination vSwitch port forwards only this long after the plug. */
  readonly portReadyAfter: number;
  /** What the guest sees of the move: `resume` or `replug`. */
  readonly guestLink: 'resume' | 'replug';
  /** The VM's VLAN (the hypervisors' `vlan`). */
  readonly vlan: number;
  /** The remedies of this migration in this run: its own, the top-level ones, or the variant's. */
  readonly remedies: readonly RemedySpec[];
}

/**
 * One run of a scenario: a variant, or the scenario itself when it has none. Everything not here
 * (fabric, subnet, hypervisors, traffic, duration, output) is the scenario's, the same for every run,
 * and so is the layout.
 */
export interface RunSpec extends Omit<RunBase, 'hypervisors'> {
  /** The migrations, each with its remedies resolved (its own, else the run's `remedies`). */
  readonly migrations: readonly Migration[];
}

/** The remedy as the migration model takes it (exactly `RemedySpec`: only its fields, times in ns). */
export function remedySpec(r: RemedySettings): RemedySpec {
  switch (r.kind) {
    case 'none': return { kind: 'none' };
    case 'guest-garp': return { kind: 'guest-garp', form: r.form, ...(r.targetMac === undefined ? {} : { targetMac: r.targetMac }), count: r.count, interval: r.interval, delay: r.delay };
    case 'guest-na': return { kind: 'guest-na', count: r.count, interval: r.interval, override: r.override, delay: r.delay };
    case 'rarp': return { kind: 'rarp', count: r.count, interval: r.interval, delay: r.delay };
    case 'qemu-announce': return { kind: 'qemu-announce', initial: r.initial, max: r.max, rounds: r.rounds, step: r.step, guestAnnounce: r.guestAnnounce, delay: r.delay };
    case 'deregistration': return { kind: 'deregistration', latency: r.latency };
    case 'keepalive': return { kind: 'keepalive', mode: r.mode, interval: r.interval };
    case 'controller': return { kind: 'controller', latency: r.latency, lossRate: r.lossRate, pushFdb: r.pushFdb, pushNeighbors: r.pushNeighbors, moveBindings: r.moveBindings, neighborUpdate: r.neighborUpdate };
    case 'evpn': return { kind: 'evpn', latency: r.latency, duplicateMoves: r.duplicateMoves, duplicateWindow: r.duplicateWindow };
    case 'binding-sync': return { kind: 'binding-sync', interval: r.interval };
    case 'leasequery': return { kind: 'leasequery', roundTrip: r.roundTrip };
    case 'guest-renew': return { kind: 'guest-renew', carrierDown: r.carrierDown };
    case 'vswitch-enforcement': return { kind: 'vswitch-enforcement' };
  }
}

/** True when the timing uses the pre-copy form (any of its fields is given). */
export function isPreCopyTiming(t: TimingSettings): boolean {
  return PRE_COPY_TIMING_FIELDS.some((k) => t[k] !== undefined);
}

/** The timing as the migration model takes it, with the form's defaults (see the module comment). */
export function migrationTiming(t: TimingSettings): MigrationTiming {
  if (!isPreCopyTiming(t)) return { kind: 'explicit', precopyTime: t.precopy ?? 0, downtime: t.downtime ?? QEMU_DOWNTIME_LIMIT };
  return {
    kind: 'pre-copy',
    params: {
      memoryBytes: t.memory ?? 0,
      dirtyBytesPerSecond: t.dirtyRate ?? 0,
      bandwidthBytesPerSecond: t.bandwidth ?? QEMU_MAX_BANDWIDTH,
      downtimeLimit: t.downtimeLimit ?? QEMU_DOWNTIME_LIMIT,
      maxRounds: t.maxRounds ?? TIMING_DEFAULTS.maxRounds,
    },
  };
}

/** When a migration starting at `at` pauses and resumes; zero-length for pre-copy parameters the model refuses. */
export function migrationScheduleOf(at: number, timing: MigrationTiming): MigrationSchedule {
  if (timing.kind === 'explicit') {
    const { precopyTime, downtime } = timing;
    return { start: at, pauseAt: at + precopyTime, resumeAt: at + precopyTime + downtime, precopyTime, downtime, converged: true };
  }
  try {
    const plan = preCopyPlan(timing.params);
    return { start: at, pauseAt: at + plan.precopyTime, resumeAt: at + plan.totalTime, precopyTime: plan.precopyTime, downtime: plan.downtime, converged: plan.converged };
  } catch {
    return { start: at, pauseAt: at, resumeAt: at, precopyTime: 0, downtime: 0, converged: false };
  }
}

/** The group and index (0-based) of a host name, if it names one. */
export function hostIndex(hosts: readonly Pick<HostGroup, 'name' | 'count'>[], name: string): { group: number; index: number } | undefined {
  const m = /^(.+)-([1-9]\d*)$/.exec(name);
  if (m === null) return undefined;
  const group = hosts.findIndex((h) => h.name === m[1]);
  const n = Number(m[2]);
  return group < 0 || n > hosts[group]!.count ? undefined : { group, index: n - 1 };
}

/** A migration without its remedies, and its own remedies if it has any. */
interface BaseMigration {
  readonly migration: Omit<Migration, 'remedies'>;
  readonly own: readonly RemedySpec[] | undefined;
}

/**
 * The migrations (indices into `migrations`) a variant's change names: those of its VM, and with its
 * start when it gives `at`. Exactly one is what the change acts on; the cross-field checks report
 * none or several.
 */
export function selectMigration(migrations: readonly Pick<MigrationSettings, 'vm' | 'at'>[], change: Pick<VariantMigrationSettings, 'vm' | 'at'>): number[] {
  const out: number[] = [];
  migrations.forEach((m, i) => {
    if (m.vm === change.vm && (change.at === undefined || m.at === change.at)) out.push(i);
  });
  return out;
}

/** The order in which a VM's moves happen: by start time, then by position in the list. */
export function migrationOrder(migrations: readonly Pick<MigrationSettings, 'at'>[]): number[] {
  return migrations.map((_, i) => i).sort((a, b) => migrations[a]!.at - migrations[b]!.at || a - b);
}

function baseMigrations(list: readonly MigrationSettings[], hosts: readonly HostGroup[], hypervisors: Hypervisors | null): BaseMigration[] {
  const where = new Map<string, string>();
  const autoMoves = new Map<string, number>();
  const out: (BaseMigration | undefined)[] = list.map(() => undefined);
  for (const i of migrationOrder(list)) {
    const m = list[i]!;
    const vm = hostIndex(hosts, m.vm);
    const first = vm === undefined ? undefined : vmHypervisor({ hosts, hypervisors }, vm.group, vm.index);
    const from = where.get(m.vm) ?? (first === undefined ? '' : hypervisorName(first));
    where.set(m.vm, m.to);
    let newMac: string | null = null;
    if (m.newMac === 'auto') {
      const k = (autoMoves.get(m.vm) ?? 0) + 1;
      autoMoves.set(m.vm, k);
      newMac = vm === undefined ? null : autoNewMac(hostNumber(hosts, vm.group, vm.index), k);
    } else if (m.newMac !== undefined) {
      newMac = m.newMac;
    }
    const timing = migrationTiming(m.timing);
    out[i] = {
      migration: {
        vm: m.vm,
        group: vm?.group ?? -1,
        index: vm?.index ?? -1,
        from,
        to: m.to,
        at: m.at,
        timing,
        schedule: migrationScheduleOf(m.at, timing),
        newMac,
        portReadyAfter: m.portReadyAfter,
        guestLink: m.guestLink,
        vlan: hypervisors?.vlan ?? 1,
      },
      own: m.remedies?.map(remedySpec),
    };
  }
  return out as BaseMigration[];
}

/** The scenario's own settings that a variant may replace, normalised. */
export interface RunBase {
  /** The variant's name, or the scenario's when it has no variants. */
  readonly name: string;
  readonly description: string | null;
  readonly seed: number;
  /** The gateway, with the variant's profile and sysctls. */
  readonly gateway: Gateway;
  /** The host groups, with the variant's sysctls. */
  readonly hosts: readonly HostGroup[];
  readonly loss: readonly LossRule[];
  readonly events: readonly ScenarioEvent[];
  /** The run's top-level remedies (the variant's, or the scenario's). */
  readonly remedies: readonly RemedySpec[];
  readonly hypervisors: Hypervisors | null;
  /** The run's security features (the variant's, or the scenario's), or null for none. */
  readonly security: SecuritySettings | null;
}

/**
 * The scenario's migrations (its own run, without variants) and its runs: one per variant, or one
 * named after the scenario. `lossRule` normalises a variant's loss rules as the top level's are.
 */
export function resolveRuns(
  base: RunBase,
  migrations: readonly MigrationSettings[],
  variants: readonly VariantSettings[] | undefined,
  lossRule: (rule: LossRuleSettings) => LossRule,
): { migrations: Migration[]; runs: RunSpec[] } {
  const moves = baseMigrations(migrations, base.hosts, base.hypervisors);
  const resolve = (override: readonly RemedySpec[] | undefined, top: readonly RemedySpec[]): Migration[] =>
    moves.map((b) => ({ ...b.migration, remedies: override ?? b.own ?? top }));
  const own = resolve(undefined, base.remedies);
  const scenarioRun: RunSpec = {
    name: base.name,
    description: base.description,
    seed: base.seed,
    gateway: base.gateway,
    hosts: base.hosts,
    loss: base.loss,
    events: base.events,
    remedies: base.remedies,
    migrations: own,
    security: base.security,
  };
  if (variants === undefined || variants.length === 0) return { migrations: own, runs: [scenarioRun] };
  const runs = variants.map((v): RunSpec => {
    const remedies = v.remedies?.map(remedySpec);
    const sysctls = v.hostSysctls ?? {};
    let runMigrations = remedies === undefined ? own : resolve(remedies, base.remedies);
    if (v.migrations !== undefined && v.migrations.length > 0) {
      // The variant's changes to single migrations: their settings replaced, then resolved again
      // (schedules, and where each later move of the VM starts), their own remedies first.
      const changed: MigrationSettings[] = [...migrations];
      const ownRemedies: (RemedySpec[] | undefined)[] = migrations.map(() => undefined);
      for (const change of v.migrations) {
        const hits = selectMigration(migrations, change);
        if (hits.length !== 1) continue;
        const i = hits[0]!;
        changed[i] = {
          ...changed[i]!,
          ...(change.timing === undefined ? {} : { timing: change.timing }),
          ...(change.portReadyAfter === undefined ? {} : { portReadyAfter: change.portReadyAfter }),
          ...(change.guestLink === undefined ? {} : { guestLink: change.guestLink }),
        };
        if (change.remedies !== undefined) ownRemedies[i] = change.remedies.map(remedySpec);
      }
      runMigrations = baseMigrations(changed, base.hosts, base.hypervisors)
        .map((b, i) => ({ ...b.migration, remedies: ownRemedies[i] ?? remedies ?? b.own ?? base.remedies }));
    }
    return {
      name: v.name,
      description: v.description ?? null,
      seed: v.seed ?? base.seed,
      gateway: v.gateway === undefined
        ? base.gateway
        : { ...base.gateway, profile: v.gateway.profile ?? base.gateway.profile, sysctls: v.gateway.sysctls ?? base.gateway.sysctls },
      hosts: base.hosts.map((h) => (Object.hasOwn(sysctls, h.name) ? { ...h, sysctls: sysctls[h.name]! } : h)),
      loss: v.loss === undefined ? base.loss : v.loss.map(lossRule),
      events: v.events ?? base.events,
      remedies: remedies ?? base.remedies,
      migrations: runMigrations,
      security: v.security === undefined ? base.security : v.security === 'none' ? null : v.security,
    };
  });
  return { migrations: own, runs };
}
