/**
 * The fast path of `decode --json`: writes a frame's JSON line straight from its bytes into an output
 * buffer, without building reprs or strings. It handles the common, valid frames (ARP and RARP,
 * IPv4 with UDP or ICMP, IPv6 with ICMPv6 or UDP, other EtherTypes) and declines everything else
 * (LLC/STP, DHCP ports, anything malformed or with a wrong checksum, non-Ethernet link types) by
 * returning false, so the plain path (frame-summary.ts + JSON.stringify) writes that frame.
 *
 * Contract: when it accepts a frame, the bytes it writes equal the plain path's line exactly. The
 * tests compare the two on generated, mutated and captured frames.
 */
import type { CaptureCursor } from '../wire/index.js';

const CHUNK = 1 << 20;
const MAX_LINE = 4096;

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** A constant piece of output, as big-endian 32-bit words plus the odd bytes, copied 4 bytes at a time. */
interface Piece {
  readonly words: Uint32Array;
  readonly tail: Uint8Array;
}

function piece(s: string): Piece {
  const bytes = ascii(s);
  const n = bytes.length >>> 2;
  const words = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    words[i] = ((bytes[4 * i]! << 24) >>> 0) + ((bytes[4 * i + 1]! << 16) | (bytes[4 * i + 2]! << 8) | bytes[4 * i + 3]!);
  }
  return { words, tail: bytes.subarray(4 * n) };
}

const K = {
  index: piece('{"index":'),
  timeNs: piece(',"timeNs":'),
  length: piece(',"length":'),
  capturedLength: piece(',"capturedLength":'),
  interfaceId: piece(',"interfaceId":'),
  ethSrc: piece(',"eth":{"src":"'),
  ethDst: piece('","dst":"'),
  ethType: piece('","type":'),
  vlans: piece(',"vlans":['),
  ethEnd: piece(']}'),
  arpOp: piece(',"arp":{"op":"'),
  opcode: piece('","opcode":'),
  form: piece(',"form":"'),
  senderMac: piece('","senderMac":"'),
  senderIp: piece('","senderIp":"'),
  targetMac: piece('","targetMac":"'),
  targetIp: piece('","targetIp":"'),
  ipv4Src: piece(',"ipv4":{"src":"'),
  dst: piece('","dst":"'),
  ttl: piece('","ttl":'),
  protocol: piece(',"protocol":'),
  id: piece(',"id":'),
  udpSrc: piece(',"udp":{"srcPort":'),
  dstPort: piece(',"dstPort":'),
  icmpv4Type: piece(',"icmpv4":{"type":'),
  code: piece(',"code":'),
  identifier: piece(',"identifier":'),
  sequence: piece(',"sequence":'),
  ipv6Src: piece(',"ipv6":{"src":"'),
  hopLimit: piece('","hopLimit":'),
  nextHeader: piece(',"nextHeader":'),
  icmpv6Type: piece(',"icmpv6":{"type":"'),
  icmpType: piece('","icmpType":'),
  codeAfterString: piece('","code":'),
  target: piece(',"target":'),
  router: piece(',"router":'),
  solicited: piece(',"solicited":'),
  override: piece(',"override":'),
  sourceLinkLayer: piece(',"sourceLinkLayer":'),
  targetLinkLayer: piece(',"targetLinkLayer":'),
  dhcpType: piece(',"dhcp":{"messageType":'),
  transactionId: piece(',"transactionId":'),
  clientMac: piece(',"clientMac":'),
  clientIp: piece(',"clientIp":"'),
  yourIp: piece('","yourIp":"'),
  requestedIp: piece('","requestedIp":'),
  serverId: piece(',"serverId":'),
  leaseSeconds: piece(',"leaseSeconds":'),
  hostName: piece(',"hostName":'),
  stpType: piece(',"stp":{"type":"'),
  version: piece('","version":'),
  flags: piece(',"flags":'),
  role: piece(',"role":'),
  rootId: piece(',"rootId":"'),
  rootPathCost: piece('","rootPathCost":'),
  bridgeId: piece(',"bridgeId":"'),
  portId: piece('","portId":'),
  messageAge: piece(',"messageAge":'),
  maxAge: piece(',"maxAge":'),
  helloTime: piece(',"helloTime":'),
  forwardDelay: piece(',"forwardDelay":'),
  null: piece('null'),
  true: piece('true'),
  false: piece('false'),
};

