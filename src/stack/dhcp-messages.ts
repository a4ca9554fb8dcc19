/**
 * Builders and readers for the DHCPv4 messages our client and server exchange (RFC 2131 §3, §4.3,
 * §4.4; options RFC 2132), over the codec in src/wire. Options the codec does not decode (subnet mask
 * 1, router 3, parameter request list 55, renewal time 58, rebinding time 59) travel as raw options,
 * which the codec keeps and re-emits byte for byte.
 */
import type { DhcpMessage, DhcpOption, EthernetFrame, Ipv4Address, Ipv4Packet, MacAddress } from '../wire/index.js';
import { UDP_PORT_DHCP_CLIENT, UDP_PORT_DHCP_SERVER, ethernetFrame, readIpv4, writeIpv4, writeMac } from '../wire/index.js';
import { DEFAULT_TTL } from './packets.js';

/** RFC 2131 §2 flags: the broadcast bit. */
export const DHCP_FLAG_BROADCAST = 0x8000;
/** RFC 2132 option codes used here that the codec keeps raw. */
export const DHCP_OPTION_SUBNET_MASK = 1;
export const DHCP_OPTION_ROUTER = 3;
export const DHCP_OPTION_PARAMETER_REQUEST_LIST = 55;
export const DHCP_OPTION_RENEWAL_TIME = 58;
export const DHCP_OPTION_REBINDING_TIME = 59;

/** What a message says, beyond the BOOTP header. */
export interface DhcpFields {
  readonly messageType: number;
  readonly transactionId: number;
  readonly clientMac: MacAddress;
  readonly op: 1 | 2;
  readonly flags?: number | undefined;
  readonly clientAddress?: Ipv4Address | undefined;
  readonly yourAddress?: Ipv4Address | undefined;
  readonly serverAddress?: Ipv4Address | undefined;
  readonly requestedAddress?: Ipv4Address | undefined;
  readonly serverIdentifier?: Ipv4Address | undefined;
  /** Seconds. */
  readonly leaseTime?: number | undefined;
  readonly renewalTime?: number | undefined;
  readonly rebindingTime?: number | undefined;
  readonly subnetMask?: number | undefined;
  readonly router?: Ipv4Address | undefined;
  /** Option 55 (a client asks for these). */
  readonly parameterRequestList?: readonly number[] | undefined;
}

function u32(value: number): Uint8Array {
  const b = new Uint8Array(4);
  writeIpv4(b, 0, value as Ipv4Address);
  return b;
}

const ZERO_SNAME = new Uint8Array(64);
const ZERO_FILE = new Uint8Array(128);
const NO_TRAILER = new Uint8Array(0);

/** A DHCP message with the fields given (Ethernet hardware, hops 0, secs 0), options in RFC 2131 order. */
export function dhcpMessage(f: DhcpFields): DhcpMessage {
  const chaddr = new Uint8Array(16);
  writeMac(chaddr, 0, f.clientMac);
  const options: DhcpOption[] = [{ kind: 'message-type', messageType: f.messageType }];
  if (f.requestedAddress !== undefined) options.push({ kind: 'requested-address', address: f.requestedAddress });
  if (f.serverIdentifier !== undefined) options.push({ kind: 'server-identifier', address: f.serverIdentifier });
  if (f.leaseTime !== undefined) options.push({ kind: 'lease-time', seconds: f.leaseTime });
  if (f.renewalTime !== undefined) options.push({ kind: 'raw', code: DHCP_OPTION_RENEWAL_TIME, data: u32(f.renewalTime) });
  if (f.rebindingTime !== undefined) options.push({ kind: 'raw', code: DHCP_OPTION_REBINDING_TIME, data: u32(f.rebindingTime) });
  if (f.subnetMask !== undefined) options.push({ kind: 'raw', code: DHCP_OPTION_SUBNET_MASK, data: u32(f.subnetMask) });
  if (f.router !== undefined) options.push({ kind: 'raw', code: DHCP_OPTION_ROUTER, data: u32(f.router) });
  if (f.parameterRequestList !== undefined) options.push({ kind: 'raw', code: DHCP_OPTION_PARAMETER_REQUEST_LIST, data: Uint8Array.from(f.parameterRequestList) });
  options.push({ kind: 'end' });
  return {
    kind: 'dhcp', op: f.op, hardwareType: 1, hardwareLength: 6, hops: 0, transactionId: f.transactionId >>> 0, seconds: 0,
    flags: f.flags ?? 0, clientAddress: f.clientAddress ?? (0 as Ipv4Address), yourAddress: f.yourAddress ?? (0 as Ipv4Address),
    serverAddress: f.serverAddress ?? (0 as Ipv4Address), gatewayAddress: 0 as Ipv4Address,
    clientHardwareAddress: chaddr, serverName: ZERO_SNAME, bootFile: ZERO_FILE, options, trailer: NO_TRAILER,
  };
}

/** The value of a raw 4-byte option (an address or a time), if present with that length. */
export function dhcpU32Option(m: DhcpMessage, code: number): number | undefined {
  for (const o of m.options) if (o.kind === 'raw' && o.code === code && o.data.length === 4) return readIpv4(o.data, 0);
  return undefined;
}

/** Option 50, if present. */
export function dhcpRequestedAddress(m: DhcpMessage): Ipv4Address | undefined {
  for (const o of m.options) if (o.kind === 'requested-address') return o.address;
  return undefined;
}

/** Option 54, if present. */
export function dhcpServerIdentifier(m: DhcpMessage): Ipv4Address | undefined {
  for (const o of m.options) if (o.kind === 'server-identifier') return o.address;
  return undefined;
}

/** Option 51 in seconds, if present. */
export function dhcpLeaseTime(m: DhcpMessage): number | undefined {
  for (const o of m.options) if (o.kind === 'lease-time') return o.seconds;
  return undefined;
}

/** An IPv4/UDP packet carrying `message` between the DHCP ports (client 68 <-> server 67). */
export function dhcpPacket(source: Ipv4Address, destination: Ipv4Address, message: DhcpMessage, fromServer: boolean, identification = 0): Ipv4Packet {
  return {
    kind: 'ipv4', typeOfService: 0, identification, flags: 0, fragmentOffset: 0, timeToLive: DEFAULT_TTL,
    protocol: 17, source, destination, options: new Uint8Array(0),
    payload: {
      kind: 'udp',
      sourcePort: fromServer ? UDP_PORT_DHCP_SERVER : UDP_PORT_DHCP_CLIENT,
      destinationPort: fromServer ? UDP_PORT_DHCP_CLIENT : UDP_PORT_DHCP_SERVER,
      payload: message,
    },
  };
}

/** The Ethernet frame around a DHCP packet. */
export function dhcpFrame(destination: MacAddress, source: MacAddress, packet: Ipv4Packet): EthernetFrame {
  return ethernetFrame(destination, source, packet);
}

/** The DHCP message inside an Ethernet frame, if it carries one (IPv4, UDP, the DHCP payload). */
export function dhcpOf(eth: EthernetFrame): DhcpMessage | undefined {
  const p = eth.payload;
  if (p.kind !== 'ipv4') return undefined;
  const u = p.payload;
  if (u.kind !== 'udp' || u.payload.kind !== 'dhcp') return undefined;
  return u.payload;
}
