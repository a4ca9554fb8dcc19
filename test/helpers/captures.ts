/**
 * Building small captures for the analysis tests: frames at given times (ns), on given interfaces,
 * written as pcap (one link type) or pcapng (one interface per entry), in time order, into memory.
 * Streams of UDP, pings and TCP are generated from a rate and a list of silences, so a test knows
 * exactly which packets it left out.
 */
import type { CaptureAnalysis } from '../../src/analyze/index.js';
import { analyzeCapture } from '../../src/analyze/index.js';
import type { EthernetFrame, Ipv4Address, Ipv6Address, MacAddress, VlanTag } from '../../src/wire/index.js';
import {
  BufferedSink,
  LINKTYPE_ETHERNET,
  PcapWriter,
  PcapngWriter,
  captureFromBytes,
  emitFrame,
  ethernetFrame,
  icmpv4Echo,
  ipv6MulticastMac,
} from '../../src/wire/index.js';

/** One record to write. */
export interface Entry {
  readonly t: number;
  readonly bytes: Uint8Array;
  readonly interfaceId: number;
  readonly originalLength?: number;
}

/** Frames collected for one capture. */
export class CaptureBuilder {
  readonly entries: Entry[] = [];

  /** Adds one frame at `t` ns. */
  frame(t: number, frame: EthernetFrame | Uint8Array, interfaceId = 0): this {
    this.entries.push({ t, bytes: frame instanceof Uint8Array ? frame : emitFrame(frame), interfaceId });
    return this;
  }

  /** The capture's bytes: classic pcap (`linkType`), or pcapng with `interfaces` Ethernet interfaces. */
  bytes(options: { format?: 'pcap' | 'pcapng'; linkType?: number; interfaces?: number; snapLength?: number } = {}): Uint8Array {
    const chunks: Uint8Array[] = [];
    const sink = new BufferedSink((c) => chunks.push(Uint8Array.from(c)));
    const sorted = [...this.entries].sort((a, b) => a.t - b.t);
    const base = 1_800_000_000;
    if (options.format === 'pcapng') {
      const w = new PcapngWriter(sink);
      for (let i = 0; i < (options.interfaces ?? 1); i++) w.addInterface({ linkType: options.linkType ?? LINKTYPE_ETHERNET, name: `if${i}`, ...(options.snapLength === undefined ? {} : { snapLength: options.snapLength }) });
      for (const e of sorted) w.write(e.interfaceId, base + Math.floor(e.t / 1e9), e.t % 1e9, e.bytes, e.originalLength ?? e.bytes.length);
      w.close();
    } else {
      const w = new PcapWriter(sink, options.linkType ?? LINKTYPE_ETHERNET, options.snapLength ?? 262_144);
      for (const e of sorted) w.write(base + Math.floor(e.t / 1e9), e.t % 1e9, e.bytes, e.originalLength ?? e.bytes.length);
      w.close();
    }
    return Buffer.concat(chunks);
  }
}

/** Analyses capture bytes in memory. */
export function analyzeBytes(bytes: Uint8Array, options: { vms?: string[]; gateways?: string[] } = {}): CaptureAnalysis {
  const reader = captureFromBytes(bytes);
  return analyzeCapture(reader, { name: 'test.pcap', vms: options.vms ?? [], gateways: options.gateways ?? [] });
}

/** Times from `start` to `end` (ns, end excluded) every `interval`, leaving out those inside any silence [from, to). */
export function times(start: number, end: number, interval: number, silences: ReadonlyArray<readonly [number, number]> = []): number[] {
  const out: number[] = [];
  for (let t = start; t < end; t += interval) if (!silences.some(([a, b]) => t >= a && t < b)) out.push(t);
  return out;
}

/** An IPv4 UDP frame. */
export function udp4(srcMac: MacAddress, dstMac: MacAddress, src: Ipv4Address, dst: Ipv4Address, id: number, options: { vlanTags?: readonly VlanTag[]; size?: number; ports?: [number, number] } = {}): EthernetFrame {
  const [sport, dport] = options.ports ?? [43000, 43000];
  return ethernetFrame(dstMac, srcMac, {
    kind: 'ipv4', typeOfService: 0, identification: id & 0xffff, flags: 2, fragmentOffset: 0, timeToLive: 64, protocol: 17,
    source: src, destination: dst, options: new Uint8Array(0),
    payload: { kind: 'udp', sourcePort: sport, destinationPort: dport, payload: { kind: 'raw', bytes: new Uint8Array(options.size ?? 64) } },
  }, options.vlanTags === undefined ? {} : { vlanTags: options.vlanTags });
}

/** An IPv6 UDP frame. */
export function udp6(srcMac: MacAddress, dstMac: MacAddress, src: Ipv6Address, dst: Ipv6Address, n: number): EthernetFrame {
  const payload = new Uint8Array(64);
  new DataView(payload.buffer).setUint32(0, n);
  return ethernetFrame(dstMac, srcMac, {
    kind: 'ipv6', trafficClass: 0, flowLabel: 0, nextHeader: 17, hopLimit: 64, source: src, destination: dst,
    payload: { kind: 'udp', sourcePort: 43000, destinationPort: 43000, payload: { kind: 'raw', bytes: payload } },
  });
}

/** An ICMP echo request (8) or reply (0). */
export function echo4(srcMac: MacAddress, dstMac: MacAddress, src: Ipv4Address, dst: Ipv4Address, type: 0 | 8, id: number, seq: number): EthernetFrame {
  return ethernetFrame(dstMac, srcMac, {
    kind: 'ipv4', typeOfService: 0, identification: seq, flags: 2, fragmentOffset: 0, timeToLive: 64, protocol: 1,
    source: src, destination: dst, options: new Uint8Array(0), payload: icmpv4Echo(type, id, seq, new Uint8Array(56)),
  });
}

/** A TCP segment (header only; `payload` bytes counted by the IP length). */
export function tcp4(srcMac: MacAddress, dstMac: MacAddress, src: Ipv4Address, dst: Ipv4Address, sport: number, dport: number, seq: number, payload: number): EthernetFrame {
  const bytes = new Uint8Array(20 + payload);
  const v = new DataView(bytes.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  v.setUint32(4, seq);
  bytes[12] = 5 << 4;
  bytes[13] = 0x18;
  return ethernetFrame(dstMac, srcMac, {
    kind: 'ipv4', typeOfService: 0, identification: seq & 0xffff, flags: 2, fragmentOffset: 0, timeToLive: 64, protocol: 6,
    source: src, destination: dst, options: new Uint8Array(0), payload: { kind: 'raw', bytes },
  });
}

/** The Ethernet destination of an IPv6 multicast group. */
export const groupMac = ipv6MulticastMac;
