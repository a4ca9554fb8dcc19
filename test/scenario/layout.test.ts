/**
 * The layout rules a builder follows: switch names per fabric kind, where hosts attach (round-robin,
 * skipping full switches) and which addresses they get (explicit ranges first, then the lowest free
 * addresses). Expected values are computed from each scenario's own parameters.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAX_HOST_NUMBER, buildModel, gatewayMac, hostMac, hypervisorIndex, hypervisorName, loadScenario, planMacOwner, scenarioLayout, vmHypervisor } from '../../src/scenario/index.js';
import type { HostLayout } from '../../src/scenario/index.js';
import { formatMac, parseIpv4, parseIpv6, parseMac } from '../../src/wire/index.js';
import { issueAt, issuesOf } from './helpers.js';

function layoutOf(...lines: string[]) {
  return scenarioLayout(loadScenario(`${lines.join('\n')}\n`, 'layout.yaml'));
}

describe('switch names', () => {
  it('leaf-spine: spines then leaves; the leaves are the edge', () => {
    const l = layoutOf('name: n', 'fabric: { leaves: 3, spines: 2 }');
    expect(l.switches.map((s) => s.name)).toEqual(['spine-1', 'spine-2', 'leaf-1', 'leaf-2', 'leaf-3']);
    expect(l.edgeSwitches).toEqual(['leaf-1', 'leaf-2', 'leaf-3']);
  });

  it('tree: core, aggregation, access', () => {
    const l = layoutOf('name: n', 'fabric: { kind: tree, core: 1, aggregation: 2, access: 3 }');
    expect(l.switches.map((s) => `${s.tier}:${s.name}`)).toEqual([
      'core:core-1', 'aggregation:aggregation-1', 'aggregation:aggregation-2', 'access:access-1', 'access:access-2', 'access:access-3',
    ]);
  });

  it('tree of any depth: no aggregation tier, or several, named top to bottom; single: one switch, the edge', () => {
    const two = layoutOf('name: n', 'fabric: { kind: tree, core: 2, aggregation: 0, access: 2 }');
    expect(two.switches.map((s) => s.name)).toEqual(['core-1', 'core-2', 'access-1', 'access-2']);
    const deep = layoutOf('name: n', 'fabric: { kind: tree, core: 1, aggregation: [2, 3], access: 2, bridging: spb }');
    expect(deep.switches.map((s) => `${s.tier}:${s.name}`)).toEqual([
      'core:core-1', 'aggregation1:aggregation1-1', 'aggregation1:aggregation1-2',
      'aggregation2:aggregation2-1', 'aggregation2:aggregation2-2', 'aggregation2:aggregation2-3', 'access:access-1', 'access:access-2',
    ]);
    const one = layoutOf('name: n', 'fabric: { kind: single, hostPortsPerEdge: 4 }', 'hypervisors: { count: 2 }', 'hosts: [{ name: pc, count: 1 }]');
    expect(one.switches).toEqual([{ name: 'switch-1', tier: 'switch', edge: true }]);
    expect([one.gateways[0]!.edge, ...one.hypervisors.map((h) => h.edge), one.host(0, 0).edge]).toEqual(['switch-1', 'switch-1', 'switch-1', 'switch-1']);
  });

  it('fat-tree: (k/2)² core switches, k pods of k/2 aggregation and k/2 edge switches', () => {
    const k = 6;
    const l = layoutOf('name: n', `fabric: { kind: fat-tree, k: ${k} }`);
    expect(l.switches.filter((s) => s.tier === 'core').length).toBe((k / 2) ** 2);
    expect(l.switches.filter((s) => s.tier === 'aggregation').length).toBe(k * (k / 2));
    expect(l.edgeSwitches.length).toBe(k * (k / 2));
    expect(l.edgeSwitches.slice(0, 4)).toEqual(['pod-1-edge-1', 'pod-1-edge-2', 'pod-1-edge-3', 'pod-2-edge-1']);
  });
});

describe('switch names, made once', () => {
  it.each([
    'fabric: { leaves: 3, spines: 2 }',
    'fabric: { kind: tree, core: 2, aggregation: 2, access: 3 }',
    'fabric: { kind: fat-tree, k: 4 }',
    'fabric: { kind: tree, core: 2, aggregation: 0, access: 3 }',
    'fabric: { kind: tree, core: 2, aggregation: [2, 3], access: 4 }',
    'fabric: { kind: single, bridging: none }',
  ])('the builder makes exactly the switches the layout names, tier by tier in the same order (%s)', (fabric) => {
    const scenario = loadScenario(`name: n\n${fabric}\n`, 'layout.yaml');
    const topology = buildModel(scenario).topology;
    const layout = scenarioLayout(scenario);
    expect([...topology.switches.keys()].sort()).toEqual(layout.switches.map((s) => s.name).sort());
    expect(topology.edgeSwitches.map((s) => s.name)).toEqual(layout.edgeSwitches);
    for (const [tier, switches] of topology.tiers) {
      expect(switches.map((s) => s.name)).toEqual(layout.switches.filter((s) => s.tier === tier).map((s) => s.name));
    }
  });
});

describe('placement', () => {
  it('spread groups share one round-robin cursor; lists have their own', () => {
    const l = layoutOf(
      'name: n',
      'fabric: { leaves: 3 }',
      'hosts:',
      '  - { name: a, count: 4 }',
      '  - { name: b, count: 2 }',
      '  - { name: c, count: 3, placement: [leaf-3, leaf-1] }',
    );
    const edges = [...l.hosts()].map((h) => `${h.name}@${h.edge}`);
    expect(edges).toEqual([
      'a-1@leaf-1', 'a-2@leaf-2', 'a-3@leaf-3', 'a-4@leaf-1',
      'b-1@leaf-2', 'b-2@leaf-3',
      'c-1@leaf-3', 'c-2@leaf-1', 'c-3@leaf-3',
    ]);
  });

  it('full switches are skipped, the gateway taking a port first', () => {
    const ports = 3;
    const l = layoutOf('name: n', `fabric: { leaves: 2, hostPortsPerEdge: ${ports} }`, 'hosts: [{ name: a, count: 5 }]');
    const perEdge = new Map<string, number>();
    for (const h of l.hosts()) perEdge.set(h.edge, (perEdge.get(h.edge) ?? 0) + 1);
    // leaf-1 holds the gateway, so it has room for ports - 1 hosts.
    expect(Object.fromEntries(perEdge)).toEqual({ 'leaf-1': ports - 1, 'leaf-2': ports });
    expect(l.gateways).toEqual([{ name: 'gateway', edge: 'leaf-1', takesPort: true, ownIpv4: '198.18.0.1', ownIpv6: null, mac: '02:00:5e:00:00:01' }]);
  });
});

describe('addresses', () => {
  it('explicit ranges are reserved first; auto groups take the lowest free addresses around them', () => {
    const l = layoutOf(
      'name: n',
      'subnet: { ipv4: 198.18.0.0/24 }',
      'hosts:',
      '  - { name: auto, count: 6 }',
      '  - { name: fixed, count: 2, ipv4: 198.18.0.4 }',
    );
    const byName = new Map<string, HostLayout>([...l.hosts()].map((h) => [h.name, h]));
    // .1 is the gateway, .4 and .5 are fixed-1 and fixed-2: auto takes .2, .3, then .6 onwards.
    expect([1, 2, 3, 4, 5, 6].map((i) => byName.get(`auto-${i}`)!.ipv4)).toEqual(['198.18.0.2', '198.18.0.3', '198.18.0.6', '198.18.0.7', '198.18.0.8', '198.18.0.9']);
    expect(byName.get('fixed-2')!.ipv4).toBe('198.18.0.5');
  });

  it('IPv6 addresses, the pair\'s own addresses and the shared virtual address', () => {
    const l = layoutOf(
      'name: n',
      'subnet: { ipv4: 198.18.0.0/24, ipv6: "2001:db8::/64" }',
      'gateway: { placement: pair, ipv6: "2001:db8::fffe" }',
      'hosts: [{ name: vm, count: 2, ipv6: "2001:db8::a:0" }]',
    );
    expect(l.gateways.map((g) => [g.name, g.edge, g.ownIpv4, g.ownIpv6])).toEqual([
      ['gateway-1', 'leaf-1', '198.18.0.2', '2001:db8::1'],
      ['gateway-2', 'leaf-2', '198.18.0.3', '2001:db8::2'],
    ]);
    expect([...l.hosts()].map((h) => [h.ipv4, h.ipv6])).toEqual([
      ['198.18.0.4', '2001:db8::a:0'],
      ['198.18.0.5', '2001:db8::a:1'],
    ]);
  });

  it('conflicting addresses when asked for', () => {
    const l = layoutOf('name: n', 'hosts: [{ name: a, count: 3, ipv4: 198.18.0.10 }, { name: b, ipv4: 198.18.0.11, allowAddressConflict: true }]');
    expect(l.host(1, 0).ipv4).toBe(l.host(0, 1).ipv4);
  });

  it('host() and hosts() agree, and a million hosts are cheap to lay out', () => {
    const count = 1_000_000;
    const l = layoutOf('name: big', 'fabric: { leaves: 1000, spines: 8, hostPortsPerEdge: 1001 }', 'subnet: { ipv4: 10.0.0.0/8 }', `hosts: [{ name: vm, count: ${count} }]`);
    expect(l.hostCount).toBe(count);
    const last = l.host(0, count - 1);
    expect(last.name).toBe(`vm-${count}`);
    // Round-robin over 1000 leaves, leaf-1 also holding the gateway: the last host lands on leaf-1000.
    expect(last.edge).toBe('leaf-1000');
    // 10.0.0.1 is the gateway; host i (0-based) has 10.0.0.0 + 2 + i.
    const offset = 2 + count - 1;
    expect(last.ipv4).toBe(`10.${(offset >> 16) & 255}.${(offset >> 8) & 255}.${offset & 255}`);
    expect(() => l.host(0, count)).toThrow(RangeError);
  });
});

describe('the layout by group, as numbers', () => {
  const dir = fileURLToPath(new URL('../../scenarios/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

  it.each(files)('%s: every host of hostGroup is the host of host(), parsed', (file) => {
    const sc = loadScenario(readFileSync(`${dir}${file}`, 'utf8'), file);
    const l = scenarioLayout(sc);
    let n = 0;
    for (let g = 0; g < sc.hosts.length; g++) {
      const plan = l.hostGroup(g);
      expect(plan.count).toBe(sc.hosts[g]!.count);
      for (let i = 0; i < plan.count; i++, n++) {
        const h = l.host(g, i);
        expect([plan.name(i), plan.mac(i), plan.ipv4(i), plan.ipv6(i), plan.hypervisor(i), plan.edge(i)]).toEqual([
          h.name, parseMac(h.mac), h.ipv4 === null ? -1 : parseIpv4(h.ipv4), h.ipv6 === null ? null : parseIpv6(h.ipv6),
          h.hypervisor === null ? -1 : hypervisorIndex(h.hypervisor, sc.hypervisors?.count ?? 0), h.edge,
        ]);
      }
    }
    expect(n).toBe(l.hostCount);
  });

  it.each(['contention-clone.yaml', 'migration-gateway-pair.yaml', 'migration-anycast.yaml'])('%s: the model\'s end stations are the gateway nodes, the hosts and the claimants, each once', (file) => {
    const model = buildModel(loadScenario(readFileSync(`${dir}${file}`, 'utf8'), file));
    const names = [...model.gateways.map((g) => g.name), ...model.hosts.keys(), ...model.contention.map((k) => k.name)];
    expect([...model.endStations]).toEqual(names);
    expect(model.endStations.size).toBe(new Set(names).size);
    expect(names.every((n) => model.endStations.has(n))).toBe(true);
    const notEnd = [...model.topology.switches.keys(), ...model.hypervisors.keys(), 'gateway-none'];
    expect(notEnd.filter((n) => model.endStations.has(n))).toEqual([]);
    const seen: string[] = [];
    model.endStations.forEach((v, k) => { expect(k).toBe(v); seen.push(v); });
    expect(seen).toEqual(names);
    expect([...model.endStations.entries()].map(([k, v]) => `${k}=${v}`)).toEqual(names.map((n) => `${n}=${n}`));
  });

  it.each(['contention-clone.yaml', 'migration-gateway-pair.yaml', 'migration-anycast.yaml'])('%s: the model\'s hosts by name are the layout\'s hosts in order, and nothing else', (file) => {
    const sc = loadScenario(readFileSync(`${dir}${file}`, 'utf8'), file);
    const model = buildModel(sc);
    const l = scenarioLayout(sc);
    const names: string[] = [];
    for (let g = 0; g < sc.hosts.length; g++) {
      const plan = l.hostGroup(g);
      for (let i = 0; i < plan.count; i++) names.push(plan.name(i));
    }
    expect([...model.hosts.keys()]).toEqual(names);
    expect(model.hosts.size).toBe(names.length);
    for (const n of names) {
      expect(model.hosts.get(n)).toBe(model.network.node(n));
      expect(model.hosts.has(n)).toBe(true);
    }
    expect([...model.hosts.values()].map((h) => h.name)).toEqual(names);
    expect([...model.hosts].map(([k, h]) => `${k}=${h.name}`)).toEqual(names.map((n) => `${n}=${n}`));
    const seen: string[] = [];
    model.hosts.forEach((h, k) => { expect(h.name).toBe(k); seen.push(k); });
    expect(seen).toEqual(names);
    const others = [...model.gateways.map((g) => g.name), ...model.contention.map((k) => k.name), ...model.topology.switches.keys(), ...model.hypervisors.keys(), 'no-such-node'];
    expect(others.filter((n) => model.hosts.has(n) || model.hosts.get(n) !== undefined)).toEqual([]);
  });

  it('explicit MACs and addresses, several blocks of addresses, VMs and hosts on ports', () => {
    const sc = loadScenario([
      'name: n',
      'subnet: { ipv4: 198.18.0.0/24, ipv6: "2001:db8::/64" }',
      'hypervisors: { count: 3 }',
      'hosts:',
      '  - { name: pc, count: 2, ipv4: 198.18.0.5 }',
      '  - { name: vm, count: 7, on: hypervisors, mac: "52:54:00:12:34:fe" }',
      '  - { name: other, count: 3, on: [hv-3, hv-1], ipv6: none }',
    ].join('\n'), 'n.yaml');
    const l = scenarioLayout(sc);
    // vm-* fill 198.18.0.2-4 (the gateway has .1, pc-* .5-.6), then .7 onwards: two blocks.
    const vm = l.hostGroup(1);
    expect(Array.from({ length: 7 }, (_, i) => formatMac(vm.mac(i) as never))).toEqual([
      '52:54:00:12:34:fe', '52:54:00:12:34:ff', '52:54:00:12:35:00', '52:54:00:12:35:01', '52:54:00:12:35:02', '52:54:00:12:35:03', '52:54:00:12:35:04',
    ]);
    expect(Array.from({ length: 7 }, (_, i) => vm.ipv4(i) - parseIpv4('198.18.0.0')!)).toEqual([2, 3, 4, 7, 8, 9, 10]);
    const other = l.hostGroup(2);
    expect([0, 1, 2].map((i) => other.hypervisor(i))).toEqual([2, 0, 2]);
    expect([0, 1, 2].map((i) => other.ipv6(i))).toEqual([null, null, null]);
    expect([0, 1].map((i) => l.hostGroup(0).hypervisor(i))).toEqual([-1, -1]);
    expect(() => l.hostGroup(3)).toThrow(RangeError);
  });
});

describe('hypervisors and VMs', () => {
  it('hypervisors go round-robin over the edge switches from the first; VMs round-robin over the hypervisors', () => {
    const l = layoutOf(
      'name: n',
      'fabric: { leaves: 3 }',
      'hypervisors: { count: 5 }',
      'hosts:',
      '  - { name: a, count: 7, on: hypervisors }',
      '  - { name: pc, count: 2 }',
      '  - { name: b, count: 3, on: hypervisors }',
      '  - { name: c, count: 3, on: [hv-5, hv-2] }',
    );
    expect(l.hypervisors.map((h) => `${h.name}@${h.edge}`)).toEqual(['hv-1@leaf-1', 'hv-2@leaf-2', 'hv-3@leaf-3', 'hv-4@leaf-1', 'hv-5@leaf-2']);
    const at = [...l.hosts()].map((h) => `${h.name}@${h.hypervisor ?? '-'}@${h.edge}`);
    // a: hv-1 … hv-5, then hv-1, hv-2; b continues the shared cursor at hv-3; c has its own list.
    expect(at).toEqual([
      'a-1@hv-1@leaf-1', 'a-2@hv-2@leaf-2', 'a-3@hv-3@leaf-3', 'a-4@hv-4@leaf-1', 'a-5@hv-5@leaf-2', 'a-6@hv-1@leaf-1', 'a-7@hv-2@leaf-2',
      // Hosts on edge ports continue their own spread cursor: VMs take no port.
      'pc-1@-@leaf-1', 'pc-2@-@leaf-2',
      'b-1@hv-3@leaf-3', 'b-2@hv-4@leaf-1', 'b-3@hv-5@leaf-2',
      'c-1@hv-5@leaf-2', 'c-2@hv-2@leaf-2', 'c-3@hv-5@leaf-2',
    ]);
  });

  it('hypervisors take a host port each, after the gateway; a list places them on those switches only', () => {
    const ports = 3;
    const l = layoutOf('name: n', `fabric: { leaves: 2, hostPortsPerEdge: ${ports} }`, 'hypervisors: { count: 3, placement: [leaf-2, leaf-1] }', 'hosts: [{ name: vm, count: 40, on: hypervisors }]');
    expect(l.hypervisors.map((h) => h.edge)).toEqual(['leaf-2', 'leaf-1', 'leaf-2']);
    // The gateway and hv-2 on leaf-1, hv-1 and hv-3 on leaf-2: one port left in all, and 40 VMs fit.
    expect(l.hostCount).toBe(40);
    const room = 2 * ports - 1 - 3;
    const base = `name: n\nfabric: { leaves: 2, hostPortsPerEdge: ${ports} }\nhypervisors: { count: 3 }\n`;
    expect(layoutOf(base, `hosts: [{ name: pc, count: ${room} }, { name: vm, count: 99, on: hypervisors }]`).hostCount).toBe(room + 99);
    const full = issueAt(issuesOf(`${base}hosts: [{ name: pc, count: ${room + 1} }]\n`), 'hosts[0].count');
    expect(full.code).toBe('capacity');
    expect(full.expected).toMatch(new RegExp(`^at most ${room} hosts: .* after the gateway, the hypervisors and the groups before`));
    const hv = issueAt(issuesOf(`name: n\nfabric: { leaves: 2, hostPortsPerEdge: ${ports} }\nhypervisors: { count: ${2 * ports} }\n`), 'hypervisors.count');
    expect(hv.code).toBe('capacity');
    expect(hv.expected).toMatch(new RegExp(`^at most ${2 * ports - 1} hypervisors`));
  });

  it('the layout\'s hypervisor for every VM is the one vmHypervisor computes without placing everyone', () => {
    const sc = loadScenario(
      'name: n\nhypervisors: { count: 7 }\nhosts: [{ name: a, count: 30, on: hypervisors }, { name: b, count: 11, on: [hv-7, hv-1, hv-3] }, { name: c, count: 9, on: hypervisors }]\n',
      'n.yaml',
    );
    const l = scenarioLayout(sc);
    for (const h of l.hosts()) expect(h.hypervisor).toBe(hypervisorName(vmHypervisor(sc, h.group, h.index)!));
  });

  it('MACs: hosts by their number over all groups, gateway nodes after them, distinct', () => {
    const l = layoutOf('name: n', 'gateway: { placement: anycast }', 'hypervisors: { count: 2 }', 'hosts: [{ name: pc, count: 3 }, { name: vm, count: 300, on: hypervisors }]');
    const hosts = [...l.hosts()];
    expect(hosts.map((h) => h.number)).toEqual(hosts.map((_, i) => i + 1));
    expect(hosts[0]!.mac).toBe('02:00:00:00:00:01');
    // vm-300 is host 303 = 0x12f.
    expect(hosts[302]!.mac).toBe('02:00:00:00:01:2f');
    expect(l.gateways.map((g) => g.mac)).toEqual(['02:00:5e:00:00:01', '02:00:5e:00:00:02', '02:00:5e:00:00:03', '02:00:5e:00:00:04']);
    const all = [...hosts.map((h) => h.mac), ...l.gateways.map((g) => g.mac)];
    expect(new Set(all).size).toBe(all.length);
    expect(planMacOwner('02:00:00:00:01:2f', l.hostCount, l.gateways.length)).toEqual({ kind: 'host', number: 303 });
    expect(planMacOwner('02:00:5e:00:00:04', l.hostCount, l.gateways.length)).toEqual({ kind: 'gateway', number: 4 });
    expect(planMacOwner('02:00:00:00:01:30', l.hostCount, l.gateways.length)).toBeUndefined();
    expect(gatewayMac(1)).toBe(l.gateways[0]!.mac);
    expect(hostMac(MAX_HOST_NUMBER) < gatewayMac(1)).toBe(true);
  });

  it('explicit MACs: a group\'s and the gateway\'s consecutive from the one given, the others by the plan; the model has them', () => {
    const sc = loadScenario([
      'name: n',
      'gateway: { placement: pair, mac: "52:54:00:00:ff:fe" }',
      'hypervisors: { count: 2 }',
      'hosts:',
      '  - { name: pc, count: 2 }',
      '  - { name: vm, count: 3, on: hypervisors, mac: "52:54:00:12:34:ff" }',
    ].join('\n'), 'n.yaml');
    const l = scenarioLayout(sc);
    expect([...l.hosts()].map((h) => h.mac)).toEqual([hostMac(1), hostMac(2), '52:54:00:12:34:ff', '52:54:00:12:35:00', '52:54:00:12:35:01']);
    expect(l.gateways.map((g) => g.mac)).toEqual(['52:54:00:00:ff:fe', '52:54:00:00:ff:ff']);
    const model = buildModel(sc);
    expect(formatMac(model.hosts.get('vm-2')!.mac)).toBe('52:54:00:12:35:00');
    expect(model.gateways.map((g) => formatMac(g.mac))).toEqual(['52:54:00:00:ff:fe', '52:54:00:00:ff:ff']);
  });
});
