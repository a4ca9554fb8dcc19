/**
 * The cross-field rules, one by one: each scenario is valid but for one relation between fields,
 * and the test checks the path, the kind of problem and the numbers in the message, computed from
 * the scenario's own parameters.
 */
import { describe, expect, it } from 'vitest';
import { preCopyPlan } from '../../src/migration/index.js';
import { formatDuration, loadScenario } from '../../src/scenario/index.js';
import { issueAt, issuesOf, positionOf } from './helpers.js';

function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

describe('names', () => {
  it('duplicate group names, and group names that clash with switches or other hosts', () => {
    const text = yaml(
      'name: n',
      'hosts:',
      '  - { name: vm, count: 3 }',
      '  - { name: vm, count: 1 }   # again',
      '  - { name: leaf, count: 2 } # leaf-1 is a switch',
      '  - { name: vm-2 }           # vm-2 is a host of vm',
    );
    const issues = issuesOf(text);
    const again = issueAt(issues, 'hosts[1].name');
    expect(again.code).toBe('duplicate');
    expect(again.found).toBe('"vm" (also hosts[0].name)');
    expect({ line: again.line, column: again.column }).toEqual(positionOf(text, '# again', 'vm'));
    expect(issueAt(issues, 'hosts[2].name').found).toMatch(/leaf-1 would have the name of a switch/);
    expect(issueAt(issues, 'hosts[3].name').found).toMatch(/host 2 of group vm/);
  });

  it('references to nodes that do not exist, with a suggestion when one name is closest', () => {
    const text = yaml(
      'name: n',
      'hosts: [{ name: vm, count: 3 }, { name: db }]',
      'traffic:',
      '  - { from: gatway, to: vm-4 }',
      '  - { from: vm-1, to: vm-1 }',
      'events:',
      '  - { at: 1s, kind: host-down, target: dbs }',
      '  - { at: 2s, kind: link-down, target: "spine-3:*" }',
      '  - { at: 3s, kind: gateway-restart, target: gateway-2 }',
      'output: { pcap: spine-7 }',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'traffic[0].from').suggestion).toBe('gateway');
    const vm4 = issueAt(issues, 'traffic[0].to');
    expect(vm4.expected).toMatch(/group vm has 3 hosts/);
    expect(issueAt(issues, 'traffic[1].to').expected).toBe('a receiver other than the sender');
    expect(issueAt(issues, 'events[0].target').suggestion).toBe('db');
    expect(issueAt(issues, 'events[1].target').expected).toMatch(/no node is named "spine-3"/);
    expect(issueAt(issues, 'events[2].target').expected).toBe('gateway');
    expect(issueAt(issues, 'output.pcap').code).toBe('reference');
    expect(issues.length).toBe(7);
  });

  it('a switch that exists but has no host ports, for a pair (a core gateway may take a port on it)', () => {
    const issue = issueAt(issuesOf(yaml('name: n', 'gateway: { placement: pair, attach: [spine-1, leaf-2] }')), 'gateway.attach[0]');
    expect(issue.expected).toMatch(/spine-1 is not an edge switch/);
    expect(() => loadScenario(yaml('name: n', 'gateway: { attach: spine-1 }'), 'n.yaml')).not.toThrow();
  });

  it('flows may name an address nobody has, inside the subnet only', () => {
    expect(() => loadScenario(yaml('name: n', 'hosts: [{ name: vm }]', 'traffic: [{ from: vm, to: 198.18.0.250 }]'), 'n.yaml')).not.toThrow();
    const issue = issueAt(issuesOf(yaml('name: n', 'subnet: { ipv4: 198.18.0.0/24 }', 'hosts: [{ name: vm }]', 'traffic: [{ from: vm, to: 10.0.0.1 }]')), 'traffic[0].to');
    expect(issue.expected).toMatch(/inside 198.18.0.0\/24/);
  });

  it('default flow names must be unique too', () => {
    const issue = issueAt(issuesOf(yaml('name: n', 'hosts: [{ name: vm }]', 'traffic: [{ from: gateway, to: vm }, { from: gateway, to: vm, rate: 5pps }]')), 'traffic[1]');
    expect(issue.code).toBe('duplicate');
    expect(issue.found).toBe('"udp-gateway-vm" (the default name, as for traffic[0])');
  });
});

