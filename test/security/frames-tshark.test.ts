/**
 * Every frame the security features and DHCP put on the wire in the example scenarios decodes in
 * Wireshark's tshark with no malformed packet, no bad checksum and no expert error: FCFS SAVI's and
 * ND inspection's DAD NS (RFC 4862 §5.4.2: from ::, to the target's solicited-node group, no source
 * link-layer option), SAVI-DHCP's data-snooping ARP probe (RFC 5227 §2.1.1: sender IP 0.0.0.0) and
 * the DHCP exchanges (DISCOVER, OFFER, REQUEST, ACK) of the clients and the server. Each is captured
 * where it arrives (the scenario's own capture point, or the one given here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenarioRun } from '../../src/run/index.js';
import { applyOverrides, loadScenario, parseOverride, readScenarioFile } from '../../src/scenario/index.js';
import { AtomicFileSink, parseIpv6, solicitedNodeAddress } from '../../src/wire/index.js';
import type { TsharkFields } from '../helpers/tshark.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arpshift-security-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `run` of scenario `file` capturing at `node` (default its own point); tshark's view of every frame. */
function capture(file: string, run: string, node?: string): TsharkFields[] {
  const path = join(SCENARIOS, file);
  const text = node === undefined ? readScenarioFile(path) : applyOverrides(readScenarioFile(path), [parseOverride(`output.pcap=${node}`)]);
  const scenario = loadScenario(text, path);
  const pcap = join(dir, `${file}-${run}.pcap`);
  const sink = new AtomicFileSink(pcap);
  runScenarioRun(scenario, run, { capture: sink });
  sink.close();
  return tsharkFields(pcap);
}

const one = (f: TsharkFields, name: string): string | undefined => f.get(name)?.[0];

/** The DAD NS of a capture: NS from :: (checked for RFC 4862's form). */
function dadNs(frames: TsharkFields[]): TsharkFields[] {
  return frames.filter((f) => one(f, 'icmpv6.type') === '135' && one(f, 'ipv6.src') === '::');
}

describe('frames the security features send decode cleanly in tshark', () => {
  it('FCFS SAVI: the DAD NS to the old port, from ::, to the solicited-node group, without a source link-layer option', () => {
    const frames = capture('security-fcfs-savi.yaml', 'fcfs');
    expect(frames.length).toBeGreaterThan(0);
    for (const [i, f] of frames.entries()) expect(tsharkProblems(f), `frame ${i + 1}`).toEqual([]);
    const ns = dadNs(frames);
    expect(ns.length).toBeGreaterThanOrEqual(2);
    for (const f of ns) {
      const target = parseIpv6(one(f, 'icmpv6.nd.ns.target_address')!)!;
      // ff02::1:ff00:0/104 plus the target's last 24 bits (RFC 4291 §2.7.1).
      expect(parseIpv6(one(f, 'ipv6.dst')!)).toBe(solicitedNodeAddress(target));
      expect(one(f, 'ipv6.hlim')).toBe('255');
      expect(f.has('icmpv6.opt.linkaddr')).toBe(false);
    }
  });

  it('ND inspection probing the old location: the same DAD NS form', () => {
    const frames = capture('security-nd-inspection.yaml', 'probe', 'hv-1');
    for (const [i, f] of frames.entries()) expect(tsharkProblems(f), `frame ${i + 1}`).toEqual([]);
    expect(dadNs(frames).length).toBeGreaterThanOrEqual(1);
  });

  it('SAVI-DHCP data snooping: the switch\'s ARP probe; and DHCP DISCOVER, OFFER, REQUEST, ACK', () => {
    const frames = capture('security-savi-dhcp.yaml', 'leasequery');
    for (const [i, f] of frames.entries()) expect(tsharkProblems(f), `frame ${i + 1}`).toEqual([]);
    const probes = frames.filter((f) => one(f, 'arp.opcode') === '1' && one(f, 'arp.src.proto_ipv4') === '0.0.0.0');
    expect(probes.length).toBeGreaterThanOrEqual(1);
    // From a switch's own address (02:a5:…: the bridge addresses of the net layer), asking for the moved VM's address.
    expect(probes.every((f) => one(f, 'arp.src.hw_mac')!.startsWith('02:a5:'))).toBe(true);
    const types = new Set(frames.flatMap((f) => f.get('dhcp.option.dhcp') ?? []));
    for (const t of ['1', '2', '3', '5']) expect(types, `DHCP message type ${t}`).toContain(t);
  });
});
