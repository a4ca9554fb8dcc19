/**
 * SAVI-DHCP (RFC 7513) for DHCPv4: bindings from snooped DHCP; a moved VM that does not renew is
 * blocked at its new port unless data snooping is on; with it on, recovery costs DETECTION_TIMEOUT
 * (0.5 s) plus a leasequery round trip, and an anchor starts at most one attempt per
 * DATA_SNOOPING_INTERVAL (60 s). The ARP probes the switch sends decode in tshark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAVI_DHCP } from '../../src/security/index.js';
import { DhcpClient, DhcpServer } from '../../src/stack/index.js';
import { formatMac } from '../../src/wire/index.js';
import { recordSent, writePcap } from '../helpers/capture.js';
import { MS, S, accessLayer, v4 } from '../helpers/security.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'arpshift-savi-dhcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ROUND_TRIP = 2 * MS;

function moved(dataSnooping: boolean, leaseQuery: boolean) {
  const layer = accessLayer(2);
  const server = new DhcpServer(layer.gw, { poolStart: v4(100), poolEnd: v4(150), prefixLength: 24, router: v4(1), leaseTime: 3600 * S });
  const vm = layer.vm(1, 0, undefined, { ipv4: false });
  const client = new DhcpClient(vm, layer.kernel, { startDelay: [1 * S, 1 * S] });
  const security = layer.secure({
    saviDhcp: { trustedPorts: [0], dataSnooping },
    ...(leaseQuery ? { leaseQuery: { query: (a) => server.leaseQuery(a), roundTrip: ROUND_TRIP } } : {}),
  });
  client.start();
  const resume = 10 * S;
  layer.migrate(vm, 1, resume, []);
  const every = 50 * MS;
  for (let t = resume + every; t < resume + 3 * S; t += every) layer.kernel.scheduleAt(t, 'test', 'ping', () => vm.ping(v4(1), 1, Math.round(t / every)));
  const drops: number[] = [];
  const passed: number[] = [];
  layer.kernel.trace.on('frame-dropped', (e) => {
    if (e.filter?.filter === 'savi-dhcp' && e.frame.eth.payload.kind === 'ipv4') drops.push(e.time);
  });
  layer.kernel.trace.on('frame-received', (e) => {
    if (e.node === 'gw' && e.frame.eth.source === vm.mac && e.frame.eth.payload.kind === 'ipv4' && e.time > resume) passed.push(e.time);
  });
  const probes = recordSent(layer.kernel, (f) => f.eth.source === layer.leaf.address, ['leaf']);
  return { layer, vm, client, security, resume, drops, passed, probes };
}

describe('SAVI-DHCP and a VM that moved without renewing', () => {
  it("the DHCP exchange binds the address to hv-1's port (BOUND with the lease)", () => {
    const { layer, client, security } = moved(false, false);
    layer.kernel.run({ until: 5 * S });
    expect(security.saviDhcp!.bindings().map((b) => [b.state, b.address, b.port])).toEqual([['bound', client.address, 1]]);
  });

  it('without data snooping (the default) every packet from the new port is dropped', () => {
    const { layer, drops, passed } = moved(false, false);
    layer.kernel.run({ until: 14 * S });
    expect(passed).toEqual([]);
    expect(drops.length).toBeGreaterThan(0);
  });

  it('with data snooping: admitted after DETECTION_TIMEOUT plus the leasequery round trip, not before', () => {
    const { layer, security, drops, passed, probes, resume } = moved(true, true);
    layer.kernel.run({ until: resume + 3 * S });
    const first = drops[0]!;
    const bound = first + SAVI_DHCP.DETECTION_TIMEOUT + ROUND_TRIP;
    expect(drops.every((t) => t < bound)).toBe(true);
    expect(passed[0]!).toBeGreaterThanOrEqual(bound);
    expect(passed[0]!).toBeLessThan(bound + 50 * MS + 1 * MS);
    expect(security.saviDhcp!.counters.recovered).toBe(1);
    // The detection probe went out of every other port (the gateway's and hv-1's), not the anchor's.
    expect(probes.filter((p) => p.time >= resume).map((p) => p.port).sort()).toEqual([layer.leaf.ports[0]!.name, layer.leaf.ports[1]!.name]);
  });

  it('without an answer to the leasequery the attempt fails, and the next one waits DATA_SNOOPING_INTERVAL', () => {
    const { layer, vm, security, resume } = moved(true, false);
    layer.kernel.run({ until: resume + 3 * S });
    expect(security.saviDhcp!.counters.detections).toBe(1);
    expect(security.saviDhcp!.bindings().filter((b) => b.port === 2)).toMatchObject([{ state: 'recovery' }]);
    layer.kernel.run({ until: resume + SAVI_DHCP.MAX_LEASEQUERY_DELAY + 1 * S });
    expect(security.saviDhcp!.bindings().filter((b) => b.port === 2)).toEqual([]);
    // A packet within DATA_SNOOPING_INTERVAL of the first attempt starts nothing; one after it does.
    const firstAttempt = resume + 50 * MS;
    const counts: number[] = [];
    for (const at of [firstAttempt + SAVI_DHCP.DATA_SNOOPING_INTERVAL - 1 * S, firstAttempt + SAVI_DHCP.DATA_SNOOPING_INTERVAL + 1 * S]) {
      layer.kernel.scheduleAt(at, 'test', 'ping', () => vm.ping(v4(1), 7, 1));
      layer.kernel.scheduleAt(at + 100 * MS, 'test', 'count', () => counts.push(security.saviDhcp!.counters.detections));
    }
    layer.kernel.run({ until: firstAttempt + SAVI_DHCP.DATA_SNOOPING_INTERVAL + 2 * S });
    expect(counts).toEqual([1, 2]);
  });

  it('the ARP probes the switch sends decode in tshark as RFC 5227 probes, with no malformed frame', () => {
    const { layer, probes, resume } = moved(true, true);
    layer.kernel.run({ until: resume + 3 * S });
    const path = join(dir, 'savi-dhcp-probes.pcap');
    writePcap(path, probes);
    const decoded = tsharkFields(path);
    expect(decoded.length).toBe(probes.length);
    expect(probes.length).toBeGreaterThan(0);
    for (const fields of decoded) {
      expect(tsharkProblems(fields)).toEqual([]);
      expect(fields.get('arp.isprobe')).toEqual(['1']);
      expect(fields.get('arp.src.hw_mac')).toEqual([formatMac(layer.leaf.address)]);
      expect(fields.get('arp.dst.proto_ipv4')).toEqual(['198.18.0.100']);
    }
  });
});
