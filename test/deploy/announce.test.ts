/**
 * `arpshift announce` on this machine's kernel (root, as CI runs), through the built CLI run inside
 * namespaces: the frames it sends, read back by tcpdump and decoded by tshark, are the ones RFC 5227,
 * RFC 5944, RFC 4861 and QEMU's net/announce.c describe, on QEMU's schedule; its refusals are one line
 * with exit code 2; and in a lab where a VM's link moves between two hypervisors' bridges, the
 * gateway's black hole (measured by analyzeCapture from a capture at the gateway) falls to about the
 * downtime plus one round trip with `announce --wait-forwarding` on the new side, and does not
 * without it. Nothing of the test is left behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/emu/index.js';
import { withLab as labWith } from '../../src/emu/index.js';
import { QEMU_TIMING, qemuTimesMs } from '../../src/deploy/index.js';
import { alive, namespaceNames, rootLinks } from '../helpers/namespaces.js';
import { MOVE_PAUSE_MS, PING_INTERVAL_MS, VM_IP, VM_MAC, buildMoveLab, cliIn, moveVm, saying, startCapture, stopCapture } from '../helpers/move-lab.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** Labs of this file: a prefix of their own, so that other tests' checks for leftover `arpshift-` namespaces never see them. */
const withLab = <T>(body: (lab: Lab) => Promise<T>): Promise<T> => labWith(body, { prefix: 'asdeploy' });
const dir = mkdtempSync(join(tmpdir(), 'arpshift-announce-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the frames announce sends', () => {
  it('QEMU\'s schedule: RARP, GARP and unsolicited NA each round, at 0, 50, 200, 450, 800 ms, as tshark reads them', async () => {
    const before = rootLinks();
    let names: readonly string[] = [];
    await withLab(async (lab) => {
      const a = await lab.namespace('a');
      const b = await lab.namespace('b');
      names = lab.namespaceNames;
      await lab.veth(a, 'e0', b, 'e1', { aMac: '02:00:00:00:00:0a' });
      await a.ip(['addr', 'add', '198.18.0.10/24', 'dev', 'e0']);
      await a.ip(['addr', 'add', '2001:db8::10/64', 'dev', 'e0', 'nodad']);
      await b.sysctl({ 'net.ipv6.conf.e1.disable_ipv6': 1 });
      await a.sysctl({ 'net.ipv6.conf.e0.router_solicitations': 0, 'net.ipv6.conf.e0.mldv2_unsolicited_report_interval': 0 });
      const pcap = join(dir, 'qemu.pcap');
      const capture = await startCapture(b, 'e1', pcap, ['arp', 'or', 'rarp', 'or', 'icmp6[0] == 136']);
      const run = cliIn(a, ['announce', '--iface', 'e0', '--ip', '198.18.0.10', '--ip', '2001:db8::10', '--garp-target', 'broadcast', '--wait-forwarding'], CLI);
      const result = await run.done;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toHaveLength(QEMU_TIMING.rounds);
      await stopCapture(capture);
      const frames = tsharkFields(pcap);
      expect(frames).toHaveLength(3 * QEMU_TIMING.rounds);
      for (const f of frames) expect(tsharkProblems(f)).toEqual([]);
      const get = (f: Map<string, string[]>, k: string): string | undefined => f.get(k)?.[0];
      const times = frames.map((f) => Number(get(f, 'frame.time_epoch')));
      const expected = qemuTimesMs(QEMU_TIMING);
      expect(expected).toEqual([0, 50, 200, 450, 800]);
      for (let round = 0; round < QEMU_TIMING.rounds; round++) {
        const [rarp, garp, na] = frames.slice(3 * round, 3 * round + 3) as [Map<string, string[]>, Map<string, string[]>, Map<string, string[]>];
        // RARP as qemu's announce_self_create: broadcast, 0x8035, op 3, sha = tha = MAC, addresses 0, 60 bytes.
        expect([get(rarp, 'eth.dst'), get(rarp, 'eth.src'), get(rarp, 'eth.type'), get(rarp, 'frame.len')]).toEqual(['ff:ff:ff:ff:ff:ff', VM_MAC, '0x8035', '60']);
        expect([get(rarp, 'arp.opcode'), get(rarp, 'arp.src.hw_mac'), get(rarp, 'arp.dst.hw_mac'), get(rarp, 'arp.src.proto_ipv4'), get(rarp, 'arp.dst.proto_ipv4')]).toEqual(['3', VM_MAC, VM_MAC, '0.0.0.0', '0.0.0.0']);
        // Gratuitous ARP request, broadcast target MAC (as arping -U): sender IP = target IP.
        expect([get(garp, 'eth.dst'), get(garp, 'eth.type'), get(garp, 'arp.opcode'), get(garp, 'arp.src.hw_mac'), get(garp, 'arp.dst.hw_mac')]).toEqual(['ff:ff:ff:ff:ff:ff', '0x0806', '1', VM_MAC, 'ff:ff:ff:ff:ff:ff']);
        expect([get(garp, 'arp.src.proto_ipv4'), get(garp, 'arp.dst.proto_ipv4'), get(garp, 'arp.isgratuitous')]).toEqual(['198.18.0.10', '198.18.0.10', '1']);
        // Unsolicited NA to all-nodes, S clear, O set, TLLAO, hop limit 255 (RFC 4861 §7.2.6, §7.1).
        expect([get(na, 'eth.dst'), get(na, 'ipv6.src'), get(na, 'ipv6.dst'), get(na, 'ipv6.hlim'), get(na, 'icmpv6.type')]).toEqual(['33:33:00:00:00:01', '2001:db8::10', 'ff02::1', '255', '136']);
        expect([get(na, 'icmpv6.nd.na.flag.s'), get(na, 'icmpv6.nd.na.flag.o'), get(na, 'icmpv6.nd.na.flag.r'), get(na, 'icmpv6.nd.na.target_address'), get(na, 'icmpv6.opt.linkaddr')]).toEqual(['0', '1', '0', '2001:db8::10', VM_MAC]);
        // Each round no earlier than its time on QEMU's schedule, and not much later (a loaded machine).
        const at = (times[3 * round]! - times[0]!) * 1000;
        expect(at).toBeGreaterThanOrEqual(expected[round]! - 2);
        expect(at).toBeLessThanOrEqual(expected[round]! + 250);
      }
    });
    for (const n of names) expect(namespaceNames()).not.toContain(n);
    expect(rootLinks()).toEqual(before);
  });

  it('reply-form GARP (RFC 5944 §4.6) and zero-target request form (RFC 5227 §2.3), on a custom schedule', async () => {
    await withLab(async (lab) => {
      const a = await lab.namespace('a');
      const b = await lab.namespace('b');
      await lab.veth(a, 'e0', b, 'e1', { aMac: '02:00:00:00:00:0a' });
      await a.sysctl({ 'net.ipv6.conf.e0.disable_ipv6': 1 });
      await b.sysctl({ 'net.ipv6.conf.e1.disable_ipv6': 1 });
      await a.ip(['addr', 'add', '198.18.0.10/24', 'dev', 'e0']);
      const pcap = join(dir, 'forms.pcap');
      const capture = await startCapture(b, 'e1', pcap, ['arp']);
      const reply = await cliIn(a, ['announce', '--iface', 'e0', '--ip', '198.18.0.10', '--schedule', 'garp', '--garp-form', 'reply', '--rounds', '1'], CLI).done;
      const request = await cliIn(a, ['announce', '--iface', 'e0', '--ip', '198.18.0.10', '--schedule', 'custom', '--count', '2', '--interval', '100ms', '--jitter', '50ms'], CLI).done;
      expect([reply.code, request.code, reply.stderr, request.stderr]).toEqual([0, 0, '', '']);
      await stopCapture(capture);
      const frames = tsharkFields(pcap);
      expect(frames, reply.stdout + request.stdout).toHaveLength(3);
      const get = (i: number, k: string): string | undefined => frames[i]!.get(k)?.[0];
      expect([get(0, 'arp.opcode'), get(0, 'arp.src.hw_mac'), get(0, 'arp.dst.hw_mac'), get(0, 'arp.src.proto_ipv4'), get(0, 'arp.dst.proto_ipv4'), get(0, 'eth.dst')])
        .toEqual(['2', VM_MAC, VM_MAC, '198.18.0.10', '198.18.0.10', 'ff:ff:ff:ff:ff:ff']);
      for (const i of [1, 2]) {
        expect([get(i, 'arp.opcode'), get(i, 'arp.dst.hw_mac'), get(i, 'arp.isannouncement')]).toEqual(['1', '00:00:00:00:00:00', '1']);
      }
      // The custom gap: the interval plus at most the jitter.
      const gap = (Number(get(2, 'frame.time_epoch')) - Number(get(1, 'frame.time_epoch'))) * 1000;
      expect(gap).toBeGreaterThanOrEqual(98);
      expect(gap).toBeLessThanOrEqual(150 + 200);
    });
  });

  it('refuses with one line and exit code 2: a missing interface, an address not on it, no permission, bad options', async () => {
    await withLab(async (lab) => {
      const a = await lab.namespace('a');
      await a.ip(['link', 'add', 'e0', 'type', 'veth', 'peer', 'name', 'e1']);
      await a.ip(['addr', 'add', '198.18.0.10/24', 'dev', 'e0']);
      const cases: Array<[string[], RegExp]> = [
        [['announce', '--iface', 'nope0', '--ip', '198.18.0.10'], /^arpshift: no interface nope0$/],
        [['announce', '--iface', 'e0', '--ip', '198.18.0.99'], /^arpshift: 198\.18\.0\.99 is not an address of e0 /],
        [['announce', '--iface', 'e0', '--ip', 'not-an-ip'], /^arpshift: --ip not-an-ip: not an IPv4 or IPv6 address$/],
        [['announce', '--iface', 'e0', '--ip', '198.18.0.10', '--schedule', 'weekly'], /^arpshift: --schedule must be one of/],
        [['announce', '--iface', 'e0', '--ip', '198.18.0.10', '--interval', '-1s', '--schedule', 'custom'], /^arpshift: --interval -1s: expected/],
        [['announce', '--iface', 'e0', '--schedule', 'na', '--ip', '198.18.0.10'], /^arpshift: --schedule na needs at least one IPv6 --ip$/],
        [['announce', '--iface', 'e0', '--ip', '198.18.0.10', '--mac', '01:00:5e:00:00:01'], /^arpshift: --mac 01:00:5e:00:00:01: not a unicast MAC address$/],
      ];
      const results = await Promise.all(cases.map(([args]) => cliIn(a, args, CLI).done));
      for (const [i, [args, message]] of cases.entries()) {
        const r = results[i]!;
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(r.stderr.trim()).toMatch(message);
      }
      // No permission: the same command as an unprivileged user (no CAP_NET_RAW).
      const unprivileged = await cliIn(a, ['announce', '--iface', 'e0', '--ip', '198.18.0.10'], CLI, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']).done;
      expect(unprivileged.code).toBe(2);
      expect(unprivileged.stderr.trim()).toMatch(/^arpshift: no permission to open a raw socket: it needs CAP_NET_RAW \(run as root\)$/);
    });
  });
});

describe('a VM moved between two hypervisors\' bridges, measured at the gateway', () => {
  it('without a remedy the black hole lasts until the gateway\'s own probes fail, seconds after the resume', async () => {
    let names: readonly string[] = [];
    await withLab(async (lab) => {
      const l = await buildMoveLab(lab);
      names = lab.namespaceNames;
      const m = await moveVm(l, join(dir, 'none.pcap'), { afterMs: 2500 });
      expect(m.move, 'the gap is found').toBeDefined();
      // The gateway's entry stays REACHABLE (0.5-1.5 s), then DELAY 1 s, then three unicast probes
      // 1 s apart are lost at the old place: nothing repairs the path within 2.5 s of the resume.
      const gap = m.move!.blackHoleMs.gatewayToVm;
      expect(m.move!.repaired.gatewayToVm === false || (gap !== null && gap >= m.downtimeMs + 2000), JSON.stringify(m.move)).toBe(true);
    });
    for (const n of names) expect(namespaceNames()).not.toContain(n);
  });

  it('with announce --wait-forwarding on the new hypervisor it falls to about the downtime plus one round trip; the first round waits for the port', async () => {
    const before = rootLinks();
    let names: readonly string[] = [];
    let announcerPid: number | undefined;
    await withLab(async (lab) => {
      const l = await buildMoveLab(lab);
      names = lab.namespaceNames;
      let announcer: ReturnType<typeof cliIn> | undefined;
      const m = await moveVm(l, join(dir, 'announce.pcap'), {
        afterMs: 1500,
        // Started before the move, on the new hypervisor's bridge, for the VM's port that does not
        // exist yet; the move starts once it says it waits.
        during: async () => {
          announcer = cliIn(l.hv2, ['announce', '--iface', 'br0', '--mac', VM_MAC, '--ip', VM_IP, '--wait-forwarding', '--port', 'vnet0', '--max-wait', '20s'], CLI);
          announcerPid = announcer.child.pid;
          await saying(announcer.child, 'waiting for vnet0 (missing) to forward');
        },
      });
      const result = await announcer!.done;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toHaveLength(1 + 5);
      // The first round went out only once vnet0 existed and was up in the bridge (the test's own poll
      // of its forwarding state, through `ip`, may see it later than announce's poll of sysfs).
      const firstRound = Date.parse(lines[1]!.split(' ')[0]!);
      expect(firstRound).toBeGreaterThanOrEqual(m.portUpAt);
      expect(m.move, 'the gap is found').toBeDefined();
      const gap = m.move!.blackHoleMs.gatewayToVm!;
      expect(m.move!.repaired.gatewayToVm).toBe(true);
      // About the downtime plus one round trip: the pings are 100 ms apart, so the gap between the
      // replies around it is the downtime rounded up to the next ping, plus the round trip; 200 ms
      // more for a loaded machine.
      expect(gap, JSON.stringify(m)).toBeGreaterThanOrEqual(MOVE_PAUSE_MS);
      expect(gap, JSON.stringify(m)).toBeLessThanOrEqual(m.downtimeMs + PING_INTERVAL_MS + m.rttMs + 200);
      // The announcements reached the gateway as RARP and GARP for the VM.
      const frames = tsharkFields(join(dir, 'announce.pcap'));
      expect(frames.filter((f) => f.get('eth.type')?.[0] === '0x8035' && f.get('arp.src.hw_mac')?.[0] === VM_MAC)).toHaveLength(5);
      expect(frames.filter((f) => f.get('arp.isannouncement')?.[0] === '1' && f.get('arp.src.proto_ipv4')?.[0] === VM_IP)).toHaveLength(5);
    });
    for (const n of names) expect(namespaceNames()).not.toContain(n);
    expect(alive(announcerPid!)).toBe(false);
    expect(rootLinks()).toEqual(before);
    expect(existsSync(`/run/netns/${names[0]}`)).toBe(false);
  });
});
