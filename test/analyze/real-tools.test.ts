/**
 * `analyze` on captures written by other tools: Wireshark's text2pcap (pcap and pcapng), editcap
 * (snapshot length), mergecap (one pcapng interface per input file), and, on real Linux kernels in
 * network namespaces the test creates, tcpdump -i any (Linux cooked v2 and v1) and dumpcap on three
 * bridge ports (pcapng, several interfaces) while the test moves a "VM" from one bridge port to
 * another. The test knows what it caused: which port, which pause, which announcement.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureAnalysis } from '../../src/analyze/index.js';
import type { EthernetFrame, Ipv4Address, MacAddress } from '../../src/wire/index.js';
import { MAC_BROADCAST, arpAnnouncement, emitFrame, ethernetFrame, parseIpv4, parseMac, toHex } from '../../src/wire/index.js';
import { analyzeBytes, times, udp4 } from '../helpers/captures.js';

const dir = mkdtempSync(join(tmpdir(), 'arpshift-analyze-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mac = (s: string): MacAddress => parseMac(s)!;
const ip = (s: string): Ipv4Address => parseIpv4(s)!;
const MS = 1e6;
const S = 1e9;

function analyzeFile(path: string, options: { vms?: string[]; gateways?: string[] } = {}): CaptureAnalysis {
  return analyzeBytes(readFileSync(path), options);
}

/** A text2pcap input: each frame as "HH:MM:SS.ffffff" then offset-and-hex lines. */
function hexDump(frames: ReadonlyArray<{ t: number; frame: EthernetFrame }>): string {
  const lines: string[] = [];
  for (const { t, frame } of [...frames].sort((a, b) => a.t - b.t)) {
    const s = Math.floor(t / S);
    lines.push(`10:00:${String(s).padStart(2, '0')}.${String(Math.round((t % S) / 1000)).padStart(6, '0')}`);
    const bytes = emitFrame(frame);
    for (let o = 0; o < bytes.length; o += 16) lines.push(`${o.toString(16).padStart(6, '0')} ${toHex(bytes, o, Math.min(bytes.length, o + 16)).replace(/(..)/g, '$1 ').trim()}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

describe('captures written by Wireshark\'s tools', () => {
  const GW = { mac: mac('02:00:5e:00:00:01'), ip: ip('198.18.0.1') };
  const VM = { mac: mac('02:00:00:00:00:0a'), ip: ip('198.18.0.10') };
  const A = { mac: mac('02:00:00:00:00:14'), ip: ip('198.18.0.20') };
  const B = { mac: mac('02:00:00:00:00:1e'), ip: ip('198.18.0.30') };
  // A move seen on a mirror of the VM's side: the gateway's stream (100/s) does not arrive from 2.000
  // to 2.290 s, the VM says nothing from 2.000 to 2.190 s, then announces itself twice; two other
  // hosts talk throughout.
  const before: Array<{ t: number; frame: EthernetFrame }> = [];
  const after: Array<{ t: number; frame: EthernetFrame }> = [];
  const others: Array<{ t: number; frame: EthernetFrame }> = [];
  times(1 * S, 3 * S, 10 * MS, [[2 * S, 2.3 * S]]).forEach((t, i) => others.push({ t, frame: udp4(GW.mac, VM.mac, GW.ip, VM.ip, i) }));
  times(1 * S, 3 * S, 20 * MS, [[2 * S, 2.2 * S]]).forEach((t, i) => (t < 2 * S ? before : after).push({ t: t + 1000, frame: udp4(VM.mac, GW.mac, VM.ip, GW.ip, i) }));
  for (const t of [2.2 * S + 500, 2.3 * S + 500]) after.push({ t, frame: ethernetFrame(MAC_BROADCAST, VM.mac, arpAnnouncement(VM.mac, VM.ip)) });
  times(1 * S, 3 * S, 10 * MS).forEach((t, i) => others.push({ t: t + 3000, frame: udp4(A.mac, B.mac, A.ip, B.ip, i) }));
  const text = join(dir, 'move.txt');
  writeFileSync(text, hexDump([...before, ...after, ...others]));
  const text2pcap = (input: string, output: string, ...args: string[]): void => {
    execFileSync('text2pcap', ['-q', '-t', '%H:%M:%S.%f', ...args, input, output], { stdio: 'pipe' });
  };

  it('text2pcap, pcap and pcapng: the move, its black hole per direction and the announcements', () => {
    text2pcap(text, join(dir, 'move.pcap'), '-F', 'pcap');
    text2pcap(text, join(dir, 'move.pcapng'));
    const pcap = analyzeFile(join(dir, 'move.pcap'), { gateways: ['198.18.0.1'] });
    const pcapng = analyzeFile(join(dir, 'move.pcapng'), { gateways: ['198.18.0.1'] });
    expect([pcap.format, pcapng.format]).toEqual(['pcap', 'pcapng']);
    expect(pcapng.runs).toEqual(pcap.runs);
    const m = pcap.runs[0]!.migrations;
    expect(m.map((x) => [x.vm, x.kind])).toEqual([['198.18.0.10', 'moved']]);
    // gw→vm: 1.990 → 2.300 s; vm→gw: 1.980 → 2.200 s (+ 1 µs each side).
    expect(m[0]!.blackHoleMs).toEqual({ gatewayToVm: 310, vmToGateway: 220, peerToVm: null });
    // Lost: 30 to the VM (due 2.000 … 2.290 s) and 10 from it; it is heard again at 2.200 s + 0.5 µs.
    expect(m[0]!.lostPackets).toEqual({ 'before-resume': 31, 'after-resume': 9 });
    expect(m[0]!.evidence).toContain('2 × ARP announcement from 1.200 s');
  });

  it('editcap -s 54: frames cut after the UDP header give the same flows and the same move', () => {
    const whole = join(dir, 'move.pcap');
    execFileSync('editcap', ['-s', '54', whole, join(dir, 'cut.pcap')], { stdio: 'pipe' });
    const cut = analyzeFile(join(dir, 'cut.pcap'), { gateways: ['198.18.0.1'] });
    expect(cut.runs).toEqual(analyzeFile(whole, { gateways: ['198.18.0.1'] }).runs);
    expect(cut.warnings).toEqual([]);
  });

  it('mergecap -I none: the VM\'s frames on one input, then on another, are a move between pcapng interfaces', () => {
    text2pcap(((): string => { const p = join(dir, 'a.txt'); writeFileSync(p, hexDump(before)); return p; })(), join(dir, 'a.pcapng'));
    text2pcap(((): string => { const p = join(dir, 'b.txt'); writeFileSync(p, hexDump(after)); return p; })(), join(dir, 'b.pcapng'));
    text2pcap(((): string => { const p = join(dir, 'c.txt'); writeFileSync(p, hexDump(others)); return p; })(), join(dir, 'c.pcapng'));
    execFileSync('mergecap', ['-I', 'none', '-w', join(dir, 'merged.pcapng'), join(dir, 'a.pcapng'), join(dir, 'b.pcapng'), join(dir, 'c.pcapng')], { stdio: 'pipe' });
    const a = analyzeFile(join(dir, 'merged.pcapng'), { vms: ['198.18.0.10'], gateways: ['198.18.0.1'] });
    expect(a.interfaces).toBe(3);
    expect(a.runs[0]!.migrations.map((x) => [x.kind, x.from, x.to])).toEqual([['moved', 'interface 0', 'interface 1']]);
  });
});

// ---- real kernels ---------------------------------------------------------------------------------

/** Namespaces this test creates, with a prefix no other run uses; removed in `finally` and on signals. */
class Lab {
  readonly prefix = `anz${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  private readonly created: string[] = [];
  private readonly children: ChildProcess[] = [];
  private readonly onSignal = (): void => {
    this.destroy();
    process.exit(130);
  };

  constructor() {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  ns(name: string): string {
    const full = `${this.prefix}-${name}`;
    execFileSync('ip', ['netns', 'add', full]);
    this.created.push(full);
    return full;
  }

  ip(ns: string, ...args: string[]): void {
    execFileSync('ip', ['-n', ns, ...args], { stdio: 'pipe' });
  }

  exec(ns: string, ...args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  spawn(ns: string, ...args: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  destroy(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const ns of this.created.reverse()) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe' });
      } catch {
        // Already gone: nothing of ours left to remove.
      }
    }
    this.created.length = 0;
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', reject);
  });
}

/** Resolves when `child` has written `text` to stderr (a capture tool saying it listens). */
function saying(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before "${text}": ${seen}`)));
  });
}

/** A UDP sender, run with node in a namespace: `count` datagrams every `intervalMs` to address:port. */
function sender(lab: Lab, ns: string, to: string, count: number, intervalMs: number): ChildProcess {
  const script = `const s=require('dgram').createSocket('udp4');let n=0;const t=setInterval(()=>{s.send(Buffer.alloc(32),9,'${to}');if(++n>=${count}){clearInterval(t);setTimeout(()=>s.close(),50)}},${intervalMs})`;
  return lab.spawn(ns, process.execPath, '-e', script);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('captures of a move between bridge ports on Linux, by tcpdump -i any and dumpcap', () => {
  it('finds the VM\'s move from one port to the other, the pause it took and the announcement the kernel sent', async () => {
    const lab = new Lab();
    try {
      const br = lab.ns('br');
      const gw = lab.ns('gw');
      const a = lab.ns('a');
      const b = lab.ns('b');
      lab.ip(br, 'link', 'add', 'br0', 'type', 'bridge');
      lab.ip(br, 'link', 'set', 'br0', 'up');
      for (const [port, ns] of [['brgw', gw], ['bra', a], ['brb', b]] as const) {
        lab.ip(br, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
        lab.ip(br, 'link', 'set', port, 'master', 'br0', 'up');
      }
      const vmMac = '02:00:00:00:c8:0a';
      lab.ip(gw, 'addr', 'add', '198.18.200.1/24', 'dev', 'eth0');
      lab.ip(gw, 'link', 'set', 'eth0', 'up');
      // The "VM": first behind port bra, later the same MAC and address behind brb, with arp_notify
      // so that the kernel announces it when the link comes up (Linux net/ipv4/devinet.c, NETDEV_UP).
      for (const ns of [a, b]) {
        lab.ip(ns, 'link', 'set', 'eth0', 'address', vmMac);
        lab.ip(ns, 'addr', 'add', '198.18.200.10/24', 'dev', 'eth0');
        lab.exec(ns, 'sysctl', '-q', '-w', 'net.ipv4.conf.eth0.arp_notify=1');
      }
      lab.ip(a, 'link', 'set', 'eth0', 'up');
      const links = JSON.parse(lab.exec(br, 'ip', '-j', 'link', 'show')) as Array<{ ifname: string; ifindex: number }>;
      const ifindex = (name: string): number => links.find((l) => l.ifname === name)!.ifindex;

      const anyPath = join(dir, 'any.pcap');
      const sllPath = join(dir, 'any-sll.pcap');
      const portsPath = join(dir, 'ports.pcapng');
      const captures = [
        lab.spawn(br, 'tcpdump', '-i', 'any', '-U', '-w', anyPath, 'ip or arp'),
        lab.spawn(br, 'tcpdump', '-i', 'any', '-y', 'LINUX_SLL', '-U', '-w', sllPath, 'ip or arp'),
        lab.spawn(br, 'dumpcap', '-q', '-i', 'brgw', '-i', 'bra', '-i', 'brb', '-w', portsPath),
      ];
      await Promise.all([saying(captures[0]!, 'listening on any'), saying(captures[1]!, 'listening on any'), saying(captures[2]!, 'File:')]);
      await sleep(300);
      const stream = sender(lab, gw, '198.18.200.10', 300, 10);
      await exited(sender(lab, a, '198.18.200.1', 40, 20));
      // The move: the VM leaves port bra, stays away 400 ms, and comes up behind brb.
      lab.ip(a, 'link', 'set', 'eth0', 'down');
      await sleep(400);
      lab.ip(b, 'link', 'set', 'eth0', 'up');
      await exited(sender(lab, b, '198.18.200.1', 40, 20));
      await exited(stream);
      await sleep(300);
      for (const c of captures) c.kill('SIGINT');
      await Promise.all(captures.map(exited));

      const options = { vms: ['198.18.200.10'], gateways: ['198.18.200.1'] };
      const any = analyzeFile(anyPath, options);
      const sll = analyzeFile(sllPath, options);
      const ports = analyzeFile(portsPath, options);
      expect([any.linkTypes, sll.linkTypes, ports.linkTypes]).toEqual([['linux-sll2'], ['linux-sll'], ['ethernet']]);
      expect(ports.interfaces).toBe(3);
      const moveOf = (x: CaptureAnalysis) => {
        const moves = x.runs[0]!.migrations.filter((m) => m.kind === 'moved');
        expect(moves.length, JSON.stringify(x.runs[0]!.migrations.map((m) => m.evidence))).toBe(1);
        return moves[0]!;
      };
      // SLL2 names the port by its interface index; dumpcap's pcapng by interface (brgw, bra, brb).
      expect([moveOf(any).from, moveOf(any).to]).toEqual([`interface 0, ifindex ${ifindex('bra')}`, `interface 0, ifindex ${ifindex('brb')}`]);
      expect([moveOf(ports).from, moveOf(ports).to]).toEqual(['interface 1', 'interface 2']);
      // Cooked v1 has no interface index: the move shows as the VM's silence ended by its announcement.
      expect(moveOf(sll).from).toBeNull();
      expect(moveOf(sll).evidence.filter((e) => /^1 × ARP announcement from [\d.]+ s, after the silence$/.test(e))).toHaveLength(1);
      for (const x of [any, sll, ports]) {
        const m = moveOf(x);
        // The VM sent nothing for at least the 400 ms it was away (more: node's start-up in brb).
        expect(m.blackHoleMs.vmToGateway).toBeGreaterThanOrEqual(400);
        expect(m.basis.vmToGateway).toBe('measured');
        // arp_notify: the kernel announced the address when the link came up (RFC 5227 form).
        expect(m.mechanism.vmToGateway).toMatch(/announcement seen: \d+ × ARP announcement/);
      }
      const timeline = any.timeline.find((t) => t.address === '198.18.200.10')!;
      expect(timeline.entries.some((e) => e.what === 'arp-announcement')).toBe(true);
    } finally {
      lab.destroy();
    }
    // Nothing left: none of our namespaces exists any more.
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(lab.prefix);
  }, 60_000);
});
