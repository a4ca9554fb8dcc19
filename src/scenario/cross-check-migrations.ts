/**
 * Cross-field rules of live migrations and their remedies (see cross-check.ts for how rules report
 * and when they are skipped):
 *
 * - the VM is one host of a group on hypervisors, the destination another existing hypervisor than
 *   the one the VM is on when the migration starts;
 * - the timing is one complete form (explicit, or pre-copy with memory and dirty rate), and the
 *   migration starts and ends (the VM resumes) within the simulation: a downtime longer than the
 *   simulation, or a pre-copy that never ends in time, is refused where it is written;
 * - two migrations of one VM do not overlap (each ends, by its explicit timing or by the pre-copy
 *   plan of src/migration/pre-copy.ts, before the next starts);
 * - a new MAC is no other node's (by the MAC plan of layout/mac-plan.ts, or a group's or the gateway's
 *   explicit `mac`), nor another move's, nor the VM's current one;
 * - a variant's changes to single migrations name one migration each and keep to the same rules;
 * - remedies: `none` stands alone; a remedy announces addresses the VMs have; a request-form GARP's
 *   target MAC is for the request form only; a controller pushes something; gateway probing needs an
 *   IPv4 gateway; a list acts on at least one migration.
 */
import type { Migration, RunSpec } from './runs.js';
import type { Checker, Path } from './checker.js';
import { formatPath, renderFound } from './issues.js';
import { MAX_AUTO_MACS_PER_VM, gatewayNodes, hostMac, hostNumber, isVmGroup, macOwner, macRanges, nthMac } from './layout/index.js';
import { isPreCopyTiming, migrationOrder, selectMigration } from './runs.js';
import type { TimingSettings } from './sections/migrations.js';
import { EXPLICIT_TIMING_FIELDS, PRE_COPY_TIMING_FIELDS } from './sections/migrations.js';
import type { RemedySettings } from './sections/remedies.js';
import type { VariantMigrationSettings } from './sections/variants.js';
import { formatDuration } from './units.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const timingKeys = (fields: readonly string[]): string[] => fields.map((f) => `migrations.timing.${f}`);

/**
 * Whether the schema left a timing as written: a pre-copy field still there shows the form; a timing
 * that looks explicit may have lost its pre-copy fields, so all fields must be untouched.
 */
function timingSure(c: Checker, t: TimingSettings): boolean {
  return isPreCopyTiming(t)
    ? c.sure('migrations.timing', ...timingKeys(PRE_COPY_TIMING_FIELDS))
    : c.sure('migrations.timing', ...timingKeys(PRE_COPY_TIMING_FIELDS), ...timingKeys(EXPLICIT_TIMING_FIELDS));
}

/** Which form a timing is in, and whether it is complete; reports the problems. */
function checkTimingForm(c: Checker, t: TimingSettings, base: Path): boolean {
  const explicit = EXPLICIT_TIMING_FIELDS.filter((k) => t[k] !== undefined);
  const preCopy = PRE_COPY_TIMING_FIELDS.filter((k) => t[k] !== undefined);
  const forms = `explicit {${EXPLICIT_TIMING_FIELDS.join(', ')}}, or pre-copy {${PRE_COPY_TIMING_FIELDS.join(', ')}}`;
  if (explicit.length > 0 && preCopy.length > 0) {
    // Removing refused fields never mixes the forms, so this holds whatever the schema refused.
    c.report({ code: 'value', path: base, expected: `one form of timing: ${forms}`, found: `fields of both forms (${[...explicit, ...preCopy].join(', ')})` });
    return false;
  }
  if (!isPreCopyTiming(t)) return true;
  let complete = true;
  if (t.memory === undefined) {
    if (c.sure('migrations.timing.memory')) c.report({ code: 'missing', path: [...base, 'memory'], expected: 'the VM\'s memory (e.g. 4GiB), which the pre-copy form needs', found: 'nothing' });
    complete = false;
  }
  if (t.dirtyRate === undefined) {
    if (c.sure('migrations.timing.dirtyRate')) c.report({ code: 'missing', path: [...base, 'dirtyRate'], expected: 'the rate at which the guest dirties memory (e.g. 64MiB/s), which the pre-copy form needs', found: 'nothing' });
    complete = false;
  }
  return complete;
}

