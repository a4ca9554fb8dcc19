/**
 * Classifying the address-resolution and address-configuration messages of a capture: the ARP
 * family by form (request, reply, probe, announcement, gratuitous request and reply: the rules of
 * `classifyArp`, RFC 5227 §2.1.1 and §2.3, RFC 5944 §4.6), RARP (RFC 903), Neighbor Discovery
 * (resolution NS, DAD NS from `::` per RFC 4862 §5.4.2, solicited and unsolicited NA per RFC 4861
 * §7.2.4 and §7.2.6, RS, RA, Redirect), DHCPv4 by message type (RFC 2132 §9.6) and VRRP
 * advertisements (RFC 5798 §5), which name a gateway's virtual addresses. Each becomes one
 * {@link ControlMessage}: who speaks, what address it is about, which MAC it binds to that address.
 * The messages are parsed by the wire codecs (checksums ignored: offloading NICs leave them wrong).
 */
import type { ArpForm, DhcpMessage, Icmpv6Message } from '../wire/index.js';
import {
  ETHERTYPE_ARP,
  ETHERTYPE_RARP,
  WireError,
  classifyArp,
  dhcpClientMac,
  dhcpMessageType,
  formatIpv4,
  ndLinkLayerAddress,
  parseArp,
  parseIpv4Packet,
  parseIpv6Packet,
  vrrpInPacket,
} from '../wire/index.js';
import type { LinkFrame } from './link-reader.js';
import { PACKET_DHCP, PACKET_NEIGHBOR_DISCOVERY, PACKET_VRRP } from './headers.js';

/** The message forms the timeline names. */
export type ControlForm =
  | 'arp-request'
  | 'arp-reply'
  | 'arp-probe'
  | 'arp-announcement'
  | 'garp-request'
  | 'garp-reply'
  | 'arp-other'
  | 'rarp-request'
  | 'rarp-reply'
  | 'ns'
  | 'dad-ns'
  | 'na-solicited'
  | 'na-unsolicited'
  | 'rs'
  | 'ra'
  | 'redirect'
  | 'dhcp'
  | 'vrrp';

const ARP_FORMS: Readonly<Record<ArpForm, ControlForm>> = {
  'request': 'arp-request',
  'reply': 'arp-reply',
  'probe': 'arp-probe',
  'announcement': 'arp-announcement',
  'gratuitous-request': 'garp-request',
  'gratuitous-reply': 'garp-reply',
  'rarp-request': 'rarp-request',
  'rarp-reply': 'rarp-reply',
  'other': 'arp-other',
};

/** DHCP message types (RFC 2132 §9.6). */
const DHCP_TYPES: Record<number, string> = {
  1: 'discover', 2: 'offer', 3: 'request', 4: 'decline', 5: 'ack', 6: 'nak', 7: 'release', 8: 'inform',
};

/** One address-resolution or configuration message. Times in ns since the start of the capture. */
export interface ControlMessage {
  readonly time: number;
  readonly form: ControlForm;
  /** Link layer: source and destination MAC (-1 where the header has none), where it was seen. */
  readonly sourceMac: number;
  readonly destinationMac: number;
  readonly groupAddressed: boolean;
  readonly linkSource: number;
  readonly outgoing: boolean;
  /** The address that speaks (ARP sender, NS/NA/RS/RA source), if any. */
  readonly speaker: string | undefined;
  /** The address the message is about (ARP target or sender, ND target, DHCP address, VRRP address). */
  readonly subject: string | undefined;
  /** The MAC the message binds to its subject (ARP sender MAC, NA target link-layer address, DHCP client). */
  readonly boundMac: number;
  /** Whether `subject`'s binding to `boundMac` is asserted by the message (a reply, an announcement, an NA). */
  readonly binds: boolean;
  /** ARP target MAC, RARP's MAC in question; -1 otherwise. */
  readonly targetMac: number;
  /** NA flags. */
  readonly router: boolean;
  readonly override: boolean;
  /** DHCP: the message type name; VRRP: every virtual address (comma-separated). */
  readonly detail: string;
}

/** What a message says beyond its link layer (every field given: one object shape for all). */
interface Said {
  readonly speaker: string | undefined;
  readonly subject: string | undefined;
  readonly boundMac: number;
  readonly binds: boolean;
  readonly targetMac: number;
  readonly router: boolean;
  readonly override: boolean;
  readonly detail: string;
}

const NOTHING: Said = { speaker: undefined, subject: undefined, boundMac: -1, binds: false, targetMac: -1, router: false, override: false, detail: '' };

/** The message of the current frame: its link layer, and what it says. */
function message(f: LinkFrame, form: ControlForm, said: Partial<Said>): ControlMessage {
  const s = { ...NOTHING, ...said };
  return {
    time: f.timeNs, form, sourceMac: f.sourceMac, destinationMac: f.destinationMac, groupAddressed: f.groupAddressed,
    linkSource: f.sourceKey, outgoing: f.outgoing, speaker: s.speaker, subject: s.subject, boundMac: s.boundMac,
    binds: s.binds, targetMac: s.targetMac, router: s.router, override: s.override, detail: s.detail,
  };
}

/** Result of classifying one frame. */
export type Classified = ControlMessage | 'truncated' | 'malformed' | undefined;

