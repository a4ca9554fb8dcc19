/**
 * fast-check generators for every wire repr. Each generates only reprs that survive
 * parse(emit(x)) unchanged: where two encodings mean the same thing (a raw option that looks like a
 * known one, a raw payload on a port that is decoded, zero padding that equals the implicit one),
 * the generator stays on the canonical side.
 */
import fc from 'fast-check';
import type {
  ArpPacket,
  Bpdu,
  CookedFrame,
  DhcpMessage,
  DhcpOption,
  EthernetFrame,
  EthernetPayload,
  Icmpv4Message,
  Icmpv6Message,
  Ipv4Address,
  Ipv4Packet,
  Ipv6Address,
  Ipv6Packet,
  LlcPdu,
  MacAddress,
  NdOption,
  PseudoHeader,
  VrrpAdvertisement,
  RawPayload,
  UdpDatagram,
  VlanTag,
} from '../../src/wire/index.js';
import { frameLength, readIpv6 } from '../../src/wire/index.js';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
export const bytes = (maxLength: number, minLength = 0): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength, maxLength });

export const mac: fc.Arbitrary<MacAddress> = fc
  .tuple(u16, u32)
  .map(([hi, lo]) => (hi * 0x1_0000_0000 + lo) as MacAddress);
export const ipv4: fc.Arbitrary<Ipv4Address> = u32.map((v) => v as Ipv4Address);
/** IPv6 addresses with plenty of zero groups, so `::` placement gets exercised. */
export const ipv6: fc.Arbitrary<Ipv6Address> = fc
  .array(fc.oneof(fc.constant(0), fc.constant(0xffff), u16), { minLength: 8, maxLength: 8 })
  .map((groups) => {
    const b = new Uint8Array(16);
    groups.forEach((g, i) => {
      b[2 * i] = g >>> 8;
      b[2 * i + 1] = g & 0xff;
    });
    return readIpv6(b, 0);
  });

const raw = (maxLength: number, minLength = 0): fc.Arbitrary<RawPayload> =>
  bytes(maxLength, minLength).map((b) => ({ kind: 'raw' as const, bytes: b }));

export const arpPacket: fc.Arbitrary<ArpPacket> = fc.record({
  kind: fc.constant('arp' as const),
  hardwareType: fc.oneof(fc.constant(1), u16),
  protocolType: fc.oneof(fc.constant(0x0800), u16),
  operation: fc.oneof(fc.constantFrom(1, 2, 3, 4), u16),
  senderHardwareAddress: mac,
  senderProtocolAddress: ipv4,
  targetHardwareAddress: mac,
  targetProtocolAddress: ipv4,
});

export const icmpv4Message: fc.Arbitrary<Icmpv4Message> = fc.record({
  kind: fc.constant('icmpv4' as const),
  type: fc.oneof(fc.constantFrom(0, 8, 3), u8),
  code: u8,
  restOfHeader: u32,
  data: bytes(64),
});

const KNOWN_DHCP_CODES = new Set([0, 12, 50, 51, 53, 54, 61, 255]);
export const dhcpOption: fc.Arbitrary<DhcpOption> = fc.oneof(
  fc.constant({ kind: 'pad' as const }),
  u8.map((messageType) => ({ kind: 'message-type' as const, messageType })),
  ipv4.map((address) => ({ kind: 'requested-address' as const, address })),
  u32.map((seconds) => ({ kind: 'lease-time' as const, seconds })),
  ipv4.map((address) => ({ kind: 'server-identifier' as const, address })),
  bytes(20).map((data) => ({ kind: 'client-identifier' as const, data })),
  fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 })
    .map((name) => ({ kind: 'host-name' as const, name })),
  fc.tuple(fc.integer({ min: 1, max: 254 }).filter((c) => !KNOWN_DHCP_CODES.has(c)), bytes(30))
    .map(([code, data]) => ({ kind: 'raw' as const, code, data })),
);

export const dhcpMessage: fc.Arbitrary<DhcpMessage> = fc
  .record({
    op: fc.constantFrom(1, 2),
    hardwareType: fc.oneof(fc.constant(1), u8),
    hardwareLength: fc.oneof(fc.constant(6), u8),
    hops: u8,
    transactionId: u32,
    seconds: u16,
    flags: u16,
    clientAddress: ipv4,
    yourAddress: ipv4,
    serverAddress: ipv4,
    gatewayAddress: ipv4,
    clientHardwareAddress: bytes(16, 16),
    serverName: bytes(64, 64),
    bootFile: bytes(128, 128),
    options: fc.array(dhcpOption, { maxLength: 8 }),
    ended: fc.boolean(),
    trailer: bytes(20),
  })
  .map(({ ended, trailer, options, ...rest }) => ({
    kind: 'dhcp' as const,
    ...rest,
    options: ended ? [...options, { kind: 'end' as const }] : options,
    trailer: ended ? trailer : new Uint8Array(0),
  }));

