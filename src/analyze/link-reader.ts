/**
 * Reading a capture for analysis: each record's time (relative to the first record, in ns), where it
 * was seen (pcapng interface, SLL2 interface index, outer VLAN, SLL packet type) and its link-layer
 * facts (source and destination MAC where the header has them, EtherType after the tags, where the
 * network layer starts), read in place into one reused {@link LinkFrame}: nothing is allocated per
 * record, so memory stays flat however long the capture.
 *
 * Link types: Ethernet (LINKTYPE_ETHERNET, IEEE 802.3 with any number of 802.1Q / 802.1ad tags) and
 * the Linux cooked captures (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2), whose headers are read through
 * the wire layer's views. Records of other link types are counted and skipped.
 *
 * A capture that ends in the middle of a record (a capture still being written, a copy cut short)
 * ends the reading there: {@link LinkReader.stoppedBy} says why, and everything before it counts.
 * Records out of time order (several interfaces) are put back in order within a window.
 */
import type { CaptureCursor, CaptureReader, MacAddress } from '../wire/index.js';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  SLL_PACKET_OUTGOING,
  Sll2View,
  SllView,
  TPID_8021AD,
  TPID_8021Q,
  TPID_QINQ_LEGACY,
  WireError,
} from '../wire/index.js';

/** Ethernet header offsets (IEEE 802.3 §3.1.1; the tag layout of IEEE 802.1Q §9). */
const ETH_DESTINATION = 0;
const ETH_SOURCE = 6;
const ETH_TYPE = 12;
const ETH_HEADER = 14;
const TAG_LENGTH = 4;

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function isTpid(t: number): boolean {
  return t === TPID_8021Q || t === TPID_8021AD || t === TPID_QINQ_LEGACY;
}

/** The link-layer facts of the current record. Fields are overwritten by the next record. */
export class LinkFrame {
  /** Nanoseconds since the first record of the capture (negative for a record stamped earlier). */
  timeNs = 0;
  interfaceId = 0;
  linkType = 0;
  bytes: Uint8Array = new Uint8Array(0);
  /** The captured bytes are `bytes[start, end)`. */
  start = 0;
  end = 0;
  /** Length on the wire (more than `end - start` when the snapshot length cut the record). */
  originalLength = 0;
  /** -1 when the header does not carry it (the destination of a cooked record, an address that is not 6 bytes). */
  sourceMac = -1;
  destinationMac = -1;
  /** Outermost VLAN ID, or -1 untagged. */
  vlan = -1;
  /** SLL/SLL2 packet type (to us, broadcast, multicast, to another host, sent by us); -1 for Ethernet. */
  packetType = -1;
  /** SLL2 interface index; -1 otherwise. */
  interfaceIndex = -1;
  /** EtherType after the tags. */
  etherType = 0;
  /** Offset of the network-layer header. */
  networkOffset = 0;
  /** True for a group-addressed frame (destination I/G bit, or an SLL broadcast/multicast record). */
  groupAddressed = false;
  /**
   * Where the record was seen, as one number: pcapng interface, SLL2 interface index and outer VLAN
   * (a MAC that moves between these has moved between ports, VLANs or interfaces). See {@link sourceText}.
   */
  sourceKey = 0;

  /** True for a copy the capturing host sent (an SLL "outgoing" record), which says nothing of where its source MAC lives. */
  get outgoing(): boolean {
    return this.packetType === SLL_PACKET_OUTGOING;
  }
}

/** The text of a source number (see {@link LinkFrame.sourceKey}). */
export function sourceText(source: number): string {
  const vlan = (source % 0x2000) - 1;
  const rest = Math.floor(source / 0x2000);
  const interfaceIndex = (rest % 0x100_0000) - 1;
  const interfaceId = Math.floor(rest / 0x100_0000);
  const parts: string[] = [`interface ${interfaceId}`];
  if (interfaceIndex >= 0) parts.push(`ifindex ${interfaceIndex}`);
  if (vlan >= 0) parts.push(`vlan ${vlan}`);
  return parts.join(', ');
}

/** Why reading stopped before the end of the file, if it did. */
export interface ReadStop {
  readonly message: string;
  /** True when the file simply ends inside a record (a truncated capture), false for bad bytes. */
  readonly truncated: boolean;
}