describe('capacity', () => {
  it('more hosts than host ports', () => {
    const leaves = 3;
    const ports = 10;
    // The gateway takes one port of leaf-1.
    const room = leaves * ports - 1;
    const text = yaml('name: n', `fabric: { leaves: ${leaves}, hostPortsPerEdge: ${ports} }`, 'hosts:', `  - { name: vm, count: ${room + 1} }`);
    const issue = issueAt(issuesOf(text), 'hosts[0].count');
    expect(issue.code).toBe('capacity');
    expect(issue.expected).toMatch(new RegExp(`^at most ${room} hosts`));
    expect(issue.found).toBe(String(room + 1));
    expect(() => loadScenario(yaml('name: n', `fabric: { leaves: ${leaves}, hostPortsPerEdge: ${ports} }`, `hosts: [{ name: vm, count: ${room} }]`), 'n.yaml')).not.toThrow();
  });

  it('more hosts than free addresses', () => {
    // A /28 has 14 usable addresses; the gateway takes one.
    const text = yaml('name: n', 'subnet: { ipv4: 198.18.0.0/28 }', 'hosts: [{ name: a, count: 10 }, { name: b, count: 4 }]');
    const issue = issueAt(issuesOf(text), 'hosts[1].count');
    expect(issue.expected).toMatch(/^at most 3 hosts: the free ipv4 addresses left in 198.18.0.0\/28/);
  });

  it('an explicit range that runs past the end of the subnet', () => {
    const issue = issueAt(issuesOf(yaml('name: n', 'subnet: { ipv4: 198.18.0.0/24 }', 'hosts: [{ name: a, count: 10, ipv4: 198.18.0.250 }]')), 'hosts[0].ipv4');
    expect(issue.code).toBe('capacity');
    expect(issue.expected).toMatch(/198.18.0.254/);
  });
});

describe('addresses', () => {
  it('a shared address is refused unless one group allows the conflict', () => {
    const base = ['name: n', 'hosts:', '  - { name: a, count: 4, ipv4: 198.18.0.10 }'];
    const issue = issueAt(issuesOf(yaml(...base, '  - { name: b, ipv4: 198.18.0.12 }')), 'hosts[1].ipv4');
    expect(issue.code).toBe('duplicate');
    expect(issue.found).toBe('"198.18.0.12", whose range shares 198.18.0.12 with a-1 … a-4 (hosts[0])');
    expect(() => loadScenario(yaml(...base, '  - { name: b, ipv4: 198.18.0.12, allowAddressConflict: true }'), 'n.yaml')).not.toThrow();
    expect(issueAt(issuesOf(yaml('name: n', 'hosts: [{ name: b, ipv4: 198.18.0.1 }]')), 'hosts[0].ipv4').found).toMatch(/the gateway/);
  });

  it('addresses of a family the scenario has no subnet for', () => {
    const issues = issuesOf(yaml('name: n', 'gateway: { ipv6: "2001:db8::1" }', 'hosts: [{ name: a, ipv6: "2001:db8::5" }]'));
    expect(issueAt(issues, 'gateway.ipv6').expected).toBe('none, since the scenario has no subnet.ipv6');
    expect(issueAt(issues, 'hosts[0].ipv6').expected).toBe('auto or none, since the scenario has no subnet.ipv6');
  });

  it('the network and broadcast addresses are not for hosts; a subnet needs host bits zero', () => {
    const issues = issuesOf(yaml('name: n', 'subnet: { ipv4: 198.18.0.0/24 }', 'gateway: { ipv4: 198.18.0.255 }', 'hosts: [{ name: a, ipv4: 198.18.0.0 }]'));
    expect(issueAt(issues, 'gateway.ipv4').expected).toMatch(/other than its network and broadcast addresses/);
    expect(issueAt(issues, 'hosts[0].ipv4').code).toBe('value');
    expect(issueAt(issuesOf(yaml('name: n', 'subnet: { ipv4: 198.18.0.1/16 }')), 'subnet.ipv4').suggestion).toBe('198.18.0.0/16');
    expect(issueAt(issuesOf(yaml('name: n', 'subnet: {}')), 'subnet').code).toBe('missing');
  });

  it('hosts need an address, and flows need addresses of their family at both ends', () => {
    const text = yaml(
      'name: n',
      'subnet: { ipv4: 198.18.0.0/24, ipv6: "2001:db8::/64" }',
      'hosts: [{ name: a, ipv4: none, ipv6: none }, { name: v6, ipv4: none }]',
      'traffic: [{ from: gateway, to: v6, family: ipv4 }, { from: v6-1, to: gateway, family: ipv6, size: 1460 }]',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'hosts[0]').found).toBe('none for both families');
    expect(issueAt(issues, 'traffic[0].to').expected).toMatch(/group v6 has none/);
    expect(issueAt(issues, 'traffic[1].size').expected).toBe('at most 1452 bytes, so that the ipv6 packet fits one 1500-byte frame');
  });
});

