/**
 * Constructors for the messages the simulator and the tests build most: the ARP family in every form
 * that matters after a move (RFC 826, RFC 903, RFC 5227, RFC 5944 §4.6), the Neighbor Discovery
 * messages (RFC 4861, RFC 4862 DAD), and the Ethernet frames around them with the right EtherType and
 * destination (RFC 2464 §7 for IPv6 multicast). They only fill in reprs; nothing here is encoded.
 */
import type { ArpPacket } from './arp.js';
import { ARP_HARDWARE_ETHERNET, ARP_OP_RARP_REQUEST, ARP_OP_REPLY, ARP_OP_REQUEST, ARP_PROTOCOL_IPV4, ETHERTYPE_ARP, ETHERTYPE_RARP } from './arp.js';
import type { EthernetFrame, VlanTag } from './ethernet.js';
import { TPID_8021Q } from './ethernet.js';
import type { NeighborAdvertisement, NeighborSolicitation } from './icmpv6.js';
import type { Ipv4Packet } from './ipv4.js';
import { ETHERTYPE_IPV4 } from './ipv4.js';
import type { Ipv4Address } from './ipv4-address.js';
import { IPV4_UNSPECIFIED } from './ipv4-address.js';
import type { Ipv6Packet, Ipv6Payload } from './ipv6.js';
import { ETHERTYPE_IPV6 } from './ipv6.js';
import type { Ipv6Address } from './ipv6-address.js';
import { IPV6_ALL_NODES, IPV6_UNSPECIFIED, ipv6MulticastMac, isMulticastIpv6, solicitedNodeAddress } from './ipv6-address.js';
import type { MacAddress } from './mac.js';
import { MAC_BROADCAST, MAC_ZERO } from './mac.js';
import type { NdOption } from './nd-options.js';

/** A single 802.1Q C-tag with priority 0. */
export function vlanTag(vlanId: number): VlanTag {
  return { tpid: TPID_8021Q, priority: 0, dropEligible: false, vlanId };
}

function arp(operation: number, sha: MacAddress, spa: Ipv4Address, tha: MacAddress, tpa: Ipv4Address): ArpPacket {
  return {
    kind: 'arp', hardwareType: ARP_HARDWARE_ETHERNET, protocolType: ARP_PROTOCOL_IPV4, operation,
    senderHardwareAddress: sha, senderProtocolAddress: spa, targetHardwareAddress: tha, targetProtocolAddress: tpa,
  };
}

/** "Who has `targetIp`? Tell `senderIp`": a request with an unknown (zero) target MAC. */
export function arpRequest(senderMac: MacAddress, senderIp: Ipv4Address, targetIp: Ipv4Address): ArpPacket {
  return arp(ARP_OP_REQUEST, senderMac, senderIp, MAC_ZERO, targetIp);
}

/** The answer to a request, addressed to the requester. */
export function arpReply(senderMac: MacAddress, senderIp: Ipv4Address, targetMac: MacAddress, targetIp: Ipv4Address): ArpPacket {
  return arp(ARP_OP_REPLY, senderMac, senderIp, targetMac, targetIp);
}

/** RFC 5227 §2.1.1 probe: sender IP 0.0.0.0, target MAC zero. */
export function arpProbe(senderMac: MacAddress, candidateIp: Ipv4Address): ArpPacket {
  return arp(ARP_OP_REQUEST, senderMac, IPV4_UNSPECIFIED, MAC_ZERO, candidateIp);
}

/** RFC 5227 §2.3 announcement (also Linux's arp_notify GARP): a request with sender IP = target IP, target MAC zero. */
export function arpAnnouncement(senderMac: MacAddress, ip: Ipv4Address): ArpPacket {
  return arp(ARP_OP_REQUEST, senderMac, ip, MAC_ZERO, ip);
}

/**
 * Gratuitous ARP (RFC 5944 §4.6). Request form: target MAC ff:ff:ff:ff:ff:ff, as `arping -U` sends it
 * (use {@link arpAnnouncement} for the zero form). Reply form: target MAC = sender MAC.
 */
export function gratuitousArp(senderMac: MacAddress, ip: Ipv4Address, form: 'request' | 'reply'): ArpPacket {
  return form === 'request' ? arp(ARP_OP_REQUEST, senderMac, ip, MAC_BROADCAST, ip) : arp(ARP_OP_REPLY, senderMac, ip, senderMac, ip);
}