const nonDhcpPort = u16.filter((p) => p !== 67 && p !== 68);

export const udpDatagram: fc.Arbitrary<UdpDatagram> = fc.oneof(
  fc.record({ kind: fc.constant('udp' as const), sourcePort: nonDhcpPort, destinationPort: nonDhcpPort, payload: raw(200) }),
  fc.record({ kind: fc.constant('udp' as const), sourcePort: fc.constantFrom(67, 68), destinationPort: fc.constantFrom(67, 68), payload: dhcpMessage }),
);

export const ipv4Packet: fc.Arbitrary<Ipv4Packet> = fc
  .record({
    typeOfService: u8,
    identification: u16,
    fragment: fc.boolean(),
    flagsDf: fc.boolean(),
    fragmentOffset: fc.integer({ min: 0, max: 0x1fff }),
    timeToLive: u8,
    source: ipv4,
    destination: ipv4,
    options: fc.integer({ min: 0, max: 10 }).chain((n) => bytes(4 * n, 4 * n)),
    payload: fc.oneof(udpDatagram, icmpv4Message, raw(100)),
    rawProtocol: u8.filter((p) => p !== 1 && p !== 17),
    anyProtocol: u8,
  })
  .map((r): Ipv4Packet => {
    const flags = (r.flagsDf ? 2 : 0) | (r.fragment ? 1 : 0);
    const fragmentOffset = r.fragment ? r.fragmentOffset : 0;
    // A fragment's payload is never decoded: give it raw bytes and any protocol number.
    const payload = r.fragment && r.payload.kind !== 'raw' ? { kind: 'raw' as const, bytes: new Uint8Array(8) } : r.payload;
    const protocol = payload.kind === 'udp' ? 17 : payload.kind === 'icmpv4' ? 1 : r.fragment ? r.anyProtocol : r.rawProtocol;
    return {
      kind: 'ipv4', typeOfService: r.typeOfService, identification: r.identification, flags, fragmentOffset,
      timeToLive: r.timeToLive, protocol, source: r.source, destination: r.destination, options: r.options, payload,
    };
  });

export const ndOption: fc.Arbitrary<NdOption> = fc.oneof(
  mac.map((address) => ({ kind: 'source-link-layer' as const, address })),
  mac.map((address) => ({ kind: 'target-link-layer' as const, address })),
  fc.record({
    kind: fc.constant('prefix-information' as const),
    prefixLength: u8,
    onLink: fc.boolean(),
    autonomous: fc.boolean(),
    reserved1: fc.integer({ min: 0, max: 0x3f }),
    validLifetime: u32,
    preferredLifetime: u32,
    reserved2: u32,
    prefix: ipv6,
  }),
  fc.record({ kind: fc.constant('mtu' as const), reserved: u16, mtu: u32 }),
  fc.tuple(u8, fc.integer({ min: 0, max: 4 }))
    .filter(([type, units]) => !((type === 1 || type === 2 || type === 5) && units === 0) && !(type === 3 && units === 3))
    .chain(([type, units]) => bytes(6 + 8 * units, 6 + 8 * units).map((data) => ({ kind: 'raw' as const, type, data }))),
);

const ndOptions = fc.array(ndOption, { maxLength: 4 });
const ND_TYPES = new Set([133, 134, 135, 136, 137]);

export const icmpv6Message: fc.Arbitrary<Icmpv6Message> = fc.oneof(
  fc.record({ kind: fc.constant('icmpv6' as const), type: fc.constant('ns' as const), code: fc.oneof(fc.constant(0), u8), reserved: u32, targetAddress: ipv6, options: ndOptions }),
  fc.record({
    kind: fc.constant('icmpv6' as const), type: fc.constant('na' as const), code: fc.oneof(fc.constant(0), u8),
    routerFlag: fc.boolean(), solicitedFlag: fc.boolean(), overrideFlag: fc.boolean(),
    reserved: fc.integer({ min: 0, max: 0x1fff_ffff }), targetAddress: ipv6, options: ndOptions,
  }),
  fc.record({ kind: fc.constant('icmpv6' as const), type: fc.constant('rs' as const), code: fc.oneof(fc.constant(0), u8), reserved: u32, options: ndOptions }),
  fc.record({
    kind: fc.constant('icmpv6' as const), type: fc.constant('ra' as const), code: fc.oneof(fc.constant(0), u8),
    currentHopLimit: u8, managedFlag: fc.boolean(), otherConfigFlag: fc.boolean(), reservedFlags: fc.integer({ min: 0, max: 0x3f }),
    routerLifetime: u16, reachableTime: u32, retransTimer: u32, options: ndOptions,
  }),
  fc.record({ kind: fc.constant('icmpv6' as const), type: fc.constant('redirect' as const), code: fc.oneof(fc.constant(0), u8), reserved: u32, targetAddress: ipv6, destinationAddress: ipv6, options: ndOptions }),
  fc.record({ kind: fc.constant('icmpv6' as const), type: fc.constant('other' as const), icmpType: u8.filter((t) => !ND_TYPES.has(t)), code: u8, body: bytes(60) }),
);