describe('values that depend on other fields', () => {
  it('times beyond the end of the simulation', () => {
    const text = yaml(
      'name: n',
      'duration: 60s',
      'hosts: [{ name: vm }]',
      'traffic: [{ from: gateway, to: vm, start: 60s }, { from: vm, to: gateway, stop: 61s }]',
      'events: [{ at: 1min, kind: gateway-restart }]',
      'loss: [{ links: "*", congestion: [{ start: 5s, end: 5s }] }]',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'traffic[0].start').expected).toBe('a start before the end of the simulation (duration 1min)');
    expect(issueAt(issues, 'traffic[1].stop').found).toBe('61s');
    expect(issueAt(issues, 'events[0].at').found).toBe('1min');
    expect(issueAt(issues, 'loss[0].congestion[0].end').expected).toBe('an end after the start (5s)');
  });

  it('Gilbert-Elliott parameters: one complete form, and a reachable loss rate', () => {
    const text = yaml(
      'name: n',
      'loss:',
      '  - { links: "*", model: { kind: gilbert-elliott, lossRate: 0.1, pGoodToBad: 0.1 } }',
      '  - { links: "*", model: { kind: gilbert-elliott, lossRate: 0.1 } }',
      '  - { links: "*", model: { kind: gilbert-elliott, lossRate: 0.6, meanBurstLength: 1 } }',
      '  - { links: "*", model: { kind: gilbert-elliott } }',
      '  - { links: "*", model: { kind: gilbert-elliott, pBadToGood: 0.5 } }',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'loss[0].model').found).toBe('fields of both forms');
    expect(issueAt(issues, 'loss[1].model.meanBurstLength').code).toBe('missing');
    // With bursts of 1 frame the loss rate can reach 1 / (1 + 1) at most.
    expect(issueAt(issues, 'loss[2].model.lossRate').expected).toMatch(/^a loss rate of at most 0.5:/);
    expect(issueAt(issues, 'loss[3].model').code).toBe('missing');
    expect(issueAt(issues, 'loss[4].model.pGoodToBad').code).toBe('missing');
  });

  it('plain bridging on a fabric with loops', () => {
    const issue = issueAt(issuesOf(yaml('name: n', 'fabric: { bridging: none }')), 'fabric.bridging');
    expect(issue.expected).toMatch(/close loops/);
    expect(() => loadScenario(yaml('name: n', 'fabric: { bridging: none, spines: 1 }'), 'n.yaml')).not.toThrow();
    expect(issueAt(issuesOf(yaml('name: n', 'fabric: { kind: fat-tree, k: 4, bridging: none }')), 'fabric.bridging').code).toBe('value');
    expect(issueAt(issuesOf(yaml('name: n', 'fabric: { kind: fat-tree, k: 5 }')), 'fabric.k').expected).toBe('an even number from 2 to 64');
  });

  it('plain bridging on a tree: refused when its wiring closes loops, taken for one switch or a single-homed tree', () => {
    const tree = issueAt(issuesOf(yaml('name: n', 'fabric: { kind: tree, core: 2, aggregation: 0, access: 2, bridging: none, hostPortsPerEdge: 2 }', 'hosts: [{ name: pc, count: 2 }]')), 'fabric.bridging');
    expect(tree.expected).toMatch(/this tree fabric close loops/);
    // One core and one aggregation switch per tier: every switch has one way up, no pair has a peer.
    expect(() => loadScenario(yaml('name: n', 'fabric: { kind: tree, core: 1, aggregation: [1, 1], access: 3, bridging: none }'), 'n.yaml')).not.toThrow();
    expect(() => loadScenario(yaml('name: n', 'fabric: { kind: single, bridging: none }'), 'n.yaml')).not.toThrow();
    // A spanning-tree port number has 12 bits: the single switch's host ports are all its ports.
    expect(issueAt(issuesOf(yaml('name: n', 'fabric: { kind: single, hostPortsPerEdge: 4096 }')), 'fabric.hostPortsPerEdge').expected).toMatch(/^at most 4095 host ports per edge switch with rstp/);
    expect(issueAt(issuesOf(yaml('name: n', 'fabric: { kind: tree, aggregation: [1, 2, 3, 4, 5, 6, 7, 8, 9] }')), 'fabric.aggregation').code).toBe('type');
  });

  it('explicit MACs: unicast all along the range, no other node\'s, not the virtual MAC', () => {
    const text = yaml(
      'name: n',
      'gateway: { placement: pair, mac: "02:00:00:00:00:02" }',
      'hosts:',
      '  - { name: a, count: 2 }',
      '  - { name: b, count: 4, mac: "02:ff:ff:ff:ff:fe" }',
      '  - { name: c, count: 2, mac: "00:00:5e:00:01:00" }',
      '  - { name: d, count: 2, mac: "52:54:00:00:00:01" }',
      '  - { name: e, count: 3, mac: "52:54:00:00:00:00" }',
    );
    const issues = issuesOf(text);
    // b-3 would be 03:00:00:00:00:00, a group address.
    expect(issueAt(issues, 'hosts[1].mac').code).toBe('capacity');
    expect(issueAt(issues, 'hosts[1].mac').expected).toMatch(/room for 4 consecutive unicast MACs \(the last, 03:00:00:00:00:01/);
    expect(issueAt(issues, 'hosts[2].mac').found).toBe('"00:00:5e:00:01:00", whose range holds the gateway\'s virtual MAC 00:00:5e:00:01:01');
    expect(issueAt(issues, 'hosts[4].mac').found).toBe('"52:54:00:00:00:00", whose range gives e-2 52:54:00:00:00:01, the MAC of d-1 (hosts[3].mac)');
    expect(issueAt(issues, 'gateway.mac').found).toBe('"02:00:00:00:00:02", whose range gives gateway-1 02:00:00:00:00:02, the MAC of a-2 by the MAC plan');
    expect(issueAt(issuesOf(yaml('name: n', 'gateway: { placement: pair, virtualMac: "02:00:00:00:00:01" }', 'hosts: [{ name: a }]')), 'gateway.virtualMac').found).toBe('"02:00:00:00:00:01" (the MAC of a-1 by the MAC plan)');
    expect(issueAt(issuesOf(yaml('name: n', 'hosts: [{ name: a, mac: "01:00:00:00:00:01" }]')), 'hosts[0].mac').expected).toMatch(/unicast MAC/);
  });

  it('gateway settings that do not fit the placement', () => {
    expect(issueAt(issuesOf(yaml('name: n', 'gateway: { placement: anycast, attach: leaf-1 }')), 'gateway.attach').expected).toMatch(/every edge switch/);
    expect(issueAt(issuesOf(yaml('name: n', 'gateway: { placement: pair, attach: [leaf-1] }')), 'gateway.attach').expected).toMatch(/two edge switches/);
    expect(issueAt(issuesOf(yaml('name: n', 'gateway: { virtualMac: "00:00:5e:00:01:07" }')), 'gateway.virtualMac').code).toBe('value');
    expect(issueAt(issuesOf(yaml('name: n', 'gateway: { placement: pair, virtualMac: "01:00:5e:00:00:01" }')), 'gateway.virtualMac').expected).toMatch(/group address/);
  });
});

