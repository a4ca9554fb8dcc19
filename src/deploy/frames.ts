/**
 * The frames of a migration announcement, built with the wire layer and encoded to bytes:
 *
 * - RARP "request reverse" for the MAC, as QEMU (net/announce.c, `announce_self_create`: broadcast,
 *   EtherType 0x8035, op 3, sender and target hardware address the MAC, protocol addresses 0, padded
 *   to 60 bytes) and VMware's "Notify Switches" send it: it teaches every switch the MAC's new port and
 *   changes no host's cache.
 * - Gratuitous ARP per IPv4 address, broadcast: request form (RFC 5227 §3: an ARP announcement is a
 *   request with sender and target IP the address; target MAC zero as Linux's own announcement and RFC
 *   5227 §2.3, or broadcast as `arping -U`), or reply form (RFC 5944 §4.6: target MAC = sender MAC).
 * - Unsolicited Neighbor Advertisement per IPv6 address (RFC 4861 §7.2.6): to all-nodes ff02::1
 *   (33:33:00:00:00:01), Solicited clear, Override set, with the Target Link-Layer Address option, hop
 *   limit 255 (§7.1), from the address itself as Linux's `ndisc_send_unsol_na` does.
 * - For re-resolution (the agent): a broadcast ARP request (RFC 826) and a multicast Neighbor
 *   Solicitation to the target's solicited-node group with the Source Link-Layer Address option
 *   (RFC 4861 §7.2.2).
 */
import type { Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';
import {
  MAC_BROADCAST,
  arpAnnouncement,
  arpRequest,
  emitFrame,
  ethernetFrame,
  formatIpv4,
  formatMac,
  gratuitousArp,
  ipv6Destination,
  neighborAdvertisement,
  neighborSolicitation,
  rarpAnnounce,
} from '../wire/index.js';

/** What an announcement consists of. */
export type AnnouncementKind = 'rarp' | 'garp' | 'na';

/** One frame ready to send, with a short text for the log. */
export interface OutgoingFrame {
  readonly kind: AnnouncementKind | 'arp-request' | 'ns';
  readonly text: string;
  readonly bytes: Uint8Array;
}

/** What to announce. */
export interface AnnouncementSpec {
  readonly mac: MacAddress;
  readonly ipv4: readonly Ipv4Address[];
  readonly ipv6: readonly Ipv6Address[];
  readonly kinds: ReadonlySet<AnnouncementKind>;
  /** Gratuitous ARP as a request (RFC 5227 §3) or a reply (RFC 5944 §4.6). */
  readonly garpForm: 'request' | 'reply';
  /** Target MAC of a request-form GARP. */
  readonly garpTarget: 'zero' | 'broadcast';
}

/** The frames of one round of `spec`: the RARP, then one GARP per IPv4 address, then one NA per IPv6 address. */
export function announcementFrames(spec: AnnouncementSpec): OutgoingFrame[] {
  const out: OutgoingFrame[] = [];
  const mac = formatMac(spec.mac);
  if (spec.kinds.has('rarp')) {
    out.push({ kind: 'rarp', text: `RARP ${mac}`, bytes: emitFrame(ethernetFrame(MAC_BROADCAST, spec.mac, rarpAnnounce(spec.mac))) });
  }
  if (spec.kinds.has('garp')) {
    for (const a of spec.ipv4) {
      const packet = spec.garpForm === 'reply' ? gratuitousArp(spec.mac, a, 'reply')
        : spec.garpTarget === 'zero' ? arpAnnouncement(spec.mac, a) : gratuitousArp(spec.mac, a, 'request');
      out.push({ kind: 'garp', text: `GARP ${spec.garpForm} ${formatIpv4(a)} is-at ${mac}`, bytes: emitFrame(ethernetFrame(MAC_BROADCAST, spec.mac, packet)) });
    }
  }
  if (spec.kinds.has('na')) {
    for (const a of spec.ipv6) {
      const packet = neighborAdvertisement(a, a, spec.mac, { solicited: false, override: true });
      out.push({ kind: 'na', text: `NA ${a} is-at ${mac} (O)`, bytes: emitFrame(ethernetFrame(ipv6Destination(packet, MAC_BROADCAST), spec.mac, packet)) });
    }
  }
  return out;
}

/** A broadcast ARP request for `target` from `source` (its own MAC and IPv4 address). */
export function arpRequestFrame(sourceMac: MacAddress, sourceIp: Ipv4Address, target: Ipv4Address): OutgoingFrame {
  return {
    kind: 'arp-request',
    text: `ARP who-has ${formatIpv4(target)} tell ${formatIpv4(sourceIp)}`,
    bytes: emitFrame(ethernetFrame(MAC_BROADCAST, sourceMac, arpRequest(sourceMac, sourceIp, target))),
  };
}

/** A multicast Neighbor Solicitation for `target` from `source`, to its solicited-node group, with SLLAO. */
export function neighborSolicitationFrame(sourceMac: MacAddress, source: Ipv6Address, target: Ipv6Address): OutgoingFrame {
  const packet = neighborSolicitation(source, target, sourceMac);
  return { kind: 'ns', text: `NS who-has ${target} from ${source}`, bytes: emitFrame(ethernetFrame(ipv6Destination(packet, MAC_BROADCAST), sourceMac, packet)) };
}