/**
 * How far out of time order records may come and still be put back in order: dumpcap writes each
 * interface's records in blocks, and mergecap of overlapping files interleaves them, so a capture of
 * several interfaces is often out of order by up to about a second.
 */
export const REORDER_WINDOW_NS = 2e9;
/** Most records held for reordering (bounds memory whatever the window). */
const MAX_HELD = 200_000;

/** A record copied out of the reader's buffer, waiting for its turn. */
interface Held {
  readonly time: number;
  readonly order: number;
  readonly interfaceId: number;
  readonly linkType: number;
  readonly originalLength: number;
  readonly data: Uint8Array;
}

/** A binary heap of held records by time, then by file order. */
class HeldRecords {
  private readonly items: Held[] = [];

  get size(): number { return this.items.length; }
  get first(): Held | undefined { return this.items[0]; }

  push(h: Held): void {
    const a = this.items;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): Held | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (l + 1 < a.length && before(a[l + 1]!, a[m]!)) m = l + 1;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(x: Held, y: Held): boolean {
  return x.time < y.time || (x.time === y.time && x.order < y.order);
}

/**
 * Reads the records of a capture into one reused {@link LinkFrame}, in time order: records are
 * passed through as they come while they come in order; from the first record that is earlier than
 * one already read, they go through a reordering window ({@link REORDER_WINDOW_NS}) that holds copies
 * until nothing earlier can follow.
 */
export class LinkReader {
  readonly frame = new LinkFrame();
  /** Records read (every link type). */
  records = 0;
  /** Records skipped: a link type other than Ethernet or Linux cooked, or a header cut short. */
  skipped = 0;
  /** Records that came out of time order, and those that came later than the window could mend. */
  outOfOrder = 0;
  late = 0;
  /** Link types seen, with their record counts. */
  get linkTypes(): ReadonlyMap<number, number> {
    if (this.runLength > 0) {
      this.linkTypeCounts.set(this.lastLinkType, (this.linkTypeCounts.get(this.lastLinkType) ?? 0) + this.runLength);
      this.runLength = 0;
    }
    return this.linkTypeCounts;
  }
  /** Interfaces seen (pcapng interface ids). */
  readonly interfaces = new Set<number>();
  /** Seconds and nanoseconds of the first record (the zero of `timeNs`). */
  firstSeconds = 0;
  firstNanoseconds = 0;
  stoppedBy: ReadStop | undefined;
  private readonly reader: CaptureReader;
  private readonly cursor: CaptureCursor;
  private lastLinkType = -1;
  private lastInterface = -1;
  private runLength = 0;
  private readonly linkTypeCounts = new Map<number, number>();
  /** The latest time read and the latest delivered. */
  private latest = -Infinity;
  private delivered = -Infinity;
  private held: HeldRecords | undefined;
  private ended = false;
  /** The time of the record {@link pull} read. */
  private pulled = 0.5;

  constructor(reader: CaptureReader) {
    this.reader = reader;
    this.cursor = reader.cursor;
  }

  /** Moves to the next record the analysis can read; false at the end (or where the capture stops). */
  next(): boolean {
    for (;;) {
      let ok: boolean;
      if (this.held === undefined) {
        if (!this.pull()) return false;
        const time = this.pulled;
        if (time < this.latest) {
          // Out of order: from now on, through the window.
          this.held = new HeldRecords();
          this.hold(time);
          continue;
        }
        this.latest = time;
        this.delivered = time;
        this.frame.timeNs = time;
        const c = this.cursor;
        ok = this.fill(c.interfaceId, c.linkType, c.bytes, c.start, c.end, c.originalLength);
      } else {
        const held = this.held;
        while (!this.ended && held.size < MAX_HELD && (held.size === 0 || this.latest - held.first!.time < REORDER_WINDOW_NS)) {
          if (!this.pull()) this.ended = true;
          else this.hold(this.pulled);
        }
        const h = held.pop();
        if (h === undefined) return false;
        if (h.time < this.delivered) this.late++;
        else this.delivered = h.time;
        this.frame.timeNs = h.time;
        ok = this.fill(h.interfaceId, h.linkType, h.data, 0, h.data.length, h.originalLength);
      }
      if (ok) return true;
      this.skipped++;
    }
  }

