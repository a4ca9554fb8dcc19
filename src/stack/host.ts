/**
 * An IP end node on one Ethernet port: a host, a VM guest, or (with a router profile and
 * router.ts) a gateway. It owns an ARP table and an ND table (neighbor-cache.ts) driven by the kernel,
 * answers and learns from ARP and ND by its profile's rules (arp-rules.ts, nd-rules.ts), runs
 * duplicate address detection (dad.ts), delivers UDP to bound handlers and answers pings.
 *
 * Receive path: the NIC accepts frames to its own MACs (real and virtual), broadcast, and the IPv6
 * multicast groups it has joined (all-nodes, all-routers for routers, the solicited-node group of
 * each address); everything else is dropped as `not-for-me`. RARP is ignored (as Linux's arp_rcv in
 * net/ipv4/arp.c, which takes only opcodes 1 and 2). A node that is down or paused drops everything, in and out;
 * each frame it would have sent (its timers keep running) is counted (`droppedWhileDown`) and traced
 * as a `node-down` drop.
 *
 * Send path: the next hop is the destination when it is on a configured subnet, else the default
 * gateway; the packet then waits in the neighbor table until the next hop is resolved.
 */
import type { Network, Port, PortOwner, SimFrame } from '../net/index.js';
import { Port as PortClass, QUIET_DROPPED, QUIET_NOT_TAKEN, QUIET_TAKEN } from '../net/index.js';
import type { Kernel, Rng } from '../sim/index.js';
import { Timer } from '../sim/index.js';
import type {
  ArpPacket,
  DhcpMessage,
  EthernetFrame,
  Icmpv6Message,
  Ipv4Address,
  Ipv4Packet,
  Ipv6Address,
  Ipv6Packet,
  MacAddress,
  NdOption,
} from '../wire/index.js';
import {
  ARP_OP_REQUEST,
  IPV4_BROADCAST,
  IPV6_ALL_NODES,
  IPV6_ALL_ROUTERS,
  IPV6_UNSPECIFIED,
  MAC_BROADCAST,
  arpReply,
  arpRequest,
  echoOf,
  ethernetFrame,
  formatIpv4,
  icmpv4Echo,
  ipv4InSubnet,
  ipv4MulticastMac,
  isMulticastIpv4,
  ipv6Bytes,
  ipv6Destination,
  ipv6MulticastMac,
  isMulticastIpv6,
  ndPacket,
  neighborAdvertisement,
  neighborSolicitation,
  solicitedNodeAddress,
} from '../wire/index.js';
import type { ArpReceiver } from './arp-rules.js';
import { decideArp } from './arp-rules.js';
import { DadRunner } from './dad.js';
import type { HostStore } from './host-store.js';
import { bystanderPaths, hostStore } from './host-store.js';
import type { NdReceiver, NdReply } from './nd-rules.js';
import { decideNd } from './nd-rules.js';
import type { NeighborHooks, NeighborState, QueueDropReason } from './neighbor-cache.js';
import { NeighborCache } from './neighbor-cache.js';
import { echo6, icmp4, udp4, udp6, udpPayload } from './packets.js';
import type { ImplementationProfile } from './profiles/index.js';
import type { Family, PacketDropReason } from './trace.js';
import { StackTrace } from './trace.js';

/** The state of a configured address (RFC 4862 §5.4; RFC 5227 for IPv4). */
export type AddressState = 'tentative' | 'optimistic' | 'preferred' | 'duplicate';

/** An IPv4 address on the interface. */
export interface Ipv4Assignment {
  readonly address: Ipv4Address;
  readonly prefixLength: number;
  state: AddressState;
  /** The MAC this address answers with (a virtual MAC for a VRRP/anycast address), default the NIC's. */
  mac: MacAddress;
  /** Whether conflict detection checks it (again each time the interface comes up). */
  readonly verified: boolean;
}

/** An IPv6 address on the interface. */
export interface Ipv6Assignment {
  readonly address: Ipv6Address;
  readonly prefixLength: number;
  state: AddressState;
  mac: MacAddress;
  /** Whether DAD checks it (again each time the interface comes up). */
  readonly verified: boolean;
}

/** Options of a host. */
export interface HostOptions {
  readonly mac: MacAddress;
  readonly profile: ImplementationProfile;
  readonly gateway4?: Ipv4Address;
  readonly gateway6?: Ipv6Address;
}

/** Options of an added address. */
export interface AddressOptions {
  /** Answer for this address with another MAC (VRRP virtual MAC, anycast gateway MAC). */
  readonly mac?: MacAddress;
  /** Skip duplicate address detection (Linux `nodad`, or an address configured before the run). */
  readonly skipDad?: boolean;
  /**
   * Check an IPv4 address with RFC 5227 probes before using it even when the profile's stack does no
   * conflict detection (a DHCP client's check of an offered address, RFC 2131 §4.4.1); default: as the
   * profile says.
   */
  readonly probe?: boolean;
}

/** What a UDP handler is given. */
export interface UdpDelivery {
  readonly family: Family;
  /** The sender's address as text; over IPv4 a getter, written out when read (copy it, not the object, to keep it). */
  readonly source: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
}

/** A datagram received over IPv4: its source address is written out only if a receiver asks for it. */
class Ipv4UdpDelivery implements UdpDelivery {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
  private readonly sourceAddress: Ipv4Address;

  constructor(source: Ipv4Address, sourcePort: number, destinationPort: number, payload: Uint8Array) {
    this.sourceAddress = source;
    this.sourcePort = sourcePort;
    this.destinationPort = destinationPort;
    this.payload = payload;
  }

  readonly family: Family = 'ipv4';

  get source(): string {
    return formatIpv4(this.sourceAddress);
  }
}

/** An echo reply (ping) received, or an echo request (its fields are the same). */
export interface EchoReply {
  readonly family: Family;
  readonly source: string;
  readonly identifier: number;
  readonly sequence: number;
  readonly data: Uint8Array;
}

/**
 * Counters of a host: plain integers. The four a flood's bystander copies change (`framesIn`, `arpIn`,
 * `rarpIgnored`, `notForMe`) live in the network's {@link HostStore}, by the host's slot; the two
 * every datagram sent changes (`framesOut`, `udpOut`) in the host itself (a send reads no counters
 * object).
 */
export class HostCounters {
  arpOut = 0;
  ndIn = 0;
  ndOut = 0;
  udpIn = 0;
  echoRepliesSent = 0;
  droppedWhileDown = 0;
  private readonly store: HostStore;
  private readonly slot: number;
  private readonly sent: SendCounts;

  /** @internal The counters of the host numbered `slot` in `store`, whose send counts are `sent`'s. */
  constructor(store: HostStore, slot: number, sent: SendCounts) {
    this.store = store;
    this.slot = slot;
    this.sent = sent;
  }

  get framesOut(): number {
    return this.sent.framesOutCount;
  }

  set framesOut(n: number) {
    this.sent.framesOutCount = n;
  }

