/** VRRPv3 advertisement frames for codec and decoder tests. */
import type { EthernetFrame, Ipv4Address, Ipv6Address, PseudoHeader, VrrpAdvertisement } from '../../src/wire/index.js';
import {
  IP_PROTOCOL_VRRP, VRRP_IPV4_GROUP, VRRP_IPV6_GROUP, ethernetFrame, ipv4MulticastMac, ipv6MulticastMac, parseIpv4, parseIpv6, rawPayload,
  vrrpBytes, vrrpMac,
} from '../../src/wire/index.js';

export const VRRP_SRC4 = parseIpv4('198.18.0.2')!;
export const VRRP_VIP4 = [parseIpv4('198.18.0.1')!, parseIpv4('198.18.0.254')!];
export const VRRP_SRC6 = parseIpv6('2001:db8::2')!;
export const VRRP_VIP6 = [parseIpv6('2001:db8::1')!];

export function vrrpAdvert(addresses: readonly (Ipv4Address | Ipv6Address)[], vrid = 7, priority = 200): VrrpAdvertisement {
  return { kind: 'vrrp', vrid, priority, maxAdvertInterval: 100, addresses };
}

/** An IPv4 advertisement frame, as a master sends it. */
export function vrrpFrame4(ad: VrrpAdvertisement): EthernetFrame {
  const pseudo: PseudoHeader = { kind: 'ipv4', source: VRRP_SRC4, destination: VRRP_IPV4_GROUP };
  return ethernetFrame(ipv4MulticastMac(VRRP_IPV4_GROUP), vrrpMac(ad.vrid), {
    kind: 'ipv4', typeOfService: 0xc0, identification: 0, flags: 0, fragmentOffset: 0, timeToLive: 255, protocol: IP_PROTOCOL_VRRP,
    source: VRRP_SRC4, destination: VRRP_IPV4_GROUP, options: new Uint8Array(0), payload: rawPayload(vrrpBytes(ad, pseudo)),
  });
}

/** An IPv6 advertisement frame. */
export function vrrpFrame6(ad: VrrpAdvertisement): EthernetFrame {
  const pseudo: PseudoHeader = { kind: 'ipv6', source: VRRP_SRC6, destination: VRRP_IPV6_GROUP };
  return ethernetFrame(ipv6MulticastMac(VRRP_IPV6_GROUP), vrrpMac(ad.vrid, 'ipv6'), {
    kind: 'ipv6', trafficClass: 0xc0, flowLabel: 0, nextHeader: IP_PROTOCOL_VRRP, hopLimit: 255,
    source: VRRP_SRC6, destination: VRRP_IPV6_GROUP, payload: rawPayload(vrrpBytes(ad, pseudo)),
  });
}
