/**
 * The live-migration part of the format: hypervisors and VMs, remedies (defaults from the shared
 * reference, normalised to exactly the model's RemedySpec), migrations (timing forms, schedules equal
 * to the model's, moves that chain, new MACs), variants resolved into runs (replacing, never
 * merging), and the JSON Schema editors see. Expected values come from the reference's numbers and
 * the migration model's own functions, not from a previous run.
 */
import { describe, expect, it } from 'vitest';
import {
  QEMU_ANNOUNCE,
  QEMU_DOWNTIME_LIMIT,
  QEMU_MAX_BANDWIDTH,
  migrationSchedule,
  preCopyPlan,
  qemuAnnounceTimes,
} from '../../src/migration/index.js';
import type { MigrationSpec, RemedySpec } from '../../src/migration/index.js';
import {
  REMEDY_KINDS,
  TIMING_DEFAULTS,
  autoNewMac,
  hostMac,
  loadScenario,
  parseByteRate,
  parseDuration,
  scenarioJsonSchema,
} from '../../src/scenario/index.js';
import type { Scenario } from '../../src/scenario/index.js';

function load(...lines: string[]): Scenario {
  return loadScenario(`${lines.join('\n')}\n`, 'migration.yaml');
}

const ms = 1e6;
const s = 1e9;

/** A scenario with hypervisors and VMs, to which each test adds its part. */
const BASE = [
  'name: m',
  'duration: 120s',
  'fabric: { leaves: 2, spines: 2 }',
  'hypervisors: { count: 4 }',
  'hosts:',
  '  - { name: vm, count: 8, on: hypervisors }',
  '  - { name: pc, count: 2 }',
];