  get udpOut(): number {
    return this.sent.udpOutCount;
  }

  set udpOut(n: number) {
    this.sent.udpOutCount = n;
  }

  get framesIn(): number {
    return this.store.framesInOf(this.slot);
  }

  set framesIn(n: number) {
    this.store.framesIn[this.slot]! += n - this.store.framesInOf(this.slot);
  }

  get notForMe(): number {
    return this.store.notForMeOf(this.slot);
  }

  set notForMe(n: number) {
    this.store.notForMe[this.slot]! += n - this.store.notForMeOf(this.slot);
  }

  get arpIn(): number {
    return this.store.arpInOf(this.slot);
  }

  set arpIn(n: number) {
    this.store.arpIn[this.slot]! += n - this.store.arpInOf(this.slot);
  }

  get rarpIgnored(): number {
    return this.store.rarpIgnoredOf(this.slot);
  }

  set rarpIgnored(n: number) {
    this.store.rarpIgnored[this.slot]! += n - this.store.rarpIgnoredOf(this.slot);
  }
}

/** @internal Where a host keeps the counters its sends change (the host itself). */
interface SendCounts {
  framesOutCount: number;
  udpOutCount: number;
}

/** The names of the counters of {@link HostCounters}, in a fixed order (for whoever lists them all). */
export const HOST_COUNTERS: readonly (keyof HostCounters)[] = [
  'framesIn', 'framesOut', 'notForMe', 'arpIn', 'arpOut', 'rarpIgnored', 'ndIn', 'ndOut', 'udpIn', 'udpOut',
  'echoRepliesSent', 'droppedWhileDown',
];

const TWO_32 = 0x1_0000_0000;

/** The handler and timer tables of a host that has none yet: only ever read (see the fields that use it). */
const EMPTY_MAP: Map<unknown, unknown> = new Map();

function isSharedEmptyMap(m: object): boolean {
  return m === EMPTY_MAP;
}

/** The address lists of a host that has none yet: only ever read (see the fields that use it). */
const NO_ADDRESSES: never[] = [];

/** The handler lists of a host that has none yet: only ever read (see the fields that use it). */
const NO_HANDLERS: never[] = [];

/** `list` with `handler` appended: pushed to, unless it is the shared empty list. */
function withHandler<T>(list: T[], handler: T): T[] {
  if (list === NO_HANDLERS) return [handler];
  list.push(handler);
  return list;
}

/**
 * The parts of a host that most hosts of a large domain never use: handler tables and lists, the
 * neighbor timers, the host's random stream. Every host without any shares {@link NO_EXTRAS} (only
 * ever read) and gets one of its own at the first write: ten fields fewer on each of a million hosts.
 */
class HostExtras {
  // Handler tables and timer maps start as the shared empty map and get a map of their own at the
  // first write; handler lists start as the shared empty list and get one at the first handler.
  udpHandlers: Map<number, (delivery: UdpDelivery) => void> = EMPTY_MAP as Map<number, never>;
  protocolHandlers: Map<number, (packet: Ipv4Packet | Ipv6Packet) => void> = EMPTY_MAP as Map<number, never>;
  upChangeHandlers: Array<(up: boolean) => void> = NO_HANDLERS;
  echoReplyHandlers: Array<(reply: EchoReply) => void> = NO_HANDLERS;
  echoRequestHandlers: Array<(request: EchoReply) => void> = NO_HANDLERS;
  conflictHandlers: Array<(a: Ipv4Assignment | Ipv6Assignment) => void> = NO_HANDLERS;
  /** DHCP message handlers by UDP port (67 server, 68 client); null until one is bound. */
  dhcpHandlers: Map<number, (message: DhcpMessage, packet: Ipv4Packet) => void> | null = null;
  arpTimers: Map<Ipv4Address, Timer> = EMPTY_MAP as Map<Ipv4Address, never>;
  ndTimers: Map<Ipv6Address, Timer> = EMPTY_MAP as Map<Ipv6Address, never>;
  /** The stream `host:<name>`, made at the first `Host.randomStream`. */
  hostStream: Rng | null = null;
}

/** The extras of every host that has none of its own: only ever read. */
const NO_EXTRAS = new HostExtras();

function ipv6InPrefix(a: Ipv6Address, prefix: Ipv6Address, length: number): boolean {
  const x = ipv6Bytes(a);
  const y = ipv6Bytes(prefix);
  let bits = length;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((x[i]! & mask) !== (y[i]! & mask)) return false;
  }
  return true;
}

/** See the module comment. */
export class Host implements PortOwner {
  /**
   * @internal Whether an ARP request a host merely overhears (see {@link Host.overheardOnly}) skips the
   * receive rules. The result is the same either way; tests turn it off to compare the two paths.
   */
  static get bystanderFastPath(): boolean {
    return bystanderPaths.fastPath;
  }

  static set bystanderFastPath(on: boolean) {
    bystanderPaths.fastPath = on;
  }

  /**
   * @internal Makes room in `network`'s host store for `hosts` more hosts (a hint to a builder that
   * knows how many it will make: the store's arrays and indexes then do not grow step by step).
   */
  static reserve(network: Network, hosts: number): void {
    const store = hostStore(network);
    store.reserve(store.hosts.length + hosts);
  }

  readonly name: string;
  readonly port: Port;
  readonly profile: ImplementationProfile;
  /** @internal The network's hosts (see {@link HostStore}) and this host's number there. */
  readonly quietReceivers: HostStore;
  readonly quietSlot: number;
  gateway4: Ipv4Address | undefined;
  gateway6: Ipv6Address | undefined;
  protected readonly network: Network;
  protected readonly kernel: Kernel;
  /** Handlers, neighbor timers and the random stream: the shared {@link NO_EXTRAS} until the first write. */
  private extra: HostExtras = NO_EXTRAS;
  // Made at the first use: most hosts of a large domain never run DAD, trace an event, learn a
  // neighbor or count anything but the flood copies the host store counts for them. The tables and
  // DAD ask for their random streams (children of `host:<name>`) at their first draw, so when they
  // are made changes no draw.
  private dadValue: DadRunner | null = null;
  private arpValue: NeighborCache<Ipv4Address, Ipv4Packet> | null = null;
  private ndValue: NeighborCache<Ipv6Address, Ipv6Packet> | null = null;
  private countersValue: HostCounters | null = null;
  /** @internal Frames and UDP datagrams sent (read through {@link counters}). */
  framesOutCount = 0;
  udpOutCount = 0;
  private traceValue: StackTrace | null = null;
  // Address lists start as the shared empty list and get one of their own, exact-size, at the first
  // address (a push to an empty array reserves 17 slots; most hosts have one address per family).
  private ipv4List: Ipv4Assignment[] = NO_ADDRESSES as Ipv4Assignment[];
  private ipv6List: Ipv6Assignment[] = NO_ADDRESSES as Ipv6Assignment[];
  private isUp = true;
  private paused = false;
  private ipId = 0;
  private nicMac: MacAddress;