describe('overrides per profile', () => {
  it('Linux profiles take sysctls, others the generic fields, each with the counterpart suggested', () => {
    const text = yaml(
      'name: n',
      'gateway: { profile: cisco-ios, sysctls: { arp_accept: 1, retrans_time_ms: 500, arpTimeout: 5min } }',
      'hosts:',
      '  - { name: a, profile: linux, sysctls: { reachableTime: 10s, arp_accept: 2 } }',
      '  - { name: w, profile: windows, sysctls: { arpTimeout: 60s, reachableTime: 10s } }',
      '  - { name: l, sysctls: { arp_accept: 3, locktime: 0, base_reachable_time_ms: 0 } }',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'gateway.sysctls.arp_accept').expected).toMatch(/^a generic override, since profile cisco-ios is not Linux/);
    expect(issueAt(issues, 'gateway.sysctls.retrans_time_ms').suggestion).toBe('retransTime');
    const reachable = issueAt(issues, 'hosts[0].sysctls.reachableTime');
    expect(reachable.suggestion).toBe('base_reachable_time_ms');
    expect({ line: reachable.line, column: reachable.column }).toEqual(positionOf(text, 'name: a', 'reachableTime'));
    expect(issueAt(issues, 'hosts[1].sysctls.arpTimeout').suggestion).toBe('reachableTime');
    expect(issueAt(issues, 'hosts[2].sysctls.arp_accept').expected).toBe('one of 0, 1, 2');
    expect(issueAt(issues, 'hosts[2].sysctls.base_reachable_time_ms').code).toBe('value');
    expect(issues.length).toBe(6);
  });
});

