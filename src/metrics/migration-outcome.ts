/**
 * What a migration did to the network's state (its effect on traffic, the outage, is worked out by
 * flow-fates.ts):
 *
 * - Staleness: how long, after the VM resumed, each switch's filtering-database entry for the VM kept
 *   pointing somewhere other than towards its new location, and each gateway's neighbor entry kept
 *   the old MAC (when the MAC changed). Tracked from trace events (learning, refreshes, flushes,
 *   withdrawals, neighbor changes) and the entries' ageing deadlines: no polling and no events of its
 *   own.
 */
import type { LearningSwitch, MacEntry } from '../net/index.js';
import { fdbPortsTowards } from '../net/index.js';
import type { TraceBus } from '../sim/index.js';
import type { Host } from '../stack/index.js';
import type { MacAddress } from '../wire/index.js';

/** A switch whose entry for the VM is stale: since when, and when it ages out if nothing refreshes it. */
interface OpenEntry {
  readonly switch: LearningSwitch;
  readonly since: number;
  /** lastSeen + the ageing time, as of the last look (Infinity for a static entry). */
  deadline: number;
}

/**
 * Staleness of state about one migrated VM, from the trace alone: it schedules nothing and changes
 * nothing. A switch's entry stops being stale when a trace event shows it changed (learned elsewhere,
 * moved, flushed, withdrawn, a control plane's push) or when it ages out: its ageing deadline is read
 * when tracking starts and again whenever the trace shows the entry refreshed (`fdb-refreshed`), and
 * a deadline that passes before the next event (or the end) is when the entry aged out.
 */
export class StalenessTracker {
  /** node name → ns its state stayed stale after the resume (only nodes that were stale). */
  readonly staleNs = new Map<string, number>();
  private readonly openSince = new Map<string, number>();
  private readonly entries = new Map<string, OpenEntry>();
  private readonly vlan: number;
  private readonly mac: MacAddress;
  private readonly correct: (s: LearningSwitch) => number;
  /** Takes the tracker's listeners off the bus (once nothing is stale). */
  private unsubscribe: readonly (() => void)[] = [];

  /**
   * Starts tracking at the resume, `now` (call it right after the VM was plugged at its destination).
   * `switches` are all switches; `destination` is the vSwitch the VM is on now, `vmPort` its port there.
   */
  constructor(
    bus: TraceBus,
    now: number,
    switches: readonly LearningSwitch[],
    destination: LearningSwitch,
    vmPort: number,
    vlan: number,
    mac: MacAddress,
    gateways: readonly Host[],
    oldMac: MacAddress,
    vmIpv4: readonly number[],
  ) {
    this.vlan = vlan;
    this.mac = mac;
    // Only the switches holding a live entry for the VM need the right place to compare with (the
    // walk over the whole fabric is made for them alone, and not at all when none holds one).
    let towards: Map<LearningSwitch, number> | null = null;
    this.correct = (s: LearningSwitch): number => {
      if (s === destination) return vmPort;
      towards ??= fdbPortsTowards(switches, destination);
      return towards.get(s) ?? -1;
    };
    for (const s of switches) {
      const e = s.fdb.peek(vlan, mac);
      if (e === undefined || expired(s, e, now) || e.port === this.correct(s)) continue;
      this.openSince.set(s.name, now);
      this.entries.set(s.name, { switch: s, since: now, deadline: deadlineOf(s, e) });
    }
    const unsubscribe: (() => void)[] = [];
    if (oldMac !== mac) {
      const v4 = new Set(vmIpv4);
      for (const g of gateways) {
        for (const a of vmIpv4) {
          if (g.arp.get(a as never)?.lladdr === oldMac) this.openSince.set(g.name, now);
        }
      }
      if (this.openSince.size > 0) {
        unsubscribe.push(bus.on('neighbor-changed', (e) => {
          if (!this.openSince.has(e.node) || e.family !== 'ipv4') return;
          const parts = e.address.split('.').map(Number);
          const value = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
          if (v4.has(value) && e.lladdr !== oldMac) this.close(e.node, e.time);
        }));
      }
    }
    // Nothing stale (the usual case of a VM that had not spoken before its move): no listener at
    // all; otherwise the listeners leave the bus when the last stale node closes (nothing reopens).
    if (this.openSince.size === 0) return;
    unsubscribe.push(
      bus.on('fdb-learned', (e) => { if (e.mac === mac) this.look(e.node, e.time); }),
      bus.on('fdb-refreshed', (e) => { if (e.mac === mac) this.look(e.node, e.time); }),
      bus.on('fdb-flushed', (e) => this.look(e.node, e.time)),
      // A shortest-path fabric edge learns a remote MAC from decapsulated frames.
      bus.on('fabric-learned', (e) => { if (e.mac === mac) this.look(e.node, e.time); }),
    );
    this.unsubscribe = unsubscribe;
  }

  /** Looks at a switch's entry again at `now`, after a trace event about it. */
  private look(node: string, now: number): void {
    const open = this.entries.get(node);
    if (open === undefined) return;
    // Aged out before this event: stale until the deadline, not until now.
    if (now >= open.deadline) return this.close(node, open.deadline);
    const s = open.switch;
    const e = s.fdb.peek(this.vlan, this.mac);
    if (e === undefined || expired(s, e, now) || e.port === this.correct(s)) return this.close(node, now);
    open.deadline = deadlineOf(s, e);
  }

  private close(node: string, at: number): void {
    const since = this.openSince.get(node);
    if (since === undefined) return;
    this.openSince.delete(node);
    this.entries.delete(node);
    this.staleNs.set(node, at - since);
    if (this.openSince.size === 0) {
      for (const off of this.unsubscribe) off();
      this.unsubscribe = [];
    }
  }

  /** Ends tracking at the end of the run, `end`: what is still stale counts until its deadline or the end. */
  finish(end: number): ReadonlyMap<string, number> {
    for (const node of [...this.openSince.keys()]) this.close(node, Math.min(end, this.entries.get(node)?.deadline ?? end));
    return this.staleNs;
  }
}

/** Whether entry `e` of switch `s` has aged out at `now` (static entries never do). */
function expired(s: LearningSwitch, e: MacEntry, now: number): boolean {
  return e.origin !== 'static' && now - e.lastSeen >= s.fdb.agingTime;
}

/** When entry `e` of switch `s` ages out unless refreshed. */
function deadlineOf(s: LearningSwitch, e: MacEntry): number {
  return e.origin === 'static' ? Infinity : e.lastSeen + s.fdb.agingTime;
}