  constructor(network: Network, name: string, options: HostOptions) {
    this.network = network;
    this.kernel = network.kernel;
    this.name = name;
    this.nicMac = options.mac;
    const store = hostStore(network);
    this.quietReceivers = store;
    this.quietSlot = store.add(this, options.profile);
    store.addMac(this.quietSlot, options.mac);
    this.profile = options.profile;
    this.gateway4 = options.gateway4;
    this.gateway6 = options.gateway6;
    this.port = new PortClass(this, 0, 'eth0');
    network.add(this);
  }

  /** The host's {@link HostExtras}, its own (made at the first write). */
  private get own(): HostExtras {
    const x = this.extra;
    return x !== NO_EXTRAS ? x : (this.extra = new HostExtras());
  }

  /** The IPv4 addresses on the interface, in the order they were added. */
  get ipv4(): readonly Ipv4Assignment[] {
    return this.ipv4List;
  }

  /** The IPv6 addresses on the interface, in the order they were added. */
  get ipv6(): readonly Ipv6Assignment[] {
    return this.ipv6List;
  }

  /** The ARP table (made at its first use). */
  get arp(): NeighborCache<Ipv4Address, Ipv4Packet> {
    return this.arpValue ??= new NeighborCache(this.profile.arpTimers, new Host.ArpHooks(this), this, 'arp', this.quietReceivers.arpHolders, this.quietReceivers.arpHolderKeys, this.quietSlot + 1, this.quietReceivers.arpHolderSets);
  }

  /** The ND table (made at its first use). */
  get nd(): NeighborCache<Ipv6Address, Ipv6Packet> {
    return this.ndValue ??= new NeighborCache(this.profile.ndTimers, new Host.NdHooks(this), this, 'nd');
  }

  /** Whether the ARP table may hold an entry for `address` (see `NeighborCache.held`); false when it was never made. */
  private holdsArp(address: Ipv4Address): boolean {
    return this.arpValue !== null && this.arpValue.held(address);
  }

  /**
   * @internal The packets waiting in the host's neighbor tables for a resolution, the ARP table's
   * first (none in a table never made: reading them does not make it).
   */
  *waitingPackets(): IterableIterator<Ipv4Packet | Ipv6Packet> {
    if (this.arpValue !== null) for (const entry of this.arpValue.entries().values()) yield* entry.queue;
    if (this.ndValue !== null) for (const entry of this.ndValue.entries().values()) yield* entry.queue;
  }

  /** The host's counters (the object is made at the first look; the values live in the host store from the start). */
  get counters(): HostCounters {
    return this.countersValue ??= new HostCounters(this.quietReceivers, this.quietSlot, this);
  }

  /** Emits the host's trace events. */
  get trace(): StackTrace {
    return this.traceValue ??= new StackTrace(this.kernel, this.name);
  }

  private get dad(): DadRunner {
    return this.dadValue ??= new DadRunner(this, this.kernel);
  }

  /**
   * @internal The host's random stream `name`, a child of its stream `host:<name>`; a stream's draws
   * depend only on its name, so when it is made changes nothing. Each call makes a new generator.
   */
  randomStream(name: string): Rng {
    const x = this.own;
    return (x.hostStream ??= this.kernel.rng.stream(`host:${this.name}`)).stream(name);
  }

  // ---- configuration ------------------------------------------------------------------------

  /** Adds an IPv4 address; runs RFC 5227 probing first when the profile does and `skipDad` is not set. */
  addIpv4(address: Ipv4Address, prefixLength: number, options: AddressOptions = {}): Ipv4Assignment {
    const mac = options.mac ?? this.mac;
    this.quietReceivers.addMac(this.quietSlot, mac);
    const probe = (options.probe ?? this.profile.dad.ipv4ConflictDetection.value) && options.skipDad !== true;
    const a: Ipv4Assignment = { address, prefixLength, state: probe ? 'tentative' : 'preferred', mac, verified: probe };
    if (this.ipv4List === NO_ADDRESSES) this.ipv4List = [a];
    else this.ipv4List.push(a);
    this.quietReceivers.owners4.enter(address, this);
    if (probe) this.dad.probeIpv4(a);
    // Asked of the bus, not of the host's StackTrace, which is made at its first use.
    else if (this.kernel.trace.wants('address-state')) this.trace.addressState('ipv4', formatIpv4(address), 'preferred');
    return a;
  }

  /** Adds an IPv6 address; runs RFC 4862 DAD (optimistic per RFC 4429 if the profile says) unless `skipDad`. */
  addIpv6(address: Ipv6Address, prefixLength: number, options: AddressOptions = {}): Ipv6Assignment {
    const mac = options.mac ?? this.mac;
    this.quietReceivers.addMac(this.quietSlot, mac);
    const transmits = this.profile.dad.ipv6DadTransmits.value;
    const dad = transmits > 0 && options.skipDad !== true;
    const state: AddressState = !dad ? 'preferred' : this.profile.dad.optimisticDad.value ? 'optimistic' : 'tentative';
    const a: Ipv6Assignment = { address, prefixLength, state, mac, verified: dad };
    if (this.ipv6List === NO_ADDRESSES) this.ipv6List = [a];
    else this.ipv6List.push(a);
    if (dad) this.dad.probeIpv6(a, transmits);
    else this.afterIpv6Usable(a);
    return a;
  }

  /** Called by DAD when an IPv6 address becomes preferred. */
  afterIpv6Usable(a: Ipv6Assignment): void {
    this.trace.addressState('ipv6', a.address, 'preferred');
    if (this.profile.announce.ndiscNotify.value) this.announceNa(a, true);
  }

  /** Removes an address (e.g. after a DAD failure or to withdraw a virtual address). */
  removeAddress(family: Family, address: string): void {
    const list: Array<{ address: unknown }> = family === 'ipv4' ? this.ipv4List : this.ipv6List;
    const i = list.findIndex((a) => (family === 'ipv4' ? formatIpv4(a.address as Ipv4Address) : a.address) === address);
    if (i >= 0) {
      list.splice(i, 1);
      this.trace.addressState(family, address, 'removed');
    }
  }

  /** The NIC's MAC address. */
  get mac(): MacAddress {
    return this.nicMac;
  }

  /**
   * Gives the NIC a new MAC (a VM moved with a new vNIC, or a cold move). Addresses that used the old
   * MAC use the new one; as Linux on NETDEV_CHANGEADDR, arp_notify / ndisc_notify send one GARP / one
   * unsolicited NA per address.
   */
  changeMac(mac: MacAddress): void {
    const old = this.nicMac;
    if (mac === old) return;
    this.quietReceivers.deleteMac(this.quietSlot, old);
    this.quietReceivers.addMac(this.quietSlot, mac);
    this.nicMac = mac;
    for (const a of this.ipv4) if (a.mac === old) a.mac = mac;
    for (const a of this.ipv6) if (a.mac === old) a.mac = mac;
    if (!this.up) return;
    if (this.profile.announce.arpNotify.value) for (const a of this.ipv4) if (a.state === 'preferred') this.announceArp(a, 'request');
    if (this.profile.announce.ndiscNotify.value) for (const a of this.ipv6) if (a.state === 'preferred') this.announceNa(a, true);
  }