describe('remedies', () => {
  it('every kind with its defaults from the reference, normalised to exactly the model\'s RemedySpec (times in ns)', () => {
    // The security remedies act on DHCP clients and security features: the scenario has both.
    const sc = load(
      ...BASE, 'subnet: { ipv4: 198.18.0.0/24, ipv6: "2001:db8::/64" }', 'dhcp: { groups: [vm] }', 'security: { dhcpSnooping: {}, arpInspection: {} }',
      `remedies: [${REMEDY_KINDS.filter((k) => k !== 'none').map((k) => `{ kind: ${k} }`).join(', ')}]`, 'migrations: [{ vm: vm-1, to: hv-2, at: 10s }]',
    );
    const expected: RemedySpec[] = [
      // Linux netdev_notify_peers: the guest's GARP is the request form; three, 100 ms apart.
      { kind: 'guest-garp', form: 'request', count: 3, interval: 100 * ms, delay: 0 },
      // RFC 4861 §7.2.6: up to MAX_NEIGHBOR_ADVERTISEMENT (3), RetransTimer (1 s) apart, O set.
      { kind: 'guest-na', count: 3, interval: 1 * s, override: true, delay: 0 },
      // vSphere's Notify Switches: vMotion's count unverified; one frame.
      { kind: 'rarp', count: 1, interval: 0, delay: 0 },
      // QEMU migration/options.c.
      { kind: 'qemu-announce', ...QEMU_ANNOUNCE, guestAnnounce: false, delay: 0 },
      { kind: 'deregistration', latency: 10 * ms },
      { kind: 'keepalive', mode: 'vm-garp', interval: 30 * s },
      { kind: 'controller', latency: 50 * ms, lossRate: 0, pushFdb: true, pushNeighbors: true, moveBindings: false, neighborUpdate: 'install' },
      // RFC 7432 §15.1, FRR's 5 moves in 180 s (bgpd/bgp_evpn_private.h).
      { kind: 'evpn', latency: 100 * ms, duplicateMoves: 5, duplicateWindow: 180 * s },
      // A modelling choice (vendors' synchronisation intervals unverified).
      { kind: 'binding-sync', interval: 1 * s },
      // The exchange is not put on the wire: a short round trip.
      { kind: 'leasequery', roundTrip: 1 * ms },
      // Hyper-V's netvsc drops carrier for 2 s on a network change (LINKCHANGE_INT).
      { kind: 'guest-renew', carrierDown: 2 * s },
      { kind: 'vswitch-enforcement' },
    ];
    expect(sc.remedies).toEqual(expected);
    expect(sc.migrations[0]!.remedies).toEqual(expected);
    expect(sc.runs[0]!.remedies).toEqual(expected);
  });

  it('QEMU\'s defaults give the schedule the help text and the reference state: 0, 50, 200, 450, 800 ms', () => {
    const r = load(...BASE, 'remedies: [{ kind: qemu-announce }]', 'migrations: [{ vm: vm-1, to: hv-2, at: 10s }]').remedies[0]!;
    if (r.kind !== 'qemu-announce') throw new Error('not qemu-announce');
    expect(qemuAnnounceTimes(r.initial, r.max, r.rounds, r.step)).toEqual([0, 50, 200, 450, 800].map((t) => t * ms));
  });

  it('settings are written with units and kept as given', () => {
    const sc = load(
      ...BASE,
      'remedies:',
      '  - { kind: guest-garp, form: reply, count: 5, interval: 20ms }',
      '  - { kind: guest-garp, targetMac: broadcast, delay: 100ms }',
      '  - { kind: qemu-announce, initial: 10ms, max: 1s, rounds: 8, step: 50ms, guestAnnounce: true, delay: 2s }',
      '  - { kind: keepalive, mode: gateway-probe, interval: 2min }',
      '  - { kind: controller, latency: 1s, lossRate: 0.25, pushNeighbors: false }',
      'migrations: [{ vm: vm-1, to: hv-2, at: 10s }]',
    );
    expect(sc.remedies).toEqual([
      { kind: 'guest-garp', form: 'reply', count: 5, interval: 20 * ms, delay: 0 },
      { kind: 'guest-garp', form: 'request', targetMac: 'broadcast', count: 3, interval: 100 * ms, delay: 100 * ms },
      { kind: 'qemu-announce', initial: 10 * ms, max: 1 * s, rounds: 8, step: 50 * ms, guestAnnounce: true, delay: 2 * s },
      { kind: 'keepalive', mode: 'gateway-probe', interval: 120 * s },
      { kind: 'controller', latency: 1 * s, lossRate: 0.25, pushFdb: true, pushNeighbors: false, moveBindings: false, neighborUpdate: 'install' },
    ]);
  });

  it('a migration\'s own remedies replace the top-level list; without either, none', () => {
    const sc = load(
      ...BASE,
      'remedies: [{ kind: rarp }]',
      'migrations:',
      '  - { vm: vm-1, to: hv-2, at: 10s }',
      '  - { vm: vm-2, to: hv-1, at: 10s, remedies: [{ kind: guest-garp, count: 1 }] }',
      '  - { vm: vm-3, to: hv-1, at: 10s, remedies: [] }',
    );
    expect(sc.migrations.map((m) => m.remedies.map((r) => r.kind))).toEqual([['rarp'], ['guest-garp'], []]);
    expect(load(...BASE, 'migrations: [{ vm: vm-1, to: hv-2, at: 10s }]').migrations[0]!.remedies).toEqual([]);
  });
});

