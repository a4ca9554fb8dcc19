/**
 * The ARP bystander fast path (Host.receiveArp returns early for a request that changes nothing and
 * asks nothing of the receiver) gives the same run as the full receive rules: every number of the JSON
 * result and every byte of the capture, for every profile, for ARP and ND, with and without arp_accept
 * (Linux profiles), on a small dual-stack domain whose traffic goes over IPv4 or IPv6, where hosts resolve each other, a VM migrates and announces
 * itself with gratuitous ARP (so bystanders overhear requests both with and without an entry for the
 * sender), and the gateway reaches every host.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ModelRun } from '../../src/run/index.js';
import { buildModel, loadScenario } from '../../src/scenario/index.js';
import { Host, LINUX_BASED, PROFILE_NAMES } from '../../src/stack/index.js';
import { BufferedSink } from '../../src/wire/index.js';

function scenarioText(profile: string, family: 'ipv4' | 'ipv6', arpAccept: number | undefined): string {
  const sysctls = arpAccept === undefined ? '' : `\n    sysctls: { arp_accept: ${arpAccept} }`;
  return `name: bystanders-${profile}-${family}
duration: 6s
fabric: { kind: leaf-spine, leaves: 2, spines: 1, bridging: none }
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
remedies:
  - { kind: guest-garp, count: 2, interval: 100ms }
  - { kind: guest-na, count: 2, interval: 100ms }
migrations:
  - { vm: vm-2, to: hv-3, at: 2s }
output: { pcap: vm-3 }
`;
}

function runOnce(text: string): { json: string; pcap: Buffer } {
  const scenario = loadScenario(text, 'bystanders.yaml');
  const chunks: Uint8Array[] = [];
  const sink = new BufferedSink((c) => chunks.push(c.slice()));
  const run = new ModelRun(buildModel(scenario), scenario.name, { capture: sink });
  const result = run.finish();
  sink.close();
  return { json: JSON.stringify({ result, events: run.events }), pcap: Buffer.concat(chunks) };
}

afterEach(() => {
  Host.bystanderFastPath = true;
});

describe('ARP bystander fast path', () => {
  const cases: [string, 'ipv4' | 'ipv6', number | undefined][] = [];
  for (const profile of PROFILE_NAMES) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      if (LINUX_BASED.has(profile) && family === 'ipv4') for (const accept of [0, 1]) cases.push([profile, family, accept]);
      else cases.push([profile, family, undefined]);
    }
  }

  it.each(cases)('%s over %s (arp_accept %s): the same JSON and pcap with and without it', (profile, family, accept) => {
    const text = scenarioText(profile, family, accept);
    Host.bystanderFastPath = false;
    const plain = runOnce(text);
    Host.bystanderFastPath = true;
    const fast = runOnce(text);
    expect(plain.pcap.length).toBeGreaterThan(24);
    expect(fast.json).toBe(plain.json);
    expect(fast.pcap.equals(plain.pcap)).toBe(true);
  });
});
