/**
 * One frame of every message the wire layer knows, edge cases included, each with a name. Used by the
 * tshark cross-check, the decoder tests and the benchmark's mixed capture.
 */
import type { DhcpMessage, DhcpOption, EthernetFrame, Ipv4Address, Ipv6Address, MacAddress } from '../../src/wire/index.js';
import {
  MAC_BROADCAST,
  arpAnnouncement,
  arpProbe,
  arpReply,
  arpRequest,
  ethernetFrame,
  gratuitousArp,
  icmpv4Echo,
  ipv6MulticastMac,
  ndPacket,
  neighborAdvertisement,
  neighborSolicitation,
  parseIpv4,
  parseIpv6,
  parseMac,
  rarpAnnounce,
  solicitedNodeAddress,
  vlanTag,
} from '../../src/wire/index.js';

export const mac = (s: string): MacAddress => parseMac(s)!;
export const ip4 = (s: string): Ipv4Address => parseIpv4(s)!;
export const ip6 = (s: string): Ipv6Address => parseIpv6(s)!;

export const VM_MAC = mac('02:00:5e:10:00:01');
export const GW_MAC = mac('02:00:5e:00:00:fe');
export const VM_IP = ip4('198.18.0.10');
export const GW_IP = ip4('198.18.0.1');
export const VM_IP6 = ip6('2001:db8::10');
export const GW_IP6 = ip6('2001:db8::1');
export const VM_LL = ip6('fe80::ff:fe10:1');

function dhcp(messageType: number, op: 1 | 2, options: DhcpOption[], yourIp = 0): DhcpMessage {
  const chaddr = new Uint8Array(16);
  chaddr.set([0x02, 0x00, 0x5e, 0x10, 0x00, 0x01]);
  return {
    kind: 'dhcp', op, hardwareType: 1, hardwareLength: 6, hops: 0, transactionId: 0x3903f326, seconds: 0, flags: 0,
    clientAddress: 0 as Ipv4Address, yourAddress: yourIp as Ipv4Address, serverAddress: 0 as Ipv4Address, gatewayAddress: 0 as Ipv4Address,
    clientHardwareAddress: chaddr, serverName: new Uint8Array(64), bootFile: new Uint8Array(128),
    options: [{ kind: 'message-type', messageType }, ...options, { kind: 'end' }],
    trailer: new Uint8Array(8),
  };
}

function dhcpFrame(m: DhcpMessage): EthernetFrame {
  const fromClient = m.op === 1;
  return ethernetFrame(fromClient ? MAC_BROADCAST : VM_MAC, fromClient ? VM_MAC : GW_MAC, {
    kind: 'ipv4', typeOfService: 0, identification: 0, flags: 0, fragmentOffset: 0, timeToLive: 64, protocol: 17,
    source: fromClient ? (0 as Ipv4Address) : GW_IP, destination: fromClient ? (0xffffffff as Ipv4Address) : VM_IP, options: new Uint8Array(0),
    payload: { kind: 'udp', sourcePort: fromClient ? 68 : 67, destinationPort: fromClient ? 67 : 68, payload: m },
  });
}

const ipv4Udp = (payload: Uint8Array): EthernetFrame => ethernetFrame(GW_MAC, VM_MAC, {
  kind: 'ipv4', typeOfService: 0, identification: 4242, flags: 2, fragmentOffset: 0, timeToLive: 64, protocol: 17,
  source: VM_IP, destination: GW_IP, options: new Uint8Array(0),
  payload: { kind: 'udp', sourcePort: 40000, destinationPort: 5001, payload: { kind: 'raw', bytes: payload } },
});

const icmp = (type: 0 | 8): EthernetFrame => ethernetFrame(type === 8 ? GW_MAC : VM_MAC, type === 8 ? VM_MAC : GW_MAC, {
  kind: 'ipv4', typeOfService: 0, identification: 7, flags: 2, fragmentOffset: 0, timeToLive: 64, protocol: 1,
  source: type === 8 ? VM_IP : GW_IP, destination: type === 8 ? GW_IP : VM_IP, options: new Uint8Array(0),
  payload: icmpv4Echo(type, 0x1234, 7, new Uint8Array(32).fill(0x61)),
});

function v6(dstMac: MacAddress, srcMac: MacAddress, packet: ReturnType<typeof ndPacket>): EthernetFrame {
  return ethernetFrame(dstMac, srcMac, packet);
}

const BRIDGE_A = { priority: 0x8000, address: mac('02:00:00:00:0a:00') };
const BRIDGE_B = { priority: 0x8001, address: mac('02:00:00:00:0b:00') };

function bpduFrame(payload: import('../../src/wire/index.js').Bpdu, llcLength: number): EthernetFrame {
  return {
    destination: mac('01:80:c2:00:00:00'), source: mac('02:00:00:00:0b:01'), vlanTags: [], etherType: llcLength,
    payload: { kind: 'llc', dsap: 0x42, ssap: 0x42, control: 0x03, payload },
  };
}