describe('hypervisors and VMs', () => {
  const base = ['name: n', 'hypervisors: { count: 4 }'];

  it('VMs need hypervisors that exist; a misspelt keyword is suggested; VMs take no edge placement', () => {
    expect(issueAt(issuesOf(yaml('name: n', 'hosts: [{ name: vm, on: hypervisors }]')), 'hosts[0].on').expected).toMatch(/no hypervisors/);
    const text = yaml(
      ...base,
      'hosts:',
      '  - { name: a, on: hypervisor }',
      '  - { name: b, on: [hv-2, hv-5] }   # hv-5',
      '  - { name: c, on: hypervisors, placement: [leaf-1] }',
      '  - { name: hv, count: 2 }          # clash',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'hosts[0].on').suggestion).toBe('hypervisors');
    const hv5 = issueAt(issues, 'hosts[1].on[1]');
    expect(hv5.code).toBe('reference');
    expect({ line: hv5.line, column: hv5.column }).toEqual(positionOf(text, '# hv-5', 'hv-5'));
    expect(issueAt(issues, 'hosts[2].placement').expected).toMatch(/^no placement: VMs live where their hypervisor is/);
    expect(issueAt(issues, 'hosts[3].name').found).toMatch(/host hv-1 would have the name of a switch, gateway or hypervisor/);
    expect(issues.length).toBe(4);
  });

  it('hypervisors attach to edge switches that exist', () => {
    const issue = issueAt(issuesOf(yaml('name: n', 'hypervisors: { count: 2, placement: [leaf-1, spine-1] }')), 'hypervisors.placement[1]');
    expect(issue.expected).toMatch(/spine-1 is not an edge switch/);
  });

  it('link patterns, events and captures may name hypervisors; their port p1 is the uplink', () => {
    const ok = yaml(...base, 'hosts: [{ name: vm, count: 4, on: hypervisors }]', 'loss: [{ links: "hv-2:p1" }, { links: "hv-*" }]', 'events: [{ at: 1s, kind: link-down, target: hv-3 }]', 'output: { pcap: hv-1 }');
    expect(() => loadScenario(ok, 'n.yaml')).not.toThrow();
    const issue = issueAt(issuesOf(yaml(...base, 'loss: [{ links: "hv-7:p1" }]')), 'loss[0].links');
    expect(issue.expected).toMatch(/no node is named "hv-7"/);
  });
});

