/**
 * A small lab of namespaces for the deployable remedies: a gateway, a core bridge, two "hypervisors"
 * (each a bridge with an uplink to the core), and a VM whose link is moved from the first hypervisor's
 * bridge to the second's (its veth deleted there, re-created here after a pause: the re-plug kind of
 * move). The gateway pings the VM through an ICMP raw socket opened in its namespace, so its kernel
 * resolves and keeps the neighbour entry as it would for any traffic; tcpdump captures at the gateway.
 * Everything is made inside namespaces of one emu Lab (run-unique names, removed by its close).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { closeSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MigrationAnalysis } from '../../src/analyze/index.js';
import type { Lab, Namespace } from '../../src/emu/index.js';
import { inNamespace } from '../../src/emu/index.js';
import { analyzeBytes } from './captures.js';
import { tsharkFields } from './tshark.js';

export const GW_IP = '198.18.0.1';
export const VM_IP = '198.18.0.10';
export const GW_MAC = '02:00:00:00:00:01';
export const VM_MAC = '02:00:00:00:00:0a';
export const VM_IP6 = '2001:db8::10';
export const GW_IP6 = '2001:db8::1';

/** The namespaces of a move lab. */
export interface MoveLab {
  readonly lab: Lab;
  readonly gw: Namespace;
  readonly core: Namespace;
  readonly hv1: Namespace;
  readonly hv2: Namespace;
  readonly vm: Namespace;
}

const NO_IPV6 = { 'net.ipv6.conf.all.disable_ipv6': 1, 'net.ipv6.conf.default.disable_ipv6': 1 };

/**
 * Builds the lab. The gateway's neighbour timers are shortened (base_reachable_time 1 s,
 * delay_first_probe_time 1 s) so that its own repair, without any remedy, takes seconds rather than
 * a minute: STALE after 0.5-1.5 s, DELAY 1 s, three unicast probes 1 s apart, FAILED, a broadcast.
 * IPv6 is off everywhere except, with `ipv6`, on the gateway's and the VM's links (otherwise the VM's
 * own DAD, MLD and RS at link-up would re-teach the bridges and hide what a remedy does).
 */
export async function buildMoveLab(lab: Lab, options: { ipv6?: boolean } = {}): Promise<MoveLab> {
  const [gw, core, hv1, hv2, vm] = [await lab.namespace('gw'), await lab.namespace('core'), await lab.namespace('hv1'), await lab.namespace('hv2'), await lab.namespace('vm')];
  for (const ns of [core, hv1, hv2]) await ns.sysctl(NO_IPV6);
  if (options.ipv6 !== true) await gw.sysctl(NO_IPV6);
  // The VM announces nothing itself (arp_notify 0, the default; no IPv6 link-up traffic).
  await vm.sysctl(options.ipv6 === true ? { 'net.ipv6.conf.default.dad_transmits': 0, 'net.ipv6.conf.default.router_solicitations': 0, 'net.ipv6.conf.default.accept_dad': 0 } : NO_IPV6);
  await lab.veth(gw, 'g0', core, 'c-gw', { aMac: GW_MAC });
  await lab.veth(core, 'c-h1', hv1, 'uplink');
  await lab.veth(core, 'c-h2', hv2, 'uplink');
  await lab.bridge(core, 'br0', ['c-gw', 'c-h1', 'c-h2']);
  await lab.bridge(hv1, 'br0', ['uplink']);
  await lab.bridge(hv2, 'br0', ['uplink']);
  await gw.ip(['addr', 'add', `${GW_IP}/24`, 'dev', 'g0']);
  if (options.ipv6 === true) await gw.ip(['addr', 'add', `${GW_IP6}/64`, 'dev', 'g0', 'nodad']);
  await gw.sysctl({
    'net.ipv4.neigh.g0.base_reachable_time_ms': 1000,
    'net.ipv4.neigh.g0.delay_first_probe_time': 1,
    ...(options.ipv6 === true ? { 'net.ipv6.neigh.g0.base_reachable_time_ms': 1000, 'net.ipv6.neigh.g0.delay_first_probe_time': 1 } : {}),
  });
  await plugVm({ lab, gw, core, hv1, hv2, vm }, hv1, options.ipv6 === true);
  return { lab, gw, core, hv1, hv2, vm };
}