  /**
   * Reads the next record from the file (the cursor holds it, {@link pulled} its time); false at the
   * end. (The time goes in a field: a double returned from a call that is not inlined is boxed.)
   */
  private pull(): boolean {
    try {
      if (!this.reader.advance()) return false;
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      this.stoppedBy = { message: e.message, truncated: e.code === 'truncated' };
      return false;
    }
    const c = this.cursor;
    if (this.records === 0) {
      this.firstSeconds = c.seconds;
      this.firstNanoseconds = c.nanoseconds;
    }
    this.records++;
    const linkType = c.linkType;
    if (linkType !== this.lastLinkType) {
      if (this.runLength > 0) this.linkTypeCounts.set(this.lastLinkType, (this.linkTypeCounts.get(this.lastLinkType) ?? 0) + this.runLength);
      this.lastLinkType = linkType;
      this.runLength = 0;
    }
    this.runLength++;
    if (c.interfaceId !== this.lastInterface) {
      this.lastInterface = c.interfaceId;
      this.interfaces.add(c.interfaceId);
    }
    this.pulled = (c.seconds - this.firstSeconds) * 1e9 + (c.nanoseconds - this.firstNanoseconds);
    return true;
  }

  /** Copies the cursor's record into the reordering heap. */
  private hold(time: number): void {
    const c = this.cursor;
    if (time < this.latest) this.outOfOrder++;
    else this.latest = time;
    this.held!.push({ time, order: this.records, interfaceId: c.interfaceId, linkType: c.linkType, originalLength: c.originalLength, data: c.bytes.slice(c.start, c.end) });
  }

  /** Reads the link layer of a record into the frame (whose time is set already: no double crosses a call). */
  private fill(interfaceId: number, linkType: number, bytes: Uint8Array, start: number, end: number, originalLength: number): boolean {
    const f = this.frame;
    f.interfaceId = interfaceId;
    f.linkType = linkType;
    f.bytes = bytes;
    f.start = start;
    f.end = end;
    f.originalLength = originalLength;
    const ok = linkType === LINKTYPE_ETHERNET ? readEthernet(f)
      : linkType === LINKTYPE_LINUX_SLL || linkType === LINKTYPE_LINUX_SLL2 ? readCooked(f, linkType)
        : false;
    if (ok) f.sourceKey = ((f.interfaceId & 0xffff) * 0x100_0000 + ((f.interfaceIndex + 1) & 0xff_ffff)) * 0x2000 + (f.vlan + 1);
    return ok;
  }
}

function readEthernet(f: LinkFrame): boolean {
  const b = f.bytes;
  const s = f.start;
  const end = f.end;
  if (end - s < ETH_HEADER) return false;
  let t = s + ETH_TYPE;
  let type = u16(b, t);
  f.vlan = -1;
  while (isTpid(type)) {
    if (t + 2 + TAG_LENGTH > end) return false;
    if (f.vlan < 0) f.vlan = u16(b, t + 2) & 0x0fff;
    t += TAG_LENGTH;
    type = u16(b, t);
  }
  // The two MACs as numbers (the wire layer's readMac value), written out so the hot path makes no call.
  const d = s + ETH_DESTINATION;
  const o = s + ETH_SOURCE;
  f.destinationMac = ((b[d]! << 16) | (b[d + 1]! << 8) | b[d + 2]!) * 0x100_0000 + ((b[d + 3]! << 16) | (b[d + 4]! << 8) | b[d + 5]!);
  f.sourceMac = ((b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!) * 0x100_0000 + ((b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!);
  f.groupAddressed = (b[d]! & 1) === 1;
  f.packetType = -1;
  f.interfaceIndex = -1;
  f.etherType = type;
  f.networkOffset = t + 2;
  return true;
}

function readCooked(f: LinkFrame, linkType: number): boolean {
  try {
    const view = linkType === LINKTYPE_LINUX_SLL ? new SllView(f.bytes, f.start, f.end) : new Sll2View(f.bytes, f.start, f.end);
    const mac: MacAddress | undefined = view.sourceMac;
    f.sourceMac = mac === undefined ? -1 : mac;
    f.destinationMac = -1;
    f.packetType = view.packetType;
    f.interfaceIndex = view instanceof Sll2View ? view.interfaceIndex : -1;
    f.vlan = view.tagCount > 0 ? view.vlanId(0) : -1;
    f.groupAddressed = f.packetType === 1 || f.packetType === 2;
    f.etherType = view.protocolType;
    f.networkOffset = view.payloadOffset;
    return true;
  } catch (e) {
    if (e instanceof WireError) return false;
    throw e;
  }
}
