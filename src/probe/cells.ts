/**
 * The probe's matrix: which messages, which prior states of the observer's entry, which settings,
 * and for IPv4 whether the message comes inside or after the 1 s lock time (Linux `locktime`) since
 * the entry last changed. Each cell uses its own neighbour address, so cells that share an observer
 * stay independent; an observer serves one setting of one family.
 *
 * Messages (all from the neighbour whose entry is watched, carrying its new MAC unless said):
 * - IPv4 (RFC 826, RFC 5227, RFC 903; the forms as the Linux kernel's net/ipv4/arp.c, `arp_process`,
 *   tells them apart): a request for the observer; a request for a third address; a
 *   gratuitous request with a zero and with a broadcast target MAC (Linux `arp_notify`, `arping -U`);
 *   a gratuitous reply; an unsolicited reply unicast to the observer; a reply broadcast; RARP (QEMU's
 *   announce); an RFC 5227 probe for the neighbour's address; an IPv4 data frame (echo request).
 * - IPv6 (RFC 4861 §7.2, RFC 4862 §5.4): unsolicited NA with O set and clear (to all-nodes); solicited
 *   NA with O set and clear (unicast); NS for the observer with a source link-layer option; a DAD NS.
 */
import type { EthernetFrame, Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';
import {
  IPV6_ALL_NODES,
  IPV6_UNSPECIFIED,
  MAC_BROADCAST,
  MAC_ZERO,
  arpAnnouncement,
  arpProbe,
  arpReply,
  arpRequest,
  ethernetFrame,
  formatIpv4,
  gratuitousArp,
  icmpv4Echo,
  ipv6MulticastMac,
  neighborAdvertisement,
  neighborSolicitation,
  parseIpv4 as parseIpv4OrUndefined,
  parseIpv6 as parseIpv6OrUndefined,
  rarpAnnounce,
  solicitedNodeAddress,
} from '../wire/index.js';
import { echo6, icmp4 } from '../stack/index.js';
import type { LinuxSysctls } from '../stack/index.js';

/** Address family of a cell. */
export type ProbeFamily = 'ipv4' | 'ipv6';

/** IPv4 messages, in table order. */
export const IPV4_MESSAGES = [
  'request-for-observer',
  'request-for-other',
  'garp-request-zero-tha',
  'garp-request-broadcast-tha',
  'garp-reply',
  'reply-unicast',
  'reply-broadcast',
  'rarp',
  'arp-probe',
  'ipv4-data',
] as const;

/** IPv6 messages, in table order. */
export const IPV6_MESSAGES = ['na-unsolicited-o1', 'na-unsolicited-o0', 'na-solicited-o1', 'na-solicited-o0', 'ns-sllao', 'dad-ns'] as const;

/** A message of the matrix. */
export type ProbeMessage = (typeof IPV4_MESSAGES)[number] | (typeof IPV6_MESSAGES)[number];

/** What each message is, in a few words (table legends). */
export const MESSAGE_TEXT: Readonly<Record<ProbeMessage, string>> = {
  'request-for-observer': 'ARP request for the observer',
  'request-for-other': 'ARP request for a third address (broadcast)',
  'garp-request-zero-tha': 'gratuitous request, target MAC zero',
  'garp-request-broadcast-tha': 'gratuitous request, target MAC broadcast',
  'garp-reply': 'gratuitous reply (broadcast)',
  'reply-unicast': 'unsolicited reply, unicast to the observer',
  'reply-broadcast': 'reply for the observer, broadcast',
  rarp: 'RARP request (QEMU announce)',
  'arp-probe': 'ARP probe (sender IP 0.0.0.0)',
  'ipv4-data': 'IPv4 data frame (echo request)',
  'na-unsolicited-o1': 'unsolicited NA, O=1, to ff02::1',
  'na-unsolicited-o0': 'unsolicited NA, O=0, to ff02::1',
  'na-solicited-o1': 'solicited NA, O=1, unicast',
  'na-solicited-o0': 'solicited NA, O=0, unicast',
  'ns-sllao': 'NS for the observer with SLLAO',
  'dad-ns': 'DAD NS (from ::) for the address',
};

/** Prior states of the observer's entry, in table order. */
export const PRIORS = ['absent', 'reachable', 'stale', 'delay', 'failed', 'permanent'] as const;
export type ProbePrior = (typeof PRIORS)[number];

/** When the message comes after the entry's last change: inside Linux's 1 s ARP lock time, or after it. */
export type ProbeTiming = 'inside-locktime' | 'after-locktime';

/** The observer's settings for one column group of the table. */
export interface ProbeSetting {
  readonly id: string;
  readonly family: ProbeFamily;
  /** Linux sysctls that differ from the defaults. */
  readonly sysctls: Partial<LinuxSysctls>;
  /** The neighbours' addresses lie outside the observer's subnet. */
  readonly senderOffSubnet: boolean;
}

/** The settings that change what a message does (Linux Documentation/networking/ip-sysctl.rst: arp_accept, drop_gratuitous_arp, drop_unsolicited_na, accept_untracked_na, forwarding). */
export const SETTINGS: readonly ProbeSetting[] = [
  { id: 'arp_accept=0', family: 'ipv4', sysctls: {}, senderOffSubnet: false },
  { id: 'arp_accept=1', family: 'ipv4', sysctls: { arp_accept: 1 }, senderOffSubnet: false },
  { id: 'arp_accept=2', family: 'ipv4', sysctls: { arp_accept: 2 }, senderOffSubnet: false },
  { id: 'arp_accept=2 off-subnet', family: 'ipv4', sysctls: { arp_accept: 2 }, senderOffSubnet: true },
  { id: 'drop_gratuitous_arp=1', family: 'ipv4', sysctls: { drop_gratuitous_arp: 1 }, senderOffSubnet: false },
  { id: 'host', family: 'ipv6', sysctls: {}, senderOffSubnet: false },
  { id: 'host drop_unsolicited_na=1', family: 'ipv6', sysctls: { drop_unsolicited_na: 1 }, senderOffSubnet: false },
  { id: 'router accept_untracked_na=0', family: 'ipv6', sysctls: { forwarding: 1 }, senderOffSubnet: false },
  { id: 'router accept_untracked_na=1', family: 'ipv6', sysctls: { forwarding: 1, accept_untracked_na: 1 }, senderOffSubnet: false },
  { id: 'router accept_untracked_na=2', family: 'ipv6', sysctls: { forwarding: 1, accept_untracked_na: 2 }, senderOffSubnet: false },
];

/** One cell of the matrix, with the addresses it uses. */
export interface ProbeCell {
  /** `family/setting/message/prior[/timing]`: stable across runs and targets. */
  readonly id: string;
  readonly family: ProbeFamily;
  readonly setting: ProbeSetting;
  /** Index of the setting's observer. */
  readonly observer: number;
  readonly message: ProbeMessage;
  readonly prior: ProbePrior;
  /** IPv4 cells with an entry come in both timings; the others only after the lock time. */
  readonly timing: ProbeTiming;
  /** The neighbour's address (text), whose entry at the observer is watched. */
  readonly address: string;
  /** The MAC the prior entry holds, and the MAC the message carries. */
  readonly oldMac: MacAddress;
  readonly newMac: MacAddress;
}

/** An observer: one per setting. */
export interface ObserverPlan {
  readonly index: number;
  readonly setting: ProbeSetting;
  readonly mac: MacAddress;
  readonly ipv4: Ipv4Address;
  readonly ipv6: Ipv6Address;
  readonly cells: readonly ProbeCell[];
}

/** A literal IPv4 address of this module (or a cell's, which it made). */
export function parseIpv4(text: string): Ipv4Address {
  const a = parseIpv4OrUndefined(text);
  if (a === undefined) throw new RangeError(`not an IPv4 address: ${text}`);
  return a;
}

/** A literal IPv6 address of this module (or a cell's, which it made). */
export function parseIpv6(text: string): Ipv6Address {
  const a = parseIpv6OrUndefined(text);
  if (a === undefined) throw new RangeError(`not an IPv6 address: ${text}`);
  return a;
}

/** The observer's own subnet and prefix. */
export const OBSERVER_IPV4_PREFIX = 16;
export const OBSERVER_IPV6_PREFIX = 64;
const OBSERVER_IPV4 = parseIpv4('198.18.0.1');
const OBSERVER_IPV6 = parseIpv6('2001:db8::1');
/** The third address of `request-for-other`: in the subnet, used by nobody. */
export const THIRD_ADDRESS = parseIpv4('198.18.255.254');

function mac(high: number, observer: number, index: number): MacAddress {
  // 02:hh:00:oo:ii:ii, locally administered.
  return (0x02_00_00_00_00_00 + high * 0x1_00_00_00_00 + observer * 0x1_00_00 + index) as MacAddress;
}

/** The matrix for `families`: observers with their cells. */
export function probePlan(families: readonly ProbeFamily[]): ObserverPlan[] {
  const plans: ObserverPlan[] = [];
  for (const setting of SETTINGS) {
    if (!families.includes(setting.family)) continue;
    const index = plans.length;
    const cells: ProbeCell[] = [];
    const messages: readonly ProbeMessage[] = setting.family === 'ipv4' ? IPV4_MESSAGES : IPV6_MESSAGES;
    for (const message of messages) {
      // Off the subnet the observer has no route back, so it cannot answer the echo requests that
      // produce DELAY and FAILED: those prior states cannot be produced there.
      for (const prior of PRIORS.filter((p) => !setting.senderOffSubnet || (p !== 'delay' && p !== 'failed'))) {
        const timings: ProbeTiming[] = setting.family === 'ipv4' && prior !== 'absent' ? ['inside-locktime', 'after-locktime'] : ['after-locktime'];
        for (const timing of timings) {
          const n = cells.length + 1;
          const address = setting.family === 'ipv4'
            ? formatIpv4(((setting.senderOffSubnet ? parseIpv4('198.19.0.0') : parseIpv4('198.18.1.0')) + n) as Ipv4Address)
            : `2001:db8::1:${n.toString(16)}`;
          const id = `${setting.family}/${setting.id}/${message}/${prior}${setting.family === 'ipv4' && prior !== 'absent' ? `/${timing}` : ''}`;
          cells.push({ id, family: setting.family, setting, observer: index, message, prior, timing, address, oldMac: mac(0x0a, index, n), newMac: mac(0x0b, index, n) });
        }
      }
    }
    plans.push({ index, setting, mac: mac(0xa0, index, 1), ipv4: OBSERVER_IPV4, ipv6: OBSERVER_IPV6, cells });
  }
  return plans;
}

/** An echo request from the cell's neighbour (with `from` as its MAC) to the observer. */
export function echoFrom(cell: ProbeCell, observer: ObserverPlan, from: MacAddress, sequence = 1): EthernetFrame {
  if (cell.family === 'ipv4') {
    const packet = icmp4(parseIpv4(cell.address), observer.ipv4, icmpv4Echo(8, 0x4152, sequence, new Uint8Array(16)), sequence);
    return ethernetFrame(observer.mac, from, packet);
  }
  const body = new Uint8Array(20);
  body[0] = 0x41; body[1] = 0x52; body[3] = sequence & 0xff;
  return ethernetFrame(observer.mac, from, echo6(parseIpv6(cell.address), observer.ipv6, 128, body));
}

/** The frame of the cell's message. */
export function messageFrame(cell: ProbeCell, observer: ObserverPlan): EthernetFrame {
  const m = cell.newMac;
  if (cell.family === 'ipv4') {
    const ip = parseIpv4(cell.address);
    switch (cell.message) {
      case 'request-for-observer': return ethernetFrame(MAC_BROADCAST, m, arpRequest(m, ip, observer.ipv4));
      case 'request-for-other': return ethernetFrame(MAC_BROADCAST, m, arpRequest(m, ip, THIRD_ADDRESS));
      case 'garp-request-zero-tha': return ethernetFrame(MAC_BROADCAST, m, arpAnnouncement(m, ip));
      case 'garp-request-broadcast-tha': return ethernetFrame(MAC_BROADCAST, m, gratuitousArp(m, ip, 'request'));
      case 'garp-reply': return ethernetFrame(MAC_BROADCAST, m, gratuitousArp(m, ip, 'reply'));
      case 'reply-unicast': return ethernetFrame(observer.mac, m, arpReply(m, ip, observer.mac, observer.ipv4));
      case 'reply-broadcast': return ethernetFrame(MAC_BROADCAST, m, arpReply(m, ip, MAC_ZERO, observer.ipv4));
      case 'rarp': return ethernetFrame(MAC_BROADCAST, m, rarpAnnounce(m));
      case 'arp-probe': return ethernetFrame(MAC_BROADCAST, m, arpProbe(m, ip));
      case 'ipv4-data': return echoFrom(cell, observer, m);
      default: throw new RangeError(`${cell.message} is not an IPv4 message`);
    }
  }
  const ip = parseIpv6(cell.address);
  switch (cell.message) {
    case 'na-unsolicited-o1':
    case 'na-unsolicited-o0':
      return ethernetFrame(ipv6MulticastMac(IPV6_ALL_NODES), m, neighborAdvertisement(ip, ip, m, { solicited: false, override: cell.message === 'na-unsolicited-o1' }, IPV6_ALL_NODES));
    case 'na-solicited-o1':
    case 'na-solicited-o0':
      return ethernetFrame(observer.mac, m, neighborAdvertisement(ip, ip, m, { solicited: true, override: cell.message === 'na-solicited-o1' }, observer.ipv6));
    case 'ns-sllao':
      return ethernetFrame(ipv6MulticastMac(solicitedNodeAddress(observer.ipv6)), m, neighborSolicitation(ip, observer.ipv6, m));
    case 'dad-ns':
      return ethernetFrame(ipv6MulticastMac(solicitedNodeAddress(ip)), m, neighborSolicitation(IPV6_UNSPECIFIED, ip, m));
    default: throw new RangeError(`${cell.message} is not an IPv6 message`);
  }
}
