/**
 * Layer 3 nodes: hosts and gateways with ARP and ND agents, neighbor tables driven by sourced
 * implementation profiles, duplicate address detection, and traffic applications. Knows nothing of
 * topology or migration.
 */
export type { ArpDecision, ArpEntryView, ArpReceiver } from './arp-rules.js';
export { decideArp, isGratuitousArp } from './arp-rules.js';
export type { NdDecision, NdEntryView, NdReceiver, NdReply } from './nd-rules.js';
export { decideNd } from './nd-rules.js';
export type { NeighborEntry, NeighborHooks, NeighborState, NeighborUpdate, QueueDropReason, RandomStreams, UpdateResult } from './neighbor-cache.js';
export { HolderSets, NeighborCache } from './neighbor-cache.js';
export { ACD, DadRunner, MAX_RTR_SOLICITATION_DELAY } from './dad.js';
export type { DhcpFields } from './dhcp-messages.js';
export {
  DHCP_FLAG_BROADCAST,
  DHCP_OPTION_PARAMETER_REQUEST_LIST,
  DHCP_OPTION_REBINDING_TIME,
  DHCP_OPTION_RENEWAL_TIME,
  DHCP_OPTION_ROUTER,
  DHCP_OPTION_SUBNET_MASK,
  dhcpFrame,
  dhcpLeaseTime,
  dhcpMessage,
  dhcpOf,
  dhcpPacket,
  dhcpRequestedAddress,
  dhcpServerIdentifier,
  dhcpU32Option,
} from './dhcp-messages.js';
export type { DhcpAnswer, DhcpLease, DhcpServerConfig, LeaseQueryAnswer } from './dhcp-server.js';
export { DHCP_SERVER_DEFAULTS, DhcpLeases, DhcpServer, DhcpServerCounters } from './dhcp-server.js';
export type { DhcpClientConfig, DhcpClientState } from './dhcp-client.js';
export { DHCP_CLIENT_DEFAULTS, DhcpClient, DhcpClientCounters } from './dhcp-client.js';
export type { AddressOptions, AddressState, EchoReply, HostOptions, Ipv4Assignment, Ipv6Assignment, UdpDelivery } from './host.js';
export { HOST_COUNTERS, Host, HostCounters } from './host.js';
export { HostStore } from './host-store.js';
export { DEFAULT_TTL, echo6, icmp4, udp4, udp6, udpPayload } from './packets.js';
export type { RedundancyConfig, VirtualAddresses } from './redundancy.js';
export { RedundantGatewayPair } from './redundancy.js';
export type { Family, PacketDropReason } from './trace.js';
export { StackTrace } from './trace.js';
export type { AddressClaimConfig, FlowTag, PingFlowConfig, PingSender, RequestResponseConfig, RouterAdvertiserConfig, UdpFlowConfig, UdpSender } from './apps/index.js';
export { AddressClaim, FLOW_HEADER_LENGTH, FLOW_PORT, FlowRecord, FlowSink, PingFlow, REQUEST_RESPONSE_PORT, RequestResponseFlow, RouterAdvertiser, SequenceSet, UdpFlow, flowPayload, isFlowPayload, linkLocalAddress, readFlowId, readFlowSequence, readFlowTag } from './apps/index.js';
export type {
  AgingModel,
  AnnouncePolicy,
  ArpReceivePolicy,
  DadPolicy,
  DhcpClientPolicy,
  Fact,
  ImplementationProfile,
  GenericOverrides,
  LinuxSysctls,
  NdReceivePolicy,
  NeighborTimers,
} from './profiles/index.js';
export {
  ARISTA_EOS_PROFILE,
  CISCO_IOS_PROFILE,
  FREEBSD_PROFILE,
  JUNOS_PROFILE,
  LINUX_DEFAULTS,
  LINUX_SYSCTL_NAMES,
  NS3_PROFILE,
  PROFILES,
  PROFILE_NAMES,
  RFC4861_PROFILE,
  RFC826_PROFILE,
  WINDOWS_PROFILE,
  LINUX_BASED,
  withOverrides,
  fact,
  linuxProfile,
  overridden,
  unverified,
} from './profiles/index.js';