  /** Also accept frames to `mac` (a virtual MAC). */
  acceptMac(mac: MacAddress): void {
    this.quietReceivers.addMac(this.quietSlot, mac);
  }

  /** Delivers every echo reply the host receives to `handler` (as well as to earlier ones). */
  onEchoReply(handler: (reply: EchoReply) => void): void {
    const x = this.own;
    x.echoReplyHandlers = withHandler(x.echoReplyHandlers, handler);
  }

  private echoReply(reply: EchoReply): void {
    for (const h of this.extra.echoReplyHandlers) h(reply);
  }

  /**
   * Delivers every echo request addressed to the host to `handler`, answered or not (a host whose
   * profile ignores echo requests receives them all the same).
   */
  onEchoRequest(handler: (request: EchoReply) => void): void {
    const x = this.own;
    x.echoRequestHandlers = withHandler(x.echoRequestHandlers, handler);
  }

  /** Whether the host answers echo requests of `family` (its profile's `echo`). */
  answersEcho(family: Family): boolean {
    return !(family === 'ipv4' ? this.profile.echo.ignoreIpv4.value : this.profile.echo.ignoreIpv6.value);
  }

  private echoRequest(request: EchoReply): void {
    for (const h of this.extra.echoRequestHandlers) h(request);
  }

  /** Delivers UDP datagrams for `port` to `handler`. */
  bindUdp(port: number, handler: (delivery: UdpDelivery) => void): void {
    const x = this.own;
    if (isSharedEmptyMap(x.udpHandlers)) x.udpHandlers = new Map();
    x.udpHandlers.set(port, handler);
  }

  /**
   * Delivers IPv4 and IPv6 packets of IP protocol `protocol` sent to a multicast group to `handler`
   * (a routing protocol's messages: VRRP). The frames must reach the host: see `acceptMac`.
   */
  bindIpProtocol(protocol: number, handler: (packet: Ipv4Packet | Ipv6Packet) => void): void {
    const x = this.own;
    if (isSharedEmptyMap(x.protocolHandlers)) x.protocolHandlers = new Map();
    x.protocolHandlers.set(protocol, handler);
  }

  /**
   * Delivers DHCPv4 messages to UDP port `port` (67 for a server, 68 for a client) to `handler`,
   * whatever the IP destination (a client has no address yet; RFC 2131 §4.1 unicasts to yiaddr).
   */
  bindDhcp(port: number, handler: (message: DhcpMessage, packet: Ipv4Packet) => void): void {
    (this.own.dhcpHandlers ??= new Map()).set(port, handler);
  }

  /** Calls `handler` when duplicate address detection finds one of our tentative addresses in use. */
  onAddressConflict(handler: (a: Ipv4Assignment | Ipv6Assignment) => void): void {
    const x = this.own;
    x.conflictHandlers = withHandler(x.conflictHandlers, handler);
  }

  /** Called by DAD when a tentative address turned out to be a duplicate. */
  addressConflicted(a: Ipv4Assignment | Ipv6Assignment): void {
    for (const h of this.extra.conflictHandlers) h(a);
  }

  /** Calls `handler` after every administrative up/down change (`setUp`, `restart`). */
  onUpChange(handler: (up: boolean) => void): void {
    const x = this.own;
    x.upChangeHandlers = withHandler(x.upChangeHandlers, handler);
  }

  /** Sends an IP packet to a multicast group from `source` (a virtual MAC, for VRRP). */
  sendMulticast(packet: Ipv4Packet | Ipv6Packet, source: MacAddress = this.mac): void {
    const group = packet.kind === 'ipv4' ? ipv4MulticastMac(packet.destination) : ipv6MulticastMac(packet.destination);
    this.sendFrame(ethernetFrame(group, source, packet));
  }

  get up(): boolean {
    return this.isUp && !this.paused;
  }

  get now(): number {
    return this.kernel.now;
  }

  /**
   * Administrative up/down. Coming up checks the addresses that conflict detection covers again (RFC
   * 5227 §2.1: whenever an interface goes from inactive to active; RFC 4862 §5.4: on interface
   * initialization), and sends what the profile sends on NETDEV_UP for the others (one GARP per IPv4
   * address with arp_notify; an unsolicited NA per IPv6 address with ndisc_notify).
   */
  setUp(up: boolean): void {
    if (up === this.isUp) return;
    this.isUp = up;
    this.storeUp();
    for (const h of this.extra.upChangeHandlers) h(up);
    if (!up) return;
    for (const a of this.ipv4) {
      if (!a.verified || (a.state !== 'preferred' && a.state !== 'tentative')) continue;
      a.state = 'tentative';
      this.dad.probeIpv4(a);
    }
    const transmits = this.profile.dad.ipv6DadTransmits.value;
    for (const a of this.ipv6) {
      if (!a.verified || a.state === 'duplicate' || transmits <= 0) continue;
      a.state = this.profile.dad.optimisticDad.value ? 'optimistic' : 'tentative';
      this.dad.probeIpv6(a, transmits);
    }
    if (this.profile.announce.arpNotify.value) for (const a of this.ipv4) if (a.state === 'preferred') this.announceArp(a, 'request');
    if (this.profile.announce.ndiscNotify.value) for (const a of this.ipv6) if (a.state === 'preferred') this.announceNa(a, true);
  }

  /**
   * The interface was re-created and is brought up (`ip link set up` on a new device, as a
   * container's or a veth-based VM's move does), rather than the silent resume of a live-migrated
   * VM's virtio NIC: NETDEV_UP runs the profile's arp_notify at once, one GARP (request form, target
   * MAC zero) per IPv4 address (net/ipv4/devinet.c inetdev_event; measured on Linux 6.18), and, as
   * addrconf does for a device coming up (net/ipv6/addrconf.c addrconf_dad_start), DAD again for each
   * IPv6 address when the profile does DAD, ndisc_notify's NA following once the address is preferred
   * (about 1 s later, measured); an IPv4 address that conflict detection covers is probed again.
   */
  replug(): void {
    if (!this.up) return;
    for (const a of this.ipv4) {
      if (!a.verified || (a.state !== 'preferred' && a.state !== 'tentative')) continue;
      a.state = 'tentative';
      this.dad.probeIpv4(a);
    }
    if (this.profile.announce.arpNotify.value) for (const a of this.ipv4) if (a.state === 'preferred') this.announceArp(a, 'request');
    const transmits = this.profile.dad.ipv6DadTransmits.value;
    for (const a of this.ipv6) {
      if (a.state === 'duplicate') continue;
      if (transmits > 0) {
        a.state = this.profile.dad.optimisticDad.value ? 'optimistic' : 'tentative';
        this.dad.probeIpv6(a, transmits);
      } else if (this.profile.announce.ndiscNotify.value && a.state === 'preferred') {
        this.announceNa(a, true);
      }
    }
  }

