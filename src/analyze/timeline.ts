/**
 * Per address and per MAC, what the control messages of a capture say over time: every message
 * about an address or spoken by it (capped per address and in total, with the number left out), the
 * MAC each address was bound to and when that changed, and for each MAC where it was seen (pcapng
 * interface, SLL2 interface index, VLAN) and when. Data frames add to a MAC's sources through the
 * flows (flows.ts); this module merges both at the end.
 */
import type { ControlMessage, ControlForm } from './classify.js';

/** Most messages kept per address, and in all. */
export const MAX_MESSAGES_PER_ADDRESS = 2000;
const MAX_MESSAGES = 400_000;
/** Two captured copies of one message are this close in time. */
const DUPLICATE_WINDOW_NS = 1e6;

/** A change of the MAC an address is bound to. */
export interface Binding {
  readonly time: number;
  readonly mac: number;
  /** The message that said so. */
  readonly form: ControlForm | 'data';
}

/** What the capture says about one address. */
export class AddressHistory {
  readonly address: string;
  readonly messages: ControlMessage[] = [];
  messagesLeftOut = 0;
  /** The first binding, then every change. */
  readonly bindings: Binding[] = [];

  constructor(address: string) {
    this.address = address;
  }

  get currentMac(): number {
    return this.bindings.length === 0 ? -1 : this.bindings[this.bindings.length - 1]!.mac;
  }

  /** Every MAC the address was bound to, in order of first binding. */
  get macs(): number[] {
    const out: number[] = [];
    for (const b of this.bindings) if (!out.includes(b.mac)) out.push(b.mac);
    return out;
  }
}

/** Where one MAC was seen, per source (see `LinkFrame.sourceKey`). */
export interface SourceSpan {
  first: number;
  last: number;
  /** Frames with a unicast destination (a group-addressed frame may be a flooded copy on another port). */
  unicast: number;
  frames: number;
}

/** What the capture says about one MAC. */
export class MacHistory {
  readonly mac: number;
  readonly sources = new Map<number, SourceSpan>();
  /** Times of RARP requests announcing this MAC. */
  readonly rarp: number[] = [];

  constructor(mac: number) {
    this.mac = mac;
  }

  /** Notes frames from this MAC seen at `source` from `first` to `last`. */
  seen(source: number, first: number, last: number, frames: number, unicast: number): void {
    const span = this.sources.get(source);
    if (span === undefined) {
      this.sources.set(source, { first, last, frames, unicast });
      return;
    }
    if (first < span.first) span.first = first;
    if (last > span.last) span.last = last;
    span.frames += frames;
    span.unicast += unicast;
  }
}

/** Message counts by form. */
export type FormCounts = Record<ControlForm, number>;

function zeroCounts(): FormCounts {
  return {
    'arp-request': 0, 'arp-reply': 0, 'arp-probe': 0, 'arp-announcement': 0, 'garp-request': 0, 'garp-reply': 0, 'arp-other': 0,
    'rarp-request': 0, 'rarp-reply': 0, 'ns': 0, 'dad-ns': 0, 'na-solicited': 0, 'na-unsolicited': 0, 'rs': 0, 'ra': 0,
    'redirect': 0, 'dhcp': 0, 'vrrp': 0,
  };
}

/** See the module comment. */
export class Timeline {
  readonly addresses = new Map<string, AddressHistory>();
  readonly macs = new Map<number, MacHistory>();
  readonly counts: FormCounts = zeroCounts();
  /** DHCP messages by type name. */
  readonly dhcpTypes = new Map<string, number>();
  /** Copies of a message seen again on another interface or as an outgoing copy. */
  duplicates = 0;
  messagesLeftOut = 0;
  private kept = 0;
  private last: ControlMessage | undefined;

  /** The history of `address`, created on first use. */
  address(address: string): AddressHistory {
    let h = this.addresses.get(address);
    if (h === undefined) this.addresses.set(address, (h = new AddressHistory(address)));
    return h;
  }

  /** The history of `mac`, created on first use. */
  mac(mac: number): MacHistory {
    let h = this.macs.get(mac);
    if (h === undefined) this.macs.set(mac, (h = new MacHistory(mac)));
    return h;
  }

  /** Records one message. */
  record(m: ControlMessage): void {
    if (this.isCopy(m)) {
      this.duplicates++;
      return;
    }
    this.last = m;
    this.counts[m.form]++;
    if (m.form === 'dhcp') this.dhcpTypes.set(m.detail, (this.dhcpTypes.get(m.detail) ?? 0) + 1);
    // Where the sender lives: not told by a copy the capturing host sent on, nor by a flooded copy
    // seen on another port when the capture has no direction (see LinkFrame).
    if (m.sourceMac >= 0 && !m.outgoing) this.mac(m.sourceMac).seen(m.linkSource, m.time, m.time, 1, m.groupAddressed ? 0 : 1);
    if (m.form === 'rarp-request' && m.boundMac >= 0) this.mac(m.boundMac).rarp.push(m.time);
    const subject = m.subject === undefined ? undefined : this.address(m.subject);
    const speaker = m.speaker === undefined || m.speaker === m.subject ? undefined : this.address(m.speaker);
    if (subject !== undefined) this.keep(subject, m);
    if (speaker !== undefined) this.keep(speaker, m);
    if (subject !== undefined && m.binds && m.boundMac >= 0) this.bind(subject, m.time, m.boundMac, m.form);
    // A request or NS also tells the requester's binding (RFC 826's merge rule, RFC 4861 §7.2.3).
    if (speaker !== undefined && m.boundMac >= 0 && (m.form === 'arp-request' || m.form === 'ns')) this.bind(speaker, m.time, m.boundMac, m.form);
  }

  /** Notes that data from `address` came from `mac` (the sender is the host itself, not a router). */
  bind(h: AddressHistory, time: number, mac: number, form: ControlForm | 'data'): void {
    if (h.currentMac === mac) return;
    h.bindings.push({ time, mac, form });
  }

  private keep(h: AddressHistory, m: ControlMessage): void {
    if (h.messages.length >= MAX_MESSAGES_PER_ADDRESS || this.kept >= MAX_MESSAGES) {
      h.messagesLeftOut++;
      this.messagesLeftOut++;
      return;
    }
    h.messages.push(m);
    this.kept++;
  }

  /** A second capture of the previous message (same content, another place, within a millisecond). */
  private isCopy(m: ControlMessage): boolean {
    const p = this.last;
    if (p === undefined || m.time - p.time > DUPLICATE_WINDOW_NS || m.time < p.time) return false;
    if (p.linkSource === m.linkSource && p.outgoing === m.outgoing) return false;
    return p.form === m.form && p.sourceMac === m.sourceMac && p.speaker === m.speaker && p.subject === m.subject &&
      p.boundMac === m.boundMac && p.targetMac === m.targetMac && p.detail === m.detail;
  }
}
