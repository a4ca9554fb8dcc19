/**
 * The one table that maps our field names to tshark's, with how our value prints in tshark's JSON.
 * `expectedTsharkFields(frame)` gives, for a frame repr, every tshark field we expect and its values
 * in order; the golden tests compare them with what tshark decoded from our bytes.
 */
import type { Bpdu, CookedFrame, DhcpMessage, EthernetFrame, EthernetPayload, Icmpv6Message, NdOption, VlanTag } from '../../src/wire/index.js';
import { classifyArp, cookedLength, cookedSourceMac, echoOf, formatIpv4, formatMac, frameLength, readMac } from '../../src/wire/index.js';

const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;
const bool = (b: boolean): string => (b ? '1' : '0');

type Expected = Map<string, string[]>;

function put(out: Expected, tsharkName: string, value: string | number): void {
  const list = out.get(tsharkName);
  const v = String(value);
  if (list === undefined) out.set(tsharkName, [v]);
  else list.push(v);
}

/** Our name -> tshark's name, for documentation and for the decoder's JSON cross-check. */
export const NAME_TABLE: ReadonlyArray<readonly [ours: string, tshark: string]> = [
  ['eth.destination', 'eth.dst'],
  ['eth.source', 'eth.src'],
  ['eth.vlanTags[].vlanId (0x8100)', 'vlan.id'],
  ['eth.vlanTags[].priority (0x8100)', 'vlan.priority'],
  ['eth.vlanTags[].dropEligible (0x8100)', 'vlan.dei'],
  ['eth.vlanTags[].vlanId (0x88a8)', 'ieee8021ad.id'],
  ['eth.etherType (untagged)', 'eth.type'],
  ['eth.etherType (802.3 length)', 'eth.len'],
  ['arp.hardwareType', 'arp.hw.type'],
  ['arp.protocolType', 'arp.proto.type'],
  ['arp.operation', 'arp.opcode'],
  ['arp.senderHardwareAddress', 'arp.src.hw_mac'],
  ['arp.senderProtocolAddress', 'arp.src.proto_ipv4'],
  ['arp.targetHardwareAddress', 'arp.dst.hw_mac'],
  ['arp.targetProtocolAddress', 'arp.dst.proto_ipv4'],
  ['classifyArp() is gratuitous-*/announcement', 'arp.isgratuitous'],
  ['classifyArp() = announcement', 'arp.isannouncement'],
  ['classifyArp() = probe', 'arp.isprobe'],
  ['ipv4.source', 'ip.src'],
  ['ipv4.destination', 'ip.dst'],
  ['ipv4.timeToLive', 'ip.ttl'],
  ['ipv4.protocol', 'ip.proto'],
  ['ipv4.identification', 'ip.id'],
  ['ipv4 total length', 'ip.len'],
  ['udp.sourcePort', 'udp.srcport'],
  ['udp.destinationPort', 'udp.dstport'],
  ['udp length', 'udp.length'],
  ['icmpv4.type', 'icmp.type'],
  ['icmpv4.code', 'icmp.code'],
  ['icmpv4 echo identifier', 'icmp.ident'],
  ['icmpv4 echo sequence', 'icmp.seq'],
  ['dhcp.op', 'dhcp.type'],
  ['dhcp.transactionId', 'dhcp.id'],
  ['dhcp.yourAddress', 'dhcp.ip.your'],
  ['dhcpClientMac()', 'dhcp.hw.mac_addr'],
  ['dhcp option 53', 'dhcp.option.dhcp'],
  ['dhcp option 50', 'dhcp.option.requested_ip_address'],
  ['dhcp option 54', 'dhcp.option.dhcp_server_id'],
  ['dhcp option 51', 'dhcp.option.ip_address_lease_time'],
  ['dhcp option 12', 'dhcp.option.hostname'],
  ['ipv6.source', 'ipv6.src'],
  ['ipv6.destination', 'ipv6.dst'],
  ['ipv6.hopLimit', 'ipv6.hlim'],
  ['ipv6.nextHeader', 'ipv6.nxt'],
  ['ipv6 payload length', 'ipv6.plen'],
  ['icmpv6 type', 'icmpv6.type'],
  ['icmpv6.code', 'icmpv6.code'],
  ['ns.targetAddress', 'icmpv6.nd.ns.target_address'],
  ['na.targetAddress', 'icmpv6.nd.na.target_address'],
  ['na.routerFlag', 'icmpv6.nd.na.flag.r'],
  ['na.solicitedFlag', 'icmpv6.nd.na.flag.s'],
  ['na.overrideFlag', 'icmpv6.nd.na.flag.o'],
  ['redirect.targetAddress', 'icmpv6.nd.rd.target_address'],
  ['redirect.destinationAddress', 'icmpv6.rd.na.destination_address'],
  ['ra.currentHopLimit', 'icmpv6.nd.ra.cur_hop_limit'],
  ['ra.managedFlag', 'icmpv6.nd.ra.flag.m'],
  ['ra.otherConfigFlag', 'icmpv6.nd.ra.flag.o'],
  ['ra.routerLifetime', 'icmpv6.nd.ra.router_lifetime'],
  ['ra.reachableTime', 'icmpv6.nd.ra.reachable_time'],
  ['ra.retransTimer', 'icmpv6.nd.ra.retrans_timer'],
  ['options[].type', 'icmpv6.opt.type'],
  ['source-link-layer.address', 'icmpv6.opt.src_linkaddr'],
  ['target-link-layer.address', 'icmpv6.opt.target_linkaddr'],
  ['prefix-information.prefix', 'icmpv6.opt.prefix'],
  ['prefix-information.prefixLength', 'icmpv6.opt.prefix.length'],
  ['prefix-information.onLink', 'icmpv6.opt.prefix.flag.l'],
  ['prefix-information.autonomous', 'icmpv6.opt.prefix.flag.a'],
  ['prefix-information.validLifetime', 'icmpv6.opt.prefix.valid_lifetime'],
  ['prefix-information.preferredLifetime', 'icmpv6.opt.prefix.preferred_lifetime'],
  ['mtu.mtu', 'icmpv6.opt.mtu'],
  ['llc.dsap', 'llc.dsap'],
  ['llc.ssap', 'llc.ssap'],
  ['bpdu.protocolId', 'stp.protocol'],
  ['bpdu.version', 'stp.version'],
  ['bpdu type', 'stp.type'],
  ['bpdu.flags', 'stp.flags'],
  ['bpdu.rootId.priority (high 4 bits)', 'stp.root.prio'],
  ['bpdu.rootId.priority (system id extension)', 'stp.root.ext'],
  ['bpdu.rootId.address', 'stp.root.hw'],
  ['bpdu.rootPathCost', 'stp.root.cost'],
  ['bpdu.bridgeId.priority (high 4 bits)', 'stp.bridge.prio'],
  ['bpdu.bridgeId.priority (system id extension)', 'stp.bridge.ext'],
  ['bpdu.bridgeId.address', 'stp.bridge.hw'],
  ['bpdu.portId', 'stp.port'],
  ['bpdu.messageAge / 256', 'stp.msg_age'],
  ['bpdu.maxAge / 256', 'stp.max_age'],
  ['bpdu.helloTime / 256', 'stp.hello'],
  ['bpdu.forwardDelay / 256', 'stp.forward'],
  ['rst.version1Length', 'stp.version_1_length'],
  ['rst flags: proposal', 'stp.flags.proposal'],
  ['rst flags: port role', 'stp.flags.port_role'],
  ['rst flags: learning', 'stp.flags.learning'],
  ['rst flags: forwarding', 'stp.flags.forwarding'],
  ['rst flags: agreement', 'stp.flags.agreement'],
  ['bpdu flags: topology change', 'stp.flags.tc'],
  ['bpdu flags: topology change ack', 'stp.flags.tcack'],
];