/**
 * Classifies the control message in the current frame (`kind` from the header reader); undefined for
 * anything else, 'truncated' when the snapshot length cut it, 'malformed' when its bytes are bad.
 */
export function classifyControl(f: LinkFrame, kind: number): Classified {
  try {
    if (f.etherType === ETHERTYPE_ARP || f.etherType === ETHERTYPE_RARP) return arpMessage(f);
    if (kind === PACKET_NEIGHBOR_DISCOVERY) return ndMessage(f);
    if (kind === PACKET_DHCP) return dhcpMessage(f);
    if (kind === PACKET_VRRP) return vrrpMessage(f);
    return undefined;
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    return e.code === 'truncated' && f.originalLength > f.end - f.start ? 'truncated' : 'malformed';
  }
}

function arpMessage(f: LinkFrame): ControlMessage {
  const p = parseArp(f.bytes, f.networkOffset, f.end);
  const form = ARP_FORMS[classifyArp(p)];
  const spa = p.senderProtocolAddress === 0 ? undefined : formatIpv4(p.senderProtocolAddress);
  const tpa = p.targetProtocolAddress === 0 ? undefined : formatIpv4(p.targetProtocolAddress);
  switch (form) {
    case 'rarp-request':
    case 'rarp-reply':
      return message(f, form, { boundMac: p.senderHardwareAddress, targetMac: p.targetHardwareAddress, subject: form === 'rarp-reply' ? tpa : undefined, binds: form === 'rarp-reply' });
    case 'arp-request':
    case 'arp-probe':
      return message(f, form, { speaker: spa, subject: tpa, boundMac: p.senderHardwareAddress, targetMac: p.targetHardwareAddress });
    default:
      // Replies and every gratuitous form bind the sender's address to the sender's MAC.
      return message(f, form, { speaker: spa, subject: spa, boundMac: p.senderHardwareAddress, binds: spa !== undefined, targetMac: p.targetHardwareAddress });
  }
}

function ndMessage(f: LinkFrame): ControlMessage | undefined {
  const packet = parseIpv6Packet(f.bytes, f.networkOffset, f.end, { checksums: 'ignore' });
  if (packet.payload.kind !== 'icmpv6') return undefined;
  const m: Icmpv6Message = packet.payload;
  const source = packet.source === '::' ? undefined : packet.source;
  switch (m.type) {
    case 'ns': {
      const sll = ndLinkLayerAddress(m.options, 'source-link-layer');
      return message(f, source === undefined ? 'dad-ns' : 'ns', { speaker: source, subject: m.targetAddress, boundMac: sll ?? f.sourceMac });
    }
    case 'na': {
      const tll = ndLinkLayerAddress(m.options, 'target-link-layer');
      return message(f, m.solicitedFlag ? 'na-solicited' : 'na-unsolicited', {
        speaker: source, subject: m.targetAddress, boundMac: tll ?? f.sourceMac, binds: true, router: m.routerFlag, override: m.overrideFlag,
      });
    }
    case 'rs': return message(f, 'rs', { speaker: source, boundMac: f.sourceMac });
    case 'ra': return message(f, 'ra', { speaker: source, boundMac: ndLinkLayerAddress(m.options, 'source-link-layer') ?? f.sourceMac, router: true });
    case 'redirect': return message(f, 'redirect', { speaker: source, subject: m.destinationAddress });
    default: return undefined;
  }
}

function dhcpMessage(f: LinkFrame): ControlMessage | undefined {
  const packet = parseIpv4Packet(f.bytes, f.networkOffset, f.end, { checksums: 'ignore' });
  if (packet.payload.kind !== 'udp' || packet.payload.payload.kind !== 'dhcp') return undefined;
  const m: DhcpMessage = packet.payload.payload;
  const type = dhcpMessageType(m);
  let address = m.yourAddress !== 0 ? m.yourAddress : m.clientAddress;
  if (address === 0) for (const o of m.options) if (o.kind === 'requested-address') address = o.address;
  const client = dhcpClientMac(m);
  const name = type === undefined ? 'bootp' : DHCP_TYPES[type] ?? `type ${type}`;
  return message(f, 'dhcp', { subject: address === 0 ? undefined : formatIpv4(address), boundMac: client ?? -1, binds: type === 5, detail: name });
}

function vrrpMessage(f: LinkFrame): ControlMessage | undefined {
  const packet = f.etherType === 0x0800
    ? parseIpv4Packet(f.bytes, f.networkOffset, f.end, { checksums: 'ignore' })
    : parseIpv6Packet(f.bytes, f.networkOffset, f.end, { checksums: 'ignore' });
  const ad = vrrpInPacket(packet, { checksums: 'ignore' });
  if (ad === undefined) return undefined;
  const addresses = ad.addresses.map((a) => (typeof a === 'number' ? formatIpv4(a) : a));
  return message(f, 'vrrp', {
    speaker: packet.kind === 'ipv4' ? formatIpv4(packet.source) : packet.source, subject: addresses[0], boundMac: f.sourceMac, detail: addresses.join(','),
  });
}

/** True for the forms by which a host asserts its own binding to everyone (the announcements of a move). */
export function isAnnouncement(form: ControlForm): boolean {
  return form === 'arp-announcement' || form === 'garp-request' || form === 'garp-reply' || form === 'na-unsolicited' || form === 'rarp-request';
}