  /**
   * A reboot: down, empty neighbor tables, then up again after `downFor` ns; without `downFor` it
   * stays down until `setUp(true)` (a caller that keeps its own clock).
   */
  restart(downFor?: number): void {
    this.setUp(false);
    for (const address of [...this.arp.entries().keys()]) this.arp.remove(address);
    for (const address of [...this.nd.entries().keys()]) this.nd.remove(address);
    if (downFor !== undefined) this.kernel.schedule(downFor, this.name, 'restart', () => this.setUp(true));
  }

  /** Freezes the node (a VM in stop-and-copy): nothing in or out until `resume`. Timers keep running. */
  pause(): void {
    this.paused = true;
    this.storeUp();
  }

  resume(): void {
    this.paused = false;
    this.storeUp();
  }

  /** Writes whether the host is up to the network's host store. */
  private storeUp(): void {
    this.quietReceivers.setUp(this.quietSlot, this.up);
  }

  // ---- addresses ------------------------------------------------------------------------------

  private ownIpv4(address: Ipv4Address): Ipv4Assignment | undefined {
    for (const a of this.ipv4) if (a.address === address) return a;
    return undefined;
  }

  private ownIpv6(address: Ipv6Address): Ipv6Assignment | undefined {
    for (const a of this.ipv6) if (a.address === address) return a;
    return undefined;
  }

  /** A usable source address for `destination` (same subnet first). */
  sourceIpv4(destination: Ipv4Address): Ipv4Assignment | undefined {
    let fallback: Ipv4Assignment | undefined;
    for (const a of this.ipv4) {
      if (a.state !== 'preferred') continue;
      if (ipv4InSubnet(destination, a.address, a.prefixLength)) return a;
      fallback ??= a;
    }
    return fallback;
  }

  sourceIpv6(destination: Ipv6Address): Ipv6Assignment | undefined {
    let fallback: Ipv6Assignment | undefined;
    for (const a of this.ipv6) {
      if (a.state !== 'preferred' && a.state !== 'optimistic') continue;
      if (ipv6InPrefix(destination, a.address, a.prefixLength)) return a;
      fallback ??= a;
    }
    return fallback;
  }

  /** The next hop for `destination`: itself when on-link, else the default gateway (or itself if none). */
  nextHop4(destination: Ipv4Address): Ipv4Address {
    return this.onLink4(destination) ? destination : this.gateway4 ?? destination;
  }

  nextHop6(destination: Ipv6Address): Ipv6Address {
    return this.onLink6(destination) ? destination : this.gateway6 ?? destination;
  }

  private onLink4(destination: Ipv4Address): boolean {
    for (const a of this.ipv4) if (ipv4InSubnet(destination, a.address, a.prefixLength)) return true;
    return false;
  }

  private onLink6(destination: Ipv6Address): boolean {
    for (const a of this.ipv6) if (ipv6InPrefix(destination, a.address, a.prefixLength)) return true;
    return destination.startsWith('fe80:');
  }

  // ---- sending --------------------------------------------------------------------------------

  /** Sends an Ethernet frame as it is (announcements, test traffic). */
  sendFrame(eth: EthernetFrame): void {
    if (!this.up) {
      this.counters.droppedWhileDown++;
      this.dropFrame('node-down', eth);
      return;
    }
    this.framesOutCount++;
    this.port.send(this.network.frame(eth));
  }

  private dropPacket(reason: PacketDropReason, family: Family, packet: Ipv4Packet | Ipv6Packet | null): void {
    this.trace.dropped(reason, family, packet === null ? null : udpPayload(packet));
  }

  /** Sends an IPv4 packet: to its destination on-link, else through the default gateway. */
  sendIpv4(packet: Ipv4Packet): void {
    if (!this.up) {
      this.counters.droppedWhileDown++;
      return this.dropPacket('node-down', 'ipv4', packet);
    }
    const dst = packet.destination;
    if (dst === IPV4_BROADCAST) return this.sendFrame(ethernetFrame(MAC_BROADCAST, this.mac, packet));
    const nextHop = this.onLink4(dst) ? dst : this.gateway4;
    if (nextHop === undefined) return this.dropPacket('no-route', 'ipv4', packet);
    this.arp.output(nextHop, packet, this.kernel.now);
  }

  /** Sends an IPv6 packet: multicast directly, unicast through the neighbor table. */
  sendIpv6(packet: Ipv6Packet): void {
    if (!this.up) {
      this.counters.droppedWhileDown++;
      return this.dropPacket('node-down', 'ipv6', packet);
    }
    const dst = packet.destination;
    if (isMulticastIpv6(dst)) return this.sendFrame(ethernetFrame(ipv6MulticastMac(dst), this.sourceMac6(packet.source), packet));
    const nextHop = this.onLink6(dst) ? dst : this.gateway6;
    if (nextHop === undefined) return this.dropPacket('no-route', 'ipv6', packet);
    this.nd.output(nextHop, packet, this.kernel.now);
  }

  /** Sends a UDP datagram from the best source address; false if there is none. */
  sendUdp(destination: Ipv4Address | Ipv6Address, sourcePort: number, destinationPort: number, payload: Uint8Array): boolean {
    this.udpOutCount++;
    if (typeof destination === 'number') {
      const src = this.sourceIpv4(destination);
      if (src === undefined) return false;
      this.sendIpv4(udp4(src.address, destination, sourcePort, destinationPort, payload, this.nextId()));
      return true;
    }
    const src = this.sourceIpv6(destination);
    if (src === undefined) return false;
    this.sendIpv6(udp6(src.address, destination, sourcePort, destinationPort, payload));
    return true;
  }

  /** Sends an echo request (ICMPv4 or ICMPv6). */
  ping(destination: Ipv4Address | Ipv6Address, identifier: number, sequence: number, data: Uint8Array = new Uint8Array(32)): boolean {
    if (typeof destination === 'number') {
      const src = this.sourceIpv4(destination);
      if (src === undefined) return false;
      this.sendIpv4(icmp4(src.address, destination, icmpv4Echo(8, identifier, sequence, data), this.nextId()));
      return true;
    }
    const src = this.sourceIpv6(destination);
    if (src === undefined) return false;
    const body = new Uint8Array(4 + data.length);
    body[0] = identifier >>> 8; body[1] = identifier & 0xff; body[2] = sequence >>> 8; body[3] = sequence & 0xff;
    body.set(data, 4);
    this.sendIpv6(echo6(src.address, destination, 128, body));
    return true;
  }

  private nextId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  private sourceMac4(source: Ipv4Address): MacAddress {
    return this.ownIpv4(source)?.mac ?? this.mac;
  }

  private sourceMac6(source: Ipv6Address): MacAddress {
    return this.ownIpv6(source)?.mac ?? this.mac;
  }