describe('migrations', () => {
  const base = ['name: n', 'duration: 60s', 'hypervisors: { count: 4 }', 'hosts: [{ name: vm, count: 8, on: hypervisors }, { name: pc }]'];

  it('the VM is one host of a group on hypervisors; the destination another hypervisor', () => {
    const text = yaml(
      ...base,
      'migrations:',
      '  - { vm: vm, to: hv-2, at: 1s }',
      '  - { vm: pc-1, to: hv-2, at: 1s }',
      '  - { vm: vm-9, to: hv-2, at: 1s }',
      '  - { vm: vm-1, to: hv-9, at: 1s }',
      '  - { vm: vm-2, to: hv-2, at: 1s }   # already there',
      '  - { vm: vm-3, to: hv-1, at: 1s }',
      '  - { vm: vm-3, to: hv-1, at: 9s }   # after the move before',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'migrations[0].vm').expected).toBe('one VM: a host name such as vm-1 (vm is a group)');
    expect(issueAt(issues, 'migrations[1].vm').expected).toMatch(/pc-1 is on an edge switch port/);
    expect(issueAt(issues, 'migrations[2].vm').expected).toMatch(/group vm has 8 hosts/);
    expect(issueAt(issues, 'migrations[3].to').code).toBe('reference');
    // vm-2 starts on hv-2 (round-robin over four hypervisors).
    const there = issueAt(issues, 'migrations[4].to');
    expect(there.expected).toBe('a hypervisor other than hv-2, where vm-2 is when this migration starts');
    expect({ line: there.line, column: there.column }).toEqual(positionOf(text, '# already there', 'hv-2'));
    expect(issueAt(issues, 'migrations[6].to').expected).toMatch(/other than hv-1, where vm-3 is/);
    expect(issues.length).toBe(6);
  });

  it('a migration ends within the simulation: downtime, pre-copy and start, each where it is written', () => {
    const duration = 60;
    const text = yaml(
      ...base,
      'migrations:',
      '  - { vm: vm-1, to: hv-2, at: 5s, timing: { downtime: 2min } }',
      '  - { vm: vm-2, to: hv-1, at: 5s, timing: { precopy: 59s, downtime: 1s } }',
      '  - { vm: vm-3, to: hv-1, at: 50s, timing: { precopy: 9s, downtime: 1s } }',
      '  - { vm: vm-4, to: hv-1, at: 60s }',
      '  - { vm: vm-5, to: hv-2, at: 1s, timing: { memory: 4GiB, dirtyRate: 200MiB/s, maxRounds: 10 } }',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'migrations[0].timing.downtime').expected).toBe(`a downtime shorter than the simulation (duration ${formatDuration(duration * 1e9)})`);
    expect(issueAt(issues, 'migrations[1].timing.precopy').expected).toMatch(/^a pre-copy time shorter than 59s/);
    // 9 s + 1 s from 50 s ends at 60 s, the end of the simulation: it has to start before 50 s.
    expect(issueAt(issues, 'migrations[2].at').expected).toMatch(/^a start before 50s: the migration takes 10s/);
    expect(issueAt(issues, 'migrations[3].at').expected).toMatch(/^a time before the end of the simulation/);
    // 200 MiB/s against 128 MiB/s never converges: 10 rounds of 4 GiB / 128 MiB/s = 32 s each.
    const plan = preCopyPlan({ memoryBytes: 4 * 2 ** 30, dirtyBytesPerSecond: 200 * 2 ** 20, bandwidthBytesPerSecond: 128 * 2 ** 20, downtimeLimit: 300e6, maxRounds: 10 });
    const precopy = issueAt(issues, 'migrations[4].timing');
    expect(plan.converged).toBe(false);
    expect(precopy.found).toBe(`${formatDuration(plan.totalTime)} in all`);
    expect(precopy.expected).toMatch(/never converges/);
    expect(issues.length).toBe(5);
  });

  it('timing is one complete form', () => {
    const text = yaml(
      ...base,
      'migrations:',
      '  - { vm: vm-1, to: hv-2, at: 1s, timing: { downtime: 1s, memory: 4GiB } }',
      '  - { vm: vm-2, to: hv-1, at: 1s, timing: { memory: 4GiB } }',
      '  - { vm: vm-3, to: hv-1, at: 1s, timing: { bandwidth: 1GiB/s } }',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'migrations[0].timing').found).toBe('fields of both forms (downtime, memory)');
    expect(issueAt(issues, 'migrations[1].timing.dirtyRate').code).toBe('missing');
    expect(issues.filter((i) => i.path.startsWith('migrations[2].timing')).map((i) => i.path)).toEqual(['migrations[2].timing.memory', 'migrations[2].timing.dirtyRate']);
    expect(issues.length).toBe(4);
  });

  it('one move of a VM at a time, by explicit timing or by the pre-copy plan', () => {
    const text = yaml(
      ...base,
      'migrations:',
      '  - { vm: vm-1, to: hv-2, at: 10s, timing: { precopy: 5s, downtime: 1s } }',
      '  - { vm: vm-1, to: hv-3, at: 15s }',
      '  - { vm: vm-2, to: hv-1, at: 20s, timing: { memory: 1GiB, dirtyRate: 16MiB/s } }',
      '  - { vm: vm-2, to: hv-3, at: 29s }',
      '  - { vm: vm-2, to: hv-4, at: 40s }',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'migrations[1].at').expected).toBe('a start after vm-1\'s migration migrations[0] has ended (at 16s): a VM makes one move at a time');
    const plan = preCopyPlan({ memoryBytes: 2 ** 30, dirtyBytesPerSecond: 16 * 2 ** 20, bandwidthBytesPerSecond: 128 * 2 ** 20, downtimeLimit: 300e6 });
    expect(20e9 + plan.totalTime).toBeGreaterThan(29e9);
    expect(issueAt(issues, 'migrations[3].at').expected).toMatch(new RegExp(`has ended \\(at ${formatDuration(20e9 + plan.totalTime)}\\)`));
    expect(issues.length).toBe(2);
  });

  it('new MACs: no other node\'s by the MAC plan, not another move\'s, not the one the VM has', () => {
    const text = yaml(
      ...base,
      'gateway: { placement: pair }',
      'migrations:',
      '  - { vm: vm-1, to: hv-2, at: 1s, newMac: "02:00:00:00:00:03" }',
      '  - { vm: vm-2, to: hv-1, at: 1s, newMac: "02:00:5e:00:00:02" }',
      '  - { vm: vm-3, to: hv-1, at: 1s, newMac: "00:00:5e:00:01:01" }',
      '  - { vm: vm-4, to: hv-1, at: 1s, newMac: auto }',
      '  - { vm: vm-5, to: hv-2, at: 1s, newMac: "02:02:00:00:00:04" }',
      '  - { vm: vm-6, to: hv-1, at: 1s, newMac: "02:00:00:00:00:06" }',
      '  - { vm: vm-7, to: hv-1, at: 1s, newMac: "02:aa:00:00:00:07" }',
      '  - { vm: vm-7, to: hv-2, at: 5s, newMac: "02:aa:00:00:00:07" }',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'migrations[0].newMac').found).toBe('"02:00:00:00:00:03" (the MAC of host vm-3, by the MAC plan)');
    expect(issueAt(issues, 'migrations[1].newMac').found).toBe('"02:00:5e:00:00:02" (the MAC of gateway node gateway-2, by the MAC plan)');
    expect(issueAt(issues, 'migrations[2].newMac').found).toBe('"00:00:5e:00:01:01" (the gateway\'s virtual MAC)');
    expect(issueAt(issues, 'migrations[4].newMac').found).toBe('"02:02:00:00:00:04" (the automatic new MAC of migrations[3])');
    // An explicit group MAC is checked the same way, and against the plan's automatic new MACs.
    const explicit = issuesOf(yaml(
      'name: n',
      'hypervisors: { count: 2 }',
      'hosts: [{ name: vm, count: 2, on: hypervisors }, { name: pc, mac: "02:02:00:00:00:01" }, { name: q, mac: "52:54:00:00:00:09" }]',
      'migrations:',
      '  - { vm: vm-1, to: hv-2, at: 1s, newMac: auto }',
      '  - { vm: vm-2, to: hv-1, at: 1s, newMac: "52:54:00:00:00:09" }',
    ));
    expect(issueAt(explicit, 'migrations[0].newMac').found).toBe('"auto" (02:02:00:00:00:01, the MAC of host pc-1 by hosts[1].mac)');
    expect(issueAt(explicit, 'migrations[1].newMac').found).toBe('"52:54:00:00:00:09" (the MAC of host q-1, by hosts[2].mac)');
    expect(issueAt(issues, 'migrations[5].newMac').expected).toMatch(/^a MAC other than the one vm-6 has/);
    expect(issueAt(issues, 'migrations[7].newMac').expected).toMatch(/^a MAC other than the one vm-7 has/);
    expect(issues.length).toBe(6);
  });
});

