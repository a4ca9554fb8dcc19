/**
 * Cross-field rules of the `dhcp`, `security` and `contention` sections and of the remedies that act
 * on them (see cross-check.ts for how rules report and when they are skipped):
 *
 * - security: switch names exist; every port entry names a port class, a port or a node plugged
 *   into a fabric switch; then, per run (the scenario's section, and each variant's), every switch's
 *   resolved configuration passes the security layer's `securityConfigProblems`, each problem
 *   reported once at the setting it comes from (a port both trusted and secure, a maximum of 0 MACs, a
 *   rate limit of 0, T_WAIT not shorter than TENT_LT ...);
 * - dhcp: the groups exist and have IPv4 addresses; the server is a gateway node; the start delay's
 *   minimum is not above its maximum; T1 < T2 < the lease time;
 * - contention: the VM is a VM, the hypervisor exists, a source copy has a migration of its VM to
 *   stay behind after, the claimant's name is free, it appears within the run, and the VM has
 *   addresses of the family claimed;
 * - remedies: guest-renew needs VMs on DHCP; leasequery a DHCP server and a feature that uses it;
 *   binding-sync DHCP snooping bindings; vswitch-enforcement hypervisors and a security section; a
 *   controller's moveBindings a security section.
 */
import { securityConfigProblems } from '../security/index.js';
import type { SwitchView } from './build/ports.js';
import { planPorts } from './build/ports.js';
import type { Checker, Path } from './checker.js';
import { renderFound } from './issues.js';
import { isVmGroup } from './layout/index.js';
import type { RemedySettings } from './sections/remedies.js';
import type { SecuritySettings } from './sections/security.js';
import { originOf, planSecurity, scenarioWords } from './security-plan.js';
import type { PlanNames } from './security-plan.js';
import { formatDuration } from './units.js';

/** The value at `path` in `root`, for messages. */
function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** A `securityConfigProblems` message as `expected` and `found`. */
function splitMessage(message: string, found: string): { expected: string; found: string } {
  const m = /^(.*) must (be positive|not be negative|be a whole number of at least 1), found (.*)$/.exec(message);
  if (m !== null) return { expected: `${m[1]!} ${m[2] === 'not be negative' ? 'not to be negative' : `to ${m[2]!}`}`, found: m[3]! };
  return { expected: `settings that agree: ${message}`, found };
}

/** The names the security plan resolves against. */
function planNames(c: Checker): PlanNames {
  return { isGateway: (n) => n === 'gateway' || c.names.gateways.includes(n), groupOf: (n) => c.names.hostOf(n)?.group };
}

/** The security sections of the file: the scenario's and each variant's own, with their paths. */
function sections(c: Checker): Array<{ security: SecuritySettings; base: Path; runs: number[] }> {
  const out: Array<{ security: SecuritySettings; base: Path; runs: number[] }> = [];
  const variants = c.parsed.variants ?? [];
  const top = c.parsed.security;
  if (top !== undefined) {
    const runs = variants.length === 0 ? [0] : variants.map((v, i) => (v.security === undefined ? i : -1)).filter((i) => i >= 0);
    out.push({ security: top, base: ['security'], runs });
  }
  variants.forEach((v, i) => {
    if (v.security !== undefined && v.security !== 'none') out.push({ security: v.security, base: ['variants', i, 'security'], runs: [i] });
  });
  return out;
}

function switchNames(c: Checker, spec: string | readonly string[] | undefined, path: Path): void {
  if (spec === undefined || spec === 'edge' || spec === 'all') return;
  if (typeof spec === 'string') c.reference(path, spec, ['switch']);
  else spec.forEach((n, j) => c.reference([...path, j], n, ['switch']));
}

function checkSwitchNames(c: Checker, s: SecuritySettings, base: Path): void {
  switchNames(c, s.switches, [...base, 'switches']);
  s.portSecurity?.forEach((g, i) => switchNames(c, g.switches, [...base, 'portSecurity', i, 'switches']));
  for (const f of ['dhcpSnooping', 'arpInspection', 'sourceGuard', 'ndInspection', 'raGuard', 'fcfsSavi', 'saviDhcp'] as const) {
    switchNames(c, s[f]?.switches, [...base, f, 'switches']);
  }
}