const ICMPV6_TYPES: Record<string, number> = { ns: 135, na: 136, rs: 133, ra: 134, redirect: 137 };
const ND_OPTION_TYPES: Record<NdOption['kind'], number> = {
  'source-link-layer': 1, 'target-link-layer': 2, 'prefix-information': 3, mtu: 5, raw: -1,
};

function icmpv6(out: Expected, m: Icmpv6Message): void {
  put(out, 'icmpv6.type', m.type === 'other' ? m.icmpType : ICMPV6_TYPES[m.type]!);
  put(out, 'icmpv6.code', m.code);
  if (m.type === 'other') return;
  switch (m.type) {
    case 'ns': put(out, 'icmpv6.nd.ns.target_address', m.targetAddress); break;
    case 'na':
      put(out, 'icmpv6.nd.na.target_address', m.targetAddress);
      put(out, 'icmpv6.nd.na.flag.r', bool(m.routerFlag));
      put(out, 'icmpv6.nd.na.flag.s', bool(m.solicitedFlag));
      put(out, 'icmpv6.nd.na.flag.o', bool(m.overrideFlag));
      break;
    case 'redirect':
      put(out, 'icmpv6.nd.rd.target_address', m.targetAddress);
      put(out, 'icmpv6.rd.na.destination_address', m.destinationAddress);
      break;
    case 'ra':
      put(out, 'icmpv6.nd.ra.cur_hop_limit', m.currentHopLimit);
      put(out, 'icmpv6.nd.ra.flag.m', bool(m.managedFlag));
      put(out, 'icmpv6.nd.ra.flag.o', bool(m.otherConfigFlag));
      put(out, 'icmpv6.nd.ra.router_lifetime', m.routerLifetime);
      put(out, 'icmpv6.nd.ra.reachable_time', m.reachableTime);
      put(out, 'icmpv6.nd.ra.retrans_timer', m.retransTimer);
      break;
    case 'rs':
      break;
  }
  for (const o of m.options) {
    put(out, 'icmpv6.opt.type', o.kind === 'raw' ? o.type : ND_OPTION_TYPES[o.kind]);
    switch (o.kind) {
      case 'source-link-layer': put(out, 'icmpv6.opt.src_linkaddr', formatMac(o.address)); break;
      case 'target-link-layer': put(out, 'icmpv6.opt.target_linkaddr', formatMac(o.address)); break;
      case 'prefix-information':
        put(out, 'icmpv6.opt.prefix', o.prefix);
        put(out, 'icmpv6.opt.prefix.length', o.prefixLength);
        put(out, 'icmpv6.opt.prefix.flag.l', bool(o.onLink));
        put(out, 'icmpv6.opt.prefix.flag.a', bool(o.autonomous));
        put(out, 'icmpv6.opt.prefix.valid_lifetime', o.validLifetime);
        put(out, 'icmpv6.opt.prefix.preferred_lifetime', o.preferredLifetime);
        break;
      case 'mtu': put(out, 'icmpv6.opt.mtu', o.mtu); break;
      case 'raw': break;
    }
  }
}

