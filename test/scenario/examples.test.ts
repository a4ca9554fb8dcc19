/**
 * The example scenarios in scenarios/: every file validates, follows the JSON Schema's structure
 * (only fields the schema lists, at every level), has the comments that explain it, and lays out;
 * the migration examples cover every remedy and migration dimension, and each says what it shows
 * (checked against the scenario's own settings and the migration model's functions).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { preCopyPlan } from '../../src/migration/index.js';
import { CONTENTION_KINDS, REMEDY_KINDS, autoNewMac, hostNumber, loadScenarioFile, scenarioJsonSchema, scenarioLayout } from '../../src/scenario/index.js';
import type { Scenario } from '../../src/scenario/index.js';

const DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

type JsonSchema = { properties?: Record<string, JsonSchema>; oneOf?: JsonSchema[]; anyOf?: JsonSchema[]; items?: JsonSchema; const?: unknown };

/** Every key of `value` is a property of (one of the alternatives of) `schema`, recursively; returns the keys that are not. */
function unknownKeys(value: unknown, schema: JsonSchema, where: string): string[] {
  if (Array.isArray(value)) return schema.items === undefined ? [] : value.flatMap((v, i) => unknownKeys(v, schema.items!, `${where}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const alternatives = schema.oneOf ?? schema.anyOf ?? [schema];
  const obj = value as Record<string, unknown>;
  // The alternative whose `kind` matches, or the first that has every key, or the first that has properties.
  const chosen = alternatives.find((a) => a.properties?.kind?.const !== undefined && a.properties.kind.const === obj.kind)
    ?? alternatives.find((a) => a.properties !== undefined && Object.keys(obj).every((k) => a.properties![k] !== undefined))
    ?? alternatives.find((a) => a.properties !== undefined);
  if (chosen?.properties === undefined) return [];
  return Object.entries(obj).flatMap(([k, v]) => (chosen.properties![k] === undefined ? [`${where}.${k}`] : unknownKeys(v, chosen.properties![k]!, `${where}.${k}`)));
}

describe('example scenarios', () => {
  it('there are at least four, among them the ones the docs name', () => {
    expect(FILES).toEqual(expect.arrayContaining(['gateway-restart.yaml', 'absent-host.yaml', 'dual-stack.yaml', 'address-conflict.yaml']));
  });

  it('one per remedy and per migration dimension, and the default comparison', () => {
    const named = [
      'none', 'guest-garp', 'rarp', 'qemu-announce', 'controller', 'evpn', 'deregistration', 'keepalive', 'new-mac', 'many', 'congested', 'precopy',
      'stp', 'rstp', 'spb', 'gateway-pair', 'anycast', 'replug',
    ].map((n) => `migration-${n}.yaml`);
    expect(FILES).toEqual(expect.arrayContaining([...named, 'default-comparison.yaml']));
    const used = new Set(FILES.flatMap((f) => load(f).runs.flatMap((r) => [...r.remedies, ...r.migrations.flatMap((m) => m.remedies)].map((x) => x.kind))));
    expect([...REMEDY_KINDS].filter((k) => !used.has(k))).toEqual([]);
  });

  it('one per security feature and per contention case, each enabling what it is named after', () => {
    const features = { 'port-security': 'portSecurity', 'dhcp-snooping': 'dhcpSnooping', 'arp-inspection': 'arpInspection', 'source-guard': 'sourceGuard', 'nd-inspection': 'ndInspection', 'ra-guard': 'raGuard', 'fcfs-savi': 'fcfsSavi', 'savi-dhcp': 'saviDhcp' } as const;
    for (const [name, key] of Object.entries(features)) {
      const s = load(`security-${name}.yaml`);
      expect(s.runs[0]!.security?.[key], name).toBeDefined();
    }
    for (const kind of CONTENTION_KINDS) expect(load(`contention-${kind}.yaml`).contention.map((k) => k.kind)).toEqual([kind]);
  });

  it.each(FILES)('%s validates, matches the JSON Schema\'s structure, and lays out', (file) => {
    const path = join(DIR, file);
    const scenario = loadScenarioFile(path);
    expect(`${scenario.name}.yaml`).toBe(file);
    const text = readFileSync(path, 'utf8');
    expect(unknownKeys(parse(text), scenarioJsonSchema() as JsonSchema, '')).toEqual([]);
    // Commented: a header, and comments beside the settings.
    expect(text.startsWith('#')).toBe(true);
    expect(text.split('\n').filter((l) => /\S\s+# /.test(l)).length).toBeGreaterThan(5);
    const layout = scenarioLayout(scenario);
    expect(layout.hostCount).toBe(scenario.hosts.reduce((n, g) => n + g.count, 0));
  });

  it('address-conflict.yaml really has two hosts with one address', () => {
    const layout = scenarioLayout(loadScenarioFile(join(DIR, 'address-conflict.yaml')));
    const byAddress = new Map<string, string[]>();
    for (const h of layout.hosts()) byAddress.set(h.ipv4!, [...(byAddress.get(h.ipv4!) ?? []), h.name]);
    expect([...byAddress.values()].filter((names) => names.length > 1)).toEqual([['vm-4', 'intruder-1']]);
  });

  it('absent-host.yaml sends to an address that no node has', () => {
    const scenario = loadScenarioFile(join(DIR, 'absent-host.yaml'));
    const layout = scenarioLayout(scenario);
    const owned = new Set([...layout.hosts()].map((h) => h.ipv4).concat(layout.gateways.map((g) => g.ownIpv4)));
    const targets = scenario.traffic.filter((f) => f.name.endsWith('-to-nobody')).map((f) => f.to);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(owned.has(t)).toBe(false);
  });
});

function load(file: string): Scenario {
  return loadScenarioFile(join(DIR, file));
}

describe('what the migration examples show', () => {
  it('migration-none.yaml: no remedy, the same MAC, the gateway sending to the VM', () => {
    const s = load('migration-none.yaml');
    const m = s.migrations[0]!;
    expect(m.remedies).toEqual([{ kind: 'none' }]);
    expect(m.newMac).toBeNull();
    expect(s.traffic.some((f) => f.from === 'gateway' && f.to === m.vm)).toBe(true);
    // The black hole ends with the ageing, which comes within the simulation.
    expect(m.schedule.resumeAt + s.fabric.macAgingTime).toBeLessThan(s.duration);
  });

  it('migration-stp, -rstp and -spb are one scenario on three fabrics', () => {
    const strip = (s: Scenario) => ({ ...s, name: '', description: '', runs: s.runs.map((r) => ({ ...r, name: '', description: null })), fabric: { ...s.fabric, bridging: '' } });
    const [stp, rstp, spb] = ['stp', 'rstp', 'spb'].map((m) => load(`migration-${m}.yaml`));
    expect([stp!.fabric.bridging, rstp!.fabric.bridging, spb!.fabric.bridging]).toEqual(['stp', 'rstp', 'spb']);
    expect(strip(rstp!)).toEqual(strip(stp!));
    expect(strip(spb!)).toEqual(strip(stp!));
    // The fabric changes as the VM resumes.
    expect(stp!.events[0]!.at).toBeLessThanOrEqual(stp!.migrations[0]!.schedule.resumeAt);
  });

  it('migration-precopy.yaml: one plan converges, the other stops after maxRounds, as the comments say', () => {
    const s = load('migration-precopy.yaml');
    const plans = s.migrations.map((m) => (m.timing.kind === 'pre-copy' ? preCopyPlan(m.timing.params) : undefined));
    expect(plans.map((p) => p?.converged)).toEqual([true, false]);
    // 4 GiB at 128 MiB/s halving each round: 32 + 16 + … + 0.5 s, then 32 MiB in 250 ms.
    expect(plans[0]!.precopyTime).toBe(63.5e9);
    expect(plans[0]!.downtime).toBe(250e6);
    expect(s.migrations[0]!.schedule.resumeAt).toBe(73.75e9);
    expect(plans[1]!.rounds).toEqual([8e9, 8e9, 8e9, 8e9, 8e9]);
    expect(plans[1]!.downtime).toBe(8e9);
  });

  it('migration-congested.yaml: the burst swallows the first announcement but not the second', () => {
    const s = load('migration-congested.yaml');
    const m = s.migrations[0]!;
    const r = m.remedies[0]!;
    if (r.kind !== 'guest-garp') throw new Error('expected guest-garp');
    const [w] = s.loss.find((l) => l.links === `${m.to}:p1`)!.congestion;
    expect(w!.start).toBeLessThanOrEqual(m.schedule.resumeAt);
    expect(m.schedule.resumeAt).toBeLessThan(w!.end);
    expect(m.schedule.resumeAt + r.interval).toBeGreaterThanOrEqual(w!.end);
  });

  it('migration-evpn.yaml: on SPB, one VM moves often enough to trip duplicate detection', () => {
    const s = load('migration-evpn.yaml');
    expect(s.fabric.bridging).toBe('spb');
    const evpn = s.remedies.find((r) => r.kind === 'evpn');
    if (evpn?.kind !== 'evpn') throw new Error('expected evpn');
    const moves = s.migrations.filter((m) => m.vm === s.migrations[0]!.vm);
    expect(moves.length).toBeGreaterThanOrEqual(evpn.duplicateMoves);
    expect(moves[moves.length - 1]!.at - moves[0]!.at).toBeLessThan(evpn.duplicateWindow);
  });

  it('migration-new-mac.yaml: the automatic MAC is the layout\'s rule, the explicit one as written', () => {
    const s = load('migration-new-mac.yaml');
    const [auto, explicit] = s.migrations;
    expect(auto!.newMac).toBe(autoNewMac(hostNumber(s.hosts, auto!.group, auto!.index), 1));
    expect(auto!.newMac).toBe('02:02:00:00:00:02');
    expect(explicit!.newMac).toBe('02:aa:00:00:00:03');
  });

  it('migration-many.yaml: several moves within a second, and a VM that moves twice', () => {
    const s = load('migration-many.yaml');
    const first = Math.min(...s.migrations.map((m) => m.at));
    expect(s.migrations.filter((m) => m.at - first < 1e9).length).toBeGreaterThanOrEqual(5);
    const twice = s.migrations.filter((m) => m.vm === 'vm-5');
    expect(twice.map((m) => `${m.from}→${m.to}`)).toEqual(['hv-1→hv-3', 'hv-3→hv-1']);
  });

  it('migration-replug.yaml: a re-plug onto a Linux bridge in a lab of one switch; the variants change only the migration', () => {
    const s = load('migration-replug.yaml');
    expect(s.fabric.kind).toBe('single');
    expect(s.hypervisors!.vswitch).toBe('linux-bridge');
    const [replug, resume, late] = s.runs.map((r) => r.migrations[0]!);
    expect([replug!.guestLink, resume!.guestLink, late!.guestLink]).toEqual(['replug', 'resume', 'replug']);
    expect(replug!.remedies).toEqual([]);
    // The late port: the first of the GARPs goes out after the port is ready, as the comment says.
    const garp = late!.remedies[0]!;
    if (garp.kind !== 'guest-garp') throw new Error('expected guest-garp');
    expect(garp.delay).toBeGreaterThan(late!.portReadyAfter);
    // Nothing but the migration differs between the runs.
    const rest = (r: Scenario['runs'][number]) => ({ ...r, name: '', description: null, migrations: [] });
    expect(rest(s.runs[1]!)).toEqual(rest(s.runs[0]!));
    expect(rest(s.runs[2]!)).toEqual(rest(s.runs[0]!));
  });

  it('the gateway placements: a pair and an anycast gateway', () => {
    expect(load('migration-gateway-pair.yaml').gateway.placement).toBe('pair');
    expect(load('migration-anycast.yaml').gateway.placement).toBe('anycast');
  });
});
