/**
 * Every frame the security features and DHCP put on the wire in the example scenarios decodes in
 * Wireshark's tshark with no malformed packet, no bad checksum and no expert error: FCFS SAVI's and
 * ND inspection's DAD NS (RFC 4862 §5.4.2: from ::, to the target's solicited-node group, no source
 * link-layer option), SAVI-DHCP's data-snooping ARP probe (RFC 5227 §2.1.1: sender IP 0.0.0.0) and
 * the DHCP exchanges (DISCOVER, OFFER, REQUEST, ACK) of the clients and the server, with a guest's
 * INIT-REBOOT REQUEST after a carrier bounce (RFC 2131 §4.3.2), and the claims a contention case's
 * claimant sends (a forged ARP reply to the gateway, as arpspoof; a clone's gratuitous ARP and
 * unsolicited NA). Each is captured where it arrives (the scenario's own capture point, or the one
 * given here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenarioRun } from '../../src/run/index.js';
import { applyOverrides, loadScenario, parseOverride, readScenarioFile, scenarioLayout } from '../../src/scenario/index.js';
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

  it('a guest renewing after a carrier bounce: an INIT-REBOOT REQUEST (requested IP, no server identifier, ciaddr 0) and its ACK', () => {
    const s = loadScenario(readScenarioFile(join(SCENARIOS, 'security-dhcp-snooping.yaml')), 'security-dhcp-snooping.yaml');
    const vm = [...scenarioLayout(s).hosts()].find((h) => h.name === s.migrations[0]!.vm)!;
    const frames = capture('security-dhcp-snooping.yaml', 'guest-renew');
    for (const [i, f] of frames.entries()) expect(tsharkProblems(f), `frame ${i + 1}`).toEqual([]);
    const after = frames.filter((f) => Number(one(f, 'frame.time_epoch')) * 1e9 >= s.migrations[0]!.schedule.resumeAt);
    const requests = after.filter((f) => one(f, 'dhcp.option.dhcp') === '3');
    expect(requests).toHaveLength(1);
    const r = requests[0]!;
    expect(one(r, 'dhcp.hw.mac_addr')).toBe(vm.mac);
    expect(one(r, 'dhcp.option.requested_ip_address')).toBe(vm.ipv4);
    expect(r.has('dhcp.option.dhcp_server_id')).toBe(false);
    expect(one(r, 'dhcp.ip.client')).toBe('0.0.0.0');
    const acks = after.filter((f) => one(f, 'dhcp.option.dhcp') === '5' && one(f, 'dhcp.ip.your') === vm.ipv4);
    expect(acks).toHaveLength(1);
  });

  it('contention: the attacker\'s forged ARP replies to the gateway, and a clone\'s gratuitous ARP and unsolicited NA', () => {
    const mal = loadScenario(readScenarioFile(join(SCENARIOS, 'contention-malicious.yaml')), 'contention-malicious.yaml');
    const layout = scenarioLayout(mal);
    const victim = [...layout.hosts()].find((h) => h.name === mal.contention[0]!.vm)!;
    const gateway = layout.gateways[0]!;
    const frames = capture('contention-malicious.yaml', 'no-security');
    for (const [i, f] of frames.entries()) expect(tsharkProblems(f), `frame ${i + 1}`).toEqual([]);
    // Replies claiming the victim's IPv4 address from a MAC that is not the victim's, to the gateway.
    const forged = frames.filter((f) => one(f, 'arp.opcode') === '2' && one(f, 'arp.src.proto_ipv4') === victim.ipv4 && one(f, 'arp.src.hw_mac') !== victim.mac);
    expect(forged.length).toBeGreaterThan(0);
    for (const f of forged) {
      expect(one(f, 'arp.dst.hw_mac')).toBe(gateway.mac);
      expect(one(f, 'eth.src')).toBe(one(f, 'arp.src.hw_mac'));
    }
    // One every interval, from when the attacker appears until the run ends.
    const c = mal.contention[0]!;
    expect(forged.length).toBe(Math.ceil((mal.duration - c.at!) / c.announce.interval!));

    const clone = loadScenario(readScenarioFile(join(SCENARIOS, 'contention-clone.yaml')), 'contention-clone.yaml');
    const original = [...scenarioLayout(clone).hosts()].find((h) => h.name === clone.contention[0]!.vm)!;
    const cf = capture('contention-clone.yaml', 'no-security');
    for (const [i, f] of cf.entries()) expect(tsharkProblems(f), `frame ${i + 1}`).toEqual([]);
    const at = clone.contention[0]!.at!;
    const claims = cf.filter((f) => Math.abs(Number(one(f, 'frame.time_epoch')) * 1e9 - at) < 1e6);
    // Its gratuitous ARP: sender and target IP both the VM's, from the VM's MAC (RFC 5227 §3).
    const garp = claims.filter((f) => one(f, 'arp.src.proto_ipv4') === original.ipv4 && one(f, 'arp.dst.proto_ipv4') === original.ipv4);
    expect(garp).toHaveLength(1);
    expect(one(garp[0]!, 'arp.src.hw_mac')).toBe(original.mac);
    // The clone's unsolicited NA (the gateway answers in the same millisecond, from its own MAC).
    const na = claims.filter((f) => one(f, 'icmpv6.type') === '136' && one(f, 'eth.src') === original.mac);
    expect(na).toHaveLength(1);
    expect(parseIpv6(one(na[0]!, 'icmpv6.nd.na.target_address')!)).toBe(parseIpv6(original.ipv6!));
    expect(one(na[0]!, 'ipv6.dst')).toBe('ff02::1');
    expect(one(na[0]!, 'icmpv6.nd.na.flag.o')).toBe('1');
    expect(one(na[0]!, 'icmpv6.nd.na.flag.s')).toBe('0');
  });

  it('a router VM\'s Router Advertisements: from its EUI-64 link-local address to ff02::1, hop limit 255, its lifetime and MAC', () => {
    const file = 'security-ra-guard.yaml';
    const sc = loadScenario(readScenarioFile(join(SCENARIOS, file)), file);
    const group = sc.hosts.find((g) => g.routerAdvertisements !== undefined)!;
    const vr = [...scenarioLayout(sc).hosts()].find((h) => h.name === `${group.name}-1`)!;
    const move = sc.migrations.find((m) => m.vm === vr.name)!;
    const frames = capture(file, 'security-ra-guard');
    for (const [i, f] of frames.entries()) expect(tsharkProblems(f), `frame ${i + 1}`).toEqual([]);
    const ras = frames.filter((f) => one(f, 'icmpv6.type') === '134');
    // Modified EUI-64 (RFC 4291 appendix A): the U/L bit flipped, ff:fe in the middle.
    const b = vr.mac.split(':').map((x) => parseInt(x, 16));
    const hex = (hi: number, lo: number): string => ((hi << 8) | lo).toString(16);
    const linkLocal = parseIpv6(`fe80::${hex(b[0]! ^ 2, b[1]!)}:${hex(b[2]!, 0xff)}:${hex(0xfe, b[3]!)}:${hex(b[4]!, b[5]!)}`);
    // The gateway hears those sent from the router-role port, the first 1 s into the run, one per
    // interval, until the move; none after it.
    const interval = group.routerAdvertisements!.interval;
    expect(ras).toHaveLength(Math.ceil((move.schedule.pauseAt - 1e9) / interval));
    for (const f of ras) {
      expect(parseIpv6(one(f, 'ipv6.src')!)).toBe(linkLocal);
      expect(one(f, 'ipv6.dst')).toBe('ff02::1');
      expect(one(f, 'ipv6.hlim')).toBe('255');
      expect(one(f, 'icmpv6.nd.ra.router_lifetime')).toBe(String(group.routerAdvertisements!.lifetime / 1e9));
      expect(one(f, 'icmpv6.opt.linkaddr')).toBe(vr.mac);
      expect(Number(one(f, 'frame.time_epoch')) * 1e9).toBeLessThan(move.schedule.resumeAt);
    }
  });
});