/** Every remedy of run `r` (its top-level list and its migrations' lists). */
function runRemedies(c: Checker, r: number): readonly { kind: string }[] {
  const run = c.s.runs[r];
  if (run === undefined) return [];
  return [...run.remedies, ...run.migrations.flatMap((m) => m.remedies)];
}

function checkSecurityConfigs(c: Checker, views: readonly SwitchView[] | null): void {
  for (const { security, base, runs } of sections(c)) {
    checkSwitchNames(c, security, base);
    if (views === null) continue;
    const trustModes = new Set(runs.map((r) => runRemedies(c, r).some((x) => x.kind === 'vswitch-enforcement')));
    if (trustModes.size === 0) trustModes.add(false);
    /** Per field: the distinct messages (port by port, switch by switch), the first kept. */
    const reported = new Map<string, Set<string>>();
    const first = new Map<string, { path: Path; words: string }>();
    let entriesReported = false;
    for (const trustHypervisors of trustModes) {
      const plan = planSecurity(security, views, base, planNames(c), { trustHypervisors });
      if (!entriesReported) {
        for (const p of plan.problems) c.report({ code: 'reference', path: [...p.path], expected: p.expected, found: JSON.stringify(p.entry) });
        entriesReported = true;
      }
      for (const s of plan.switches) {
        for (const problem of securityConfigProblems(s.config, s.portNames.length)) {
          const path = [...originOf(s, problem.path, base)];
          const key = path.join('\0');
          const words = scenarioWords(s, problem.message, base);
          reported.set(key, (reported.get(key) ?? new Set()).add(words));
          if (!first.has(key)) first.set(key, { path, words });
        }
      }
    }
    for (const [key, { path, words }] of first) {
      const more = reported.get(key)!.size - 1;
      const { expected, found } = splitMessage(words, renderFound(valueAt(c.parsed, path)));
      c.report({ code: 'value', path, expected: more > 0 ? `${expected} (and ${more} more alike, on other ports or switches)` : expected, found });
    }
  }
}

function checkDhcp(c: Checker): void {
  const d = c.parsed.dhcp;
  if (d === undefined) return;
  const base: Path = ['dhcp'];
  d.groups.forEach((g, j) => {
    if (!c.reference([...base, 'groups', j], g, ['group'])) return;
    const group = c.s.hosts.find((h) => h.name === g);
    if (group !== undefined && group.ipv4 === 'none' && c.sure('subnet', 'hosts.ipv4')) {
      c.report({ code: 'value', path: [...base, 'groups', j], expected: 'a group with IPv4 addresses (DHCPv4 gives IPv4 addresses; the group has none)', found: JSON.stringify(g) });
    }
  });
  if (c.sure('gateway.placement')) c.reference([...base, 'server'], d.server, ['gateway']);
  if (c.s.gateway.ipv4 === null && c.sure('subnet', 'gateway.ipv4')) {
    c.report({ code: 'value', path: [...base, 'server'], expected: 'a gateway with an IPv4 address to serve DHCPv4 from (gateway.ipv4 is none)', found: JSON.stringify(d.server) });
  }
  if (d.startDelay.min > d.startDelay.max && c.sure('dhcp.startDelay')) {
    c.report({ code: 'value', path: [...base, 'startDelay', 'max'], expected: `a longest wait no shorter than the shortest (${formatDuration(d.startDelay.min)})`, found: formatDuration(d.startDelay.max) });
  }
  const t1 = d.renewalTime ?? d.leaseTime / 2;
  const t2 = d.rebindingTime ?? (d.leaseTime * 7) / 8;
  if (d.renewalTime !== undefined && t1 >= t2) {
    c.report({ code: 'value', path: [...base, 'renewalTime'], expected: `T1 before T2 (${formatDuration(Math.round(t2))}, RFC 2131 §4.4.5)`, found: formatDuration(t1) });
  } else if (t2 >= d.leaseTime && d.rebindingTime !== undefined) {
    c.report({ code: 'value', path: [...base, 'rebindingTime'], expected: `T2 before the lease ends (${formatDuration(d.leaseTime)}, RFC 2131 §4.4.5)`, found: formatDuration(t2) });
  }
}