describe('migrations', () => {
  it('explicit timing: 300 ms of downtime and no pre-copy by default; the schedule is the model\'s', () => {
    const sc = load(...BASE, 'migrations:', '  - { vm: vm-1, to: hv-2, at: 10s }', '  - { vm: vm-2, to: hv-1, at: 20s, timing: { precopy: 5s, downtime: 150ms } }');
    const [a, b] = sc.migrations;
    expect(a!.timing).toEqual({ kind: 'explicit', precopyTime: 0, downtime: QEMU_DOWNTIME_LIMIT });
    expect(parseDuration(TIMING_DEFAULTS.downtime)).toEqual({ ok: true, value: QEMU_DOWNTIME_LIMIT });
    expect(b!.timing).toEqual({ kind: 'explicit', precopyTime: 5 * s, downtime: 150 * ms });
    expect(b!.schedule).toEqual({ start: 20 * s, pauseAt: 25 * s, resumeAt: 25.15 * s, precopyTime: 5 * s, downtime: 150 * ms, converged: true });
    for (const m of sc.migrations) expect(m.schedule).toEqual(migrationSchedule({ start: m.at, timing: m.timing } as unknown as MigrationSpec));
  });

  it('pre-copy timing: QEMU\'s bandwidth and downtime limit by default, rates as "64MiB/s"; the plan is preCopyPlan\'s', () => {
    const sc = load(...BASE, 'migrations:', '  - { vm: vm-1, to: hv-2, at: 10s, timing: { memory: 4GiB, dirtyRate: 64MiB/s } }');
    const m = sc.migrations[0]!;
    const params = { memoryBytes: 4 * 2 ** 30, dirtyBytesPerSecond: 64 * 2 ** 20, bandwidthBytesPerSecond: QEMU_MAX_BANDWIDTH, downtimeLimit: QEMU_DOWNTIME_LIMIT, maxRounds: 30 };
    expect(m.timing).toEqual({ kind: 'pre-copy', params });
    expect(parseByteRate(TIMING_DEFAULTS.bandwidth)).toEqual({ ok: true, value: QEMU_MAX_BANDWIDTH });
    const plan = preCopyPlan(params);
    expect(m.schedule).toEqual({ start: 10 * s, pauseAt: 10 * s + plan.precopyTime, resumeAt: 10 * s + plan.totalTime, precopyTime: plan.precopyTime, downtime: plan.downtime, converged: plan.converged });
    expect(m.schedule).toEqual(migrationSchedule({ start: m.at, timing: m.timing } as unknown as MigrationSpec));
    // The arithmetic of pre-copy (Clark et al., NSDI 2005): the first pass over 4 GiB at 128 MiB/s takes 32 s.
    expect(plan.rounds[0]).toBe(32 * s);
  });

  it('the moves of one VM chain in time order: each starts where the one before ended', () => {
    const sc = load(
      ...BASE,
      'migrations:',
      '  - { vm: vm-6, to: hv-4, at: 50s }',
      '  - { vm: vm-6, to: hv-3, at: 20s }',
      '  - { vm: vm-6, to: hv-2, at: 80s }',
    );
    // vm-6 starts on hv-2 (round-robin over 4 hypervisors); the list is not in time order.
    expect(sc.migrations.map((m) => `${m.from}→${m.to}`)).toEqual(['hv-3→hv-4', 'hv-2→hv-3', 'hv-4→hv-2']);
    expect(sc.migrations.map((m) => [m.group, m.index])).toEqual([[0, 5], [0, 5], [0, 5]]);
  });

  it('newMac: auto follows the MAC plan, counting a VM\'s automatic moves in time order; explicit MACs are canonical', () => {
    const sc = load(
      ...BASE,
      'migrations:',
      '  - { vm: vm-3, to: hv-1, at: 50s, newMac: auto }',
      '  - { vm: vm-3, to: hv-4, at: 20s, newMac: auto }',
      '  - { vm: vm-4, to: hv-1, at: 20s, newMac: "02:AA:00:00:00:04" }',
      '  - { vm: vm-5, to: hv-2, at: 20s }',
    );
    // vm-3 is host number 3: its first automatic MAC (the move at 20 s) is 02:02:…:03, the next 02:03:…:03.
    expect(sc.migrations.map((m) => m.newMac)).toEqual([autoNewMac(3, 2), autoNewMac(3, 1), '02:aa:00:00:00:04', null]);
    expect(autoNewMac(3, 1)).toBe('02:02:00:00:00:03');
    expect(hostMac(3)).toBe('02:00:00:00:00:03');
  });

  it('port readiness, the guest link, the VLAN and the virtual switch\'s kind come through (defaults: resume, linux-bridge)', () => {
    const sc = load(...BASE.map((l) => (l.startsWith('hypervisors') ? 'hypervisors: { count: 4, vlan: 30, vswitchAgingTime: 60s, vswitch: ovs }' : l)), 'migrations: [{ vm: vm-1, to: hv-2, at: 10s, portReadyAfter: 2s, guestLink: replug }, { vm: vm-2, to: hv-1, at: 10s }]');
    expect(sc.migrations[0]).toMatchObject({ portReadyAfter: 2 * s, vlan: 30, guestLink: 'replug' });
    expect(sc.migrations[1]).toMatchObject({ portReadyAfter: 0, guestLink: 'resume' });
    expect(sc.hypervisors).toEqual({ count: 4, placement: 'spread', vswitchAgingTime: 60 * s, vswitch: 'ovs', vlan: 30 });
    expect(load(...BASE).hypervisors!.vswitch).toBe('linux-bridge');
  });

  it('traffic may name VMs and groups of VMs like any host', () => {
    const sc = load(...BASE, 'traffic: [{ from: gateway, to: vm-3 }, { kind: ping, from: pc-1, to: vm }, { from: vm-2, to: pc }]');
    expect(sc.traffic.map((f) => f.name)).toEqual(['udp-gateway-vm-3', 'ping-pc-1-vm', 'udp-vm-2-pc']);
  });
});

