/**
 * The running kernel as a probe target: a tester namespace and one observer namespace per observer,
 * joined by veth pairs; frames injected and captured on the tester's ends through raw sockets; the
 * observer's table read with `ip -j neigh`, written with `ip neigh replace` and followed with
 * `ip monitor neigh`. The tester has IPv6 disabled so that its own kernel sends nothing.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lab, Namespace, NeighborMonitor, NeighborRow, RawSocket } from '../emu/index.js';
import { Lab as LabClass } from '../emu/index.js';
import type { LinuxSysctls } from '../stack/index.js';
import { emitFrame, formatIpv4, formatMac, parseFrame } from '../wire/index.js';
import type { EthernetFrame } from '../wire/index.js';
import type { AdminEntry, CapturedFrame, ObserverSetup, ProbeBackend, StateEvent } from './backend.js';

const OBSERVER_IF = 'obs';

interface Observer {
  readonly ns: Namespace;
  readonly socket: RawSocket;
  readonly captured: CapturedFrame[];
  monitor: NeighborMonitor | null;
}

/**
 * The sysctl assignments for `sysctls` on interface `dev` (only those that differ from the defaults);
 * with `noDad`, also no DAD on the interface (its addresses are in use at once, as the model's are).
 */
export function kernelSysctls(sysctls: Partial<LinuxSysctls>, dev: string, noDad = false): Record<string, number> {
  const out: Record<string, number> = noDad ? { [`net.ipv6.conf.${dev}.accept_dad`]: 0 } : {};
  for (const [key, value] of Object.entries(sysctls) as Array<[keyof LinuxSysctls, number]>) {
    switch (key) {
      case 'arp_accept':
      case 'drop_gratuitous_arp':
      case 'arp_notify':
        out[`net.ipv4.conf.${dev}.${key}`] = value;
        break;
      case 'accept_untracked_na':
      case 'drop_unsolicited_na':
      case 'ndisc_notify':
      case 'dad_transmits':
      case 'optimistic_dad':
        out[`net.ipv6.conf.${dev}.${key}`] = value;
        break;
      case 'forwarding':
        out['net.ipv4.ip_forward'] = value;
        out['net.ipv6.conf.all.forwarding'] = value;
        break;
      case 'locktime':
        out[`net.ipv4.neigh.${dev}.locktime`] = value;
        break;
      default:
        // Neighbour-table parameters have the same name in both families.
        out[`net.ipv4.neigh.${dev}.${key}`] = value;
        out[`net.ipv6.neigh.${dev}.${key}`] = value;
    }
  }
  return out;
}

