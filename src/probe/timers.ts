/**
 * `probe --timers`: the resolution timing of a target, measured from what its observer sends (frames
 * captured at the tester, kernel receive times) and from its entry changes (`ip monitor neigh`). Four
 * sequences run side by side for each family, on two observers:
 *
 * - absent: an echo request from a neighbour nobody answers for → the observer's multicast/broadcast
 *   solicitations and FAILED (observer 0, defaults);
 * - delay: a STALE entry, then an echo request → the reply starts DELAY; its length, the unicast
 *   probes to the cached MAC (unanswered: the neighbour moved) and FAILED (observer 0);
 * - expiry: a REACHABLE entry left alone, and one carrying 10 echo requests a second, on observer 1,
 *   whose base_reachable_time_ms is 12000 (the kernel then draws its reachable time from 6-18 s; the
 *   kernel target re-draws it until it is at most 9 s, to keep the run short): which state each
 *   expires to, and when; with traffic, when the next packet starts DELAY.
 *
 * Linux sends nothing on REACHABLE -> DELAY and STALE -> DELAY (net/core/neighbour.c notifies neither),
 * so a DELAY start is the time of the echo reply that started it, as captured.
 */
import type { ProbeBackend, StateEvent } from './backend.js';
import type { ObserverPlan, ProbeCell, ProbeFamily } from './cells.js';
import { OBSERVER_IPV4_PREFIX, OBSERVER_IPV6_PREFIX, echoFrom, parseIpv4, parseIpv6 } from './cells.js';
import type { EthernetFrame, MacAddress } from '../wire/index.js';
import { MAC_BROADCAST, formatIpv4, isGroupMac } from '../wire/index.js';

/** The measured timing of one family. Times in milliseconds. */
export interface FamilyTimings {
  /** Solicitations for an absent neighbour, from the first. */
  readonly absentSolicitationsMs: readonly number[];
  /** FAILED, from the first solicitation. */
  readonly absentFailedMs: number | null;
  /** From the packet that started DELAY to the first unicast probe. */
  readonly delayMs: number | null;
  /** Unicast probes, from the first. */
  readonly unicastProbesMs: readonly number[];
  /** FAILED, from the last unicast probe. */
  readonly failedAfterLastProbeMs: number | null;
  /** The reachable time the observer drew (base 12 s). */
  readonly reachableTimeMs: number;
  /** REACHABLE without traffic: the state it moved to, and when (from being set). */
  readonly idleExpiry: { readonly state: string; readonly afterMs: number } | null;
  /** REACHABLE with 10 packets/s: the state it moved to and when; then when the next packet started DELAY. */
  readonly busyExpiry: { readonly state: string; readonly afterMs: number; readonly delayStartedAfterMs: number | null } | null;
  /** Mean lateness of 1 s timers (timer-driven solicitations after the first of a train), ms. */
  readonly timerLatenessMs: number | null;
}

/** Timing of a target. */
export interface TimingTable {
  readonly target: string;
  readonly description: string;
  readonly families: Partial<Record<ProbeFamily, FamilyTimings>>;
}

/** Base reachable time of the expiry observer. */
export const EXPIRY_BASE_REACHABLE_MS = 12_000;
const TRAFFIC_INTERVAL_MS = 100;

type Sequence = 'absent' | 'delay' | 'idle' | 'busy';
const SEQUENCES: readonly Sequence[] = ['absent', 'delay', 'idle', 'busy'];

function observerPlan(index: number): ObserverPlan {
  return {
    index,
    setting: { id: index === 0 ? 'defaults' : 'base_reachable_time_ms=12000', family: 'ipv4', sysctls: {}, senderOffSubnet: false },
    mac: (0x02_a1_00_00_00_01 + index) as MacAddress,
    ipv4: parseIpv4('198.18.0.1'),
    ipv6: parseIpv6('2001:db8::1'),
    cells: [],
  };
}

