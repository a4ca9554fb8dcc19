/**
 * Address-resolution traffic over a run (for the report's charts): group-addressed frames received by
 * end stations and ARP/RARP/ND messages they sent, in bins of whole seconds (wider for runs longer
 * than {@link MAX_BINS} seconds), with the most group-addressed frames one station received in one
 * second of each bin; and a mark for every message about one VM (its addresses, or its MAC in a
 * RARP), at most {@link MAX_MARKS}. Only frames leaving end stations count as sent, so a frame
 * forwarded by five switches counts once, as the result's message counts do.
 */
import type { Model } from '../scenario/index.js';
import type { EthernetFrame } from '../wire/index.js';
import { classifyArp, isGroupMac } from '../wire/index.js';
import type { LoadBin, LoadSeries, MessageMark } from './series-types.js';
import { MAX_MARKS, seconds } from './series-types.js';
import { PortSlots, grownTo } from './port-slots.js';

/** The most bins a load series has: runs longer than this many seconds get wider bins. */
export const MAX_BINS = 2_000;

/** The ARP-family or ND form of a frame's payload, or null for anything else. */
function resolutionForm(eth: EthernetFrame): string | null {
  const p = eth.payload;
  if (p.kind === 'arp') return classifyArp(p);
  if (p.kind === 'ipv6' && p.payload.kind === 'icmpv6') {
    const m = p.payload;
    if (m.type === 'ns') return p.source === '::' ? 'dad-ns' : 'ns';
    if (m.type === 'na') return m.solicitedFlag ? 'na' : 'unsolicited-na';
  }
  return null;
}

/** See the module comment. */
export class LoadTimeline {
  private readonly binNs: number;
  private readonly frames: number[] = [];
  private readonly peaks: number[] = [];
  private readonly messages: number[] = [];
  private readonly duration: number;
  private second = 0;
  /** Group-addressed frames each end station (by slot) received in the current second... */
  private perHost: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** ...when its entry here equals `stamp` (otherwise none yet). */
  private perHostSecond: Float64Array<ArrayBuffer> = new Float64Array(0);
  private stamp = 1;
  private secondPeak = 0;
  readonly marks: MessageMark[] = [];
  leftOut = 0;

  /**
   * Starts counting in `model` (before its first event); marks are kept for messages about the VM with
   * these IPv4 (dotted) and IPv6 addresses and these MACs (none: no marks).
   */
  constructor(model: Model, vm: { readonly ipv4: ReadonlySet<number>; readonly ipv6: ReadonlySet<string>; readonly macs: ReadonlySet<number> } | null) {
    this.duration = model.scenario.duration;
    const binS = Math.max(1, Math.ceil(this.duration / 1e9 / MAX_BINS));
    this.binNs = binS * 1e9;
    const isEnd = (n: string): boolean => model.endStations.has(n);
    const trace = model.kernel.trace;
    const slots = new PortSlots(isEnd);
    trace.on('frames-received', (e) => {
      if (!isGroupMac(e.frame.eth.destination)) return;
      const ports = e.ports;
      let received = 0;
      const ids = e.ids;
      for (let i = e.from; i < e.to; i++) {
        const slot = slots.slotOf(ids[i]!, ports[i]!);
        if (slot < 0) continue;
        if (received++ === 0) {
          const second = Math.floor(e.time / 1e9);
          if (second !== this.second) this.closeSecond(second);
        }
        if (slot >= this.perHost.length) this.perHost = grownTo(this.perHost, slot);
        // A count belongs to the current second when its stamp says so (closeSecond bumps the stamp).
        const n = this.perHostSecond[slot] === this.stamp ? this.perHost[slot]! + 1 : 1;
        this.perHost[slot] = n;
        if (slot >= this.perHostSecond.length) this.perHostSecond = grownTo(this.perHostSecond, slot);
        this.perHostSecond[slot] = this.stamp;
        if (n > this.secondPeak) this.secondPeak = n;
      }
      if (received > 0) this.add(this.frames, e.time, received);
    });
    // By group: the copies of one frame sent out of several ports of one node (`frames-sent`).
    // Whether the sending node is an end station, by the port it sent by (looked up once per port).
    trace.on('frames-sent', (e) => {
      const port = e.ports[e.from]!;
      if (slots.slotOf(port.id, port) < 0) return;
      const eth = e.frame.eth;
      const form = resolutionForm(eth);
      if (form === null) return;
      const n = e.to - e.from;
      this.add(this.messages, e.time, n);
      if (vm === null || !this.about(eth, vm)) return;
      for (let k = 0; k < n; k++) {
        if (this.marks.length < MAX_MARKS) this.marks.push({ timeS: seconds(e.time), node: e.node, form });
        else this.leftOut++;
      }
    });
  }

  private about(eth: EthernetFrame, vm: { readonly ipv4: ReadonlySet<number>; readonly ipv6: ReadonlySet<string>; readonly macs: ReadonlySet<number> }): boolean {
    const p = eth.payload;
    if (p.kind === 'arp') {
      return vm.ipv4.has(p.senderProtocolAddress) || vm.ipv4.has(p.targetProtocolAddress)
        || ((p.operation === 3 || p.operation === 4) && (vm.macs.has(p.senderHardwareAddress) || vm.macs.has(p.targetHardwareAddress)));
    }
    if (p.kind === 'ipv6' && p.payload.kind === 'icmpv6' && (p.payload.type === 'ns' || p.payload.type === 'na')) {
      return vm.ipv6.has(p.payload.targetAddress) || vm.ipv6.has(p.source);
    }
    return false;
  }

  private add(bins: number[], time: number, n: number): void {
    const i = Math.floor(time / this.binNs);
    while (bins.length <= i) bins.push(0);
    bins[i]! += n;
  }

  /** Ends the second being counted: its peak goes to its bin. */
  private closeSecond(next: number): void {
    if (this.secondPeak > 0) {
      const i = Math.floor((this.second * 1e9) / this.binNs);
      while (this.peaks.length <= i) this.peaks.push(0);
      if (this.secondPeak > this.peaks[i]!) this.peaks[i] = this.secondPeak;
    }
    this.second = next;
    this.secondPeak = 0;
    this.stamp++;
  }

  /** The series, one bin per `binS` from 0 to the end of the run. */
  finish(): LoadSeries {
    this.closeSecond(this.second + 1);
    const count = Math.max(1, Math.ceil(this.duration / this.binNs));
    const bins: LoadBin[] = [];
    for (let i = 0; i < count; i++) {
      bins.push({ timeS: seconds(i * this.binNs), broadcastFrames: this.frames[i] ?? 0, peakPerHost: this.peaks[i] ?? 0, resolutionMessages: this.messages[i] ?? 0 });
    }
    return { binS: this.binNs / 1e9, bins };
  }
}