function checkContention(c: Checker): void {
  const s = c.s;
  const taken = new Map<string, number>();
  (c.parsed.contention ?? []).forEach((k, i) => {
    const base: Path = ['contention', i];
    const vmOk = c.reference([...base, 'vm'], k.vm, ['host']);
    const owner = c.names.hostOf(k.vm);
    const group = owner === undefined ? undefined : s.hosts.find((h) => h.name === owner.group);
    if (vmOk && group !== undefined && !isVmGroup(group) && c.sure('hosts.on')) {
      c.report({ code: 'value', path: [...base, 'vm'], expected: 'a VM (a host of a group on hypervisors)', found: JSON.stringify(k.vm) });
    }
    if (k.kind === 'source-copy') {
      if (k.on !== undefined) c.report({ code: 'value', path: [...base, 'on'], expected: 'no on: a source copy runs on the hypervisor its VM left', found: JSON.stringify(k.on) });
      const moves = s.migrations.map((m, j) => ({ m, j })).filter((x) => x.m.vm === k.vm);
      if (k.migration !== undefined) {
        const m = s.migrations[k.migration];
        if (m === undefined || m.vm !== k.vm) {
          c.report({ code: 'reference', path: [...base, 'migration'], expected: moves.length === 0 ? `a migration of ${k.vm} (it has none)` : `the index of a migration of ${k.vm}: ${moves.map((x) => x.j).join(', ')}`, found: String(k.migration) });
        }
      } else if (moves.length === 0 && vmOk && c.sure('migrations')) {
        c.report({ code: 'value', path: [...base, 'kind'], expected: `a VM that migrates: a source copy stays behind after a migration, and ${k.vm} has none`, found: '"source-copy"' });
      }
    } else {
      if (k.on === undefined) c.report({ code: 'missing', path: [...base, 'on'], expected: 'the hypervisor the claimant runs on', found: 'nothing' });
      else c.reference([...base, 'on'], k.on, ['hypervisor']);
      if (k.at === undefined) c.report({ code: 'missing', path: [...base, 'at'], expected: 'when the claimant appears', found: 'nothing' });
    }
    if (k.at !== undefined && k.at >= s.duration && c.sure('duration')) {
      c.report({ code: 'value', path: [...base, 'at'], expected: `a time before the end of the simulation (duration ${formatDuration(s.duration)})`, found: formatDuration(k.at) });
    }
    const name = k.name ?? `${k.kind}-${k.vm}`;
    const j = taken.get(name);
    const clash = name === 'gateway' || c.names.gateways.includes(name) || c.names.hypervisors.includes(name) || c.names.switches.some((x) => x.name === name)
      || c.names.hostOf(name) !== undefined || c.names.groups.has(name);
    if (j !== undefined || clash) {
      c.report({ code: 'duplicate', path: k.name === undefined ? [...base, 'kind'] : [...base, 'name'], expected: 'a claimant name no other node has (give it a name)', found: `${JSON.stringify(name)}${j === undefined ? ' (the name of a node of the scenario)' : ` (also contention[${j}])`}` });
    }
    if (j === undefined) taken.set(name, i);
    if (group !== undefined && c.sure('subnet', 'hosts.ipv4', 'hosts.ipv6')) {
      const families = k.family === 'both' ? ['ipv4', 'ipv6'] as const : [k.family];
      if (families.every((f) => group[f] === 'none')) {
        c.report({ code: 'value', path: [...base, 'family'], expected: `a family ${k.vm} has addresses of`, found: JSON.stringify(k.family) });
      }
    }
  });
}