/**
 * Reports a migration that does not end (the VM resuming) before the end of the simulation; with
 * `startFixed` (a variant's change, which cannot move the start) a late end is the timing's fault.
 */
function checkEnd(c: Checker, m: Migration, t: TimingSettings, base: Path, startFixed = false): void {
  const d = c.s.duration;
  const { precopyTime, downtime, converged } = m.schedule;
  const total = precopyTime + downtime;
  const sim = `the simulation (duration ${formatDuration(d)})`;
  if (m.timing.kind === 'explicit') {
    if (downtime >= d) {
      c.report({ code: 'value', path: t.downtime === undefined ? [...base, 'timing'] : [...base, 'timing', 'downtime'], expected: `a downtime shorter than ${sim}`, found: formatDuration(downtime) });
      return;
    }
    if (total >= d) {
      c.report({
        code: 'value',
        path: [...base, 'timing', 'precopy'],
        expected: `a pre-copy time shorter than ${formatDuration(d - downtime)}: with ${formatDuration(downtime)} of downtime, the migration has to end within ${sim}`,
        found: formatDuration(precopyTime),
      });
      return;
    }
  } else if (total >= d) {
    const why = converged ? '' : '; it never converges, as the guest dirties memory about as fast as it is sent or faster, so the downtime is whatever is left after maxRounds';
    c.report({
      code: 'value',
      path: [...base, 'timing'],
      expected: `pre-copy settings with which the migration ends within ${sim}: these take ${formatDuration(precopyTime)} of pre-copy and ${formatDuration(downtime)} of downtime${why}`,
      found: `${formatDuration(total)} in all`,
    });
    return;
  }
  if (m.schedule.resumeAt >= d && startFixed) {
    c.report({
      code: 'value',
      path: [...base, 'timing'],
      expected: `a timing with which the migration, starting at ${formatDuration(m.at)}, ends within ${sim}`,
      found: `${formatDuration(total)} (pre-copy ${formatDuration(precopyTime)}, downtime ${formatDuration(downtime)})`,
    });
  } else if (m.schedule.resumeAt >= d) {
    c.report({
      code: 'value',
      path: [...base, 'at'],
      expected: `a start before ${formatDuration(d - total)}: the migration takes ${formatDuration(total)} (pre-copy ${formatDuration(precopyTime)}, downtime ${formatDuration(downtime)}) and has to end within ${sim}`,
      found: formatDuration(m.at),
    });
  }
}