function cell(family: ProbeFamily, sequence: Sequence, observer: number): ProbeCell {
  const n = SEQUENCES.indexOf(sequence) + 1;
  const address = family === 'ipv4' ? `198.18.2.${n}` : `2001:db8::2:${n}`;
  const mac = (0x02_0d_00_00_00_00 + (family === 'ipv4' ? 0 : 0x100) + n) as MacAddress;
  const setting = observerPlan(observer).setting;
  return { id: `${family}/${sequence}`, family, setting, observer, message: 'ipv4-data', prior: 'absent', timing: 'after-locktime', address, oldMac: mac, newMac: mac };
}

function solicits(frame: EthernetFrame, family: ProbeFamily, address: string): boolean {
  const p = frame.payload;
  if (family === 'ipv4') return p.kind === 'arp' && p.operation === 1 && formatIpv4(p.targetProtocolAddress) === address;
  return p.kind === 'ipv6' && p.payload.kind === 'icmpv6' && p.payload.type === 'ns' && p.payload.targetAddress === address && p.source !== '::';
}

function isEchoReplyTo(frame: EthernetFrame, family: ProbeFamily, address: string): boolean {
  const p = frame.payload;
  if (family === 'ipv4') return p.kind === 'ipv4' && formatIpv4(p.destination) === address && p.payload.kind === 'icmpv4' && p.payload.type === 0;
  return p.kind === 'ipv6' && p.destination === address && p.payload.kind === 'icmpv6' && p.payload.type === 'other' && p.payload.icmpType === 129;
}

function firstChange(events: readonly StateEvent[], address: string, after: number, from: string): StateEvent | undefined {
  return events.find((e) => e.address === address && e.timeMs > after && e.state !== from);
}

const diffs = (xs: readonly number[]): number[] => xs.slice(1).map((x, i) => x - xs[i]!);
const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Runs the timing sequences for `families` on `backend` (set up here, not closed). */
export async function runTimers(backend: ProbeBackend, families: readonly ProbeFamily[]): Promise<TimingTable> {
  const plans = [observerPlan(0), observerPlan(1)];
  await backend.setUp(plans.map((p, i) => ({
    mac: p.mac, ipv4: p.ipv4, ipv4Prefix: OBSERVER_IPV4_PREFIX, ipv6: p.ipv6, ipv6Prefix: OBSERVER_IPV6_PREFIX,
    sysctls: i === 1 ? { base_reachable_time_ms: EXPIRY_BASE_REACHABLE_MS } : {},
  })), { observe: true });
  if (backend.redraw !== undefined) {
    // Keep the run short: re-draw until each family's reachable time is at most 9 s.
    for (let tries = 0; tries < 40; tries++) {
      const times = await Promise.all(families.map((f) => backend.reachableTimeMs(1, f)));
      if (times.every((t) => t <= 9000)) break;
      await backend.redraw(1, { base_reachable_time_ms: EXPIRY_BASE_REACHABLE_MS });
    }
  }
  const reachable = Object.fromEntries(await Promise.all(families.map(async (f) => [f, await backend.reachableTimeMs(1, f)] as const))) as Record<ProbeFamily, number>;
  const cells = families.flatMap((f) => [cell(f, 'absent', 0), cell(f, 'delay', 0), cell(f, 'idle', 1), cell(f, 'busy', 1)]);
  const byId = (f: ProbeFamily, s: Sequence): ProbeCell => cells.find((c) => c.id === `${f}/${s}`)!;
  backend.start();
  await backend.setNeighbors(0, families.map((f) => ({ address: byId(f, 'delay').address, lladdr: byId(f, 'delay').oldMac, state: 'stale' as const })));
  await backend.setNeighbors(1, families.flatMap((f) => [byId(f, 'idle'), byId(f, 'busy')].map((c) => ({ address: c.address, lladdr: c.oldMac, state: 'reachable' as const }))));
  const setAt = backend.now();
  backend.send(0, families.flatMap((f) => [byId(f, 'absent'), byId(f, 'delay')].map((c) => echoFrom(c, plans[0]!, c.oldMac))));
  // DELAY 5 s (up to a quarter second late), 3 unicast probes about 1 s apart, then FAILED.
  const end = setAt + Math.max(...Object.values(reachable)) + 9500;
  let sequence = 1;
  for (let t = setAt; t < end; t += TRAFFIC_INTERVAL_MS) {
    await backend.at(t);
    backend.send(1, families.map((f) => echoFrom(byId(f, 'busy'), plans[1]!, byId(f, 'busy').oldMac, sequence)));
    sequence++;
  }
  await backend.at(end);
  const out: Partial<Record<ProbeFamily, FamilyTimings>> = {};
  for (const f of families) out[f] = analyse(backend, f, byId, setAt, reachable[f]);
  return { target: backend.target, description: backend.description, families: out };
}