function dhcp(out: Expected, m: DhcpMessage): void {
  put(out, 'dhcp.type', m.op);
  put(out, 'dhcp.id', hex(m.transactionId, 8));
  put(out, 'dhcp.ip.your', formatIpv4(m.yourAddress));
  if (m.hardwareType === 1 && m.hardwareLength === 6) {
    put(out, 'dhcp.hw.mac_addr', Array.from(m.clientHardwareAddress.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':'));
  }
  for (const o of m.options) {
    switch (o.kind) {
      case 'message-type': put(out, 'dhcp.option.dhcp', o.messageType); break;
      case 'requested-address': put(out, 'dhcp.option.requested_ip_address', formatIpv4(o.address)); break;
      case 'server-identifier': put(out, 'dhcp.option.dhcp_server_id', formatIpv4(o.address)); break;
      case 'lease-time': put(out, 'dhcp.option.ip_address_lease_time', o.seconds); break;
      case 'host-name': put(out, 'dhcp.option.hostname', o.name); break;
      case 'client-identifier':
        // Type 1 (Ethernet) + a MAC: tshark shows the MAC under the same field as chaddr.
        if (o.data.length === 7 && o.data[0] === 1) put(out, 'dhcp.hw.mac_addr', formatMac(readMac(o.data, 1)));
        break;
      default: break;
    }
  }
}