  // ---- announcements --------------------------------------------------------------------------

  /**
   * One gratuitous ARP for an address: the request form as Linux sends it (target MAC zero, or
   * `targetMac`: broadcast as `arping -U` sends it), or the reply form (target MAC = sender's).
   */
  announceArp(a: Ipv4Assignment, form: 'request' | 'reply', targetMac?: MacAddress): void {
    const packet: ArpPacket = form === 'request'
      ? { ...arpRequest(a.mac, a.address, a.address), ...(targetMac === undefined ? {} : { targetHardwareAddress: targetMac }) }
      : arpReply(a.mac, a.address, a.mac, a.address);
    this.counters.arpOut++;
    this.sendFrame(ethernetFrame(MAC_BROADCAST, a.mac, packet));
  }

  /** One unsolicited NA for an address to all-nodes (RFC 4861 §7.2.6), O as given. */
  announceNa(a: Ipv6Assignment, override: boolean): void {
    const router = this.profile.role === 'router';
    const packet = neighborAdvertisement(a.address, a.address, a.mac, { solicited: false, override, router }, IPV6_ALL_NODES);
    this.counters.ndOut++;
    this.sendFrame(ethernetFrame(ipv6MulticastMac(IPV6_ALL_NODES), a.mac, packet));
  }

  // ---- neighbor table hooks -------------------------------------------------------------------

  // One small object per table whose methods live on a shared prototype, rather than an object of
  // five closures per table: a domain of a million hosts holds two million of these.
  private static readonly ArpHooks = class implements NeighborHooks<Ipv4Address, Ipv4Packet> {
    private readonly host: Host;

    constructor(host: Host) {
      this.host = host;
    }

    // A node that is down or paused still runs its timers: what they send is dropped and counted
    // in sendFrame, never lost without a trace.
    solicit(address: Ipv4Address, target: MacAddress | null): void {
      const h = this.host;
      const src = h.sourceIpv4(address);
      if (src === undefined) return;
      h.counters.arpOut++;
      h.sendFrame(ethernetFrame(target ?? MAC_BROADCAST, src.mac, arpRequest(src.mac, src.address, address)));
    }

    transmit(_address: Ipv4Address, lladdr: MacAddress, packet: Ipv4Packet): void {
      const h = this.host;
      h.sendFrame(ethernetFrame(lladdr, h.sourceMac4(packet.source), packet));
    }

    drop(_address: Ipv4Address, packet: Ipv4Packet, reason: QueueDropReason): void {
      this.host.dropPacket(reason, 'ipv4', packet);
    }

    arm(address: Ipv4Address, at: number): void {
      const h = this.host;
      const x = h.own;
      if (isSharedEmptyMap(x.arpTimers)) x.arpTimers = new Map();
      h.armTimer(x.arpTimers, address, at, () => h.arp.timer(address, h.kernel.now), 'arp-timer');
    }

    changed(address: Ipv4Address, from: NeighborState | 'none', to: NeighborState | 'none', lladdr: MacAddress | null): void {
      this.host.trace.neighbor('ipv4', formatIpv4(address), from, to, lladdr);
    }
  };

  private static readonly NdHooks = class implements NeighborHooks<Ipv6Address, Ipv6Packet> {
    private readonly host: Host;

    constructor(host: Host) {
      this.host = host;
    }

    solicit(address: Ipv6Address, target: MacAddress | null): void {
      const h = this.host;
      const src = h.sourceIpv6(address);
      // An optimistic address must not be the source of an NS (RFC 4429 §3.3).
      if (src === undefined || src.state === 'optimistic') return;
      const packet = target === null
        ? neighborSolicitation(src.address, address, src.mac)
        : neighborSolicitation(src.address, address, src.mac, address);
      h.counters.ndOut++;
      h.sendFrame(ethernetFrame(target ?? ipv6MulticastMac(solicitedNodeAddress(address)), src.mac, packet));
    }

    transmit(_address: Ipv6Address, lladdr: MacAddress, packet: Ipv6Packet): void {
      const h = this.host;
      h.sendFrame(ethernetFrame(lladdr, h.sourceMac6(packet.source), packet));
    }

    drop(_address: Ipv6Address, packet: Ipv6Packet, reason: QueueDropReason): void {
      this.host.dropPacket(reason, 'ipv6', packet);
    }

    arm(address: Ipv6Address, at: number): void {
      const h = this.host;
      const x = h.own;
      if (isSharedEmptyMap(x.ndTimers)) x.ndTimers = new Map();
      h.armTimer(x.ndTimers, address, at, () => h.nd.timer(address, h.kernel.now), 'nd-timer');
    }

    changed(address: Ipv6Address, from: NeighborState | 'none', to: NeighborState | 'none', lladdr: MacAddress | null): void {
      this.host.trace.neighbor('ipv6', address, from, to, lladdr);
    }
  };

  private armTimer<A>(timers: Map<A, Timer>, address: A, at: number, fire: () => void, kind: string): void {
    let timer = timers.get(address);
    if (at < 0) {
      timer?.cancel();
      return;
    }
    if (timer === undefined) {
      timer = new Timer(this.kernel, this.name, kind, fire);
      timers.set(address, timer);
    }
    timer.setAt(at);
  }

  // ---- receiving ------------------------------------------------------------------------------

  private acceptsDestination(dst: MacAddress): boolean {
    if (dst === MAC_BROADCAST || this.quietReceivers.hasMac(this.quietSlot, dst)) return true;
    if (Math.floor(dst / TWO_32) !== 0x3333) return false;
    // IPv6 multicast: all-nodes, all-routers for routers, and our solicited-node groups.
    const low = dst % TWO_32;
    if (low === 1) return true;
    if (low === 2) return this.profile.role === 'router';
    for (const a of this.ipv6) if (ipv6MulticastMac(solicitedNodeAddress(a.address)) === dst) return true;
    return false;
  }

  receive(_port: Port, frame: SimFrame): void {
    const eth = frame.eth;
    if (!this.up) {
      this.counters.droppedWhileDown++;
      this.dropFrame('node-down', eth);
      return;
    }
    if (!this.acceptsDestination(eth.destination)) {
      this.counters.notForMe++;
      this.dropFrame('not-for-me', eth);
      return;
    }
    this.counters.framesIn++;
    const p = eth.payload;
    switch (p.kind) {
      case 'arp':
        if (eth.etherType !== 0x0806 || (p.operation !== 1 && p.operation !== 2)) {
          this.counters.rarpIgnored++;
          return;
        }
        return this.receiveArp(eth, p);
      case 'ipv4':
        return this.receiveIpv4(p);
      case 'ipv6':
        return this.receiveIpv6(eth, p);
      default:
        return;
    }
  }