describe('remedies', () => {
  const base = ['name: n', 'hypervisors: { count: 4 }', 'hosts: [{ name: vm, count: 8, on: hypervisors }]'];

  it('none alone; addresses the VMs have; a controller that pushes; a gateway that can probe', () => {
    const text = yaml(
      ...base,
      'remedies:',
      '  - { kind: none }',
      '  - { kind: guest-na }',
      '  - { kind: controller, pushFdb: false, pushNeighbors: false }',
      'migrations:',
      '  - { vm: vm-1, to: hv-2, at: 1s }',
      '  - { vm: vm-2, to: hv-1, at: 1s, remedies: [{ kind: keepalive, mode: gateway-probe }] }',
    );
    const issues = issuesOf(text.replace('name: n', 'name: n\ngateway: { ipv4: none }'));
    expect(issueAt(issues, 'remedies[0].kind').expected).toMatch(/^none alone/);
    expect(issueAt(issues, 'remedies[1].kind').expected).toMatch(/guest-na announces IPv6 addresses, and vm-1 has none/);
    expect(issueAt(issues, 'remedies[2]').found).toBe('all false');
    expect(issueAt(issues, 'migrations[1].remedies[0].mode').expected).toMatch(/the gateway has no IPv4 address/);
    expect(issues.length).toBe(4);
  });

  it('a target MAC is for request-form GARPs only', () => {
    const issues = issuesOf(yaml(...base, 'remedies: [{ kind: guest-garp, form: reply, targetMac: broadcast }, { kind: guest-garp, targetMac: broadcast }]', 'migrations: [{ vm: vm-1, to: hv-2, at: 1s }]'));
    expect(issueAt(issues, 'remedies[0].targetMac').expected).toMatch(/^no targetMac with form reply/);
    expect(issues.length).toBe(1);
  });

  it('remedies that act on no migration', () => {
    expect(issueAt(issuesOf(yaml(...base, 'remedies: [{ kind: rarp }]')), 'remedies').expected).toMatch(/the scenario has no migrations/);
    const own = issueAt(issuesOf(yaml(...base, 'remedies: [{ kind: rarp }]', 'migrations: [{ vm: vm-1, to: hv-2, at: 1s, remedies: [] }]')), 'remedies');
    expect(own.expected).toMatch(/every migration has its own remedies/);
    expect(() => loadScenario(yaml(...base, 'remedies: [{ kind: none }]'), 'n.yaml')).not.toThrow();
  });
});