/**
 * Creates the VM's link on `hv`'s bridge (port vnet0) with its MAC and addresses, and brings it up.
 * Returns the wall-clock time just before vnet0 was enslaved and set up: it cannot forward earlier.
 */
export async function plugVm(l: MoveLab, hv: Namespace, ipv6 = false): Promise<number> {
  await hv.ip(['link', 'add', 'vnet0', 'type', 'veth', 'peer', 'name', 'eth0', 'address', VM_MAC, 'netns', l.vm.name]);
  await l.vm.batch([`addr add ${VM_IP}/24 dev eth0`, ...(ipv6 ? [`addr add ${VM_IP6}/64 dev eth0 nodad`] : []), 'link set eth0 up']);
  const portUpAt = Date.now();
  await hv.batch(['link set vnet0 master br0', 'link set vnet0 up']);
  return portUpAt;
}

/** Removes the VM's link from `hv` (deleting one end of a veth deletes both). */
export async function unplugVm(hv: Namespace): Promise<void> {
  await hv.ip(['link', 'del', 'vnet0']);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

interface IcmpLibc {
  socket(d: number, t: number, p: number): number;
  sendto(fd: number, b: Uint8Array, l: number, f: number, a: Uint8Array, al: number): number;
}
let icmpLibc: IcmpLibc | undefined;

function bindIcmp(): IcmpLibc {
  if (icmpLibc !== undefined) return icmpLibc;
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const lib = koffi.load('libc.so.6');
  const socket = lib.func('int socket(int, int, int)');
  const sendto = lib.func('intptr_t sendto(int, const uint8_t *, size_t, int, const uint8_t *, uint32_t)');
  icmpLibc = { socket: (d, t, p) => socket(d, t, p) as number, sendto: (fd, b, l, f, a, al) => Number(sendto(fd, b, l, f, a, al)) };
  return icmpLibc;
}

/** ICMP echo requests from a namespace's kernel to `target`, every `intervalMs`, until stopped. */
export class Pinger {
  private readonly fd: number;
  private readonly timer: NodeJS.Timeout;
  private sequence = 0;
  private closed = false;

  constructor(ns: Namespace, target: string, intervalMs: number) {
    const c = bindIcmp();
    // AF_INET, SOCK_RAW, IPPROTO_ICMP: the kernel adds the IP header, routes and resolves.
    this.fd = inNamespace(ns.path, () => c.socket(2, 3, 1));
    if (this.fd < 0) throw new Error('cannot open an ICMP raw socket');
    const to = new Uint8Array(16);
    to[0] = 2;
    target.split('.').forEach((o, i) => { to[4 + i] = Number(o); });
    const send = (): void => {
      const seq = this.sequence++ & 0xffff;
      const b = new Uint8Array(24);
      b[0] = 8;
      b[4] = 0x12;
      b[5] = 0x34;
      b[6] = seq >> 8;
      b[7] = seq & 0xff;
      const sum = checksum(b);
      b[2] = sum >> 8;
      b[3] = sum & 0xff;
      c.sendto(this.fd, b, b.length, 0, to, 16);
    };
    send();
    this.timer = setInterval(send, intervalMs);
  }

  /** Stops sending and closes the socket (idempotent). */
  stop(): void {
    clearInterval(this.timer);
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/**
 * tcpdump writing `path` from `device` in `ns`; resolves once it listens. Immediate mode: otherwise
 * libpcap hands packets over a ring block at a time, up to a second late, and a stop loses them.
 */
export async function startCapture(ns: Namespace, device: string, path: string, filter: string[] = []): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns.name, 'tcpdump', '-i', device, '-n', '--immediate-mode', '-U', '-w', path, ...filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${seen}`)));
  });
  return child;
}

/** Stops a capture (SIGINT, so tcpdump flushes) and waits for it to end. */
export async function stopCapture(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await sleep(50);
  child.kill('SIGINT');
  await done;
}

/** Runs the built CLI in `ns` (after `prefix`, such as setpriv); `done` resolves with its exit code and output. */
export function cliIn(ns: Namespace, args: readonly string[], cli: string, prefix: readonly string[] = []): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const argv = ['ip', 'netns', 'exec', ns.name, ...prefix, process.execPath, cli, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** Resolves when `child` has written `text` to stdout; rejects if it exits first. */
export function saying(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before saying "${text}": ${seen}`)));
  });
}