/** Every migration: the VM, the destination, the times, overlaps and new MACs; their own remedies. */
export function checkMigrations(c: Checker): void {
  const s = c.s;
  const raws = c.parsed.migrations;
  const namesSure = c.sure('hosts.name', 'hosts.count');
  const vmOk = raws.map(() => false);
  const timingOk = raws.map(() => false);
  raws.forEach((raw, i) => {
    const m = s.migrations[i]!;
    const base: Path = ['migrations', i];
    // The VM: one host, of a group on hypervisors.
    if (namesSure && c.names.groups.has(raw.vm)) {
      c.report({ code: 'value', path: [...base, 'vm'], expected: `one VM: a host name such as ${raw.vm}-1 (${raw.vm} is a group)`, found: JSON.stringify(raw.vm) });
    } else if (c.reference([...base, 'vm'], raw.vm, ['host']) && m.group >= 0) {
      const g = s.hosts[m.group]!;
      if (!isVmGroup(g)) {
        if (c.sure('hosts.on')) {
          c.report({
            code: 'value',
            path: [...base, 'vm'],
            expected: `a VM, a host of a group on hypervisors: ${raw.vm} is on an edge switch port (group ${g.name} has on: edge)`,
            found: JSON.stringify(raw.vm),
          });
        }
      } else {
        vmOk[i] = m.from !== '';
      }
    }
    // The destination.
    const toOk = c.reference([...base, 'to'], raw.to, ['hypervisor']);
    if (toOk && vmOk[i] && m.from === raw.to && c.sure('hosts.on', 'hypervisors.count', 'migrations.to', 'migrations.at')) {
      c.report({ code: 'value', path: [...base, 'to'], expected: `a hypervisor other than ${m.from}, where ${raw.vm} is when this migration starts`, found: JSON.stringify(raw.to) });
    }
    // The times.
    const atOk = c.sure('duration', 'migrations.at');
    if (atOk && m.at >= s.duration) {
      c.report({ code: 'value', path: [...base, 'at'], expected: `a time before the end of the simulation (duration ${formatDuration(s.duration)})`, found: formatDuration(m.at) });
      return;
    }
    if (!checkTimingForm(c, raw.timing, [...base, 'timing']) || !timingSure(c, raw.timing)) return;
    timingOk[i] = atOk;
    if (atOk) checkEnd(c, m, raw.timing, base);
  });
  raws.forEach((raw, i) => {
    if (raw.remedies !== undefined) checkRemedyList(c, raw.remedies, ['migrations', i, 'remedies'], 'migrations.remedies', [s.migrations[i]!], 'own');
  });

  // One move of a VM at a time.
  const order = migrationOrder(raws);
  const last = new Map<string, number>();
  for (const i of order) {
    const m = s.migrations[i]!;
    const j = last.get(m.vm);
    last.set(m.vm, i);
    if (j === undefined || !timingOk[i] || !timingOk[j] || !vmOk[i]) continue;
    const previous = s.migrations[j]!;
    if (m.at < previous.schedule.resumeAt) {
      c.report({
        code: 'value',
        path: ['migrations', i, 'at'],
        expected: `a start after ${m.vm}'s migration migrations[${j}] has ended (at ${formatDuration(previous.schedule.resumeAt)}): a VM makes one move at a time`,
        found: formatDuration(m.at),
      });
    }
  }

  // New MACs.
  if (!namesSure || !c.sure('migrations.newMac', 'migrations.vm', 'migrations.at', 'hosts.mac', 'gateway.mac')) return;
  const ranges = macRanges(s.hosts, s.gateway.mac, gatewayNodes(s).map((g) => g.name));
  const current = new Map<string, string>();
  const taken = new Map<string, number>();
  const autoCount = new Map<string, number>();
  for (const i of order) {
    const m = s.migrations[i]!;
    const raw = raws[i]!;
    const path: Path = ['migrations', i, 'newMac'];
    if (m.group < 0) continue;
    const group = s.hosts[m.group]!;
    const own = current.get(m.vm) ?? (group.mac === 'auto' ? hostMac(hostNumber(s.hosts, m.group, m.index)) : nthMac(group.mac, m.index));
    if (raw.newMac === 'auto') {
      const k = (autoCount.get(m.vm) ?? 0) + 1;
      autoCount.set(m.vm, k);
      if (k > MAX_AUTO_MACS_PER_VM) {
        c.report({ code: 'capacity', path, expected: `at most ${MAX_AUTO_MACS_PER_VM} moves of one VM with newMac: auto (give the later ones an explicit MAC)`, found: '"auto"' });
        continue;
      }
    }
    if (m.newMac === null) continue;
    const owner = macOwner(ranges, m.newMac);
    if (raw.newMac === 'auto') {
      // The plan's automatic MACs never meet its own; an explicit group or gateway MAC may.
      if (owner !== undefined && owner.range.path !== null) {
        c.report({ code: 'duplicate', path, expected: 'a MAC no other node has (give this move an explicit newMac)', found: `"auto" (${m.newMac}, the MAC of ${owner.range.kind === 'host' ? 'host' : 'gateway node'} ${owner.name} by ${formatPath(owner.range.path)})` });
      }
    } else {
      const other = taken.get(m.newMac);
      if (m.newMac === own) {
        c.report({ code: 'value', path, expected: `a MAC other than the one ${m.vm} has when the migration starts (leave newMac out to keep it)`, found: JSON.stringify(m.newMac) });
      } else if (owner !== undefined && owner.name !== m.vm) {
        const by = owner.range.path === null ? 'by the MAC plan' : `by ${formatPath(owner.range.path)}`;
        c.report({ code: 'duplicate', path, expected: 'a MAC no other node has', found: `${JSON.stringify(m.newMac)} (the MAC of ${owner.range.kind === 'host' ? 'host' : 'gateway node'} ${owner.name}, ${by})` });
      } else if (s.gateway.virtualMac !== null && m.newMac === s.gateway.virtualMac) {
        c.report({ code: 'duplicate', path, expected: 'a MAC no other node has', found: `${JSON.stringify(m.newMac)} (the gateway's virtual MAC)` });
      } else if (other !== undefined && s.migrations[other]!.vm !== m.vm) {
        const what = raws[other]!.newMac === 'auto' ? `the automatic new MAC of migrations[${other}]` : `also migrations[${other}].newMac`;
        c.report({ code: 'duplicate', path, expected: 'a MAC no other node has', found: `${JSON.stringify(m.newMac)} (${what})` });
      }
    }
    if (!taken.has(m.newMac)) taken.set(m.newMac, i);
    current.set(m.vm, m.newMac);
  }
}