/** The lists of remedies in the file, each with its path and the security section its runs have. */
function remedyLists(c: Checker): Array<{ remedies: readonly RemedySettings[]; base: Path; security: SecuritySettings | null; vms: readonly string[] }> {
  const top = c.parsed.security ?? null;
  const out: Array<{ remedies: readonly RemedySettings[]; base: Path; security: SecuritySettings | null; vms: readonly string[] }> = [];
  const allVms = c.s.migrations.map((m) => m.vm);
  out.push({ remedies: c.parsed.remedies, base: ['remedies'], security: top, vms: allVms });
  c.parsed.migrations.forEach((m, i) => {
    if (m.remedies !== undefined) out.push({ remedies: m.remedies, base: ['migrations', i, 'remedies'], security: top, vms: [m.vm] });
  });
  (c.parsed.variants ?? []).forEach((v, i) => {
    if (v.remedies === undefined) return;
    const security = v.security === undefined ? top : v.security === 'none' ? null : v.security;
    out.push({ remedies: v.remedies, base: ['variants', i, 'remedies'], security, vms: allVms });
  });
  return out;
}

function checkSecurityRemedies(c: Checker): void {
  const dhcpGroups = new Set(c.parsed.dhcp?.groups ?? []);
  for (const { remedies, base, security, vms } of remedyLists(c)) {
    remedies.forEach((r, j) => {
      const at: Path = [...base, j];
      switch (r.kind) {
        case 'controller':
          if (r.moveBindings && security === null) {
            c.report({ code: 'value', path: [...at, 'moveBindings'], expected: 'false: there is no security section whose bindings the controller could move', found: 'true' });
          }
          return;
        case 'guest-renew': {
          const onDhcp = vms.some((vm) => dhcpGroups.has(c.names.hostOf(vm)?.group ?? ''));
          if (!onDhcp && c.sure('migrations.vm')) {
            c.report({ code: 'value', path: [...at, 'kind'], expected: 'migrating VMs that take their address from DHCP (the dhcp section\'s groups): only a DHCP client renews', found: '"guest-renew"' });
          }
          return;
        }
        case 'leasequery':
          if (c.parsed.dhcp === undefined) {
            c.report({ code: 'value', path: [...at, 'kind'], expected: 'a dhcp section: a leasequery asks the scenario\'s DHCP server', found: '"leasequery"' });
          } else if (security === null || (security.saviDhcp === undefined && security.arpInspection === undefined && security.sourceGuard === undefined)) {
            c.report({ code: 'value', path: [...at, 'kind'], expected: 'a security section with saviDhcp, arpInspection or sourceGuard, whose missing bindings a leasequery recovers', found: '"leasequery"' });
          }
          return;
        case 'binding-sync':
          if (security === null || (security.dhcpSnooping === undefined && security.arpInspection === undefined && security.sourceGuard === undefined)) {
            c.report({ code: 'value', path: [...at, 'kind'], expected: 'a security section with dhcpSnooping, arpInspection or sourceGuard, whose bindings are synchronised', found: '"binding-sync"' });
          }
          return;
        case 'vswitch-enforcement':
          if (c.s.hypervisors === null && c.sure('hypervisors')) {
            c.report({ code: 'value', path: [...at, 'kind'], expected: 'hypervisors, whose virtual switches enforce: the scenario has none', found: '"vswitch-enforcement"' });
          } else if (security === null) {
            c.report({ code: 'value', path: [...at, 'kind'], expected: 'a security section, whose features trust the hypervisor-facing ports', found: '"vswitch-enforcement"' });
          }
          return;
        default:
          return;
      }
    });
  }
}

/** Runs the rules of the module comment. */
export function checkSecurity(c: Checker): void {
  checkDhcp(c);
  checkContention(c);
  checkSecurityRemedies(c);
  if (sections(c).length === 0) return;
  let views: SwitchView[] | null = null;
  if (c.known('switch', 'gateway', 'host', 'hypervisor', 'group')) {
    try {
      views = planPorts(c.s);
    } catch {
      views = null;
    }
  }
  checkSecurityConfigs(c, views);
}