describe('variants', () => {
  const text = [
    'name: compare',
    'duration: 60s',
    'seed: 7',
    'gateway: { profile: linux-router, sysctls: { arp_accept: 1, locktime: 0 } }',
    'hypervisors: { count: 4 }',
    'hosts:',
    '  - { name: vm, count: 8, on: hypervisors, sysctls: { arp_accept: 1 } }',
    '  - { name: db, count: 2, on: [hv-3], sysctls: { arp_notify: 1 } }',
    'events: [{ at: 5s, kind: gateway-restart }]',
    'loss: [{ links: "hv-2:p1", model: { kind: bernoulli, rate: 0.01 } }]',
    'remedies: [{ kind: guest-garp }]',
    'migrations:',
    '  - { vm: vm-1, to: hv-2, at: 10s }',
    '  - { vm: db-1, to: hv-4, at: 20s, remedies: [{ kind: rarp }] }',
    'variants:',
    '  - name: as-written',
    '  - name: qemu',
    '    description: QEMU instead',
    '    remedies: [{ kind: qemu-announce }]',
    '    seed: 8',
    '  - name: quiet',
    '    loss: []',
    '    events: [{ at: 1s, kind: flush-neighbors, target: "*" }]',
    '    gateway: { sysctls: { arp_accept: 2 } }',
    '    hostSysctls: { db: { locktime: 50 } }',
    '  - name: ios',
    '    gateway: { profile: cisco-ios, sysctls: { arpTimeout: 1min } }',
  ];
  const sc = loadScenario(`${text.join('\n')}\n`, 'compare.yaml');
  const run = (name: string) => sc.runs.find((r) => r.name === name)!;

  it('one run per variant, in order, named after it', () => {
    expect(sc.runs.map((r) => r.name)).toEqual(['as-written', 'qemu', 'quiet', 'ios']);
    expect(sc.runs.map((r) => r.description)).toEqual([null, 'QEMU instead', null, null]);
  });

  it('a variant with nothing replaced is the scenario as written', () => {
    const r = run('as-written');
    expect(r.seed).toBe(sc.seed);
    expect(r.gateway).toEqual(sc.gateway);
    expect(r.hosts).toEqual(sc.hosts);
    expect(r.loss).toEqual(sc.loss);
    expect(r.events).toEqual(sc.events);
    expect(r.remedies).toEqual(sc.remedies);
    expect(r.migrations).toEqual(sc.migrations);
  });

  it('remedies replace the remedies of every migration, its own ones included; the seed replaces the seed', () => {
    const r = run('qemu');
    expect(r.seed).toBe(8);
    expect(r.remedies).toEqual([{ kind: 'qemu-announce', ...QEMU_ANNOUNCE, guestAnnounce: false, delay: 0 }]);
    for (const m of r.migrations) expect(m.remedies).toEqual(r.remedies);
    // Without the variant, db-1 keeps its own list.
    expect(sc.migrations.map((m) => m.remedies.map((x) => x.kind))).toEqual([['guest-garp'], ['rarp']]);
    // Everything a variant cannot change is the same.
    expect(r.migrations.map(({ remedies: _, ...m }) => m)).toEqual(sc.migrations.map(({ remedies: _, ...m }) => m));
  });

  it('lists and sysctls objects are replaced whole, never merged', () => {
    const r = run('quiet');
    expect(r.loss).toEqual([]);
    expect(r.events).toEqual([{ at: 1 * s, kind: 'flush-neighbors', target: '*', family: 'both' }]);
    // arp_accept: 2 replaces the object: locktime: 0 is gone.
    expect(r.gateway).toEqual({ ...sc.gateway, sysctls: { arp_accept: 2 } });
    expect(r.hosts.map((h) => h.sysctls)).toEqual([{ arp_accept: 1 }, { locktime: 50 }]);
    expect(r.seed).toBe(7);
  });

  it('the gateway\'s profile may change together with its overrides', () => {
    expect(run('ios').gateway).toEqual({ ...sc.gateway, profile: 'cisco-ios', sysctls: { arpTimeout: 60 * s } });
  });

  it('a variant changes single migrations: timing, port readiness, guest link and remedies replaced, schedules and later moves resolved again', () => {
    const v = loadScenario([
      ...text.filter((l) => !l.startsWith('variants:') && !l.startsWith('  - name:') && !l.startsWith('    ')),
      '  - { vm: vm-1, to: hv-3, at: 40s }',
      'variants:',
      '  - name: slow',
      '    remedies: [{ kind: rarp }]',
      '    migrations:',
      '      - { vm: vm-1, at: 10s, timing: { downtime: 2s }, portReadyAfter: 500ms, guestLink: replug }',
      '      - { vm: db-1, remedies: [{ kind: guest-garp, delay: 100ms }] }',
    ].join('\n'), 'v.yaml');
    const base = v.migrations;
    const r = v.runs[0]!;
    expect(r.migrations[0]).toEqual({
      ...base[0]!,
      timing: { kind: 'explicit', precopyTime: 0, downtime: 2 * s },
      schedule: { start: 10 * s, pauseAt: 10 * s, resumeAt: 12 * s, precopyTime: 0, downtime: 2 * s, converged: true },
      portReadyAfter: 500 * ms,
      guestLink: 'replug',
      remedies: [{ kind: 'rarp', count: 1, interval: 0, delay: 0 }],
    });
    // db-1's own change wins over the variant's list; vm-1's second move keeps its settings.
    expect(r.migrations[1]!.remedies).toEqual([{ kind: 'guest-garp', form: 'request', count: 3, interval: 100 * ms, delay: 100 * ms }]);
    expect(r.migrations[2]).toEqual({ ...base[2]!, remedies: [{ kind: 'rarp', count: 1, interval: 0, delay: 0 }] });
  });
});

