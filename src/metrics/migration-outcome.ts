/**
 * What a migration did to traffic and to the network's state:
 *
 * - The black hole of a flow: the whole interval over which its packets were lost, from the last
 *   packet delivered before the first loss to the first packet delivered after the VM resumed (so it
 *   includes the downtime), measured on delivery times; and the part of it after the VM resumed, which
 *   is what announcements and remedies can shorten. A flow that is still losing packets when the run
 *   ends is `repaired: false` and its black hole runs to the end.
 * - Staleness: how long, after the VM resumed, each switch's filtering-database entry for the VM kept
 *   pointing somewhere other than towards its new location, and each gateway's neighbor entry kept
 *   the old MAC (when the MAC changed). Tracked from trace events (learning, flushes, withdrawals,
 *   neighbor changes) and the entries' ageing deadlines, so no polling is needed.
 */
import type { LearningSwitch } from '../net/index.js';
import { fdbPortsTowards } from '../net/index.js';
import type { Kernel } from '../sim/index.js';
import type { FlowRecord, Host } from '../stack/index.js';
import type { MacAddress } from '../wire/index.js';

/** One direction's outage. Times in ns. */
export interface Outage {
  readonly blackHole: number;
  readonly afterResume: number;
  readonly repaired: boolean;
  /** Packets sent since the migration started that were not delivered. */
  readonly lost: number;
}

/**
 * The outage of `record` around a migration that started at `start` and resumed at `resumeAt`,
 * in a run that ended at `end`. Null when no packet was sent after `start`.
 */
export function outage(record: FlowRecord, start: number, resumeAt: number, end: number): Outage | null {
  const { sentAt, deliveredAt } = record;
  let firstSeq = -1;
  for (let i = 0; i < sentAt.length; i++) {
    if (sentAt[i]! >= start) {
      firstSeq = i;
      break;
    }
  }
  if (firstSeq < 0) return null;
  let firstLoss = -1;
  let lost = 0;
  for (let i = firstSeq; i < sentAt.length; i++) {
    if (deliveredAt[i]! < 0) {
      lost++;
      if (firstLoss < 0) firstLoss = i;
    }
  }
  if (firstLoss < 0) return { blackHole: 0, afterResume: 0, repaired: true, lost: 0 };
  let lastGood = -Infinity;
  for (let i = firstLoss - 1; i >= 0; i--) {
    if (deliveredAt[i]! >= 0) {
      lastGood = deliveredAt[i]!;
      break;
    }
  }
  if (lastGood === -Infinity) lastGood = sentAt[firstLoss]!;
  let firstGoodAfter = -1;
  for (let i = firstLoss + 1; i < sentAt.length; i++) {
    const d = deliveredAt[i]!;
    if (d >= resumeAt && (firstGoodAfter < 0 || d < firstGoodAfter)) {
      firstGoodAfter = d;
      // Deliveries are nearly in send order; a later packet can only be earlier by reordering, which
      // a FIFO path does not do, so the first one found is the answer.
      break;
    }
  }
  if (firstGoodAfter < 0) return { blackHole: end - lastGood, afterResume: end - resumeAt, repaired: false, lost };
  return { blackHole: firstGoodAfter - lastGood, afterResume: Math.max(0, firstGoodAfter - resumeAt), repaired: true, lost };
}

/** Staleness of state about one migrated VM. */
export class StalenessTracker {
  /** node name → ns its state stayed stale after the resume (only nodes that were stale). */
  readonly staleNs = new Map<string, number>();
  private readonly openSince = new Map<string, number>();
  private readonly kernel: Kernel;

  /**
   * Starts tracking at the resume (call it right after the VM was plugged at its destination).
   * `switches` are all switches; `destination` is the vSwitch the VM is on now, `vmPort` its port there.
   */
  constructor(
    kernel: Kernel,
    switches: readonly LearningSwitch[],
    destination: LearningSwitch,
    vmPort: number,
    vlan: number,
    mac: MacAddress,
    gateways: readonly Host[],
    oldMac: MacAddress,
    vmIpv4: readonly number[],
  ) {
    this.kernel = kernel;
    const now = kernel.now;
    const towards = fdbPortsTowards(switches, destination);
    const correct = (s: LearningSwitch): number => (s === destination ? vmPort : towards.get(s) ?? -1);
    const byName = new Map(switches.map((s) => [s.name, s]));
    const check = (s: LearningSwitch): void => {
      if (!this.openSince.has(s.name)) return;
      const e = s.fdb.entry(vlan, mac, this.kernel.now);
      if (e === undefined || e.port === correct(s)) this.close(s.name);
      else this.kernel.scheduleAt(Math.max(this.kernel.now, e.lastSeen + s.fdb.agingTime), s.name, 'staleness-check', () => check(s));
    };
    for (const s of switches) {
      const e = s.fdb.entry(vlan, mac, now);
      if (e === undefined || e.port === correct(s)) continue;
      this.openSince.set(s.name, now);
      this.kernel.scheduleAt(e.lastSeen + s.fdb.agingTime, s.name, 'staleness-check', () => check(s));
    }
    if (oldMac !== mac) {
      const v4 = new Set(vmIpv4);
      for (const g of gateways) {
        for (const a of vmIpv4) {
          if (g.arp.get(a as never)?.lladdr === oldMac) this.openSince.set(g.name, now);
        }
      }
      kernel.trace.on('neighbor-changed', (e) => {
        if (!this.openSince.has(e.node) || e.family !== 'ipv4') return;
        const parts = e.address.split('.').map(Number);
        const value = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
        if (v4.has(value) && e.lladdr !== oldMac) this.close(e.node);
      });
    }
    const recheck = (node: string): void => {
      const s = byName.get(node);
      if (s !== undefined) check(s);
    };
    kernel.trace.on('fdb-learned', (e) => { if (e.mac === mac) recheck(e.node); });
    kernel.trace.on('fdb-flushed', (e) => recheck(e.node));
    // A shortest-path fabric edge learns a remote MAC from decapsulated frames.
    kernel.trace.on('fabric-learned', (e) => { if (e.mac === mac) recheck(e.node); });
  }

  private close(node: string): void {
    const since = this.openSince.get(node);
    if (since === undefined) return;
    this.openSince.delete(node);
    this.staleNs.set(node, this.kernel.now - since);
  }

  /** Ends tracking at the end of the run: what is still stale counts until now. */
  finish(): ReadonlyMap<string, number> {
    for (const node of [...this.openSince.keys()]) this.close(node);
    return this.staleNs;
  }
}