/** The pause the test leaves between removing the VM's old link and plugging the new one. */
export const MOVE_PAUSE_MS = 300;
/** The gateway's ping interval. */
export const PING_INTERVAL_MS = 100;

/** What one move in the lab measured at the gateway. */
export interface Measured {
  readonly move: MigrationAnalysis | undefined;
  /** Wall-clock time (ms) just before the VM's new port was enslaved and set up: it forwarded no earlier. */
  readonly portUpAt: number;
  /**
   * Wall-clock time (ms) when the test saw the new port read `forwarding` (polled through `ip`, so
   * possibly some milliseconds after it did).
   */
  readonly forwardingAt: number;
  /** From just before the old link was removed until the new port forwarded: the downtime as the network sees it. */
  readonly downtimeMs: number;
  /** The largest echo round trip of the capture, from tshark's icmp.resptime. */
  readonly rttMs: number;
}

/** Polls `ip -j -d link show dev DEV` in `ns` until the bridge port reads forwarding; returns that wall-clock time. */
export async function untilForwarding(ns: Namespace, device: string, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const rows = JSON.parse(await ns.ip(['-j', '-d', 'link', 'show', 'dev', device])) as Array<{ linkinfo?: { info_slave_data?: { state?: string } } }>;
    if (rows[0]?.linkinfo?.info_slave_data?.state === 'forwarding') return Date.now();
    if (Date.now() > end) throw new Error(`${device} in ${ns.name} did not forward within ${timeoutMs} ms`);
    await sleep(2);
  }
}

/**
 * Pings the VM from the gateway every 100 ms, moves its link from hv1 to hv2 with a pause, keeps
 * pinging for `afterMs`, and analyses the capture taken at the gateway (written to `pcap`). `during`
 * runs once the pings flow and before the move (start an announcer there); `atResume` once the new
 * port forwards.
 */
export async function moveVm(l: MoveLab, pcap: string, options: { afterMs: number; during?: () => Promise<void>; atResume?: () => Promise<void> }): Promise<Measured> {
  const capture = await startCapture(l.gw, 'g0', pcap, ['icmp', 'or', 'arp', 'or', 'rarp']);
  const pinger = new Pinger(l.gw, VM_IP, PING_INTERVAL_MS);
  try {
    await Promise.all([options.during?.(), sleep(1500)]);
    const pauseStart = Date.now();
    await unplugVm(l.hv1);
    await sleep(MOVE_PAUSE_MS);
    const portUpAt = await plugVm(l, l.hv2);
    const forwardingAt = await untilForwarding(l.hv2, 'vnet0');
    await options.atResume?.();
    await sleep(options.afterMs);
    pinger.stop();
    await stopCapture(capture);
    const analysis = analyzeBytes(readFileSync(pcap), { vms: [VM_IP], gateways: [GW_IP] });
    const rtts = tsharkFields(pcap).flatMap((f) => (f.get('icmp.resptime') ?? []).map(Number));
    return { move: analysis.runs[0]!.migrations.find((m) => m.vm === VM_IP), portUpAt, forwardingAt, downtimeMs: forwardingAt - pauseStart, rttMs: rtts.length === 0 ? 0 : Math.max(...rtts) };
  } finally {
    pinger.stop();
    await stopCapture(capture);
  }
}