/** The RARP "request reverse" that QEMU and VMware send to announce a MAC (RFC 903; addresses 0). */
export function rarpAnnounce(mac: MacAddress): ArpPacket {
  return arp(ARP_OP_RARP_REQUEST, mac, IPV4_UNSPECIFIED, mac, IPV4_UNSPECIFIED);
}

/** Options for {@link ethernetFrame}. */
export interface FrameOptions {
  readonly vlanTags?: readonly VlanTag[];
  /** For ARP packets: use the RARP EtherType (0x8035). Defaults to RARP for opcodes 3 and 4. */
  readonly rarp?: boolean;
}

// The tags of an untagged frame: one shared, frozen empty list rather than a new array per frame.
const NO_TAGS: readonly VlanTag[] = Object.freeze([]);

/** Wraps an ARP, IPv4 or IPv6 packet in an Ethernet frame with the matching EtherType. */
export function ethernetFrame(
  destination: MacAddress,
  source: MacAddress,
  payload: ArpPacket | Ipv4Packet | Ipv6Packet,
  options?: FrameOptions,
): EthernetFrame {
  let etherType: number;
  if (payload.kind === 'arp') {
    const rarp = options?.rarp ?? (payload.operation === 3 || payload.operation === 4);
    etherType = rarp ? ETHERTYPE_RARP : ETHERTYPE_ARP;
  } else {
    etherType = payload.kind === 'ipv4' ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
  }
  return { destination, source, vlanTags: options?.vlanTags ?? NO_TAGS, etherType, payload };
}

/** An IPv6 packet with hop limit 255, as Neighbor Discovery requires (RFC 4861 §7.1). */
export function ndPacket(source: Ipv6Address, destination: Ipv6Address, payload: Ipv6Payload): Ipv6Packet {
  return { kind: 'ipv6', trafficClass: 0, flowLabel: 0, nextHeader: 58, hopLimit: 255, source, destination, payload };
}

/**
 * A Neighbor Solicitation. From `::` it is a DAD probe (RFC 4862 §5.4.2: to the solicited-node group,
 * no SLLAO); otherwise address resolution (multicast, with SLLAO) or, when `destination` is the target
 * itself, a unicast NUD probe.
 */
export function neighborSolicitation(
  source: Ipv6Address,
  target: Ipv6Address,
  sourceMac: MacAddress,
  destination: Ipv6Address = solicitedNodeAddress(target),
): Ipv6Packet {
  const options: NdOption[] = source === IPV6_UNSPECIFIED ? [] : [{ kind: 'source-link-layer', address: sourceMac }];
  const ns: NeighborSolicitation = { kind: 'icmpv6', type: 'ns', code: 0, reserved: 0, targetAddress: target, options };
  return ndPacket(source, destination, ns);
}

/** Flags and options of a {@link neighborAdvertisement}. */
export interface AdvertisementFlags {
  readonly router?: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
  /** Include the target link-layer address option (default true). */
  readonly includeTargetLinkLayer?: boolean;
}

/** A Neighbor Advertisement for `target` (RFC 4861 §4.4); unsolicited ones go to ff02::1 by default. */
export function neighborAdvertisement(
  source: Ipv6Address,
  target: Ipv6Address,
  targetMac: MacAddress,
  flags: AdvertisementFlags,
  destination: Ipv6Address = IPV6_ALL_NODES,
): Ipv6Packet {
  const options: NdOption[] = flags.includeTargetLinkLayer === false ? [] : [{ kind: 'target-link-layer', address: targetMac }];
  const na: NeighborAdvertisement = {
    kind: 'icmpv6', type: 'na', code: 0, routerFlag: flags.router ?? false, solicitedFlag: flags.solicited,
    overrideFlag: flags.override, reserved: 0, targetAddress: target, options,
  };
  return ndPacket(source, destination, na);
}

/** The Ethernet destination for an IPv6 packet: 33:33:… for multicast, else `unicastMac`. */
export function ipv6Destination(packet: Ipv6Packet, unicastMac: MacAddress): MacAddress {
  return isMulticastIpv6(packet.destination) ? ipv6MulticastMac(packet.destination) : unicastMac;
}
