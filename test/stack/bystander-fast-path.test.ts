/**
 * The ARP bystander fast paths (Host.receiveArp returns early for a request that changes nothing and
 * asks nothing of the receiver; a flood hands such receivers over as one group, counted at their
 * ports and hosts and traced as one `frames-received` event, their not-for-me drops as one
 * `packets-dropped` event, and the copies a flood sends as one `frames-sent` event, flood-batch.ts)
 * give the same run as the
 * full receive rules with one delivery per copy: every number of the JSON
 * result and every byte of the capture, for every profile, for ARP and ND, with and without arp_accept
 * (Linux profiles), on a small dual-stack domain whose traffic goes over IPv4 or IPv6, where hosts resolve each other, a VM migrates and announces
 * itself with gratuitous ARP and RARP (so bystanders overhear requests, gratuitous ones included, both
 * with and without an entry for the sender; a host that first talks to the moved VM after its
 * announcements shows whether they created an entry), and the gateway reaches every host; over plain learning bridges and RSTP; and on example
 * scenarios with conflict detection, contention, a security feature's filter and an anycast gateway
 * (whose per-receiver listener turns the groups off).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FloodBatcher } from '../../src/net/index.js';
import { ModelRun } from '../../src/run/index.js';
import { buildModel, loadScenario } from '../../src/scenario/index.js';
import { HOST_COUNTERS, Host, LINUX_BASED, PROFILE_NAMES } from '../../src/stack/index.js';
import { BufferedSink } from '../../src/wire/index.js';

function scenarioText(profile: string, family: 'ipv4' | 'ipv6', arpAccept: number | undefined, bridging = 'none', macAging = '300s'): string {
  const sysctls = arpAccept === undefined ? '' : `\n    sysctls: { arp_accept: ${arpAccept} }`;
  return `name: bystanders-${profile}-${family}
duration: 6s
fabric: { kind: leaf-spine, leaves: 2, spines: 1, bridging: ${bridging}, macAgingTime: ${macAging} }
subnet: { ipv4: 198.18.0.0/24, ipv6: '2001:db8::/64' }
hypervisors: { count: 3 }
gateway: { placement: core, attach: leaf-1 }
hosts:
  - name: vm
    count: 6
    on: hypervisors
    profile: ${profile}${sysctls}
traffic:
  - { name: down, from: gateway, to: vm, family: ${family}, rate: 20pps, start: 100ms }
  - { name: peers, kind: ping, from: vm-1, to: vm, family: ${family}, rate: 5pps, start: 200ms }
  - { name: spread, from: vm, to: vm-4, family: ${family}, rate: 2pps, packets: 3, start: 300ms, startSpread: { seed: 7, over: 1s } }
  - { name: late, from: vm-5, to: vm-2, family: ${family}, rate: 5pps, start: 3s }
remedies:
  - { kind: guest-garp, count: 2, interval: 100ms }
  - { kind: guest-na, count: 2, interval: 100ms }
  - { kind: rarp, count: 2, interval: 100ms }
migrations:
  - { vm: vm-2, to: hv-3, at: 2s }
output: { pcap: vm-3 }
`;
}

function runOnce(text: string): { json: string; pcap: Buffer; notForMe: number } {
  const scenario = loadScenario(text, 'bystanders.yaml');
  const chunks: Uint8Array[] = [];
  const sink = new BufferedSink((c) => chunks.push(c.slice()));
  const model = buildModel(scenario);
  // Every stack drop, one line per node (the group form lists a flood's not-for-me drops together;
  // listening to it keeps the groups on, as the package's own observers do).
  const drops: string[] = [];
  model.kernel.trace.on('packets-dropped', (e) => {
    for (const node of e.nodes) drops.push(`${e.time} ${node} ${e.reason} ${e.family} ${e.payload?.length ?? -1}`);
  });
  // Every frame sent, one line per port (the group form lists a flood's copies of one frame together).
  const sends: string[] = [];
  model.kernel.trace.on('frames-sent', (e) => {
    for (const port of e.ports.slice(e.from, e.to)) sends.push(`${e.time} ${port.name} ${e.frame.id} ${e.frame.size}`);
  });
  const run = new ModelRun(model, scenario.name, { capture: sink });
  const result = run.finish();
  sink.close();
  // Beyond the result: every host's counters and every port's, which the groups count themselves.
  const hosts = [...model.hosts.values()].map((h) => Object.fromEntries(HOST_COUNTERS.map((k) => [k, h.counters[k]])));
  const ports = model.network.links.flatMap((l) => [l.a, l.b]).map((p) => {
    const c = p.counters;
    return { rxFrames: c.rxFrames, rxBytes: c.rxBytes, txFrames: c.txFrames, txBytes: c.txBytes, floodedFrames: c.floodedFrames, drops: { ...c.drops } };
  });
  const notForMe = hosts.reduce((n, h) => n + h.notForMe!, 0);
  return { json: JSON.stringify({ result, events: run.events, hosts, ports, drops, sends }), pcap: Buffer.concat(chunks), notForMe };
}

afterEach(() => {
  Host.bystanderFastPath = true;
  FloodBatcher.groupBystanders = true;
  FloodBatcher.groupSends = true;
  FloodBatcher.quietByArrays = true;
  FloodBatcher.bulkFloods = true;
});

/**
 * The run with the fast paths off, then on with each bystander asked through its host object, then
 * on with bystanders decided from the network's arrays (`FloodBatcher.quietByArrays`) but no bulk
 * floods, then with bulk floods too (`FloodBatcher.bulkFloods`, flood-bulk.ts): the same JSON (every
 * number) and pcap (every byte). Returns the plain run's not-for-me drops and how many floods went
 * in bulk.
 */