  /**
   * @internal See `PortOwner.receiveQuietly`: takes a flood copy that `receive` would only count, the
   * host being up: one not for any of its MACs (an unknown-unicast flood's copy for another host, a
   * multicast group it is not in), which `receive` drops as not-for-me (its drop traced by group, see
   * {@link droppedQuietly}; not while anyone listens to the per-drop `packet-dropped`); a RARP frame,
   * which `receive` counts and ignores; or an ARP request broadcast to everyone (a gratuitous one
   * too) that no conflict detection looks at and that is `overheardOnly` (not for us, no entry for
   * the sender or a profile that creates none). Off with
   * {@link Host.bystanderFastPath}.
   */
  receiveQuietly(_port: Port, frame: SimFrame): number {
    if (!bystanderPaths.fastPath || !this.up) return QUIET_NOT_TAKEN;
    const eth = frame.eth;
    const dst = eth.destination;
    if (dst !== MAC_BROADCAST) {
      if (this.trace.perCopyDrops || this.acceptsDestination(dst)) return QUIET_NOT_TAKEN;
      this.counters.notForMe++;
      return QUIET_DROPPED;
    }
    const p = eth.payload;
    if (p.kind !== 'arp') return QUIET_NOT_TAKEN;
    if (eth.etherType !== 0x0806 || (p.operation !== 1 && p.operation !== 2)) {
      // RARP (RFC 903; what QEMU announces a moved VM with) and the rest of the ARP family: `receive`
      // counts and ignores them.
      this.counters.framesIn++;
      this.counters.rarpIgnored++;
      return QUIET_TAKEN;
    }
    if (p.operation !== ARP_OP_REQUEST) return QUIET_NOT_TAKEN;
    const sip = p.senderProtocolAddress;
    const tip = p.targetProtocolAddress;
    if (sip === 0) return QUIET_NOT_TAKEN;
    if (sip === tip) {
      // A gratuitous request (a moved VM's announcement): `decideArp` creates no entry from it where
      // the profile drops gratuitous ARP, takes only replies to a pending resolution, or creates no
      // unsolicited entries (Linux arp_accept = 0, net/ipv4/arp.c arp_process); it then only updates
      // an entry the host already has (looked at below, with the conflict checks).
      const rules = this.profile.arp;
      if (!rules.dropGratuitous.value && rules.updateExisting.value !== 'reply-while-resolving' && rules.createUnsolicited.value !== 'never') return QUIET_NOT_TAKEN;
    }
    // `overheardOnly` and what `DadRunner.checkArp` would act on (an address in detection, tentative
    // or preferred under ongoing detection, that the sender claims; a probe, from 0.0.0.0, was
    // excluded above). The network's index says which host holds each address: only where this host
    // may hold the target or the sender's address are its own addresses looked at.
    const owners = this.quietReceivers.owners4;
    owners.lookUp(frame, tip, sip);
    const tipOwner = owners.tipOwner;
    const sipOwner = owners.sipOwner;
    if (tipOwner === this || tipOwner === null) return QUIET_NOT_TAKEN;
    if (sipOwner === this || sipOwner === null) {
      const acd = this.profile.dad.ipv4ConflictDetection.value;
      const addresses = this.ipv4;
      for (let i = 0; i < addresses.length; i++) {
        const a = addresses[i]!;
        if (a.address === tip) return QUIET_NOT_TAKEN;
        if (a.address === sip && (a.state === 'tentative' || (acd && a.state === 'preferred'))) return QUIET_NOT_TAKEN;
      }
    }
    if (this.profile.arp.updateExisting.value !== 'reply-while-resolving' && this.holdsArp(sip)) return QUIET_NOT_TAKEN;
    this.counters.framesIn++;
    this.counters.arpIn++;
    return QUIET_TAKEN;
  }

  /**
   * @internal See `PortOwner.droppedQuietly`: traces the not-for-me drops of the copies of `frame`
   * that {@link receiveQuietly} took at the hosts `nodes` names (this one, `first`, first) as one
   * `packets-dropped` event.
   */
  droppedQuietly(first: string, nodes: () => readonly string[], frame: SimFrame): void {
    const p = frame.eth.payload;
    if (p.kind === 'ipv4' || p.kind === 'ipv6') this.trace.droppedBy(first, nodes, 'not-for-me', p.kind, udpPayload(p));
    else this.trace.droppedBy(first, nodes, 'not-for-me', null, null);
  }

  /** Traces a dropped frame with its family and, for measurement traffic, its UDP payload. */
  private dropFrame(reason: PacketDropReason, eth: EthernetFrame): void {
    const p = eth.payload;
    if (p.kind === 'ipv4' || p.kind === 'ipv6') this.dropPacket(reason, p.kind, p);
    else this.trace.dropped(reason, null, null);
  }

  /** The receive rules' view of this host, made at its first use (most hosts of a large domain never need it). */
  private arpViewCache: ArpReceiver | null = null;

  private get arpView(): ArpReceiver {
    return this.arpViewCache ??= {
      mac: 0 as MacAddress,
      isMine: (ip) => this.ownIpv4(ip)?.state === 'preferred',
      inConfiguredSubnet: (ip) => this.onLink4(ip),
    };
  }

  /**
   * True when `decideArp` would neither change the table nor answer: a request (not a probe, not
   * gratuitous) for an address that is not ours, whose sender has no entry here, or any request when
   * the profile takes only replies to a pending resolution. In a broadcast domain of N hosts every
   * request reaches N - 1 such bystanders, so this is the common case of an ARP storm.
   */
  private overheardOnly(p: ArpPacket): boolean {
    const sip = p.senderProtocolAddress;
    const tip = p.targetProtocolAddress;
    if (p.operation !== ARP_OP_REQUEST || sip === 0 || sip === tip || this.ownIpv4(tip) !== undefined) return false;
    return this.profile.arp.updateExisting.value === 'reply-while-resolving' || !this.holdsArp(sip);
  }

  private receiveArp(eth: EthernetFrame, p: ArpPacket): void {
    this.counters.arpIn++;
    const now = this.kernel.now;
    if (this.dad.checkArp(p)) return;
    if (bystanderPaths.fastPath && this.overheardOnly(p)) return;
    // The receiver's view uses the MAC the frame was sent to when it is one of ours (virtual MACs).
    const view: ArpReceiver = { ...this.arpView, mac: this.quietReceivers.hasMac(this.quietSlot, eth.destination) ? eth.destination : this.mac };
    const decision = decideArp(this.profile.arp, view, p, eth.destination, this.arp.get(p.senderProtocolAddress), now);
    if (decision.update !== null) this.arp.update(p.senderProtocolAddress, decision.update, now);
    if (decision.reply) {
      const mine = this.ownIpv4(p.targetProtocolAddress);
      if (mine === undefined) return;
      this.counters.arpOut++;
      this.sendFrame(ethernetFrame(p.senderHardwareAddress, mine.mac, arpReply(mine.mac, mine.address, p.senderHardwareAddress, p.senderProtocolAddress)));
    }
  }