const OP_NAMES = [piece('other'), piece('request'), piece('reply'), piece('rarp-request'), piece('rarp-reply')];
const FORM = {
  request: piece('request'),
  reply: piece('reply'),
  probe: piece('probe'),
  announcement: piece('announcement'),
  gratuitousRequest: piece('gratuitous-request'),
  gratuitousReply: piece('gratuitous-reply'),
  rarp: piece('rarp'),
  other: piece('other'),
};
const ND_NAMES: Record<number, Piece> = {
  133: piece('rs'), 134: piece('ra'), 135: piece('ns'), 136: piece('na'), 137: piece('redirect'),
};
const OTHER = piece('other');
const DHCP_TYPES: Record<number, Piece> = {
  1: piece('"discover"'), 2: piece('"offer"'), 3: piece('"request"'), 4: piece('"decline"'),
  5: piece('"ack"'), 6: piece('"nak"'), 7: piece('"release"'), 8: piece('"inform"'),
};
const BPDU_TYPES = { tcn: piece('tcn'), config: piece('config'), rst: piece('rst') };
const ND_MIN_LENGTH: Record<number, number> = { 133: 8, 134: 16, 135: 24, 136: 24, 137: 40 };

const HEX = ascii('0123456789abcdef');
/** "00" to "99". */
const PAIRS = ascii(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));
/** Decimal text of 0-255, for dotted quads. */
const DEC3: Uint8Array[] = Array.from({ length: 256 }, (_, i) => ascii(String(i)));

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/**
 * The unfolded sum of the 16-bit words of `b[start, end)` plus `s`. Adds 32 bits at a time where it
 * can: 2^16 = 1 modulo 0xffff, so a 32-bit word counts as its two halves once folded.
 */
