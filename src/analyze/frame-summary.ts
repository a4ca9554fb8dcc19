/**
 * A frame as the decoder shows it: one flat JSON-ready object per captured frame, with the layers that
 * were decoded under their names (`eth`, `arp`, `ipv4`, `udp`, `icmpv4`, `ipv6`, `icmpv6`, `dhcp`,
 * `stp`), MACs as lower-case colon hex and IPs in canonical text. Key order is fixed so that the JSON
 * is byte-identical from run to run. A frame that does not parse keeps what could be read (the
 * Ethernet header) and gets `error`.
 */
import type {
  ArpPacket,
  Bpdu,
  BridgeId,
  CaptureRecord,
  DhcpMessage,
  EthernetFrame,
  Icmpv4Message,
  Icmpv6Message,
  Ipv4Address,
  Ipv4Packet,
  Ipv6Packet,
  UdpDatagram,
  VrrpAdvertisement,
} from '../wire/index.js';
import {
  EthernetView,
  IP_PROTOCOL_VRRP,
  LINKTYPE_ETHERNET,
  WireError,
  bpduPortRole,
  classifyArp,
  dhcpClientMac,
  echoOf,
  formatIpv4,
  formatMac,
  ndLinkLayerAddress,
  parseFrame,
  timeNsValue,
  vrrpInPacket,
} from '../wire/index.js';

/** The `arp.op` names. */
const ARP_OP_NAMES: Record<number, string> = { 1: 'request', 2: 'reply', 3: 'rarp-request', 4: 'rarp-reply' };
/** DHCP option 53 values (RFC 2132 §9.6). */
const DHCP_TYPE_NAMES: Record<number, string> = {
  1: 'discover', 2: 'offer', 3: 'request', 4: 'decline', 5: 'ack', 6: 'nak', 7: 'release', 8: 'inform',
};

/** What the decoder prints for a frame. */
export interface FrameSummary {
  index: number;
  timeNs: number | string;
  length: number;
  capturedLength: number;
  interfaceId?: number;
  eth?: { src: string; dst: string; type: number; vlans: number[] };
  arp?: Record<string, unknown>;
  ipv4?: Record<string, unknown>;
  udp?: Record<string, unknown>;
  icmpv4?: Record<string, unknown>;
  ipv6?: Record<string, unknown>;
  icmpv6?: Record<string, unknown>;
  dhcp?: Record<string, unknown>;
  stp?: Record<string, unknown>;
  vrrp?: Record<string, unknown>;
  error?: { code: string; layer: string; field: string; offset: number; message: string };
}

function summarizeArp(p: ArpPacket): Record<string, unknown> {
  const form = classifyArp(p);
  return {
    op: ARP_OP_NAMES[p.operation] ?? 'other',
    opcode: p.operation,
    form: form === 'rarp-request' || form === 'rarp-reply' ? 'rarp' : form,
    senderMac: formatMac(p.senderHardwareAddress),
    senderIp: formatIpv4(p.senderProtocolAddress),
    targetMac: formatMac(p.targetHardwareAddress),
    targetIp: formatIpv4(p.targetProtocolAddress),
  };
}

function summarizeIpv4(p: Ipv4Packet): Record<string, unknown> {
  return {
    src: formatIpv4(p.source),
    dst: formatIpv4(p.destination),
    ttl: p.timeToLive,
    protocol: p.protocol,
    id: p.identification,
  };
}

function summarizeUdp(d: UdpDatagram): Record<string, unknown> {
  return { srcPort: d.sourcePort, dstPort: d.destinationPort };
}

function summarizeIcmpv4(m: Icmpv4Message): Record<string, unknown> {
  const echo = echoOf(m);
  return { type: m.type, code: m.code, identifier: echo?.identifier ?? null, sequence: echo?.sequenceNumber ?? null };
}

function summarizeDhcp(m: DhcpMessage): Record<string, unknown> {
  let messageType: number | undefined;
  let requestedIp: string | null = null;
  let serverId: string | null = null;
  let leaseSeconds: number | null = null;
  let hostName: string | null = null;
  for (const o of m.options) {
    switch (o.kind) {
      case 'message-type': messageType = o.messageType; break;
      case 'requested-address': requestedIp = formatIpv4(o.address); break;
      case 'server-identifier': serverId = formatIpv4(o.address); break;
      case 'lease-time': leaseSeconds = o.seconds; break;
      case 'host-name': hostName = o.name; break;
      default: break;
    }
  }
  const clientMac = dhcpClientMac(m);
  return {
    messageType: messageType === undefined ? null : DHCP_TYPE_NAMES[messageType] ?? messageType,
    transactionId: m.transactionId,
    clientMac: clientMac === undefined ? null : formatMac(clientMac),
    clientIp: formatIpv4(m.clientAddress),
    yourIp: formatIpv4(m.yourAddress),
    requestedIp,
    serverId,
    leaseSeconds,
    hostName,
  };
}

function summarizeIpv6(p: Ipv6Packet): Record<string, unknown> {
  return { src: p.source, dst: p.destination, hopLimit: p.hopLimit, nextHeader: p.nextHeader };
}

