/**
 * FCFS SAVI (RFC 6620) on an access switch: the state machine's transitions with its constants
 * (TENT_LT 500 ms, DEFAULT_LT 5 min, T_WAIT 250 ms), driven by hand; a VM that moves between two
 * validating ports is admitted TENT_LT after its first packet there and not before, the switch
 * probing the old port with DAD NS T_WAIT apart; a source copy that still answers keeps the binding
 * (split brain); and every DAD NS the switch sends decodes in tshark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SaviVerdict } from '../../src/security/index.js';
import { FCFS_SAVI, FcfsSavi } from '../../src/security/index.js';
import { echo6 } from '../../src/stack/index.js';
import type { Ipv6Address } from '../../src/wire/index.js';
import { IPV6_UNSPECIFIED, formatMac, neighborAdvertisement, neighborSolicitation, solicitedNodeAddress } from '../../src/wire/index.js';
import { recordSent, writePcap } from '../helpers/capture.js';
import { MS, S, accessLayer, v6, vmMac } from '../helpers/security.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';

const { TENT_LT, DEFAULT_LT, T_WAIT } = FCFS_SAVI;
const dir = mkdtempSync(join(tmpdir(), 'arpshift-savi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the RFC 6620 constants', () => {
  it('TENT_LT 500 ms, DEFAULT_LT 5 min, T_WAIT 250 ms', () => {
    expect([TENT_LT, DEFAULT_LT, T_WAIT]).toEqual([500 * MS, 300 * S, 250 * MS]);
  });
});

describe('FCFS SAVI state machine (pure)', () => {
  const X = v6(20);
  const TRUSTED = 0;
  function driven() {
    const sent: Array<{ at: number; address: Ipv6Address; port: number }> = [];
    let wake = Infinity;
    let now = 0;
    const savi = new FcfsSavi({ trustedPorts: [TRUSTED] }, {
      sendDadNs: (address, _vlan, port) => sent.push({ at: now, address, port }),
      arm: (at) => {
        wake = at;
      },
    });
    const advance = (to: number): void => {
      while (wake <= to) {
        now = wake;
        wake = Infinity;
        savi.timers(now);
      }
      now = to;
    };
    const data = (port: number): SaviVerdict => savi.packet(port, 1, echo6(X, v6(1), 128, new Uint8Array(4)), now);
    const dadNs = (port: number): SaviVerdict => savi.packet(port, 1, neighborSolicitation(IPV6_UNSPECIFIED, X, vmMac(1)), now);
    const na = (port: number): SaviVerdict => savi.packet(port, 1, neighborAdvertisement(X, X, vmMac(1), { solicited: false, override: true }), now);
    return { savi, sent, advance, data, dadNs, na, state: () => savi.entry(1, X)?.state ?? 'no-bind', anchor: () => savi.entry(1, X)?.port };
  }

  it('NO_BIND + DAD NS from a validating port: forwarded to trusted ports only, a copy T_WAIT later, VALID after TENT_LT', () => {
    const t = driven();
    expect(t.dadNs(1)).toEqual({ drop: null, confine: { alsoPort: -1 } });
    expect(t.state()).toBe('tentative');
    expect(t.data(1).drop).toBe('tentative');
    t.advance(T_WAIT);
    expect(t.sent).toEqual([{ at: T_WAIT, address: X, port: -1 }]);
    t.advance(TENT_LT - 1);
    expect(t.state()).toBe('tentative');
    t.advance(TENT_LT);
    expect(t.state()).toBe('valid');
    expect(t.data(1).drop).toBeNull();
  });

  it('NO_BIND + data: DAD on the host behalf, 2 DAD NS T_WAIT apart to trusted ports, data dropped until VALID', () => {
    const t = driven();
    expect(t.data(1).drop).toBe('unbound-source');
    t.advance(TENT_LT);
    expect(t.sent).toEqual([{ at: 0, address: X, port: -1 }, { at: T_WAIT, address: X, port: -1 }]);
    expect(t.state()).toBe('valid');
  });

  it('TENTATIVE + NA or DAD NS from a trusted port: owned elsewhere, back to NO_BIND', () => {
    const t = driven();
    t.data(1);
    expect(t.na(TRUSTED).drop).toBeNull();
    expect(t.state()).toBe('no-bind');
    t.data(1);
    t.dadNs(TRUSTED);
    expect(t.state()).toBe('no-bind');
  });

  it('VALID + data from another validating port: 2 DAD NS to the anchor; the anchor moves after TENT_LT unless it answers', () => {
    const t = driven();
    t.data(1);
    t.advance(TENT_LT);
    t.sent.length = 0;
    const t0 = TENT_LT + 10 * S;
    t.advance(t0);
    expect(t.data(2).drop).toBe('testing');
    expect(t.state()).toBe('testing-vp');
    t.advance(t0 + TENT_LT - 1);
    expect(t.data(2).drop).toBe('testing');
    expect(t.sent).toEqual([{ at: t0, address: X, port: 1 }, { at: t0 + T_WAIT, address: X, port: 1 }]);
    t.advance(t0 + TENT_LT);
    expect([t.state(), t.anchor()]).toEqual(['valid', 2]);
    expect(t.data(2).drop).toBeNull();
    // The old port is now the newcomer: its packets start a test of port 2.
    expect(t.data(1).drop).toBe('testing');
    expect(t.savi.entry(1, X)).toMatchObject({ state: 'testing-vp', port: 2, candidate: 1 });
  });

  it('TESTING_VP + NA from the anchor: the old owner keeps the binding (split brain)', () => {
    const t = driven();
    t.data(1);
    t.advance(TENT_LT);
    t.data(2);
    t.na(1);
    expect([t.state(), t.anchor()]).toEqual(['valid', 1]);
    t.advance(10 * S);
    expect(t.data(2).drop).toBe('testing');
    expect(t.savi.counters.keptByOldOwner).toBe(1);
  });

  it('VALID + DAD NS from a trusted port (another SAVI switch checking): forwarded to P and trusted ports, TESTING_TP-LT, released after TENT_LT', () => {
    const t = driven();
    t.data(1);
    t.advance(TENT_LT);
    expect(t.dadNs(TRUSTED)).toEqual({ drop: null, confine: { alsoPort: 1 } });
    expect(t.state()).toBe('testing-tp-lt');
    t.advance(2 * TENT_LT);
    expect(t.state()).toBe('no-bind');
  });

  it('VALID + silence for DEFAULT_LT: 2 DAD NS to P, TESTING_TP-LT; data from P then makes it VALID again', () => {
    const t = driven();
    t.data(1);
    t.advance(TENT_LT);
    t.sent.length = 0;
    t.advance(TENT_LT + DEFAULT_LT);
    expect(t.state()).toBe('testing-tp-lt');
    expect(t.sent).toEqual([{ at: TENT_LT + DEFAULT_LT, address: X, port: 1 }]);
    expect(t.data(1).drop).toBeNull();
    expect(t.state()).toBe('valid');
  });
});

describe('a VM moving between two validating ports of one SAVI switch', () => {
  function scenario(sourceCopyAlive: boolean) {
    const layer = accessLayer(2);
    const vm = layer.vm(1, 0, undefined, { ipv4: false, ipv6: true });
    const security = layer.secure({ fcfsSavi: { trustedPorts: [0] } });
    const dadNs = recordSent(layer.kernel, (f) => f.eth.source === layer.leaf.address, ['leaf']);
    // The VM talks before the move, so its address is VALID on hv-1's port (port 1).
    layer.kernel.scheduleAt(1 * S, 'test', 'ping', () => vm.ping(v6(1), 1, 0));
    const resume = 10 * S;
    if (sourceCopyAlive) {
      // A failed migration: a copy with the same address (another MAC) appears on hv-2 while the source keeps running.
      const copy = layer.vm(2, 1, undefined, { ipv4: false, ipv6: false });
      copy.addIpv6(v6(11), 64, { skipDad: true });
      layer.kernel.scheduleAt(resume, 'test', 'copy-talks', () => copy.announceNa(copy.ipv6[0]!, true));
      return { layer, vm: copy, security, dadNs, resume };
    }
    layer.migrate(vm, 1, resume, [{ kind: 'guest-na', count: 1, interval: 0, override: true }]);
    return { layer, vm, security, dadNs, resume };
  }

  it('its traffic is dropped for TENT_LT after its first packet at the new port, then admitted; DAD NS go out of the old port T_WAIT apart', () => {
    const { layer, vm, security, dadNs, resume } = scenario(false);
    const pingEvery = 20 * MS;
    for (let t = resume; t < resume + 2 * S; t += pingEvery) layer.kernel.scheduleAt(t + 1, 'test', 'ping', () => vm.ping(v6(1), 2, t / pingEvery));
    const drops: number[] = [];
    const arrivedAtGw: number[] = [];
    layer.kernel.trace.on('frame-dropped', (e) => {
      if (e.filter?.filter === 'savi-fcfs' && e.frame.eth.source === vm.mac && e.time >= resume) drops.push(e.time);
    });
    layer.kernel.trace.on('frame-received', (e) => {
      if (e.node === 'gw' && e.frame.eth.source === vm.mac && e.time > resume) arrivedAtGw.push(e.time);
    });
    layer.kernel.run({ until: resume + 3 * S });
    const first = drops[0]!;
    expect(first).toBeGreaterThanOrEqual(resume);
    // Not before TENT_LT ...
    expect(drops.at(-1)!).toBeLessThan(first + TENT_LT);
    expect(arrivedAtGw.filter((t) => t < first + TENT_LT)).toEqual([]);
    // ... and from the first packet after it.
    expect(arrivedAtGw[0]!).toBeGreaterThanOrEqual(first + TENT_LT);
    expect(arrivedAtGw[0]!).toBeLessThan(first + TENT_LT + pingEvery + 1 * MS);
    expect(security.fcfsSavi!.entry(1, v6(11))).toMatchObject({ state: 'valid', port: 2 });
    const probes = dadNs.filter((f) => f.time >= resume);
    // Out of the old port only (hv-1's uplink, leaf port index 1), T_WAIT apart, from the first packet on.
    const oldPort = layer.leaf.ports[1]!.name;
    expect(probes.map((f) => [f.time - first, f.port])).toEqual([[0, oldPort], [T_WAIT, oldPort]]);
    const ns = probes[0]!.frame.eth.payload;
    expect(ns.kind === 'ipv6' && [ns.source, ns.destination]).toEqual([IPV6_UNSPECIFIED, solicitedNodeAddress(v6(11))]);
  });

  it('split brain: the source copy answers the DAD NS, keeps the binding, and the newcomer stays blocked', () => {
    const { layer, vm, security } = scenario(true);
    const replies: string[] = [];
    vm.onEchoReply((r) => replies.push(r.source));
    for (let k = 1; k <= 20; k++) layer.kernel.scheduleAt(10 * S + k * 100 * MS, 'test', 'ping', () => vm.ping(v6(1), 3, k));
    layer.kernel.run({ until: 14 * S });
    expect(security.fcfsSavi!.entry(1, v6(11))).toMatchObject({ state: 'valid', port: 1 });
    expect(security.fcfsSavi!.counters.keptByOldOwner).toBeGreaterThan(0);
    expect(replies).toEqual([]);
  });

  it('every DAD NS the switch sends decodes in tshark as an NS from :: with no malformed frame or bad checksum', () => {
    const { layer, dadNs } = scenario(false);
    layer.kernel.run({ until: 12 * S });
    expect(dadNs.length).toBeGreaterThanOrEqual(2);
    const path = join(dir, 'savi-dad-ns.pcap');
    writePcap(path, dadNs);
    const decoded = tsharkFields(path);
    expect(decoded.length).toBe(dadNs.length);
    for (const fields of decoded) {
      expect(tsharkProblems(fields)).toEqual([]);
      expect(fields.get('icmpv6.type')).toEqual(['135']);
      expect(fields.get('ipv6.src')).toEqual(['::']);
      expect(fields.get('ipv6.hlim')).toEqual(['255']);
      expect(fields.get('icmpv6.nd.ns.target_address')).toEqual(['2001:db8::b']);
      expect(fields.get('eth.src')).toEqual([formatMac(layer.leaf.address)]);
    }
  });
});