function sum(b: Uint8Array, start: number, end: number, s: number): number {
  let i = start;
  const last4 = end - 3;
  for (; i < last4; i += 4) s += ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
  const last = end - 1;
  for (; i < last; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i === last) s += b[i]! << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

function isDhcpPort(port: number): boolean {
  return port === 67 || port === 68;
}

/** The UDP checksum to expect, as udp.ts computes it (a computed zero is sent as 0xffff). */
function udpChecksum(b: Uint8Array, q: number, qEnd: number, pseudo: number): number {
  const c = fold(sum(b, q, q + 6, sum(b, q + 8, qEnd, pseudo)));
  return c === 0 ? 0xffff : c;
}

/** Writes JSON lines into 1 MiB chunks handed to `flush`. */
export class JsonLineWriter {
  private readonly buf = new Uint8Array(CHUNK + 8);
  private readonly view = new DataView(this.buf.buffer);
  private pos = 0;
  private readonly flushTo: (chunk: Uint8Array) => void;
  private readonly digits = new Uint8Array(24);
  /** Consecutive frames mostly share their second: its digits are kept. */
  private lastSeconds = -1;
  private lastSecondsText = new Uint8Array(0);

  constructor(flushTo: (chunk: Uint8Array) => void) {
    this.flushTo = flushTo;
  }

  /** Passes on everything written so far. */
  flush(): void {
    if (this.pos > 0) this.flushTo(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Appends a line produced by the plain path. */
  writeLine(text: string): void {
    const bytes = Buffer.from(text + '\n', 'utf8');
    if (this.pos + bytes.length > CHUNK) this.flush();
    if (bytes.length > CHUNK) {
      this.flushTo(bytes);
      return;
    }
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private k(piece: Piece): void {
    const view = this.view;
    let p = this.pos;
    const words = piece.words;
    for (let i = 0; i < words.length; i++) {
      view.setUint32(p, words[i]!);
      p += 4;
    }
    const tail = piece.tail;
    const b = this.buf;
    for (let i = 0; i < tail.length; i++) b[p++] = tail[i]!;
    this.pos = p;
  }

  private digitsOf(bytes: Uint8Array): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < bytes.length; i++) b[p++] = bytes[i]!;
    this.pos = p;
  }

  private byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer below 2^53. */
  private uint(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = 48 + n;
      return;
    }
    if (n < 100) {
      const b = this.buf;
      b[this.pos] = PAIRS[2 * n]!;
      b[this.pos + 1] = PAIRS[2 * n + 1]!;
      this.pos += 2;
      return;
    }
    const d = this.digits;
    let i = 0;
    while (n > 0x7fff_ffff) {
      const q = Math.floor(n / 10);
      d[i++] = 48 + (n - q * 10);
      n = q;
    }
    while (n > 0) {
      const q = (n / 10) | 0;
      d[i++] = 48 + (n - q * 10);
      n = q;
    }
    const b = this.buf;
    let p = this.pos;
    while (i > 0) b[p++] = d[--i]!;
    this.pos = p;
  }

  private mac(src: Uint8Array, o: number): void {
    const b = this.buf;
    const p = this.pos;
    let v = src[o]!;
    b[p] = HEX[v >>> 4]!; b[p + 1] = HEX[v & 15]!; b[p + 2] = 58;
    v = src[o + 1]!;
    b[p + 3] = HEX[v >>> 4]!; b[p + 4] = HEX[v & 15]!; b[p + 5] = 58;
    v = src[o + 2]!;
    b[p + 6] = HEX[v >>> 4]!; b[p + 7] = HEX[v & 15]!; b[p + 8] = 58;
    v = src[o + 3]!;
    b[p + 9] = HEX[v >>> 4]!; b[p + 10] = HEX[v & 15]!; b[p + 11] = 58;
    v = src[o + 4]!;
    b[p + 12] = HEX[v >>> 4]!; b[p + 13] = HEX[v & 15]!; b[p + 14] = 58;
    v = src[o + 5]!;
    b[p + 15] = HEX[v >>> 4]!; b[p + 16] = HEX[v & 15]!;
    this.pos = p + 17;
  }

  private ipv4(src: Uint8Array, o: number): void {
    for (let i = 0; i < 4; i++) {
      if (i > 0) this.buf[this.pos++] = 46;
      this.digitsOf(DEC3[src[o + i]!]!);
    }
  }

  private hex16(v: number): void {
    const b = this.buf;
    let p = this.pos;
    if (v >= 0x1000) b[p++] = HEX[v >>> 12]!;
    if (v >= 0x100) b[p++] = HEX[(v >>> 8) & 15]!;
    if (v >= 0x10) b[p++] = HEX[(v >>> 4) & 15]!;
    b[p++] = HEX[v & 15]!;
    this.pos = p;
  }

  /** RFC 5952 canonical text, exactly as ipv6-address.ts `readIpv6` writes it. */
  private ipv6(src: Uint8Array, o: number): void {
    let bestStart = -1;
    let bestLen = 1;
    let runStart = -1;
    for (let i = 0; i < 8; i++) {
      if (src[o + 2 * i] === 0 && src[o + 2 * i + 1] === 0) {
        if (runStart < 0) runStart = i;
        const len = i - runStart + 1;
        if (len > bestLen) {
          bestLen = len;
          bestStart = runStart;
        }
      } else {
        runStart = -1;
      }
    }
    if (bestStart === 0 && bestLen === 5 && src[o + 10] === 0xff && src[o + 11] === 0xff) {
      this.byte(58); this.byte(58); this.byte(102); this.byte(102); this.byte(102); this.byte(102); this.byte(58);
      this.ipv4(src, o + 12);
      return;
    }
    for (let i = 0; i < 8; i++) {
      if (i === bestStart) {
        this.byte(58);
        if (i === 0) this.byte(58);
        i += bestLen - 1;
        continue;
      }
      this.hex16((src[o + 2 * i]! << 8) | src[o + 2 * i + 1]!);
      if (i < 7) this.byte(58);
    }
  }

  private quotedMac(src: Uint8Array, o: number): void {
    this.byte(34);
    this.mac(src, o);
    this.byte(34);
  }

  /**
   * Writes the line for `record` if this path handles it; returns false (having written nothing) when
   * the plain path must.
   */
  tryWrite(index: number, record: CaptureCursor): boolean {
    if (record.linkType !== 1) return false;
    if (this.pos + MAX_LINE > CHUNK) this.flush();
    const start = this.pos;
    if (this.frame(index, record)) return true;
    this.pos = start;
    return false;
  }

  private frame(index: number, record: CaptureCursor): boolean {
    const b = record.bytes;
    const f = record.start;
    const end = record.end;
    if (end - f < 14) return false;
    let p = f + 12;
    let tags = 0;
    for (;;) {
      const t = u16(b, p);
      if (t !== 0x8100 && t !== 0x88a8 && t !== 0x9100) break;
      if (p + 6 > end) return false;
      p += 4;
      tags++;
    }
    const etherType = u16(b, p);
    // Frames with absurd tag stacks (long lines) go to the plain path.
    if (tags > 64) return false;
    if (etherType <= 1500 && p + 2 + etherType > end) return false;
    p += 2;

    this.k(K.index); this.uint(index);
    this.k(K.timeNs);
    const s = record.seconds;
    const ns = record.nanoseconds;
    if (s < 9_007_199 || (s === 9_007_199 && ns <= 254_740_992)) {
      this.uint(s * 1e9 + ns);
    } else {
      this.byte(34);
      if (s !== this.lastSeconds) {
        const at = this.pos;
        this.uint(s);
        this.lastSecondsText = this.buf.slice(at, this.pos);
        this.lastSeconds = s;
      } else {
        this.digitsOf(this.lastSecondsText);
      }
      // Nine digits, zero-padded: four pairs and one digit, from the right.
      const bb = this.buf;
      const at = this.pos;
      let n = ns;
      for (let i = 7; i >= 1; i -= 2) {
        const q = (n / 100) | 0;
        const r = 2 * (n - q * 100);
        bb[at + i] = PAIRS[r]!;
        bb[at + i + 1] = PAIRS[r + 1]!;
        n = q;
      }
      bb[at] = 48 + n;
      bb[at + 9] = 34;
      this.pos = at + 10;
    }
    this.k(K.length); this.uint(record.originalLength);
    this.k(K.capturedLength); this.uint(end - f);
    if (record.interfaceId !== 0) { this.k(K.interfaceId); this.uint(record.interfaceId); }
    this.k(K.ethSrc); this.mac(b, f + 6);
    this.k(K.ethDst); this.mac(b, f);
    this.k(K.ethType); this.uint(etherType);
    this.k(K.vlans);
    for (let i = 0; i < tags; i++) {
      if (i > 0) this.byte(44);
      this.uint(u16(b, f + 14 + 4 * i) & 0x0fff);
    }
    this.k(K.ethEnd);

    let ok = true;
    if (etherType <= 1500) ok = this.llc(b, p, p + etherType);
    else if (etherType === 0x0806 || etherType === 0x8035) ok = this.arp(b, p, end);
    else if (etherType === 0x0800) ok = this.ipv4Packet(b, p, end);
    else if (etherType === 0x86dd) ok = this.ipv6Packet(b, p, end);
    if (!ok) return false;
    this.byte(125);
    this.byte(10);
    return true;
  }

  private arp(b: Uint8Array, p: number, end: number): boolean {
    if (p + 28 > end || b[p + 4] !== 6 || b[p + 5] !== 4) return false;
    const op = u16(b, p + 6);
    this.k(K.arpOp); this.k(OP_NAMES[op <= 4 ? op : 0]!);
    this.k(K.opcode); this.uint(op);
    this.k(K.form);
    const spaZero = b[p + 14] === 0 && b[p + 15] === 0 && b[p + 16] === 0 && b[p + 17] === 0;
    const spaIsTpa = b[p + 14] === b[p + 24] && b[p + 15] === b[p + 25] && b[p + 16] === b[p + 26] && b[p + 17] === b[p + 27];
    let form: Piece;
    if (op === 1) {
      if (spaZero) form = FORM.probe;
      else if (spaIsTpa) {
        let thaZero = true;
        for (let i = 18; i < 24; i++) if (b[p + i] !== 0) thaZero = false;
        form = thaZero ? FORM.announcement : FORM.gratuitousRequest;
      } else form = FORM.request;
    } else if (op === 2) form = spaIsTpa && !spaZero ? FORM.gratuitousReply : FORM.reply;
    else if (op === 3 || op === 4) form = FORM.rarp;
    else form = FORM.other;
    this.k(form);
    this.k(K.senderMac); this.mac(b, p + 8);
    this.k(K.senderIp); this.ipv4(b, p + 14);
    this.k(K.targetMac); this.mac(b, p + 18);
    this.k(K.targetIp); this.ipv4(b, p + 24);
    this.byte(34); this.byte(125);
    return true;
  }

  private ipv4Packet(b: Uint8Array, p: number, end: number): boolean {
    if (p + 20 > end || b[p]! >>> 4 !== 4) return false;
    const ihl = (b[p]! & 15) * 4;
    const total = u16(b, p + 2);
    if (ihl < 20 || total < ihl || p + total > end) return false;
    if (u16(b, p + 10) !== fold(sum(b, p, p + 10, sum(b, p + 12, p + ihl, 0)))) return false;
    const proto = b[p + 9]!;
    if (proto === 112) return false; // VRRP: the plain decoder writes its layer
    this.k(K.ipv4Src); this.ipv4(b, p + 12);
    this.k(K.dst); this.ipv4(b, p + 16);
    this.k(K.ttl); this.uint(b[p + 8]!);
    this.k(K.protocol); this.uint(proto);
    this.k(K.id); this.uint(u16(b, p + 4));
    this.byte(125);
    const fragment = (u16(b, p + 6) & 0x3fff) !== 0;
    if (fragment) return true;
    const q = p + ihl;
    const qEnd = p + total;
    if (proto === 17) {
      if (q + 8 > qEnd || u16(b, q + 4) !== qEnd - q) return false;
      const sp = u16(b, q);
      const dp = u16(b, q + 2);
      const field = u16(b, q + 6);
      if (field !== 0 && field !== udpChecksum(b, q, qEnd, sum(b, p + 12, p + 20, 17 + (qEnd - q)))) return false;
      this.k(K.udpSrc); this.uint(sp);
      this.k(K.dstPort); this.uint(dp);
      this.byte(125);
      if (isDhcpPort(sp) || isDhcpPort(dp)) return this.dhcp(b, q + 8, qEnd);
    } else if (proto === 1) {
      if (q + 8 > qEnd) return false;
      if (u16(b, q + 2) !== fold(sum(b, q, q + 2, sum(b, q + 4, qEnd, 0)))) return false;
      const type = b[q]!;
      this.k(K.icmpv4Type); this.uint(type);
      this.k(K.code); this.uint(b[q + 1]!);
      if (type === 0 || type === 8) {
        this.k(K.identifier); this.uint(u16(b, q + 4));
        this.k(K.sequence); this.uint(u16(b, q + 6));
      } else {
        this.k(K.identifier); this.k(K.null);
        this.k(K.sequence); this.k(K.null);
      }
      this.byte(125);
    }
    return true;
  }

  /** DHCP after UDP ports 67/68: written only when the payload is DHCP (cookie), like udp.ts decides. */
  private dhcp(b: Uint8Array, d: number, end: number): boolean {
    if (end - d < 240 || b[d + 236] !== 0x63 || b[d + 237] !== 0x82 || b[d + 238] !== 0x53 || b[d + 239] !== 0x63) return true;
    let messageType = -1;
    let requested = -1;
    let server = -1;
    let lease = -1;
    let host = -1;
    let hostLength = 0;
    for (let o = d + 240; o < end;) {
      const code = b[o]!;
      if (code === 0) { o += 1; continue; }
      if (code === 255) break;
      if (o + 2 > end) return false;
      const len = b[o + 1]!;
      if (o + 2 + len > end) return false;
      if (code === 53 && len === 1) messageType = b[o + 2]!;
      else if (code === 50 && len === 4) requested = o + 2;
      else if (code === 54 && len === 4) server = o + 2;
      else if (code === 51 && len === 4) lease = o + 2;
      else if (code === 12) {
        // Names that JSON would escape (or that are not plain ASCII) go to the plain path.
        for (let i = 0; i < len; i++) {
          const c = b[o + 2 + i]!;
          if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
        }
        host = o + 2;
        hostLength = len;
      }
      o += 2 + len;
    }
    this.k(K.dhcpType);
    if (messageType < 0) this.k(K.null);
    else {
      const name = DHCP_TYPES[messageType];
      if (name !== undefined) this.k(name); else this.uint(messageType);
    }
    this.k(K.transactionId); this.uint(((b[d + 4]! << 24) >>> 0) + ((b[d + 5]! << 16) | (b[d + 6]! << 8) | b[d + 7]!));
    this.k(K.clientMac);
    if (b[d + 1] === 1 && b[d + 2] === 6) this.quotedMac(b, d + 28); else this.k(K.null);
    this.k(K.clientIp); this.ipv4(b, d + 12);
    this.k(K.yourIp); this.ipv4(b, d + 16);
    this.k(K.requestedIp); this.quotedIpv4OrNull(b, requested);
    this.k(K.serverId); this.quotedIpv4OrNull(b, server);
    this.k(K.leaseSeconds);
    if (lease < 0) this.k(K.null);
    else this.uint(((b[lease]! << 24) >>> 0) + ((b[lease + 1]! << 16) | (b[lease + 2]! << 8) | b[lease + 3]!));
    this.k(K.hostName);
    if (host < 0) this.k(K.null);
    else {
      this.byte(34);
      for (let i = 0; i < hostLength; i++) this.byte(b[host + i]!);
      this.byte(34);
    }
    this.byte(125);
    return true;
  }

  private quotedIpv4OrNull(b: Uint8Array, at: number): void {
    if (at < 0) {
      this.k(K.null);
      return;
    }
    this.byte(34);
    this.ipv4(b, at);
    this.byte(34);
  }

  /** LLC in `[p, end)` (the 802.3 length); only spanning-tree BPDUs add a layer, as llc.ts decides. */
  private llc(b: Uint8Array, p: number, end: number): boolean {
    if (p + 3 > end) return false;
    const control = b[p + 2]!;
    let o = p + 3;
    if ((control & 3) !== 3) {
      if (p + 4 > end) return false;
      o += 1;
    }
    if (b[p] !== 0x42 || b[p + 1] !== 0x42 || control !== 3 || end - o < 4) return true;
    const type = b[o + 3]!;
    const length = end - o;
    if (type === 0x80) {
      if (length !== 4) return false;
      this.k(K.stpType); this.k(BPDU_TYPES.tcn);
      this.k(K.version); this.uint(b[o + 2]!);
      this.byte(125);
      return true;
    }
    if (type !== 0 && type !== 2) return true;
    if (type === 0 ? length !== 35 : length < 36) return false;
    // Timers print as seconds: whole seconds only here, fractions go to the plain path.
    for (let i = 27; i <= 33; i += 2) if (b[o + i + 1] !== 0) return false;
    this.k(K.stpType); this.k(type === 0 ? BPDU_TYPES.config : BPDU_TYPES.rst);
    this.k(K.version); this.uint(b[o + 2]!);
    const flags = b[o + 4]!;
    this.k(K.flags); this.uint(flags);
    this.k(K.role);
    if (type === 2) this.uint((flags >>> 2) & 3); else this.k(K.null);
    this.k(K.rootId); this.bridgeId(b, o + 5);
    this.k(K.rootPathCost); this.uint(((b[o + 13]! << 24) >>> 0) + ((b[o + 14]! << 16) | (b[o + 15]! << 8) | b[o + 16]!));
    this.k(K.bridgeId); this.bridgeId(b, o + 17);
    this.k(K.portId); this.uint(u16(b, o + 25));
    this.k(K.messageAge); this.uint(b[o + 27]!);
    this.k(K.maxAge); this.uint(b[o + 29]!);
    this.k(K.helloTime); this.uint(b[o + 31]!);
    this.k(K.forwardDelay); this.uint(b[o + 33]!);
    this.byte(125);
    return true;
  }

  /** `pppp.mm:mm:mm:mm:mm:mm` as frame-summary.ts writes a bridge ID. */
  private bridgeId(b: Uint8Array, o: number): void {
    const prio = u16(b, o);
    this.byte(HEX[prio >>> 12]!); this.byte(HEX[(prio >>> 8) & 15]!); this.byte(HEX[(prio >>> 4) & 15]!); this.byte(HEX[prio & 15]!);
    this.byte(46);
    this.mac(b, o + 2);
  }

  private ipv6Packet(b: Uint8Array, p: number, end: number): boolean {
    if (p + 40 > end || b[p]! >>> 4 !== 6) return false;
    const plen = u16(b, p + 4);
    const q = p + 40;
    const qEnd = q + plen;
    if (qEnd > end) return false;
    const nh = b[p + 6]!;
    if (nh === 112) return false; // VRRP: the plain decoder writes its layer
    if (nh === 58) {
      if (plen < 4) return false;
      const ph = sum(b, p + 8, p + 40, 58 + plen);
      if (u16(b, q + 2) !== fold(sum(b, q, q + 2, sum(b, q + 4, qEnd, ph)))) return false;
    } else if (nh === 17) {
      if (plen < 8 || u16(b, q + 4) !== plen) return false;
      if (u16(b, q + 6) !== udpChecksum(b, q, qEnd, sum(b, p + 8, p + 40, 17 + plen))) return false;
    }
    this.k(K.ipv6Src); this.ipv6(b, p + 8);
    this.k(K.dst); this.ipv6(b, p + 24);
    this.k(K.hopLimit); this.uint(b[p + 7]!);
    this.k(K.nextHeader); this.uint(nh);
    this.byte(125);
    if (nh === 17) {
      const sp = u16(b, q);
      const dp = u16(b, q + 2);
      // DHCP over IPv6 UDP is decoded by the plain path (the summary has no dhcp for it).
      if (isDhcpPort(sp) || isDhcpPort(dp)) return false;
      this.k(K.udpSrc); this.uint(sp);
      this.k(K.dstPort); this.uint(dp);
      this.byte(125);
      return true;
    }
    if (nh !== 58) return true;
    const type = b[q]!;
    const name = ND_NAMES[type];
    if (name === undefined) {
      this.k(K.icmpv6Type); this.k(OTHER);
      this.k(K.icmpType); this.uint(type);
      this.k(K.code); this.uint(b[q + 1]!);
      this.k(K.target); this.k(K.null);
      this.k(K.router); this.k(K.null);
      this.k(K.solicited); this.k(K.null);
      this.k(K.override); this.k(K.null);
      this.k(K.sourceLinkLayer); this.k(K.null);
      this.k(K.targetLinkLayer); this.k(K.null);
      this.byte(125);
      return true;
    }
    if (plen < ND_MIN_LENGTH[type]!) return false;
    const optionsStart = q + (type === 133 ? 8 : type === 134 ? 16 : type === 137 ? 40 : 24);
    let sll = -1;
    let tll = -1;
    for (let o = optionsStart; o < qEnd;) {
      if (o + 2 > qEnd) return false;
      const units = b[o + 1]!;
      if (units === 0 || o + units * 8 > qEnd) return false;
      if (units === 1) {
        if (b[o] === 1 && sll < 0) sll = o + 2;
        else if (b[o] === 2 && tll < 0) tll = o + 2;
      }
      o += units * 8;
    }
    this.k(K.icmpv6Type); this.k(name);
    this.k(K.codeAfterString); this.uint(b[q + 1]!);
    this.k(K.target);
    if (type === 135 || type === 136 || type === 137) {
      this.byte(34); this.ipv6(b, q + 8); this.byte(34);
    } else this.k(K.null);
    if (type === 136) {
      const flags = b[q + 4]!;
      this.k(K.router); this.k(flags & 0x80 ? K.true : K.false);
      this.k(K.solicited); this.k(flags & 0x40 ? K.true : K.false);
      this.k(K.override); this.k(flags & 0x20 ? K.true : K.false);
    } else {
      this.k(K.router); this.k(K.null);
      this.k(K.solicited); this.k(K.null);
      this.k(K.override); this.k(K.null);
    }
    this.k(K.sourceLinkLayer);
    if (sll >= 0) this.quotedMac(b, sll); else this.k(K.null);
    this.k(K.targetLinkLayer);
    if (tll >= 0) this.quotedMac(b, tll); else this.k(K.null);
    this.byte(125);
    return true;
  }
}
