/**
 * The wire layer: byte-exact codecs for the frames arpshift simulates and analyses, and streaming
 * pcap/pcapng reading and writing. Knows nothing of simulation, time or topology.
 */
export { WireError } from './errors.js';
export type { WireErrorCode } from './errors.js';
export type { ChecksumMode, Codec, ParseOptions, RawPayload } from './codec.js';
export { rawPayload } from './codec.js';
export { toHex } from './bytes.js';

export type { MacAddress } from './mac.js';
export {
  MAC_BROADCAST,
  MAC_ZERO,
  formatMac,
  isBroadcastMac,
  isGroupMac,
  isLocalMac,
  isMulticastMac,
  macFromNumber,
  parseMac,
  readMac,
  writeMac,
} from './mac.js';
export type { Ipv4Address } from './ipv4-address.js';
export {
  IPV4_BROADCAST,
  IPV4_UNSPECIFIED,
  formatIpv4,
  ipv4FromNumber,
  ipv4InSubnet,
  ipv4Mask,
  ipv4MulticastMac,
  isMulticastIpv4,
  parseIpv4,
  readIpv4,
  writeIpv4,
} from './ipv4-address.js';
export type { Ipv6Address } from './ipv6-address.js';
export {
  IPV6_ALL_NODES,
  IPV6_ALL_ROUTERS,
  IPV6_UNSPECIFIED,
  formatIpv6Bytes,
  ipv6Bytes,
  ipv6MulticastMac,
  isLinkLocalIpv6,
  isMulticastIpv6,
  isSolicitedNodeAddress,
  parseIpv6,
  readIpv6,
  solicitedNodeAddress,
  writeIpv6,
} from './ipv6-address.js';
export type { PseudoHeader } from './pseudo-header.js';