function expectSameBothWays(text: string): { notForMe: number; bulkSends: number } {
  Host.bystanderFastPath = false;
  FloodBatcher.groupBystanders = false;
  FloodBatcher.groupSends = false;
  const plain = runOnce(text);
  Host.bystanderFastPath = true;
  FloodBatcher.groupBystanders = true;
  FloodBatcher.groupSends = true;
  FloodBatcher.quietByArrays = false;
  const byHost = runOnce(text);
  FloodBatcher.quietByArrays = true;
  FloodBatcher.bulkFloods = false;
  const arrays = runOnce(text);
  FloodBatcher.bulkFloods = true;
  const sends = FloodBatcher.bulkSends;
  const fast = runOnce(text);
  expect(plain.pcap.length).toBeGreaterThan(24);
  expect(arrays.json).toBe(plain.json);
  expect(arrays.pcap.equals(plain.pcap)).toBe(true);
  expect(byHost.json).toBe(plain.json);
  expect(byHost.pcap.equals(plain.pcap)).toBe(true);
  expect(fast.json).toBe(plain.json);
  expect(fast.pcap.equals(plain.pcap)).toBe(true);
  return { notForMe: plain.notForMe, bulkSends: FloodBatcher.bulkSends - sends };
}

describe('ARP bystander fast path', () => {
  const cases: [string, 'ipv4' | 'ipv6', number | undefined][] = [];
  for (const profile of PROFILE_NAMES) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      if (LINUX_BASED.has(profile) && family === 'ipv4') for (const accept of [0, 1]) cases.push([profile, family, accept]);
      else cases.push([profile, family, undefined]);
    }
  }

  it.each(cases)('%s over %s (arp_accept %s): the same JSON and pcap with and without them', (profile, family, accept) => {
    expectSameBothWays(scenarioText(profile, family, accept));
  });

  // Racks of hosts on the leaves themselves (no hypervisors) and a hypervisor with many VMs: floods
  // out of a leaf's or a vSwitch's host ports go in bulk (flood-bulk.ts), with mixed profiles on one
  // switch (their classes differ: gratuitous requests make exceptions of some), a host paused by
  // its migration, and hosts that hold the sender's entry.
  it.each(['ipv4', 'ipv6'] as const)('racks of hosts over %s: bulk floods give the same JSON and pcap', (family) => {
    const text = `name: bulk-racks-${family}
duration: 5s
fabric: { kind: leaf-spine, leaves: 3, spines: 1, bridging: none }
subnet: { ipv4: 198.18.0.0/24, ipv6: '2001:db8::/64' }
hypervisors: { count: 2 }
gateway: { placement: core, attach: leaf-1 }
hosts:
  - { name: a, count: 9, profile: linux, sysctls: { arp_accept: 1 } }
  - { name: b, count: 6, profile: windows }
  - { name: c, count: 4, profile: freebsd }
  - { name: vm, count: 10, on: hypervisors, profile: linux }
traffic:
  - { name: down, from: gateway, to: a, family: ${family}, rate: 10pps, start: 100ms, startSpread: { seed: 3, over: 500ms } }
  - { name: up, from: b, to: gateway, family: ${family}, rate: 4pps, start: 150ms, startSpread: { seed: 5, over: 1s } }
  - { name: across, from: c, to: a-2, family: ${family}, rate: 3pps, start: 1s }
  - { name: vms, from: vm, to: a-3, family: ${family}, rate: 2pps, start: 300ms, startSpread: { seed: 9, over: 1s } }
remedies:
  - { kind: guest-garp, count: 2, interval: 100ms }
  - { kind: guest-na, count: 2, interval: 100ms }
  - { kind: rarp, count: 2, interval: 100ms }
migrations:
  - { vm: vm-1, to: hv-2, at: 2s }
output: { pcap: a-2 }
`;
    const { bulkSends } = expectSameBothWays(text);
    expect(bulkSends).toBeGreaterThan(20);
  });

  it.each(['linux', 'windows'])('%s over RSTP: the same JSON and pcap with and without them', (profile) => {
    expectSameBothWays(scenarioText(profile, 'ipv4', undefined, 'rstp'));
  });

  // MAC ageing shorter than the gaps between a host's own frames: the switches forget the hosts that
  // only receive (and the migrated VM's old place), so the gateway's packets to them are flooded as
  // unknown unicast and every other host drops its copy as not for it (ND's solicited-node multicast
  // too, for the hosts not in the group); the copies' drops are traced and counted by group.
  const ageing: [string, 'ipv4' | 'ipv6', string][] = [];
  for (const profile of ['linux', 'windows', 'freebsd']) for (const family of ['ipv4', 'ipv6'] as const) for (const bridging of ['none', 'rstp']) ageing.push([profile, family, bridging]);
  it.each(ageing)('%s over %s, bridging %s, MAC ageing 100ms: the same JSON and pcap with and without them', (profile, family, bridging) => {
    const { notForMe } = expectSameBothWays(scenarioText(profile, family, undefined, bridging, '100ms'));
    // Floods reach every host but the addressee: six hosts' worth of copies at least (a lower bound
    // the runs are far above; that the flood path was taken at all).
    expect(notForMe).toBeGreaterThan(6 * 6);
  });

  // One cache alone holds the sender's address (vm-3 answered vm-1; the gateway sends nothing), and
  // the sender's MAC changed with its move: its next request, broadcast to resolve vm-5, must reach
  // vm-3's receive rules (which take the new MAC), not be counted by group as overheard; vm-3's
  // flow to vm-1 afterwards shows which MAC it used. (The arrays' path names that one holder.)
  it.each(['linux', 'windows', 'freebsd'])('%s: a request from a moved VM with a new MAC reaches the one cache that holds it', (profile) => {
    const text = `name: sole-holder-${profile}
duration: 5s
fabric: { kind: leaf-spine, leaves: 2, spines: 1, bridging: none }
subnet: { ipv4: 198.18.0.0/24 }
hypervisors: { count: 3 }
gateway: { placement: core, attach: leaf-1 }
hosts:
  - name: vm
    count: 6
    on: hypervisors
    profile: ${profile}
traffic:
  - { name: first, from: vm-1, to: vm-3, rate: 5pps, packets: 2, start: 100ms }
  - { name: after, from: vm-1, to: vm-5, rate: 5pps, packets: 2, start: 2500ms }
  - { name: back, from: vm-3, to: vm-1, rate: 5pps, start: 3s }
migrations:
  - { vm: vm-1, to: hv-3, at: 2s, newMac: auto }
output: { pcap: vm-3 }
`;
    expectSameBothWays(text);
  });

  it.each(['address-conflict', 'contention-clone', 'security-arp-inspection', 'migration-anycast', 'migration-new-mac'])(
    'scenarios/%s.yaml: the same JSON and pcap with and without them',
    (name) => {
      const text = readFileSync(new URL(`../../scenarios/${name}.yaml`, import.meta.url), 'utf8');
      // The example's own capture node, or the first host's when it names none.
      const withPcap = /^output:/m.test(text) ? text : `${text}\noutput: { pcap: ${firstHost(text)} }\n`;
      expectSameBothWays(withPcap);
    },
  );
});

function firstHost(text: string): string {
  // A group of hosts (`count`) names its first host <name>-1.
  const m = /- name: ([\w-]+)\s*(#[^\n]*)?\n\s+count:/.exec(text.slice(text.indexOf('\nhosts:')));
  return m === null ? 'vm-1' : `${m[1]}-1`;
}