/**
 * A list of remedies at `base` (`key` its dotted key for taint queries), acting on `applies`: the
 * migrations that use it. `scope` says which list it is, for the message when it acts on none.
 */
export function checkRemedyList(c: Checker, remedies: readonly RemedySettings[], base: Path, key: string, applies: readonly Migration[], scope: 'top' | 'own' | 'variant'): void {
  const s = c.s;
  if (remedies.length > 1) {
    remedies.forEach((r, j) => {
      if (r.kind === 'none') c.report({ code: 'value', path: [...base, j, 'kind'], expected: 'none alone: a list with none has no other remedy (leave none out)', found: '"none"' });
    });
  }
  if (applies.length === 0 && remedies.some((r) => r.kind !== 'none') && c.sure('migrations')) {
    const why = s.migrations.length === 0
      ? 'the scenario has no migrations'
      : scope === 'top' ? 'every migration has its own remedies, which replace this list' : 'no migration uses them';
    c.report({ code: 'value', path: base, expected: `remedies that act on a migration: ${why}`, found: plural(remedies.length, 'remedy') });
    return;
  }
  const vms = applies.filter((m) => m.group >= 0).map((m) => ({ name: m.vm, group: s.hosts[m.group]! }));
  const familiesSure = c.sure('subnet', 'hosts.ipv4', 'hosts.ipv6', 'migrations.vm');
  remedies.forEach((r, j) => {
    const at: Path = [...base, j];
    switch (r.kind) {
      case 'guest-garp':
      case 'guest-na': {
        if (r.kind === 'guest-garp' && r.form === 'reply' && r.targetMac !== undefined && c.sure(`${key}.form`)) {
          c.report({ code: 'value', path: [...at, 'targetMac'], expected: 'no targetMac with form reply: a gratuitous reply\'s target MAC is its sender\'s (RFC 5944 §4.6; Linux arp_is_garp)', found: JSON.stringify(r.targetMac) });
        }
        const family = r.kind === 'guest-garp' ? 'ipv4' : 'ipv6';
        if (!familiesSure || vms.length === 0 || vms.some((v) => v.group[family] !== 'none')) return;
        const names = [...new Set(vms.map((v) => v.name))];
        const other = r.kind === 'guest-garp' ? 'guest-na announces IPv6 ones' : 'guest-garp announces IPv4 ones';
        c.report({
          code: 'value',
          path: [...at, 'kind'],
          expected: `a remedy for addresses the VMs have: ${r.kind} announces ${family === 'ipv4' ? 'IPv4' : 'IPv6'} addresses, and ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''} ${names.length === 1 ? 'has' : 'have'} none (${other})`,
          found: JSON.stringify(r.kind),
        });
        return;
      }
      case 'controller':
        if (!r.pushFdb && !r.pushNeighbors && !r.moveBindings && c.sure(`${key}.pushFdb`, `${key}.pushNeighbors`, `${key}.moveBindings`)) {
          c.report({ code: 'value', path: at, expected: 'pushFdb, pushNeighbors or moveBindings: a controller that pushes nothing does nothing', found: 'all false' });
        }
        return;
      case 'keepalive':
        if (r.mode === 'gateway-probe' && s.gateway.ipv4 === null && c.sure('subnet', 'gateway.ipv4')) {
          c.report({ code: 'value', path: [...at, 'mode'], expected: 'vm-garp: gateway probes are ARP requests, and the gateway has no IPv4 address', found: renderFound(r.mode) });
        }
        return;
      default:
        return;
    }
  });
}