export type { EthernetFrame, EthernetPayload, VlanTag } from './ethernet.js';
export {
  ETHERNET_MAX_LENGTH_FIELD,
  ETHERNET_MIN_LENGTH,
  EthernetView,
  TPID_8021AD,
  TPID_8021Q,
  TPID_QINQ_LEGACY,
  emitFrame,
  emitFrameInto,
  ethernetCodec,
  frameLength,
  parseFrame,
} from './ethernet.js';
export type { CookedFrame, Sll2Frame, SllFrame } from './linux-sll.js';
export {
  ARPHRD_ETHER,
  ARPHRD_LOOPBACK,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  SLL2_HEADER_LENGTH,
  SLL_HEADER_LENGTH,
  SLL_PACKET_BROADCAST,
  SLL_PACKET_HOST,
  SLL_PACKET_MULTICAST,
  SLL_PACKET_OTHERHOST,
  SLL_PACKET_OUTGOING,
  SLL_PROTOCOL_LLC,
  Sll2View,
  SllView,
  cookedLength,
  cookedSourceMac,
  emitCooked,
  parseSll,
  parseSll2,
  sll2Codec,
  sllCodec,
} from './linux-sll.js';
export type { ArpForm, ArpPacket } from './arp.js';
export {
  ARP_HARDWARE_ETHERNET,
  ARP_LENGTH,
  ARP_OP_INARP_REPLY,
  ARP_OP_INARP_REQUEST,
  ARP_OP_RARP_REPLY,
  ARP_OP_RARP_REQUEST,
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  ARP_PROTOCOL_IPV4,
  ArpView,
  ETHERTYPE_ARP,
  ETHERTYPE_RARP,
  arpCodec,
  classifyArp,
  isGratuitousForm,
  parseArp,
} from './arp.js';
export type { Ipv4Packet, Ipv4Payload } from './ipv4.js';
export {
  ETHERTYPE_IPV4,
  IPV4_FLAG_DONT_FRAGMENT,
  IPV4_FLAG_MORE_FRAGMENTS,
  IP_PROTOCOL_ICMP,
  IP_PROTOCOL_UDP,
  Ipv4View,
  ipv4Codec,
  parseIpv4 as parseIpv4Packet,
} from './ipv4.js';
export type { UdpDatagram } from './udp.js';
export { UDP_PORT_DHCP_CLIENT, UDP_PORT_DHCP_SERVER, udpCodec } from './udp.js';
export type { Icmpv4Message } from './icmpv4.js';
export { ICMPV4_DESTINATION_UNREACHABLE, ICMPV4_ECHO_REPLY, ICMPV4_ECHO_REQUEST, echoOf, icmpv4Codec, icmpv4Echo } from './icmpv4.js';
export type { DhcpMessage, DhcpOption } from './dhcpv4.js';
export {
  DHCP_ACK,
  DHCP_DECLINE,
  DHCP_DISCOVER,
  DHCP_INFORM,
  DHCP_MAGIC_COOKIE,
  DHCP_NAK,
  DHCP_OFFER,
  DHCP_RELEASE,
  DHCP_REQUEST,
  dhcpClientMac,
  dhcpCodec,
  dhcpMessageType,
} from './dhcpv4.js';
export type { Ipv6Packet, Ipv6Payload } from './ipv6.js';
export { ETHERTYPE_IPV6, Ipv6View, ipv6Codec, parseIpv6 as parseIpv6Packet } from './ipv6.js';
export type {
  Icmpv6Message,
  Icmpv6Other,
  NeighborAdvertisement,
  NeighborSolicitation,
  Redirect,
  RouterAdvertisement,
  RouterSolicitation,
} from './icmpv6.js';
export {
  ICMPV6_NEIGHBOR_ADVERTISEMENT,
  ICMPV6_NEIGHBOR_SOLICITATION,
  ICMPV6_REDIRECT,
  ICMPV6_ROUTER_ADVERTISEMENT,
  ICMPV6_ROUTER_SOLICITATION,
  IP_PROTOCOL_ICMPV6,
  icmpv6Codec,
} from './icmpv6.js';
export type { NdOption } from './nd-options.js';
export {
  ND_OPTION_MTU,
  ND_OPTION_PREFIX_INFORMATION,
  ND_OPTION_REDIRECTED_HEADER,
  ND_OPTION_SOURCE_LINK_LAYER,
  ND_OPTION_TARGET_LINK_LAYER,
  ndLinkLayerAddress,
} from './nd-options.js';
export type { LlcPdu } from './llc.js';
export { LLC_CONTROL_UI, LLC_SAP_STP, llcCodec } from './llc.js';
export type { Bpdu, BridgeId, ConfigBpdu, RstBpdu, TcnBpdu } from './bpdu.js';
export {
  BPDU_FLAG_AGREEMENT,
  BPDU_FLAG_FORWARDING,
  BPDU_FLAG_LEARNING,
  BPDU_FLAG_PORT_ROLE_MASK,
  BPDU_FLAG_PROPOSAL,
  BPDU_FLAG_TOPOLOGY_CHANGE,
  BPDU_FLAG_TOPOLOGY_CHANGE_ACK,
  BPDU_ROLE_ALTERNATE_BACKUP,
  BPDU_ROLE_DESIGNATED,
  BPDU_ROLE_ROOT,
  BPDU_ROLE_UNKNOWN,
  BPDU_TYPE_CONFIG,
  BPDU_TYPE_RST,
  BPDU_TYPE_TCN,
  bpduCodec,
  bpduPortRole,
} from './bpdu.js';

export type { CaptureCursor, CaptureRecord } from './capture-record.js';
export { LINKTYPE_ETHERNET, recordAt, splitNanoseconds, timeNsValue } from './capture-record.js';
export type { ReadFunction } from './byte-source.js';
export type { ByteSink } from './byte-sink.js';
export { BufferedSink } from './byte-sink.js';
export type { OutputFileOptions } from './output-file.js';
export { AtomicFileSink, OutputPathError } from './output-file.js';
export type { CaptureFormat } from './capture.js';
export { CaptureReader, captureFromBytes, captureFromFd, openCapture } from './capture.js';
export { PCAP_MAGIC_MICROSECONDS, PCAP_MAGIC_NANOSECONDS, PcapWriter } from './pcap.js';
export type { PcapngInterface } from './pcapng.js';
export { PcapngWriter } from './pcapng.js';

export type { AdvertisementFlags, FrameOptions } from './builders.js';
export {
  arpAnnouncement,
  arpProbe,
  arpReply,
  arpRequest,
  ethernetFrame,
  gratuitousArp,
  ipv6Destination,
  ndPacket,
  neighborAdvertisement,
  neighborSolicitation,
  rarpAnnounce,
  vlanTag,
} from './builders.js';

export type { VrrpAdvertisement } from './vrrp.js';
export { IP_PROTOCOL_VRRP, VRRP_ADVERTISEMENT, VRRP_IPV4_GROUP, VRRP_IPV6_GROUP, emitVrrp, parseVrrp, vrrpBytes, vrrpCodec, vrrpInPacket, vrrpLength, vrrpMac } from './vrrp.js';