/** Every message, by name. */
export const SAMPLE_FRAMES: ReadonlyArray<readonly [string, EthernetFrame]> = [
  ['arp request', ethernetFrame(MAC_BROADCAST, GW_MAC, arpRequest(GW_MAC, GW_IP, VM_IP))],
  ['arp reply', ethernetFrame(GW_MAC, VM_MAC, arpReply(VM_MAC, VM_IP, GW_MAC, GW_IP))],
  ['arp request, 802.1Q vlan 10', ethernetFrame(MAC_BROADCAST, GW_MAC, arpRequest(GW_MAC, GW_IP, VM_IP), { vlanTags: [vlanTag(10)] })],
  ['arp request, 802.1ad 100 + 802.1Q 10', ethernetFrame(MAC_BROADCAST, GW_MAC, arpRequest(GW_MAC, GW_IP, VM_IP), {
    vlanTags: [{ tpid: 0x88a8, priority: 3, dropEligible: false, vlanId: 100 }, { tpid: 0x8100, priority: 5, dropEligible: true, vlanId: 10 }],
  })],
  ['gratuitous arp, request form', ethernetFrame(MAC_BROADCAST, VM_MAC, gratuitousArp(VM_MAC, VM_IP, 'request'))],
  ['gratuitous arp, reply form', ethernetFrame(MAC_BROADCAST, VM_MAC, gratuitousArp(VM_MAC, VM_IP, 'reply'))],
  ['arp probe', ethernetFrame(MAC_BROADCAST, VM_MAC, arpProbe(VM_MAC, VM_IP))],
  ['arp announcement', ethernetFrame(MAC_BROADCAST, VM_MAC, arpAnnouncement(VM_MAC, VM_IP))],
  ['rarp request (qemu announce)', ethernetFrame(MAC_BROADCAST, VM_MAC, rarpAnnounce(VM_MAC))],
  ['rarp reply', ethernetFrame(VM_MAC, GW_MAC, { ...rarpAnnounce(VM_MAC), operation: 4, senderHardwareAddress: GW_MAC, senderProtocolAddress: GW_IP, targetProtocolAddress: VM_IP })],
  ['inarp request (opcode 8)', ethernetFrame(GW_MAC, VM_MAC, { ...arpRequest(VM_MAC, VM_IP, GW_IP), operation: 8, targetHardwareAddress: GW_MAC })],
  ['ipv4 udp', ipv4Udp(new Uint8Array(100).map((_, i) => i))],
  ['ipv4 udp, short (padded)', ipv4Udp(new Uint8Array(4).fill(9))],
  ['icmp echo request', icmp(8)],
  ['icmp echo reply', icmp(0)],
  ['dhcp discover', dhcpFrame(dhcp(1, 1, [{ kind: 'client-identifier', data: Uint8Array.of(1, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01) }, { kind: 'host-name', name: 'vm-1' }, { kind: 'raw', code: 55, data: Uint8Array.of(1, 3, 6, 15) }]))],
  ['dhcp offer', dhcpFrame(dhcp(2, 2, [{ kind: 'server-identifier', address: GW_IP }, { kind: 'lease-time', seconds: 3600 }, { kind: 'raw', code: 1, data: Uint8Array.of(255, 255, 255, 0) }], VM_IP))],
  ['dhcp request', dhcpFrame(dhcp(3, 1, [{ kind: 'requested-address', address: VM_IP }, { kind: 'server-identifier', address: GW_IP }, { kind: 'pad' }, { kind: 'pad' }]))],
  ['dhcp ack', dhcpFrame(dhcp(5, 2, [{ kind: 'server-identifier', address: GW_IP }, { kind: 'lease-time', seconds: 86400 }, { kind: 'raw', code: 3, data: Uint8Array.of(198, 18, 0, 1) }], VM_IP))],
  ['dhcp nak', dhcpFrame(dhcp(6, 2, [{ kind: 'server-identifier', address: GW_IP }]))],
  ['dhcp decline', dhcpFrame(dhcp(4, 1, [{ kind: 'requested-address', address: VM_IP }, { kind: 'server-identifier', address: GW_IP }]))],
  ['dhcp release', dhcpFrame(dhcp(7, 1, [{ kind: 'server-identifier', address: GW_IP }]))],
  ['dhcp inform', dhcpFrame(dhcp(8, 1, []))],
  ['ns, address resolution', v6(ipv6MulticastMac(solicitedNodeAddress(VM_IP6)), GW_MAC, neighborSolicitation(GW_IP6, VM_IP6, GW_MAC))],
  ['ns from :: (dad)', v6(ipv6MulticastMac(solicitedNodeAddress(VM_IP6)), VM_MAC, neighborSolicitation(ip6('::'), VM_IP6, VM_MAC))],
  ['ns, unicast nud probe', v6(VM_MAC, GW_MAC, neighborSolicitation(GW_IP6, VM_IP6, GW_MAC, VM_IP6))],
  ['na, solicited, override', v6(GW_MAC, VM_MAC, neighborAdvertisement(VM_IP6, VM_IP6, VM_MAC, { solicited: true, override: true }, GW_IP6))],
  ['na, O=0 without tllao (nud answer)', v6(GW_MAC, VM_MAC, neighborAdvertisement(VM_IP6, VM_IP6, VM_MAC, { solicited: true, override: false, includeTargetLinkLayer: false }, GW_IP6))],
  ['na, unsolicited to all-nodes', v6(ipv6MulticastMac(ip6('ff02::1')), VM_MAC, neighborAdvertisement(VM_IP6, VM_IP6, VM_MAC, { solicited: false, override: true }))],
  ['na, router', v6(VM_MAC, GW_MAC, neighborAdvertisement(GW_IP6, GW_IP6, GW_MAC, { router: true, solicited: true, override: true }, VM_IP6))],
  ['rs', v6(ipv6MulticastMac(ip6('ff02::2')), VM_MAC, ndPacket(VM_LL, ip6('ff02::2'), {
    kind: 'icmpv6', type: 'rs', code: 0, reserved: 0, options: [{ kind: 'source-link-layer', address: VM_MAC }],
  }))],
  ['ra with prefix, mtu, sllao', v6(ipv6MulticastMac(ip6('ff02::1')), GW_MAC, ndPacket(ip6('fe80::1'), ip6('ff02::1'), {
    kind: 'icmpv6', type: 'ra', code: 0, currentHopLimit: 64, managedFlag: false, otherConfigFlag: true, reservedFlags: 0,
    routerLifetime: 1800, reachableTime: 30000, retransTimer: 1000,
    options: [
      { kind: 'source-link-layer', address: GW_MAC },
      { kind: 'mtu', reserved: 0, mtu: 1500 },
      { kind: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, reserved1: 0, validLifetime: 2592000, preferredLifetime: 604800, reserved2: 0, prefix: ip6('2001:db8::') },
    ],
  }))],
  ['redirect with tllao and a raw option', v6(VM_MAC, GW_MAC, ndPacket(ip6('fe80::1'), VM_LL, {
    kind: 'icmpv6', type: 'redirect', code: 0, reserved: 0, targetAddress: ip6('fe80::2'), destinationAddress: ip6('2001:db8:1::5'),
    options: [{ kind: 'target-link-layer', address: mac('02:00:5e:00:00:02') }, { kind: 'raw', type: 4, data: new Uint8Array(46) }],
  }))],
  ['ns with an unknown option (nonce)', v6(ipv6MulticastMac(solicitedNodeAddress(VM_IP6)), VM_MAC, ndPacket(ip6('::'), solicitedNodeAddress(VM_IP6), {
    kind: 'icmpv6', type: 'ns', code: 0, reserved: 0, targetAddress: VM_IP6, options: [{ kind: 'raw', type: 14, data: Uint8Array.of(1, 2, 3, 4, 5, 6) }],
  }))],
  ['icmpv6 echo request', v6(GW_MAC, VM_MAC, ndPacket(VM_IP6, GW_IP6, { kind: 'icmpv6', type: 'other', icmpType: 128, code: 0, body: Uint8Array.of(0, 1, 0, 2, 9, 9, 9, 9) }))],
  ['ipv6 udp', ethernetFrame(GW_MAC, VM_MAC, {
    kind: 'ipv6', trafficClass: 0, flowLabel: 0x12345, nextHeader: 17, hopLimit: 64, source: VM_IP6, destination: GW_IP6,
    payload: { kind: 'udp', sourcePort: 40000, destinationPort: 5001, payload: { kind: 'raw', bytes: new Uint8Array(20).fill(7) } },
  })],
  ['stp configuration bpdu', bpduFrame({
    kind: 'bpdu', type: 'config', protocolId: 0, version: 0, flags: 0x01, rootId: BRIDGE_A, rootPathCost: 4, bridgeId: BRIDGE_B,
    portId: 0x8002, messageAge: 256, maxAge: 20 * 256, helloTime: 2 * 256, forwardDelay: 15 * 256,
  }, 38)],
  ['stp tcn bpdu', bpduFrame({ kind: 'bpdu', type: 'tcn', protocolId: 0, version: 0 }, 7)],
  ['rstp bpdu (proposal, designated)', bpduFrame({
    kind: 'bpdu', type: 'rst', protocolId: 0, version: 2, flags: 0x02 | (3 << 2) | 0x10, rootId: BRIDGE_A, rootPathCost: 2000,
    bridgeId: BRIDGE_B, portId: 0x8001, messageAge: 0, maxAge: 20 * 256, helloTime: 2 * 256, forwardDelay: 15 * 256,
    version1Length: 0, extension: new Uint8Array(0),
  }, 39)],
];