export const ipv6Packet: fc.Arbitrary<Ipv6Packet> = fc
  .record({
    trafficClass: u8,
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
    hopLimit: fc.oneof(fc.constant(255), u8),
    source: ipv6,
    destination: ipv6,
    payload: fc.oneof(icmpv6Message, udpDatagram, raw(100)),
    rawNext: u8.filter((n) => n !== 58 && n !== 17),
  })
  .map(({ rawNext, payload, ...r }): Ipv6Packet => ({
    kind: 'ipv6', ...r, payload,
    nextHeader: payload.kind === 'icmpv6' ? 58 : payload.kind === 'udp' ? 17 : rawNext,
  }));

const bridgeId = fc.record({ priority: u16, address: mac });
export const bpdu: fc.Arbitrary<Bpdu> = fc.oneof(
  fc.record({ kind: fc.constant('bpdu' as const), type: fc.constant('tcn' as const), protocolId: u16, version: u8 }),
  fc.record({
    kind: fc.constant('bpdu' as const), type: fc.constant('config' as const), protocolId: u16, version: u8, flags: u8,
    rootId: bridgeId, rootPathCost: u32, bridgeId, portId: u16, messageAge: u16, maxAge: u16, helloTime: u16, forwardDelay: u16,
  }),
  fc.record({
    kind: fc.constant('bpdu' as const), type: fc.constant('rst' as const), protocolId: u16, version: u8, flags: u8,
    rootId: bridgeId, rootPathCost: u32, bridgeId, portId: u16, messageAge: u16, maxAge: u16, helloTime: u16, forwardDelay: u16,
    version1Length: u8, extension: bytes(80),
  }),
);

export const llcPdu: fc.Arbitrary<LlcPdu> = fc.oneof(
  bpdu.map((payload) => ({ kind: 'llc' as const, dsap: 0x42, ssap: 0x42, control: 0x03, payload })),
  fc.record({
    kind: fc.constant('llc' as const),
    dsap: u8.filter((d) => d !== 0x42),
    ssap: u8,
    control: fc.oneof(u8.map((c) => c | 0x03), fc.tuple(u8.filter((c) => (c & 3) !== 3), u8).map(([a, b]) => a | (b << 8))),
    payload: raw(100),
  }),
);

export const vlanTag: fc.Arbitrary<VlanTag> = fc.record({
  tpid: fc.constantFrom(0x8100, 0x88a8, 0x9100),
  priority: fc.integer({ min: 0, max: 7 }),
  dropEligible: fc.boolean(),
  vlanId: fc.integer({ min: 0, max: 4095 }),
});

const DECODED_TYPES = new Set([0x0800, 0x0806, 0x8035, 0x86dd, 0x8100, 0x88a8, 0x9100]);

export const ethernetPayload: fc.Arbitrary<{ payload: EthernetPayload; etherType: number }> = fc.oneof(
  fc.tuple(arpPacket, fc.constantFrom(0x0806, 0x8035)).map(([payload, etherType]) => ({ payload, etherType })),
  ipv4Packet.map((payload) => ({ payload, etherType: 0x0800 })),
  ipv6Packet.map((payload) => ({ payload, etherType: 0x86dd })),
  llcPdu.map((payload) => ({ payload, etherType: 0 })),
  fc.tuple(raw(120), fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => !DECODED_TYPES.has(t)))
    .map(([payload, etherType]) => ({ payload, etherType })),
);

/** Whole frames, with tags, every payload kind and both padding styles. */
export const ethernetFrame: fc.Arbitrary<EthernetFrame> = fc
  .record({
    destination: mac,
    source: mac,
    vlanTags: fc.array(vlanTag, { maxLength: 3 }),
    body: ethernetPayload,
    trailer: fc.option(bytes(30), { nil: undefined }),
  })
  .map(({ destination, source, vlanTags, body, trailer }): EthernetFrame => {
    const base = { destination, source, vlanTags, payload: body.payload, etherType: body.etherType };
    const sized: EthernetFrame = base.payload.kind === 'llc' ? { ...base, etherType: 0 } : base;
    const natural = frameLength({ ...sized, trailer: new Uint8Array(0) });
    const etherType = base.payload.kind === 'llc' ? natural - 14 - 4 * vlanTags.length : base.etherType;
    const frame = { ...base, etherType };
    if (base.payload.kind === 'raw') {
      // A raw payload runs to the end of the frame, so padding becomes payload: never pad one.
      return natural < 60 ? { ...frame, trailer: new Uint8Array(0) } : frame;
    }
    if (trailer === undefined) return frame;
    // An explicit trailer that equals the implicit zero padding would parse back as absent.
    const implicit = natural + trailer.length === Math.max(60, natural) && trailer.every((b) => b === 0);
    return implicit ? frame : { ...frame, trailer };
  });

