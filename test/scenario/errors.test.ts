/**
 * A scenario file with many problems reports all of them at once, each at its own line and column,
 * with its field path, what was expected, what was found and, for near misses, a suggestion. The
 * expected positions are computed from the test's own YAML text.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario } from '../../src/scenario/index.js';
import { issueAt, issuesOf, positionOf } from './helpers.js';

const BROKEN = `name: broken
description: @home lab, a plain value cannot start with @
duration: 60s
fabric:
  kind: leaf-spine
  leaves: 4
  spines: "two"
  links:
    access: { rate: -10Gbps, delay: 1us }
    fabrik: { rate: 40Gbps }
subnet:
  ipv4: 198.18.0.0/24
gateway:
  ipv4: 198.18.1.1
hosts:
  - name: vm
    count: 4
    placement: [leaf-1, leaf-9]
    profle: linux
  - name: db
    count: 2
traffic:
  - from: gateway
    to: vm-1
    rate: 100pps
    start: 30s
    stop: 10s
loss:
  - links: "leaf-1:*"
    model: { kind: gilbert-elliott, lossRate: 1.5, meanBurstLength: 0.5 }
events:
  - at: 10s
    kind: gateway-restrat
`;

describe('a scenario with many problems', () => {
  const issues = issuesOf(BROKEN, 'broken.yaml');

  it('lists every problem at once, in file order, and nothing else', () => {
    expect(issues.map((i) => i.path)).toEqual([
      '(yaml)',
      'fabric.spines',
      'fabric.links.access.rate',
      'fabric.links.fabrik',
      'gateway.ipv4',
      'hosts[0].placement[1]',
      'hosts[0].profle',
      'traffic[0].stop',
      'loss[0].model.lossRate',
      'loss[0].model.meanBurstLength',
      'events[0].kind',
    ]);
    const positions = issues.map((i) => [i.line, i.column]);
    const sorted = [...positions].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(positions).toEqual(sorted);
    for (const i of issues) expect(i.file).toBe('broken.yaml');
  });

  it('reports the YAML syntax error where the parser found it, and checks the rest of the file', () => {
    const yaml = issueAt(issues, '(yaml)');
    expect(yaml.code).toBe('yaml');
    expect({ line: yaml.line, column: yaml.column }).toEqual(positionOf(BROKEN, '@home'));
    expect(yaml.message).toMatch(/cannot start with reserved character @/);
  });

  it('wrong types: expected and found', () => {
    const spines = issueAt(issues, 'fabric.spines');
    expect(spines.code).toBe('type');
    expect({ line: spines.line, column: spines.column }).toEqual(positionOf(BROKEN, 'spines:', '"two"'));
    expect(spines.expected).toMatch(/whole number/);
    expect(spines.found).toBe('"two"');
  });

  it('impossible values: a negative rate', () => {
    const rate = issueAt(issues, 'fabric.links.access.rate');
    expect(rate.code).toBe('value');
    expect({ line: rate.line, column: rate.column }).toEqual(positionOf(BROKEN, 'rate: -10Gbps', '-10Gbps'));
    expect(rate.expected).toBe('a bit rate greater than 0');
    expect(rate.found).toBe('"-10Gbps"');
  });

  it('unknown fields: at the key, with a did-you-mean from the keys allowed there', () => {
    const fabrik = issueAt(issues, 'fabric.links.fabrik');
    expect(fabrik.code).toBe('unknown-field');
    expect({ line: fabrik.line, column: fabrik.column }).toEqual(positionOf(BROKEN, 'fabrik:', 'fabrik'));
    expect(fabrik.suggestion).toBe('fabric');
    expect(fabrik.message).toBe('unknown field "fabrik"; did you mean "fabric"? (expected one of the fields access, fabric)');
    const profle = issueAt(issues, 'hosts[0].profle');
    expect({ line: profle.line, column: profle.column }).toEqual(positionOf(BROKEN, 'profle:', 'profle'));
    expect(profle.suggestion).toBe('profile');
  });

  it('an address outside its subnet', () => {
    const ipv4 = issueAt(issues, 'gateway.ipv4');
    expect({ line: ipv4.line, column: ipv4.column }).toEqual(positionOf(BROKEN, '198.18.1.1'));
    expect(ipv4.expected).toContain('198.18.0.0/24');
    expect(ipv4.found).toContain('outside 198.18.0.0/24');
  });

  it('a host attached to a switch that does not exist (while the bad spine count is reported too)', () => {
    const leaf9 = issueAt(issues, 'hosts[0].placement[1]');
    expect(leaf9.code).toBe('reference');
    expect({ line: leaf9.line, column: leaf9.column }).toEqual(positionOf(BROKEN, 'placement: [leaf-1, leaf-9]', 'leaf-9'));
    expect(leaf9.expected).toBe('an edge switch (leaf-1, leaf-2, leaf-3, leaf-4)');
    expect(leaf9.found).toBe('"leaf-9"');
  });

  it('cross-field values: stop before start', () => {
    const stop = issueAt(issues, 'traffic[0].stop');
    expect({ line: stop.line, column: stop.column }).toEqual(positionOf(BROKEN, 'stop: 10s', '10s'));
    expect(stop.expected).toBe('a stop after the start (30s)');
    expect(stop.found).toBe('10s');
  });

  it('a loss rate outside [0, 1) and a burst shorter than one frame, without echoes', () => {
    const line = 'model: { kind: gilbert-elliott';
    const rate = issueAt(issues, 'loss[0].model.lossRate');
    expect({ line: rate.line, column: rate.column }).toEqual(positionOf(BROKEN, line, '1.5'));
    expect(rate.found).toBe('1.5');
    const burst = issueAt(issues, 'loss[0].model.meanBurstLength');
    expect({ line: burst.line, column: burst.column }).toEqual(positionOf(BROKEN, line, '0.5'));
    expect(burst.expected).toMatch(/at least 1/);
  });

  it('an unknown kind, with the kind that was meant', () => {
    const kind = issueAt(issues, 'events[0].kind');
    expect({ line: kind.line, column: kind.column }).toEqual(positionOf(BROKEN, 'gateway-restrat'));
    expect(kind.suggestion).toBe('gateway-restart');
    expect(kind.expected).toContain('gateway-restart');
  });

  it('the error message lists one issue per line as file:line:column: path: message', () => {
    let error: unknown;
    try {
      loadScenario(BROKEN, 'broken.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const lines = (error as ScenarioError).message.split('\n');
    expect(lines.length).toBe(issues.length);
    lines.forEach((l, i) => {
      const issue = issues[i]!;
      expect(l).toBe(`broken.yaml:${issue.line}:${issue.column}: ${issue.path}: ${issue.message}`);
    });
  });
});

describe('located problems, one at a time', () => {
  it('a missing required field is reported at the key of the mapping that lacks it', () => {
    const text = 'name: x\nhosts:\n  - count: 3\n';
    const issue = issueAt(issuesOf(text), 'hosts[0].name');
    expect(issue.code).toBe('missing');
    expect({ line: issue.line, column: issue.column }).toEqual(positionOf(text, 'count: 3', 'count'));
  });

  it('a missing name does not stop the other checks', () => {
    const text = 'hosts:\n  - name: vm\n    placement: [leaf-7]\n';
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path)).toEqual(['name', 'hosts[0].placement[0]']);
    expect(issues[0]!.code).toBe('missing');
    expect([issues[0]!.line, issues[0]!.column]).toEqual([1, 1]);
  });

  it('an empty value is reported at its key', () => {
    const text = 'name: x\nfabric:\n';
    const issue = issueAt(issuesOf(text), 'fabric');
    expect(issue.found).toBe('an empty value');
    expect({ line: issue.line, column: issue.column }).toEqual(positionOf(text, 'fabric:'));
  });

  it('did-you-mean for enum values and units', () => {
    const text = 'name: x\nfabric:\n  bridging: rtsp\n  macAgingTime: 300sec\ngateway:\n  profile: cisco-ois\n';
    const issues = issuesOf(text);
    expect(issueAt(issues, 'fabric.bridging').suggestion).toBe('rstp');
    expect(issueAt(issues, 'fabric.macAgingTime').suggestion).toBe('300s');
    expect(issueAt(issues, 'gateway.profile').suggestion).toBe('cisco-ios');
  });

  it('keys that do not belong to the fabric kind are unknown there', () => {
    const text = 'name: x\nfabric:\n  kind: tree\n  leaves: 4\n  acess: 8\n';
    const issues = issuesOf(text);
    expect(issueAt(issues, 'fabric.leaves').code).toBe('unknown-field');
    expect(issueAt(issues, 'fabric.acess').suggestion).toBe('access');
  });

  it('a document that is not a mapping', () => {
    const issue = issueAt(issuesOf('- just\n- a list\n'), '(document)');
    expect(issue.code).toBe('type');
    expect(issue.expected).toBe('a mapping');
  });

  it('YAML that cannot be read at all still gives located issues, not an exception', () => {
    const text = 'name: x\nfabric: *nowhere\n';
    const issue = issueAt(issuesOf(text), '(yaml)');
    expect({ line: issue.line, column: issue.column }).toEqual(positionOf(text, '*nowhere'));
  });

  it('duplicate keys are YAML errors', () => {
    const text = 'name: x\nseed: 1\nseed: 2\n';
    const issue = issueAt(issuesOf(text), '(yaml)');
    expect(issue.line).toBe(3);
  });
});

const BROKEN_MOVES = `name: broken-moves
duration: 60s
hypervisors:
  count: 4
  placement: [leaf-1, leaf-9]
  vlan: 5000
hosts:
  - name: vm
    count: 8
    on: hypervisor           # one letter short
  - name: db
    count: 2
    on: hypervisors
remedies:
  - kind: guest-garp
    count: 0
  - kind: rarpp
migrations:
  - vm: db-1
    to: hv-7
    at: 10s
  - vm: db-2
    to: hv-1
    at: 5s
    timing: { downtime: 2min }
  - vm: db-1
    to: hv-3
    at: 20s
    newMac: 01:00:5e:00:00:01
variants:
  - name: a
  - name: b
    remedies: [{ kind: qemu-announce, round: 3 }]
  - name: c
    remedies: [{ kind: guest-garp, count: -1 }]
    loss: [{ links: "hv-9:p1" }]
`;

describe('a scenario with many problems in its hypervisors, migrations, remedies and variants', () => {
  const issues = issuesOf(BROKEN_MOVES, 'moves.yaml');
  const at = (path: string) => {
    const i = issueAt(issues, path);
    return { line: i.line, column: i.column };
  };

  it('lists every problem at once, in file order, and nothing else', () => {
    expect(issues.map((i) => i.path)).toEqual([
      'hypervisors.placement[1]',
      'hypervisors.vlan',
      'hosts[0].on',
      'remedies[0].count',
      'remedies[1].kind',
      'migrations[0].to',
      'migrations[1].timing.downtime',
      'migrations[2].newMac',
      'variants[1].remedies[0].round',
      'variants[2].remedies[0].count',
      'variants[2].loss[0].links',
    ]);
  });

  it('hypervisors: an edge switch that does not exist, a VLAN out of range, a misspelt keyword', () => {
    expect(at('hypervisors.placement[1]')).toEqual(positionOf(BROKEN_MOVES, 'leaf-9'));
    expect(issueAt(issues, 'hypervisors.vlan').expected).toBe('a whole number from 1 to 4094');
    expect(at('hypervisors.vlan')).toEqual(positionOf(BROKEN_MOVES, '5000'));
    const on = issueAt(issues, 'hosts[0].on');
    expect(at('hosts[0].on')).toEqual(positionOf(BROKEN_MOVES, '# one letter short', 'hypervisor'));
    expect(on.suggestion).toBe('hypervisors');
  });

  it('remedies: a count out of range, an unknown kind with the kind that was meant', () => {
    expect(at('remedies[0].count')).toEqual(positionOf(BROKEN_MOVES, 'count: 0', '0'));
    expect(issueAt(issues, 'remedies[1].kind').suggestion).toBe('rarp');
    expect(at('remedies[1].kind')).toEqual(positionOf(BROKEN_MOVES, 'rarpp'));
  });

  it('migrations: a move to a hypervisor that does not exist, a downtime longer than the simulation, a group MAC', () => {
    const to = issueAt(issues, 'migrations[0].to');
    expect(to.code).toBe('reference');
    expect(to.expected).toMatch(/^a hypervisor \(hv-1, hv-2, hv-3, hv-4\)/);
    expect(at('migrations[0].to')).toEqual(positionOf(BROKEN_MOVES, 'hv-7'));
    const downtime = issueAt(issues, 'migrations[1].timing.downtime');
    expect(downtime.expected).toBe('a downtime shorter than the simulation (duration 1min)');
    expect(downtime.found).toBe('2min');
    expect(at('migrations[1].timing.downtime')).toEqual(positionOf(BROKEN_MOVES, '2min'));
    expect(issueAt(issues, 'migrations[2].newMac').expected).toMatch(/group address/);
    expect(at('migrations[2].newMac')).toEqual(positionOf(BROKEN_MOVES, '01:00:5e'));
  });

  it('variants: problems inside a variant are located there', () => {
    const round = issueAt(issues, 'variants[1].remedies[0].round');
    expect(round.code).toBe('unknown-field');
    expect(round.suggestion).toBe('rounds');
    expect(at('variants[1].remedies[0].round')).toEqual(positionOf(BROKEN_MOVES, 'round: 3', 'round'));
    expect(issueAt(issues, 'variants[2].remedies[0].count').expected).toBe('a whole number from 1 to 1000');
    expect(at('variants[2].remedies[0].count')).toEqual(positionOf(BROKEN_MOVES, 'count: -1', '-1'));
    expect(at('variants[2].loss[0].links')).toEqual(positionOf(BROKEN_MOVES, 'hv-9:p1', '"hv-9:p1"'));
  });

  it('a bit rate where bytes per second are meant, with the rate in bytes as the suggestion', () => {
    const text = 'name: x\nhypervisors: { count: 2 }\nhosts: [{ name: vm, count: 2, on: hypervisors }]\nmigrations:\n  - { vm: vm-1, to: hv-2, at: 1s, timing: { memory: 1GiB, dirtyRate: 10Gbps } }\n';
    const rate = issueAt(issuesOf(text), 'migrations[0].timing.dirtyRate');
    expect(rate.suggestion).toBe('1.25GB/s');
    expect({ line: rate.line, column: rate.column }).toEqual(positionOf(text, '10Gbps'));
  });
});