function stp(out: Expected, b: Bpdu): void {
  put(out, 'stp.protocol', hex(b.protocolId, 4));
  put(out, 'stp.version', b.version);
  put(out, 'stp.type', hex(b.type === 'tcn' ? 0x80 : b.type === 'config' ? 0 : 2, 2));
  if (b.type === 'tcn') return;
  put(out, 'stp.flags', hex(b.flags, 2));
  put(out, 'stp.root.prio', b.rootId.priority & 0xf000);
  put(out, 'stp.root.ext', b.rootId.priority & 0x0fff);
  put(out, 'stp.root.hw', formatMac(b.rootId.address));
  put(out, 'stp.root.cost', b.rootPathCost);
  put(out, 'stp.bridge.prio', b.bridgeId.priority & 0xf000);
  put(out, 'stp.bridge.ext', b.bridgeId.priority & 0x0fff);
  put(out, 'stp.bridge.hw', formatMac(b.bridgeId.address));
  put(out, 'stp.port', hex(b.portId, 4));
  put(out, 'stp.msg_age', b.messageAge / 256);
  put(out, 'stp.max_age', b.maxAge / 256);
  put(out, 'stp.hello', b.helloTime / 256);
  put(out, 'stp.forward', b.forwardDelay / 256);
  put(out, 'stp.flags.tc', bool((b.flags & 0x01) !== 0));
  put(out, 'stp.flags.tcack', bool((b.flags & 0x80) !== 0));
  if (b.type === 'rst') {
    put(out, 'stp.version_1_length', b.version1Length);
    put(out, 'stp.flags.proposal', bool((b.flags & 0x02) !== 0));
    put(out, 'stp.flags.port_role', (b.flags >>> 2) & 3);
    put(out, 'stp.flags.learning', bool((b.flags & 0x10) !== 0));
    put(out, 'stp.flags.forwarding', bool((b.flags & 0x20) !== 0));
    put(out, 'stp.flags.agreement', bool((b.flags & 0x40) !== 0));
  }
}

function vlanFields(out: Expected, vlanTags: readonly VlanTag[]): void {
  for (const tag of vlanTags) {
    if (tag.tpid === 0x8100) {
      put(out, 'vlan.id', tag.vlanId);
      put(out, 'vlan.priority', tag.priority);
      put(out, 'vlan.dei', bool(tag.dropEligible));
    } else if (tag.tpid === 0x88a8) {
      put(out, 'ieee8021ad.id', tag.vlanId);
    }
  }
}