/** The release of the running kernel (`uname -r`). */
export function kernelRelease(): string {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** See the module comment. */
export class KernelBackend implements ProbeBackend {
  readonly target = 'kernel';
  readonly description = `Linux ${kernelRelease()}`;
  private lab: Lab | null = null;
  private readonly observers: Observer[] = [];
  private origin = 0;
  private pump: NodeJS.Timeout | null = null;

  async setUp(setups: readonly ObserverSetup[], options: { readonly observe: boolean }): Promise<void> {
    const lab = await LabClass.create();
    this.lab = lab;
    const tester = await lab.namespace('tester');
    await tester.sysctl({ 'net.ipv6.conf.all.disable_ipv6': 1, 'net.ipv6.conf.default.disable_ipv6': 1 });
    await Promise.all(setups.map(async (setup, i) => {
      const ns = await lab.namespace(`obs${i}`);
      const testerMac = formatMac((0x02_0c_00_00_00_00 + i) as never);
      await lab.veth(ns, OBSERVER_IF, tester, `t${i}`, { aMac: formatMac(setup.mac), bMac: testerMac, up: false });
      await ns.sysctl(kernelSysctls(setup.sysctls, OBSERVER_IF, true));
      await ns.batch([
        `addr add ${formatIpv4(setup.ipv4)}/${setup.ipv4Prefix} dev ${OBSERVER_IF}`,
        `addr add ${setup.ipv6}/${setup.ipv6Prefix} dev ${OBSERVER_IF} nodad`,
        `link set ${OBSERVER_IF} up`,
      ]);
      await tester.ip(['link', 'set', `t${i}`, 'up']);
      const observer: Observer = { ns, socket: tester.rawSocket(`t${i}`), captured: [], monitor: null };
      if (options.observe) observer.monitor = await ns.monitorNeighbors();
      this.observers[i] = observer;
    }));
    // Wait for both veth ends to carry (the observer drops what arrives before).
    for (let tries = 0; tries < 200; tries++) {
      const states = await Promise.all(this.observers.map((o) => o.ns.ip(['-j', 'link', 'show', OBSERVER_IF])));
      if (states.every((s) => (JSON.parse(s) as Array<{ operstate: string }>)[0]?.operstate === 'UP')) break;
      await sleep(10);
    }
    if (options.observe) {
      this.pump = setInterval(() => this.drain(), 2);
    } else {
      for (const o of this.observers) o.socket.drain();
    }
  }

  private drain(): void {
    const originNs = BigInt(Math.round(this.origin * 1e6));
    for (const o of this.observers) {
      for (const f of o.socket.drain()) {
        try {
          o.captured.push({ timeMs: Number(f.timeNs - originNs) / 1e6, frame: parseFrame(f.bytes, { checksums: 'ignore' }) });
        } catch {
          // A frame our codecs do not read is not one the probe asked about.
        }
      }
    }
  }

  start(): void {
    this.origin = Date.now();
    for (const o of this.observers) o.captured.length = 0;
  }

  now(): number {
    return Date.now() - this.origin;
  }

  async at(ms: number): Promise<number> {
    const wait = ms - this.now();
    if (wait > 0) await sleep(wait);
    return this.now();
  }

  private observer(i: number): Observer {
    const o = this.observers[i];
    if (o === undefined) throw new RangeError(`no observer ${i}`);
    return o;
  }

  async setNeighbors(observer: number, entries: readonly AdminEntry[]): Promise<void> {
    const o = this.observer(observer);
    await o.ns.batch(entries.map((e) => `neigh replace ${e.address} lladdr ${formatMac(e.lladdr)} dev ${OBSERVER_IF} nud ${e.state}`));
  }

  send(observer: number, frames: readonly EthernetFrame[]): void {
    const o = this.observer(observer);
    for (const f of frames) o.socket.send(emitFrame(f));
  }

  neighbors(observer: number): Promise<NeighborRow[]> {
    return this.observer(observer).ns.neighbors({ device: OBSERVER_IF });
  }

  async reachableTimeMs(observer: number, family: 'ipv4' | 'ipv6'): Promise<number> {
    const text = await this.observer(observer).ns.ip(['-j', 'ntable', 'show', 'dev', OBSERVER_IF]);
    const rows = JSON.parse(text) as Array<{ family: string; reachable: number }>;
    const row = rows.find((r) => r.family === (family === 'ipv4' ? 'inet' : 'inet6'));
    if (row === undefined) throw new Error(`no ${family} neighbour table on ${OBSERVER_IF}`);
    return row.reachable;
  }

  /** Sets a sysctl of the observer again (a write re-draws the reachable time of a table). */
  async redraw(observer: number, sysctls: Partial<LinuxSysctls>): Promise<void> {
    await this.observer(observer).ns.sysctl(kernelSysctls(sysctls, OBSERVER_IF));
  }

  captured(observer: number): readonly CapturedFrame[] {
    this.drain();
    return this.observer(observer).captured;
  }

  events(observer: number): readonly StateEvent[] {
    const m = this.observer(observer).monitor;
    if (m === null) return [];
    return m.events.map((e) => ({ timeMs: e.timeMs - this.origin, address: e.address, state: e.state, lladdr: e.lladdr }));
  }

  async close(): Promise<void> {
    if (this.pump !== null) clearInterval(this.pump);
    this.pump = null;
    await this.lab?.close();
    this.lab = null;
  }
}