function summarizeIcmpv6(m: Icmpv6Message): Record<string, unknown> {
  const options = m.type === 'other' ? [] : m.options;
  const sll = ndLinkLayerAddress(options, 'source-link-layer');
  const tll = ndLinkLayerAddress(options, 'target-link-layer');
  return {
    type: m.type,
    icmpType: m.type === 'other' ? m.icmpType : undefined,
    code: m.code,
    target: m.type === 'ns' || m.type === 'na' || m.type === 'redirect' ? m.targetAddress : null,
    router: m.type === 'na' ? m.routerFlag : null,
    solicited: m.type === 'na' ? m.solicitedFlag : null,
    override: m.type === 'na' ? m.overrideFlag : null,
    sourceLinkLayer: sll === undefined ? null : formatMac(sll),
    targetLinkLayer: tll === undefined ? null : formatMac(tll),
  };
}

function bridgeIdText(id: BridgeId): string {
  return `${id.priority.toString(16).padStart(4, '0')}.${formatMac(id.address)}`;
}

function summarizeStp(b: Bpdu): Record<string, unknown> {
  if (b.type === 'tcn') return { type: 'tcn', version: b.version };
  return {
    type: b.type,
    version: b.version,
    flags: b.flags,
    role: b.type === 'rst' ? bpduPortRole(b.flags) : null,
    rootId: bridgeIdText(b.rootId),
    rootPathCost: b.rootPathCost,
    bridgeId: bridgeIdText(b.bridgeId),
    portId: b.portId,
    messageAge: b.messageAge / 256,
    maxAge: b.maxAge / 256,
    helloTime: b.helloTime / 256,
    forwardDelay: b.forwardDelay / 256,
  };
}

/** The VRRP advertisement an IP packet carries, or undefined when it is not a well-formed one. */
function vrrpOf(p: Ipv4Packet | Ipv6Packet): VrrpAdvertisement | undefined {
  try {
    return vrrpInPacket(p, { checksums: 'ignore' });
  } catch (e) {
    if (e instanceof WireError) return undefined;
    throw e;
  }
}

function addVrrp(out: FrameSummary, p: Ipv4Packet | Ipv6Packet): void {
  const ad = vrrpOf(p);
  if (ad === undefined) return;
  out.vrrp = {
    version: 3,
    vrid: ad.vrid,
    priority: ad.priority,
    maxAdvertInterval: ad.maxAdvertInterval,
    addresses: ad.addresses.map((a) => (p.kind === 'ipv4' ? formatIpv4(a as Ipv4Address) : a)),
    checksumOk: ad.checksum === undefined,
  };
}

/** Adds the decoded layers of `frame` to `out`. */
function addLayers(out: FrameSummary, frame: EthernetFrame): void {
  const p = frame.payload;
  switch (p.kind) {
    case 'arp':
      out.arp = summarizeArp(p);
      break;
    case 'ipv4':
      out.ipv4 = summarizeIpv4(p);
      if (p.payload.kind === 'udp') {
        out.udp = summarizeUdp(p.payload);
        if (p.payload.payload.kind === 'dhcp') out.dhcp = summarizeDhcp(p.payload.payload);
      } else if (p.payload.kind === 'icmpv4') {
        out.icmpv4 = summarizeIcmpv4(p.payload);
      } else if (p.protocol === IP_PROTOCOL_VRRP) {
        addVrrp(out, p);
      }
      break;
    case 'ipv6':
      out.ipv6 = summarizeIpv6(p);
      if (p.payload.kind === 'icmpv6') out.icmpv6 = summarizeIcmpv6(p.payload);
      else if (p.payload.kind === 'udp') out.udp = summarizeUdp(p.payload);
      else if (p.nextHeader === IP_PROTOCOL_VRRP) addVrrp(out, p);
      break;
    case 'llc':
      if (p.payload.kind === 'bpdu') out.stp = summarizeStp(p.payload);
      break;
    case 'raw':
      break;
  }
}

/** The result of decoding one record: its summary and, when it parsed, the frame. */
export interface DecodedRecord {
  readonly summary: FrameSummary;
  readonly frame: EthernetFrame | undefined;
}

/** Decodes one capture record into its summary. Never throws for bad frame bytes. */
export function decodeRecord(index: number, record: CaptureRecord): DecodedRecord {
  const summary: FrameSummary = {
    index,
    timeNs: timeNsValue(record.seconds, record.nanoseconds),
    length: record.originalLength,
    capturedLength: record.data.length,
  };
  if (record.interfaceId !== 0) summary.interfaceId = record.interfaceId;
  if (record.linkType !== LINKTYPE_ETHERNET) {
    summary.error = {
      code: 'unsupported', layer: 'capture', field: 'link type', offset: 0,
      message: `capture: unsupported link type ${record.linkType} (only Ethernet, 1, is decoded)`,
    };
    return { summary, frame: undefined };
  }
  let frame: EthernetFrame | undefined;
  try {
    const view = new EthernetView(record.data);
    const vlans: number[] = [];
    for (let i = 0; i < view.tagCount; i++) vlans.push(view.vlanId(i));
    summary.eth = { src: formatMac(view.source), dst: formatMac(view.destination), type: view.etherType, vlans };
    frame = parseFrame(record.data);
    addLayers(summary, frame);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    summary.error = { code: e.code, layer: e.layer, field: e.field, offset: e.offset, message: e.message };
  }
  return { summary, frame };
}
