/**
 * The scenario fields the anchor benchmark needs: per-sender start times from a seeded generator
 * (`startSpread`), a packet count per sender (`packets`), a core gateway on a spine with a link of its
 * own (`gateway.attach`, `gateway.link`), and a group's own link (`hosts[].link`).
 */
import { describe, expect, it } from 'vitest';
import { ModelRun } from '../../src/run/index.js';
import { buildModel, loadScenario, startOffsets } from '../../src/scenario/index.js';
import { issueAt, issuesOf } from './helpers.js';

/** N hosts over T leaves, the gateway on the spine: one datagram per host at a seeded time. */
function storm(hosts: number, leaves: number, extra = ''): string {
  return `name: storm
duration: 2s
fabric:
  kind: leaf-spine
  leaves: ${leaves}
  spines: 1
  bridging: none
  links: { access: { rate: 1Gbps }, fabric: { rate: 10Gbps } }
subnet: { ipv4: 198.18.0.0/16 }
gateway: { placement: core, attach: spine-1, link: { rate: 10Gbps }, profile: ns3 }
hosts:
  - { name: h, count: ${hosts}, profile: ns3${extra} }
traffic:
  - { from: h, to: gateway, rate: 1pps, packets: 1, startSpread: { seed: 1, over: 1s } }
`;
}

describe('startSpread', () => {
  it('gives mulberry32 offsets: floor(r * over / 2^32), modulo wrap', () => {
    // Check values of the anchor scenarios' start times for seed 1 (s_0, s_1, s_2 in ns).
    const s = startOffsets(3, { seed: 1, over: 1e9 });
    expect([...s]).toEqual([627073940, 2735721, 527447039]);
    const wrapped = startOffsets(3, { seed: 1, over: 1e9, wrap: 1e7 });
    expect([...wrapped]).toEqual([...s].map((x) => x % 1e7));
    expect(startOffsets(3, { seed: 2, over: 1e9 })[0]).not.toBe(s[0]);
  });

  it('starts each sender at its own offset and sends `packets` datagrams', () => {
    const hosts = 12;
    const scenario = loadScenario(storm(hosts, 3), 'storm.yaml');
    const model = buildModel(scenario);
    const sendTimes: number[] = [];
    model.kernel.trace.on('flow-sent', (e) => sendTimes.push(e.time));
    const result = new ModelRun(model, 'storm').finish();
    expect(result.flows[0]!.sent).toBe(hosts);
    expect(result.flows[0]!.delivered).toBe(hosts);
    expect(sendTimes.sort((a, b) => a - b)).toEqual([...startOffsets(hosts, { seed: 1, over: 1e9 })].sort((a, b) => a - b));
  });
});

describe('a gateway on the spine with its own link', () => {
  it('carries the storm: every request floods to every other end station, over N + T + 1 links', () => {
    const n = 30;
    const t = 3;
    const model = buildModel(loadScenario(storm(n, t), 'storm.yaml'));
    new ModelRun(model, 'storm').finish();
    const gatewayPort = model.gateways[0]!.port;
    expect(gatewayPort.peer!.owner.name).toBe('spine-1');
    expect(gatewayPort.link!.rate).toBe(10e9);
    expect([...model.hosts.values()][0]!.port.link!.rate).toBe(1e9);
    let linkFrames = 0;
    for (const link of model.network.links) linkFrames += link.a.counters.txFrames + link.b.counters.txFrames;
    // Each request crosses every link but its sender's own once more; replies and datagrams 3 links.
    expect(linkFrames).toBe(n * (n + t + 1) + 3 * n + 3 * n);
    expect(gatewayPort.counters.rxFrames).toBe(2 * n);
  });

  it('refuses a switch that does not exist, a link on an anycast gateway and a link on VMs', () => {
    expect(issueAt(issuesOf(storm(4, 2).replace('attach: spine-1', 'attach: spine-3')), 'gateway.attach').message).toContain('spine-1');
    const anycast = storm(4, 2).replace('placement: core, attach: spine-1,', 'placement: anycast,');
    expect(issueAt(issuesOf(anycast), 'gateway.link').message).toContain('anycast');
    const vms = storm(4, 2, ', on: hypervisors, link: { rate: 1Gbps }').replace('hosts:', 'hypervisors: { count: 2 }\nhosts:');
    expect(issueAt(issuesOf(vms), 'hosts[0].link').message).toContain('VM');
  });
});
