/**
 * A simulated profile as a probe target: the simulator's own stack (an observer `Host` with the
 * profile and the cell's sysctls) on a two-node network, driven with the same crafted frames as the
 * kernel, in simulated time. The tester end records what the observer sends; the trace bus gives
 * the entry changes. Deterministic: the same seed gives the same table.
 */
import type { NeighborRow } from '../emu/index.js';
import type { Port, PortOwner, SimFrame } from '../net/index.js';
import { Network, Port as PortClass } from '../net/index.js';
import { Kernel } from '../sim/index.js';
import type { ImplementationProfile } from '../stack/index.js';
import { Host, LINUX_BASED, PROFILES, withOverrides } from '../stack/index.js';
import type { EthernetFrame, Ipv4Address, Ipv6Address } from '../wire/index.js';
import { formatIpv4, formatMac } from '../wire/index.js';
import type { AdminEntry, CapturedFrame, ObserverSetup, ProbeBackend, StateEvent } from './backend.js';
import { parseIpv4, parseIpv6 } from './cells.js';

const MS = 1e6;

class Tester implements PortOwner {
  readonly name: string;
  readonly port: Port;
  readonly captured: CapturedFrame[] = [];
  private readonly clock: () => number;

  constructor(name: string, clock: () => number) {
    this.name = name;
    this.port = new PortClass(this, 0, 'eth0');
    this.clock = clock;
  }

  receive(_port: Port, frame: SimFrame): void {
    this.captured.push({ timeMs: this.clock(), frame: frame.eth });
  }
}

/** The names of profiles a `profile:NAME` target may use. */
export function simulatedProfileNames(): readonly string[] {
  return Object.keys(PROFILES);
}

/** See the module comment. */
export class SimBackend implements ProbeBackend {
  readonly target: string;
  readonly description: string;
  private readonly profileName: string;
  private readonly kernel: Kernel;
  private readonly network: Network;
  private readonly hosts: Host[] = [];
  private readonly testers: Tester[] = [];
  private readonly stateEvents: StateEvent[][] = [];
  private origin = 0;

  /** A backend for built-in profile `profile` (see {@link simulatedProfileNames}). */
  constructor(profile: string, seed = 1) {
    if (PROFILES[profile] === undefined) throw new RangeError(`unknown profile ${profile}`);
    this.profileName = profile;
    this.target = `profile:${profile}`;
    this.description = `the simulator's ${profile} profile`;
    this.kernel = new Kernel({ seed });
    this.network = new Network(this.kernel);
  }

  /** The profile an observer with `setup` runs: Linux-based profiles take its sysctls, others ignore them. */
  profileFor(setup: ObserverSetup): ImplementationProfile {
    const base = PROFILES[this.profileName]!;
    return LINUX_BASED.has(this.profileName) ? withOverrides(base, setup.sysctls as Record<string, number>) : base;
  }

  setUp(setups: readonly ObserverSetup[], options: { readonly observe: boolean }): Promise<void> {
    setups.forEach((setup, i) => {
      const host = new Host(this.network, `obs${i}`, { mac: setup.mac, profile: this.profileFor(setup) });
      host.addIpv4(setup.ipv4, setup.ipv4Prefix, { skipDad: true });
      host.addIpv6(setup.ipv6, setup.ipv6Prefix, { skipDad: true });
      const tester = this.network.add(new Tester(`tester${i}`, () => this.now()));
      this.network.connect(host.port, tester.port, { rate: 10e9, delay: 1000 });
      this.hosts.push(host);
      this.testers.push(tester);
      this.stateEvents.push([]);
    });
    if (options.observe) {
      this.kernel.trace.on('neighbor-changed', (e) => {
        const i = Number(e.node.slice(3));
        if (e.to === 'none') this.stateEvents[i]!.push({ timeMs: this.now(), address: e.address, state: 'deleted', lladdr: null });
        else this.stateEvents[i]!.push({ timeMs: this.now(), address: e.address, state: e.to, lladdr: e.lladdr === null ? null : formatMac(e.lladdr) });
      });
    }
    return Promise.resolve();
  }

  start(): void {
    this.origin = this.kernel.now;
  }

  now(): number {
    return (this.kernel.now - this.origin) / MS;
  }

  at(ms: number): Promise<number> {
    const until = this.origin + Math.round(ms * MS);
    if (until > this.kernel.now) this.kernel.run({ until });
    return Promise.resolve(this.now());
  }

  private host(i: number): Host {
    const h = this.hosts[i];
    if (h === undefined) throw new RangeError(`no observer ${i}`);
    return h;
  }

  setNeighbors(observer: number, entries: readonly AdminEntry[]): Promise<void> {
    const h = this.host(observer);
    const now = this.kernel.now;
    for (const e of entries) {
      const v4 = !e.address.includes(':');
      const cache = v4 ? h.arp : h.nd;
      const key = (v4 ? parseIpv4(e.address) : parseIpv6(e.address)) as never;
      if (e.state === 'permanent') cache.addPermanent(key, e.lladdr, now);
      else cache.administer(key, e.lladdr, e.state, now);
    }
    return Promise.resolve();
  }

  send(observer: number, frames: readonly EthernetFrame[]): void {
    const t = this.testers[observer]!;
    for (const f of frames) t.port.send(this.network.frame(f));
  }

  neighbors(observer: number): Promise<NeighborRow[]> {
    const h = this.host(observer);
    const rows: NeighborRow[] = [];
    for (const [address, e] of h.arp.entries()) rows.push(row(formatIpv4(address as Ipv4Address), e.state, e.lladdr));
    for (const [address, e] of h.nd.entries()) rows.push(row(address as Ipv6Address, e.state, e.lladdr));
    return Promise.resolve(rows);
  }

  reachableTimeMs(observer: number, family: 'ipv4' | 'ipv6'): Promise<number> {
    const h = this.host(observer);
    return Promise.resolve((family === 'ipv4' ? h.arp : h.nd).reachableTime(this.kernel.now) / MS);
  }

  captured(observer: number): readonly CapturedFrame[] {
    return this.testers[observer]!.captured;
  }

  events(observer: number): readonly StateEvent[] {
    return this.stateEvents[observer] ?? [];
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function row(address: string, state: string, lladdr: number | null): NeighborRow {
  // A FAILED or INCOMPLETE entry shows no address, as `ip neigh` prints it.
  const shown = state === 'failed' || state === 'incomplete' || lladdr === null ? null : formatMac(lladdr as never);
  return { address, lladdr: shown, state, device: null, isRouter: false };
}