describe('variants that change migrations', () => {
  const base = [
    'name: n',
    'duration: 60s',
    'hypervisors: { count: 2 }',
    'hosts: [{ name: vm, count: 2, on: hypervisors }]',
    'migrations:',
    '  - { vm: vm-1, to: hv-2, at: 10s }',
    '  - { vm: vm-1, to: hv-1, at: 20s }',
    '  - { vm: vm-2, to: hv-1, at: 30s }',
    'variants:',
    '  - name: v',
    '    migrations:',
  ];
  it('each change names one migration, once; its timing is complete, ends in time and keeps the VM\'s moves apart; its remedies are checked', () => {
    const issues = issuesOf(yaml(
      ...base,
      '      - { vm: vm-3 }',
      '      - { vm: vm-1 }',
      '      - { vm: vm-1, at: 15s }',
      '      - { vm: vm-2, timing: { memory: 1GiB } }',
      '      - { vm: vm-2, portReadyAfter: 1s }',
      '      - { vm: vm-1, at: 10s, timing: { downtime: 15s } }',
      '      - { vm: vm-1, at: 20s, timing: { downtime: 50s }, remedies: [{ kind: none }, { kind: rarp }] }',
    ));
    expect(issueAt(issues, 'variants[0].migrations[0].vm').expected).toBe('a VM the migrations list moves: vm-1, vm-2');
    expect(issueAt(issues, 'variants[0].migrations[1].vm').expected).toBe('one migration: vm-1 moves 2 times (at 10s, 20s), so give at');
    expect(issueAt(issues, 'variants[0].migrations[2].at').expected).toBe('the start of one of vm-1\'s migrations: 10s, 20s');
    expect(issueAt(issues, 'variants[0].migrations[3].timing.dirtyRate').code).toBe('missing');
    expect(issueAt(issues, 'variants[0].migrations[4].vm').code).toBe('duplicate');
    expect(issueAt(issues, 'variants[0].migrations[5].timing').expected).toMatch(/^a timing with which vm-1's migration migrations\[0\] ends before its next one starts \(at 20s\)/);
    expect(issueAt(issues, 'variants[0].migrations[6].timing').expected).toBe('a timing with which the migration, starting at 20s, ends within the simulation (duration 1min)');
    expect(issueAt(issues, 'variants[0].migrations[6].remedies[0].kind').expected).toMatch(/^none alone/);
    expect(issues.length).toBe(8);
  });
});

describe('the guest link and the virtual switch\'s kind', () => {
  it('a guest link, a vswitch kind and a variant\'s guest link outside their sets are located, with the near miss', () => {
    const issues = issuesOf(yaml(
      'name: n',
      'hypervisors: { count: 2, vswitch: linuxbridge }',
      'hosts: [{ name: vm, count: 1, on: hypervisors }]',
      'migrations: [{ vm: vm-1, to: hv-2, at: 10s, guestLink: replog }]',
      'variants: [{ name: v, migrations: [{ vm: vm-1, guestLink: unplug }] }]',
    ));
    expect(issueAt(issues, 'hypervisors.vswitch').expected).toBe('one of linux-bridge, ovs, vendor');
    expect(issueAt(issues, 'migrations[0].guestLink').expected).toBe('one of resume, replug');
    expect(issueAt(issues, 'variants[0].migrations[0].guestLink').expected).toBe('one of resume, replug');
  });
});

describe('variants', () => {
  it('names are unique; every replaced setting is checked as at the top level, at its own path', () => {
    const text = yaml(
      'name: n',
      'gateway: { sysctls: { arp_accept: 1 } }',
      'hypervisors: { count: 4 }',
      'hosts: [{ name: vm, count: 8, on: hypervisors }]',
      'migrations: [{ vm: vm-1, to: hv-2, at: 1s }]',
      'variants:',
      '  - name: a',
      '    remedies: [{ kind: guest-na }]',
      '    loss: [{ links: "hv-9:p1", congestion: [{ start: 5s, end: 4s }] }]',
      '    events: [{ at: 1s, kind: host-down, target: vm-99 }]',
      '  - name: a',
      '    gateway: { profile: cisco-ios }',
      '    hostSysctls: { vms: { arp_accept: 1 }, vm: { arpTimeout: 5s } }',
      '  - name: c',
      '    gateway: { profile: windows, sysctls: { retrans_time_ms: 100 } }',
    );
    const issues = issuesOf(text);
    expect(issueAt(issues, 'variants[0].remedies[0].kind').code).toBe('value');
    expect(issueAt(issues, 'variants[0].loss[0].links').expected).toMatch(/no node is named "hv-9"/);
    expect(issueAt(issues, 'variants[0].loss[0].congestion[0].end').expected).toBe('an end after the start (5s)');
    expect(issueAt(issues, 'variants[0].events[0].target').expected).toMatch(/group vm has 8 hosts/);
    expect(issueAt(issues, 'variants[1].name').found).toBe('"a" (also variants[0].name)');
    // The scenario's Linux sysctls would be kept with a profile that is not Linux.
    expect(issueAt(issues, 'variants[1].gateway.profile').expected).toMatch(/^a profile that takes the scenario's gateway.sysctls \(arp_accept\)/);
    const vms = issueAt(issues, 'variants[1].hostSysctls.vms');
    expect(vms.suggestion).toBe('vm');
    expect({ line: vms.line, column: vms.column }).toEqual(positionOf(text, 'hostSysctls: { vms', 'vms'));
    expect(issueAt(issues, 'variants[1].hostSysctls.vm.arpTimeout').code).toBe('unknown-field');
    expect(issueAt(issues, 'variants[2].gateway.sysctls.retrans_time_ms').suggestion).toBe('retransTime');
    expect(issues.length).toBe(9);
  });
});