  private receiveIpv4(p: Ipv4Packet): void {
    if (this.extra.dhcpHandlers !== null) {
      const u = p.payload;
      if (u.kind === 'udp' && u.payload.kind === 'dhcp') {
        const handler = this.extra.dhcpHandlers.get(u.destinationPort);
        if (handler !== undefined) {
          this.counters.udpIn++;
          return handler(u.payload, p);
        }
      }
    }
    const dst = p.destination;
    if (isMulticastIpv4(dst)) {
      const handler = this.extra.protocolHandlers.get(p.protocol);
      if (handler !== undefined) return handler(p);
    }
    if (dst !== IPV4_BROADCAST && this.ownIpv4(dst)?.state !== 'preferred') return this.dropPacket('not-for-me', 'ipv4', p);
    const inner = p.payload;
    if (inner.kind === 'udp') {
      this.counters.udpIn++;
      const handler = this.extra.udpHandlers.get(inner.destinationPort);
      if (handler === undefined || inner.payload.kind !== 'raw') return this.dropPacket('no-listener', 'ipv4', p);
      handler(new Ipv4UdpDelivery(p.source, inner.sourcePort, inner.destinationPort, inner.payload.bytes));
    } else if (inner.kind === 'icmpv4' && inner.type === 8) {
      const echo = echoOf(inner);
      if (echo === undefined) return;
      this.echoRequest({ family: 'ipv4', source: formatIpv4(p.source), identifier: echo.identifier, sequence: echo.sequenceNumber, data: inner.data });
      // Linux net/ipv4/icmp.c icmp_echo: nothing is sent with icmp_echo_ignore_all.
      if (this.profile.echo.ignoreIpv4.value) return;
      this.counters.echoRepliesSent++;
      this.sendIpv4(icmp4(dst, p.source, icmpv4Echo(0, echo.identifier, echo.sequenceNumber, inner.data), this.nextId()));
    } else if (inner.kind === 'icmpv4' && inner.type === 0) {
      const echo = echoOf(inner);
      if (echo !== undefined) this.echoReply({ family: 'ipv4', source: formatIpv4(p.source), identifier: echo.identifier, sequence: echo.sequenceNumber, data: inner.data });
    }
  }

  private ndViewCache: NdReceiver | null = null;

  private get ndView(): NdReceiver {
    return this.ndViewCache ??= {
      role: 'host',
      isMine: (a) => {
        const s = this.ownIpv6(a)?.state;
        return s === 'preferred' || s === 'optimistic';
      },
      isTentative: (a) => this.ownIpv6(a)?.state === 'tentative' || this.ownIpv6(a)?.state === 'optimistic',
      inConfiguredPrefix: (a) => this.onLink6(a),
    };
  }

  private receiveIpv6(eth: EthernetFrame, p: Ipv6Packet): void {
    const dst = p.destination;
    const inner = p.payload;
    if (inner.kind === 'icmpv6' && inner.type !== 'other') {
      this.counters.ndIn++;
      const now = this.kernel.now;
      const view: NdReceiver = { ...this.ndView, role: this.profile.role };
      const decision = decideNd(this.profile.nd, view, p, inner, (a) => this.nd.get(a));
      if (decision.dadConflict !== null && this.dad.conflictIpv6(decision.dadConflict, eth.source)) return;
      if (decision.update !== null && decision.entryFor !== null) this.nd.update(decision.entryFor, decision.update, now);
      if (decision.reply !== null) this.answerNs(decision.reply);
      return;
    }
    if (isMulticastIpv6(dst)) {
      const handler = this.extra.protocolHandlers.get(p.nextHeader);
      if (handler !== undefined) return handler(p);
    }
    if (!isMulticastIpv6(dst) && this.ownIpv6(dst) === undefined) return this.dropPacket('not-for-me', 'ipv6', p);
    if (inner.kind === 'udp') {
      this.counters.udpIn++;
      const handler = this.extra.udpHandlers.get(inner.destinationPort);
      if (handler === undefined || inner.payload.kind !== 'raw') return this.dropPacket('no-listener', 'ipv6', p);
      handler({ family: 'ipv6', source: p.source, sourcePort: inner.sourcePort, destinationPort: inner.destinationPort, payload: inner.payload.bytes });
    } else if (inner.kind === 'icmpv6' && inner.icmpType === 128 && !isMulticastIpv6(dst)) {
      const b = inner.body;
      if (b.length >= 4) this.echoRequest({ family: 'ipv6', source: p.source, identifier: (b[0]! << 8) | b[1]!, sequence: (b[2]! << 8) | b[3]!, data: b.subarray(4) });
      // Linux net/ipv6/icmp.c icmpv6_rcv: no reply with net.ipv6.icmp.echo_ignore_all.
      if (this.profile.echo.ignoreIpv6.value) return;
      this.counters.echoRepliesSent++;
      this.sendIpv6(echo6(dst, p.source, 129, inner.body));
    } else if (inner.kind === 'icmpv6' && inner.icmpType === 129 && inner.body.length >= 4) {
      const b = inner.body;
      this.echoReply({ family: 'ipv6', source: p.source, identifier: (b[0]! << 8) | b[1]!, sequence: (b[2]! << 8) | b[3]!, data: b.subarray(4) });
    }
  }

  private answerNs(reply: NdReply): void {
    const mine = this.ownIpv6(reply.target);
    if (mine === undefined) return;
    // RFC 4429 §3.3: an optimistic address answers with O = 0.
    const override = reply.override && mine.state !== 'optimistic';
    const packet = neighborAdvertisement(mine.address, mine.address, mine.mac, {
      solicited: reply.solicited, override, router: this.profile.role === 'router', includeTargetLinkLayer: reply.includeTargetLinkLayer,
    }, reply.destination);
    this.counters.ndOut++;
    if (isMulticastIpv6(reply.destination)) {
      this.sendFrame(ethernetFrame(ipv6MulticastMac(reply.destination), mine.mac, packet));
      return;
    }
    // A solicited NA goes through the neighbor table like any unicast packet (it may go DELAY).
    this.nd.output(reply.destination, packet, this.kernel.now);
  }

  /** Sends a DAD probe (NS from ::) or an RFC 5227 ARP probe/announcement; used by dad.ts. */
  sendDadNs(target: Ipv6Address): void {
    const packet = neighborSolicitation(IPV6_UNSPECIFIED, target, this.mac);
    this.counters.ndOut++;
    this.sendFrame(ethernetFrame(ipv6Destination(packet, this.mac), this.mac, packet));
  }

  /** The RS a host may send (not used by DAD; kept for scenarios). */
  sendRouterSolicitation(source: Ipv6Address): void {
    const options: NdOption[] = source === IPV6_UNSPECIFIED ? [] : [{ kind: 'source-link-layer', address: this.mac }];
    const packet = ndPacket(source, IPV6_ALL_ROUTERS, { kind: 'icmpv6', type: 'rs', code: 0, reserved: 0, options } as Icmpv6Message);
    this.counters.ndOut++;
    this.sendFrame(ethernetFrame(ipv6MulticastMac(IPV6_ALL_ROUTERS), this.mac, packet));
  }
}

