/**
 * ARP (RFC 826) and RARP (RFC 903) over Ethernet and IPv4.
 *
 * The view reads any hardware/protocol address sizes (offsets come from `ar$hln` and `ar$pln`, as
 * RFC 826 defines them); the repr is the Ethernet/IPv4 case (hln 6, pln 4), the only one the
 * simulator builds, and other sizes parse to an `unsupported` error. Every opcode is kept as a number
 * (1 request, 2 reply, 3/4 RARP, 8/9 InARP, …). The same packet layout travels under EtherType 0x0806
 * (ARP) and 0x8035 (RARP); the frame, not this repr, carries which.
 *
 * {@link classifyArp} names the forms that matter after a migration, with the rules of RFC 5227 §2.1.1
 * and §2.3, RFC 5944 §4.6, and Wireshark's ARP dissector (so that `arp.isgratuitous`, `arp.isprobe`
 * and `arp.isannouncement` agree with ours).
 */
import { readU16, writeU16 } from './bytes.js';
import type { Codec } from './codec.js';
import { WireError, need } from './errors.js';
import type { Ipv4Address } from './ipv4-address.js';
import { readIpv4, writeIpv4 } from './ipv4-address.js';
import type { MacAddress } from './mac.js';
import { readMac, writeMac } from './mac.js';

const LAYER = 'arp';

/** EtherType of ARP. */
export const ETHERTYPE_ARP = 0x0806;
/** EtherType of RARP (RFC 903). */
export const ETHERTYPE_RARP = 0x8035;
/** `ar$hrd` for Ethernet. */
export const ARP_HARDWARE_ETHERNET = 1;
/** `ar$pro` for IPv4. */
export const ARP_PROTOCOL_IPV4 = 0x0800;
/** ARP opcodes (RFC 826, RFC 903, RFC 2390). */
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
export const ARP_OP_RARP_REQUEST = 3;
export const ARP_OP_RARP_REPLY = 4;
export const ARP_OP_INARP_REQUEST = 8;
export const ARP_OP_INARP_REPLY = 9;

/** Length of an Ethernet/IPv4 ARP packet: 8 + 2 × 6 + 2 × 4. */
export const ARP_LENGTH = 28;

/** An Ethernet/IPv4 ARP or RARP packet, fields named as in RFC 826. */
export interface ArpPacket {
  readonly kind: 'arp';
  readonly hardwareType: number;
  readonly protocolType: number;
  readonly operation: number;
  readonly senderHardwareAddress: MacAddress;
  readonly senderProtocolAddress: Ipv4Address;
  readonly targetHardwareAddress: MacAddress;
  readonly targetProtocolAddress: Ipv4Address;
}

/**
 * A checked view over the bytes of an ARP packet of any address sizes. The constructor checks that
 * the fixed header and all four addresses fit in `[start, end)`; afterwards no getter reads outside.
 */
export class ArpView {
  readonly bytes: Uint8Array;
  readonly start: number;

  constructor(bytes: Uint8Array, start: number, end: number) {
    need(LAYER, 'header', start, 8, end);
    const hln = bytes[start + 4]!;
    const pln = bytes[start + 5]!;
    need(LAYER, 'addresses', start + 8, 2 * hln + 2 * pln, end);
    this.bytes = bytes;
    this.start = start;
  }

  get hardwareType(): number { return readU16(this.bytes, this.start); }
  get protocolType(): number { return readU16(this.bytes, this.start + 2); }
  get hardwareLength(): number { return this.bytes[this.start + 4]!; }
  get protocolLength(): number { return this.bytes[this.start + 5]!; }
  get operation(): number { return readU16(this.bytes, this.start + 6); }
  /** Total length implied by the address sizes. */
  get length(): number { return 8 + 2 * this.hardwareLength + 2 * this.protocolLength; }
  get senderHardwareOffset(): number { return this.start + 8; }
  get senderProtocolOffset(): number { return this.start + 8 + this.hardwareLength; }
  get targetHardwareOffset(): number { return this.start + 8 + this.hardwareLength + this.protocolLength; }
  get targetProtocolOffset(): number { return this.start + 8 + 2 * this.hardwareLength + this.protocolLength; }
}