/**
 * A variant's changes to single migrations (`variants[i].migrations`, at `base`), checked in `run`,
 * the variant's resolved run: each names exactly one migration (by vm, and at when the VM moves more
 * than once) and no other change names it too; a replaced timing is one complete form and ends within
 * the simulation; the run's moves of one VM still do not overlap; replaced remedies are checked as a
 * migration's own.
 */
export function checkVariantMigrations(c: Checker, changes: readonly VariantMigrationSettings[], base: Path, run: RunSpec): void {
  const raws = c.parsed.migrations;
  if (!c.sure('migrations', 'variants.migrations.vm', 'variants.migrations.at')) return;
  const chosen = new Map<number, number>();
  changes.forEach((change, j) => {
    const at: Path = [...base, j];
    const hits = selectMigration(raws, change);
    const moves = raws.map((m, i) => ({ m, i })).filter(({ m }) => m.vm === change.vm);
    if (hits.length === 0) {
      if (moves.length === 0) {
        const vms = [...new Set(raws.map((m) => m.vm))];
        c.report({ code: 'reference', path: [...at, 'vm'], expected: vms.length === 0 ? 'a VM the migrations list moves (it moves none)' : `a VM the migrations list moves: ${vms.join(', ')}`, found: JSON.stringify(change.vm) });
      } else {
        c.report({ code: 'reference', path: [...at, 'at'], expected: `the start of one of ${change.vm}'s migrations: ${moves.map(({ m }) => formatDuration(m.at)).join(', ')}`, found: formatDuration(change.at ?? 0) });
      }
      return;
    }
    if (hits.length > 1) {
      c.report({ code: 'value', path: [...at, 'vm'], expected: `one migration: ${change.vm} moves ${hits.length} times (at ${hits.map((i) => formatDuration(raws[i]!.at)).join(', ')}), so give at`, found: JSON.stringify(change.vm) });
      return;
    }
    const i = hits[0]!;
    const before = chosen.get(i);
    if (before !== undefined) {
      c.report({ code: 'duplicate', path: [...at, 'vm'], expected: 'one change per migration (put them in one entry)', found: `${JSON.stringify(change.vm)} (migrations[${i}], also changed by ${formatPath([...base, before])})` });
      return;
    }
    chosen.set(i, j);
    if (change.timing !== undefined && checkTimingForm(c, change.timing, [...at, 'timing']) && c.sure('duration', 'variants.migrations.timing')) {
      checkEnd(c, run.migrations[i]!, change.timing, at, true);
    }
    if (change.remedies !== undefined) checkRemedyList(c, change.remedies, [...at, 'remedies'], 'variants.migrations.remedies', [run.migrations[i]!], 'own');
  });
  // One move of a VM at a time, with the changed timings.
  const last = new Map<string, number>();
  for (const i of migrationOrder(run.migrations)) {
    const m = run.migrations[i]!;
    const j = last.get(m.vm);
    last.set(m.vm, i);
    if (j === undefined || m.group < 0) continue;
    const previous = run.migrations[j]!;
    const change = chosen.get(j);
    if (m.at < previous.schedule.resumeAt && change !== undefined && changes[change]!.timing !== undefined) {
      c.report({
        code: 'value',
        path: [...base, change, 'timing'],
        expected: `a timing with which ${m.vm}'s migration migrations[${j}] ends before its next one starts (at ${formatDuration(m.at)}): a VM makes one move at a time`,
        found: `an end at ${formatDuration(previous.schedule.resumeAt)}`,
      });
    }
  }
}