/** The fields of what a link header carries (ARP, IPv4, IPv6, LLC), shared by Ethernet and the cooked headers. */
function payloadFields(out: Expected, p: EthernetPayload): void {
  switch (p.kind) {
    case 'arp': {
      put(out, 'arp.hw.type', p.hardwareType);
      put(out, 'arp.proto.type', hex(p.protocolType, 4));
      put(out, 'arp.opcode', p.operation);
      put(out, 'arp.src.hw_mac', formatMac(p.senderHardwareAddress));
      put(out, 'arp.src.proto_ipv4', formatIpv4(p.senderProtocolAddress));
      put(out, 'arp.dst.hw_mac', formatMac(p.targetHardwareAddress));
      put(out, 'arp.dst.proto_ipv4', formatIpv4(p.targetProtocolAddress));
      const form = classifyArp(p);
      if (form === 'announcement' || form === 'gratuitous-request' || form === 'gratuitous-reply') put(out, 'arp.isgratuitous', '1');
      if (form === 'announcement') put(out, 'arp.isannouncement', '1');
      if (form === 'probe') put(out, 'arp.isprobe', '1');
      break;
    }
    case 'ipv4': {
      put(out, 'ip.src', formatIpv4(p.source));
      put(out, 'ip.dst', formatIpv4(p.destination));
      put(out, 'ip.ttl', p.timeToLive);
      put(out, 'ip.proto', p.protocol);
      put(out, 'ip.id', hex(p.identification, 4));
      const inner = p.payload;
      if (inner.kind === 'udp') {
        put(out, 'udp.srcport', inner.sourcePort);
        put(out, 'udp.dstport', inner.destinationPort);
        if (inner.payload.kind === 'dhcp') dhcp(out, inner.payload);
      } else if (inner.kind === 'icmpv4') {
        put(out, 'icmp.type', inner.type);
        put(out, 'icmp.code', inner.code);
        const echo = echoOf(inner);
        if (echo) {
          put(out, 'icmp.ident', echo.identifier);
          put(out, 'icmp.seq', echo.sequenceNumber);
        }
      }
      break;
    }
    case 'ipv6': {
      put(out, 'ipv6.src', p.source);
      put(out, 'ipv6.dst', p.destination);
      put(out, 'ipv6.hlim', p.hopLimit);
      put(out, 'ipv6.nxt', p.nextHeader);
      if (p.payload.kind === 'icmpv6') icmpv6(out, p.payload);
      else if (p.payload.kind === 'udp') {
        put(out, 'udp.srcport', p.payload.sourcePort);
        put(out, 'udp.dstport', p.payload.destinationPort);
      }
      break;
    }
    case 'llc':
      put(out, 'llc.dsap', hex(p.dsap, 2));
      put(out, 'llc.ssap', hex(p.ssap, 2));
      if (p.payload.kind === 'bpdu') stp(out, p.payload);
      break;
    case 'raw':
      break;
  }
}

/** Every tshark field we expect for `frame`, with values in document order. */
export function expectedTsharkFields(frame: EthernetFrame): Expected {
  const out: Expected = new Map();
  put(out, 'eth.dst', formatMac(frame.destination));
  put(out, 'eth.src', formatMac(frame.source));
  vlanFields(out, frame.vlanTags);
  const p = frame.payload;
  if (frame.vlanTags.length === 0) {
    if (p.kind === 'llc') put(out, 'eth.len', frame.etherType);
    else put(out, 'eth.type', hex(frame.etherType, 4));
  }
  put(out, 'frame.len', frameLength(frame));
  payloadFields(out, p);
  return out;
}

/** Our SLL / SLL2 field names and tshark's (the `sll` dissector serves both versions). */
export const COOKED_NAME_TABLE: ReadonlyArray<readonly [ours: string, tshark: string]> = [
  ['packetType', 'sll.pkttype'],
  ['hardwareType', 'sll.hatype'],
  ['linkLayerAddressLength', 'sll.halen'],
  ['cookedSourceMac() (6-byte address)', 'sll.src.eth'],
  ['protocolType (an EtherType, or the outer TPID)', 'sll.etype'],
  ['protocolType 0x0004 (802.2 LLC follows)', 'sll.ltype'],
  ['interfaceIndex (SLL2)', 'sll.ifindex'],
];

/** Every tshark field we expect for a cooked record, with values in document order. */
export function expectedCookedFields(frame: CookedFrame): Expected {
  const out: Expected = new Map();
  put(out, 'sll.pkttype', frame.packetType);
  put(out, 'sll.hatype', frame.hardwareType);
  put(out, 'sll.halen', frame.linkLayerAddressLength);
  const src = cookedSourceMac(frame);
  if (src !== undefined) put(out, 'sll.src.eth', formatMac(src));
  const firstType = frame.vlanTags[0]?.tpid ?? frame.protocolType;
  if (firstType < 0x0600) put(out, 'sll.ltype', hex(firstType, 4));
  else put(out, 'sll.etype', hex(firstType, 4));
  if (frame.kind === 'sll2') put(out, 'sll.ifindex', frame.interfaceIndex);
  vlanFields(out, frame.vlanTags);
  put(out, 'frame.len', cookedLength(frame));
  payloadFields(out, frame.payload);
  return out;
}