/** Parses an Ethernet/IPv4 ARP packet from `bytes[start, end)`; trailing bytes are not looked at. */
export function parseArp(bytes: Uint8Array, start: number, end: number): ArpPacket {
  const view = new ArpView(bytes, start, end);
  if (view.hardwareLength !== 6) {
    throw new WireError('unsupported', LAYER, 'hardware address length', start + 4, 6, view.hardwareLength);
  }
  if (view.protocolLength !== 4) {
    throw new WireError('unsupported', LAYER, 'protocol address length', start + 5, 4, view.protocolLength);
  }
  return {
    kind: 'arp',
    hardwareType: view.hardwareType,
    protocolType: view.protocolType,
    operation: view.operation,
    senderHardwareAddress: readMac(bytes, start + 8),
    senderProtocolAddress: readIpv4(bytes, start + 14),
    targetHardwareAddress: readMac(bytes, start + 18),
    targetProtocolAddress: readIpv4(bytes, start + 24),
  };
}

/** Writes the 28 bytes of `p` at `offset`. */
export function emitArp(p: ArpPacket, out: Uint8Array, offset: number): number {
  writeU16(out, offset, p.hardwareType);
  writeU16(out, offset + 2, p.protocolType);
  out[offset + 4] = 6;
  out[offset + 5] = 4;
  writeU16(out, offset + 6, p.operation);
  writeMac(out, offset + 8, p.senderHardwareAddress);
  writeIpv4(out, offset + 14, p.senderProtocolAddress);
  writeMac(out, offset + 18, p.targetHardwareAddress);
  writeIpv4(out, offset + 24, p.targetProtocolAddress);
  return ARP_LENGTH;
}

/** The ARP codec. */
export const arpCodec: Codec<ArpPacket> = {
  layer: LAYER,
  encodedLength: () => ARP_LENGTH,
  emit: (p, out, offset) => emitArp(p, out, offset),
  parse: (bytes, start, end) => parseArp(bytes, start, end),
};

/** The forms of ARP-family message that matter after a move. */
export type ArpForm =
  | 'request'
  | 'reply'
  | 'gratuitous-request'
  | 'gratuitous-reply'
  | 'probe'
  | 'announcement'
  | 'rarp-request'
  | 'rarp-reply'
  | 'other';

/**
 * Names the form of an ARP packet.
 *
 * - `probe`: a request with sender IP 0.0.0.0 (RFC 5227 §2.1.1). Linux's `arp_process` treats every
 *   such request as a probe, whatever the target hardware address.
 * - `announcement`: a request with sender IP = target IP and target MAC all zero (RFC 5227 §2.3).
 *   This is also what Linux sends for `arp_notify` and NETDEV_NOTIFY_PEERS: on the wire the two are
 *   the same message.
 * - `gratuitous-request`: a request with sender IP = target IP and any other target MAC (e.g.
 *   `arping -U`, which puts ff:ff:ff:ff:ff:ff there).
 * - `gratuitous-reply`: a reply with sender IP = target IP (RFC 5944 §4.6; Linux additionally wants
 *   target MAC = sender MAC before it treats one as gratuitous, see the profiles).
 * - `rarp-request` / `rarp-reply`: opcodes 3 and 4 (RFC 903), e.g. QEMU's and VMware's self-announce.
 */
export function classifyArp(p: ArpPacket): ArpForm {
  switch (p.operation) {
    case ARP_OP_REQUEST:
      if (p.senderProtocolAddress === 0) return 'probe';
      if (p.senderProtocolAddress === p.targetProtocolAddress) {
        return p.targetHardwareAddress === 0 ? 'announcement' : 'gratuitous-request';
      }
      return 'request';
    case ARP_OP_REPLY:
      return p.senderProtocolAddress === p.targetProtocolAddress && p.senderProtocolAddress !== 0
        ? 'gratuitous-reply'
        : 'reply';
    case ARP_OP_RARP_REQUEST:
      return 'rarp-request';
    case ARP_OP_RARP_REPLY:
      return 'rarp-reply';
    default:
      return 'other';
  }
}

/** True for the forms that assert the sender's own binding to everyone (gratuitous or announcement). */
export function isGratuitousForm(form: ArpForm): boolean {
  return form === 'gratuitous-request' || form === 'gratuitous-reply' || form === 'announcement';
}