/** What a Linux cooked header carries: an EtherType payload, LLC (protocol 0x0004) or raw bytes. */
const cookedBody: fc.Arbitrary<{ payload: EthernetPayload; protocolType: number; runsToEnd: boolean }> = fc.oneof(
  ethernetPayload.filter((b) => b.payload.kind !== 'llc').map((b) => ({ payload: b.payload, protocolType: b.etherType, runsToEnd: b.payload.kind === 'raw' })),
  llcPdu.map((payload) => ({ payload, protocolType: 0x0004, runsToEnd: true })),
  fc.tuple(raw(60), fc.integer({ min: 0, max: 0x05ff }).filter((t) => t !== 0x0004))
    .map(([payload, protocolType]) => ({ payload, protocolType, runsToEnd: true })),
);

const cookedCommon = fc.record({
  packetType: fc.integer({ min: 0, max: 4 }),
  // Netlink (824) and GRE (778) interfaces carry other protocols: their payload is always raw.
  hardwareType: u16.filter((t) => t !== 824 && t !== 778),
  linkLayerAddress: bytes(8, 8),
  vlanTags: fc.array(vlanTag, { maxLength: 2 }),
  body: cookedBody,
  trailer: bytes(20),
});

/** LINKTYPE_LINUX_SLL records. */
export const sllFrame: fc.Arbitrary<CookedFrame> = fc.tuple(cookedCommon, u16).map(([c, linkLayerAddressLength]) => ({
  kind: 'sll', packetType: c.packetType, hardwareType: c.hardwareType, linkLayerAddressLength,
  linkLayerAddress: c.linkLayerAddress, vlanTags: c.vlanTags, protocolType: c.body.protocolType, payload: c.body.payload,
  // A payload that runs to the end of the record leaves nothing after it.
  trailer: c.body.runsToEnd ? new Uint8Array(0) : c.trailer,
}));

/** LINKTYPE_LINUX_SLL2 records. */
export const sll2Frame: fc.Arbitrary<CookedFrame> = fc.tuple(cookedCommon, u8, u16, u32).map(([c, linkLayerAddressLength, reserved, interfaceIndex]) => ({
  kind: 'sll2', reserved, interfaceIndex, packetType: c.packetType, hardwareType: c.hardwareType, linkLayerAddressLength,
  linkLayerAddress: c.linkLayerAddress, vlanTags: c.vlanTags, protocolType: c.body.protocolType, payload: c.body.payload,
  trailer: c.body.runsToEnd ? new Uint8Array(0) : c.trailer,
}));

export const ipv4PseudoHeader: fc.Arbitrary<PseudoHeader> = fc.record({ kind: fc.constant('ipv4' as const), source: ipv4, destination: ipv4 });
export const ipv6PseudoHeader: fc.Arbitrary<PseudoHeader> = fc.record({ kind: fc.constant('ipv6' as const), source: ipv6, destination: ipv6 });

/** Number of runs per property: small in the everyday suite, large under `npm run fuzz`. */
export const RUNS = Number(process.env['ARPSHIFT_FUZZ_RUNS'] ?? 400);

/** A VRRPv3 advertisement with the pseudo-header of a packet that can carry it (addresses of its family). */
export const vrrpWithPseudo: fc.Arbitrary<[VrrpAdvertisement, PseudoHeader]> = fc.oneof(
  fc.tuple(fc.array(ipv4, { maxLength: 12 }), ipv4PseudoHeader),
  fc.tuple(fc.array(ipv6, { maxLength: 6 }), ipv6PseudoHeader),
).chain(([addresses, pseudo]) => fc.record({
  kind: fc.constant('vrrp' as const),
  vrid: u8,
  priority: u8,
  maxAdvertInterval: fc.integer({ min: 0, max: 0xfff }),
  addresses: fc.constant(addresses as ReadonlyArray<Ipv4Address | Ipv6Address>),
  reserved: fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
}, { requiredKeys: ['kind', 'vrid', 'priority', 'maxAdvertInterval', 'addresses'] }).map((ad) => [ad, pseudo] as [VrrpAdvertisement, PseudoHeader]));