function analyse(backend: ProbeBackend, f: ProbeFamily, byId: (f: ProbeFamily, s: Sequence) => ProbeCell, setAt: number, reachableTimeMs: number): FamilyTimings {
  const cap0 = backend.captured(0);
  const cap1 = backend.captured(1);
  const ev0 = backend.events(0);
  const ev1 = backend.events(1);
  const absent = byId(f, 'absent');
  const broadcast = cap0.filter((c) => solicits(c.frame, f, absent.address) && (c.frame.destination === MAC_BROADCAST || isGroupMac(c.frame.destination))).map((c) => c.timeMs);
  const firstSolicit = broadcast[0];
  const absentFailed = ev0.find((e) => e.address === absent.address && e.state === 'failed');
  const trains: number[][] = [];

  const delayCell = byId(f, 'delay');
  const probesB = cap0.filter((c) => solicits(c.frame, f, delayCell.address) && c.frame.destination === delayCell.oldMac).map((c) => c.timeMs);
  const delayStart = cap0.find((c) => isEchoReplyTo(c.frame, f, delayCell.address))?.timeMs;
  const failedB = ev0.find((e) => e.address === delayCell.address && e.state === 'failed');
  trains.push(broadcast.slice(0, 3), probesB);

  const idle = byId(f, 'idle');
  const idleChange = firstChange(ev1, idle.address, setAt, 'reachable');
  const busy = byId(f, 'busy');
  const busyChange = firstChange(ev1, busy.address, setAt, 'reachable');
  let delayStartedAfterMs: number | null = null;
  if (busyChange !== undefined && busyChange.state === 'stale') {
    const next = cap1.find((c) => c.timeMs > busyChange.timeMs && isEchoReplyTo(c.frame, f, busy.address));
    if (next !== undefined) delayStartedAfterMs = round(next.timeMs - busyChange.timeMs);
  }
  trains.push(cap1.filter((c) => solicits(c.frame, f, busy.address) && c.frame.destination === busy.oldMac).map((c) => c.timeMs));
  // Timer-driven gaps: every gap of a train but the first of the absent one (armed from a packet, not a timer).
  const gaps = [...diffs(trains[0]!).slice(1), ...diffs(trains[1]!), ...diffs(trains[2]!)];
  return {
    absentSolicitationsMs: firstSolicit === undefined ? [] : broadcast.map((t) => round(t - firstSolicit)),
    absentFailedMs: absentFailed === undefined || firstSolicit === undefined ? null : round(absentFailed.timeMs - firstSolicit),
    delayMs: delayStart === undefined || probesB[0] === undefined ? null : round(probesB[0] - delayStart),
    unicastProbesMs: probesB.map((t) => round(t - probesB[0]!)),
    failedAfterLastProbeMs: failedB === undefined || probesB.length === 0 ? null : round(failedB.timeMs - probesB[probesB.length - 1]!),
    reachableTimeMs,
    idleExpiry: idleChange === undefined ? null : { state: idleChange.state, afterMs: round(idleChange.timeMs - setAt) },
    busyExpiry: busyChange === undefined ? null : { state: busyChange.state, afterMs: round(busyChange.timeMs - setAt), delayStartedAfterMs },
    timerLatenessMs: gaps.length === 0 ? null : round(gaps.reduce((a, b) => a + b, 0) / gaps.length - 1000),
  };
}