describe('the JSON Schema of the new sections', () => {
  type J = { properties?: Record<string, J>; items?: J; oneOf?: J[]; anyOf?: J[]; default?: unknown; required?: string[]; const?: unknown; description?: string };
  const p = (scenarioJsonSchema() as J).properties!;

  it('lists the remedy kinds in the model\'s order, each with its defaults as a file writes them', () => {
    const kinds = (p.remedies!.items!.oneOf ?? p.remedies!.items!.anyOf)!;
    expect(kinds.map((k) => k.properties!.kind!.const)).toEqual([...REMEDY_KINDS]);
    const of = (kind: string) => kinds.find((k) => k.properties!.kind!.const === kind)!.properties!;
    expect(of('guest-na').interval!.default).toBe('1s');
    expect(of('qemu-announce').max!.default).toBe('550ms');
    expect(of('evpn').duplicateWindow!.default).toBe('180s');
    expect(of('rarp').count!.description).toMatch(/unverified/);
  });

  it('hypervisors need a count; migrations a VM, a destination and a time; variants a name', () => {
    expect(p.hypervisors!.required).toEqual(['count']);
    expect(p.hypervisors!.properties!.vswitchAgingTime!.default).toBe('300s');
    expect(p.migrations!.items!.required).toEqual(['vm', 'to', 'at']);
    expect(p.migrations!.items!.properties!.timing!.default).toEqual({});
    expect(p.migrations!.items!.properties!.portReadyAfter!.default).toBe('0s');
    expect(p.variants!.items!.required).toEqual(['name']);
    expect(p.hosts!.items!.properties!.on!.default).toBe('edge');
  });
});
