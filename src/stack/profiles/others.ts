/**
 * Profiles of other stacks, each value with its source (FreeBSD sys/netinet/if_ether.c; Microsoft KB
 * 949589; ns-3 src/internet/model/arp-cache.cc; the vendors' configuration guides): Windows (Vista and later), FreeBSD, ns-3's ARP model, and router families whose ARP timeout
 * is long (Cisco IOS, Junos, Arista EOS).
 */
import { fact, unverified } from './fact.js';
import type { ImplementationProfile, NeighborTimers } from './profile.js';
import { RFC4861_HOST_ND, RFC826_ARP, RFC826_PROFILE, RFC_ECHO, rfc4861Timers } from './rfc.js';

const S = 1e9;
const MS = 1e6;

/** Windows Vista / Server 2008 and later. */
export const WINDOWS_PROFILE: ImplementationProfile = {
  name: 'windows',
  description: 'Windows Vista / Server 2008 and later: RFC 4861 NUD for both ARP and ND',
  role: 'host',
  arpTimers: { ...rfc4861Timers('Microsoft KB 949589: ReachableTime 30 s × U[0.5, 1.5]'), multicastSolicit: unverified(3, 'Windows ArpRetryCount, commonly 3') },
  ndTimers: rfc4861Timers('Microsoft KB 949589'),
  arp: {
    ...RFC826_ARP,
    createOnRequestForMe: unverified(true, 'Windows: requests for the host create the sender entry (detail unverified)'),
    updateExisting: unverified('any', 'Windows: existing entries are updated by ARP from the sender; reports of GARP not refreshing in some failover cases (KB 2582281) are not modelled'),
    stateAfterReplyToMe: fact('reachable', 'KB 949589: RFC 4861 NUD for IPv4'),
    stateAfterOther: fact('stale', 'KB 949589: RFC 4861 NUD for IPv4'),
  },
  nd: RFC4861_HOST_ND,
  announce: {
    arpNotify: unverified(false, 'Windows sends GARP/probes at address configuration (DAD), not on link events'),
    ndiscNotify: unverified(false, 'Windows: not known to send unsolicited NAs on link events'),
  },
  dad: {
    ipv4ConflictDetection: fact(true, 'MS winsdk blog "ARP Changes in Server 2008/Vista": ARP probe with sender 0.0.0.0 on address add'),
    ipv6DadTransmits: fact(1, 'MIB_IPINTERFACE_ROW DadTransmits default (IPv6 1)'),
    optimisticDad: fact(false, 'not enabled by default'),
  },
  dhcp: {
    renewAfterLinkBounce: unverified(true, 'Windows Media Sense: on reconnect the client re-requests its previous address as on restart (Windows 2000 Resource Kit, "Restarting a DHCP Client": DHCPREQUEST for the previously assigned address); for a reconnect unverified'),
    probeOfferedAddress: fact(true, 'MS winsdk blog "ARP Changes in Server 2008/Vista": an ARP probe with sender 0.0.0.0 before an address is used'),
  },
  echo: RFC_ECHO,
};

function timeoutTimers(lifetime: number, source: string, tries: number, triesSource: string, retrans: number): NeighborTimers {
  return {
    ...rfc4861Timers(),
    aging: fact('timeout', source),
    reachableTime: fact(lifetime, source),
    randomizeReachableTime: fact(false, source),
    retransTime: fact(retrans, triesSource),
    multicastSolicit: fact(tries, triesSource),
    onFailure: fact('delete', triesSource),
  };
}

/** FreeBSD (sys/netinet/if_ether.c). */
export const FREEBSD_PROFILE: ImplementationProfile = {
  name: 'freebsd',
  description: 'FreeBSD: 1200 s ARP lifetime, 5 tries then a 20 s hold-down, RFC 826-like updates',
  role: 'host',
  arpTimers: {
    ...timeoutTimers(1200 * S, 'FreeBSD net.link.ether.inet.max_age = 1200', 5, 'FreeBSD net.link.ether.inet.maxtries = 5', 1000 * MS),
    failureHoldDown: fact(20 * S, 'FreeBSD net.link.ether.inet.wait = 20 (arpt_down)'),
    refreshBeforeExpiry: fact(5 * S, 'FreeBSD arptimer: a used entry is re-verified shortly before max_age (exact lead unverified: 5 s chosen)'),
    queueLength: fact(16, 'FreeBSD net.link.ether.inet.maxhold = 16'),
  },
  ndTimers: rfc4861Timers('FreeBSD nd6: RFC 4861 defaults'),
  arp: {
    ...RFC826_ARP,
    createOnRequestForMe: fact(true, 'FreeBSD in_arpinput: a new entry only when the target IP is ours'),
    updateExisting: fact('any', 'FreeBSD in_arpinput: any ARP from the IP updates the entry, no lock time (logs "moved")'),
  },
  nd: RFC4861_HOST_ND,
  announce: {
    arpNotify: fact(false, 'FreeBSD sends one GARP when an address is added (arp_ifinit), not on link events'),
    ndiscNotify: fact(false, 'FreeBSD nd6'),
  },
  dad: {
    ipv4ConflictDetection: fact(false, 'FreeBSD: a GARP on address add, no RFC 5227 probing'),
    ipv6DadTransmits: fact(1, 'FreeBSD net.inet6.ip6.dad_count = 1'),
    optimisticDad: fact(false, 'not in FreeBSD'),
  },
  dhcp: {
    renewAfterLinkBounce: unverified(true, 'FreeBSD sbin/dhclient: a link-state change (RTM_IFINFO) restarts the client in INIT-REBOOT'),
    probeOfferedAddress: unverified(false, 'FreeBSD dhclient-script sends a gratuitous ARP, no probe'),
  },
  echo: RFC_ECHO,
};

/** ns-3's ARP model (src/internet/model/arp-cache.cc, arp-l3-protocol.cc). */
export const NS3_PROFILE: ImplementationProfile = {
  name: 'ns3',
  description: 'ns-3 ArpCache: 120 s alive timeout; requests neither create nor update (bug 107); GARP ignored',
  role: 'host',
  arpTimers: {
    ...timeoutTimers(120 * S, 'ns-3 ArpCache AliveTimeout = 120 s', 3, 'ns-3 ArpCache MaxRetries = 3', 1000 * MS),
    failureHoldDown: fact(100 * S, 'ns-3 ArpCache DeadTimeout = 100 s'),
    queueLength: fact(3, 'ns-3 ArpCache PendingQueueSize = 3'),
  },
  ndTimers: rfc4861Timers('ns-3 Icmpv6L4Protocol: RFC 4861 defaults'),
  arp: {
    ...RFC826_ARP,
    createOnRequestForMe: fact(false, 'ns-3 arp-l3-protocol.cc: a request neither creates nor updates the requester entry (bug 107)'),
    updateExisting: fact('reply-while-resolving', 'ns-3 arp-l3-protocol.cc: a reply is accepted only for an entry in WAIT_REPLY; GARP ignored'),
  },
  nd: RFC4861_HOST_ND,
  announce: { arpNotify: fact(false, 'ns-3'), ndiscNotify: fact(false, 'ns-3') },
  dad: {
    ipv4ConflictDetection: fact(false, 'ns-3'),
    ipv6DadTransmits: fact(1, 'ns-3 Icmpv6L4Protocol DAD'),
    optimisticDad: fact(false, 'ns-3'),
  },
  dhcp: {
    renewAfterLinkBounce: fact(false, 'ns-3 DhcpClient: no link-event handling (src/internet-apps/model/dhcp-client.cc)'),
    probeOfferedAddress: fact(false, 'ns-3 DhcpClient: no address check'),
  },
  echo: RFC_ECHO,
};

function router(name: string, description: string, lifetime: number, source: string): ImplementationProfile {
  return {
    ...RFC826_PROFILE,
    name,
    description,
    role: 'router',
    arpTimers: {
      ...timeoutTimers(lifetime, source, 5, 'router ARP retries: 5 tries, 2 s apart (Cisco IOS rate-limits requests for one IP to one per 2 s; secondary source)', 2 * S),
    },
    ndTimers: rfc4861Timers(`${name}: RFC 4861 defaults for ND`),
    arp: {
      ...RFC826_ARP,
      updateExisting: unverified('any', `${name}: existing ARP entries are updated by ARP from the host, GARP included (default behaviour; unverified per release)`),
      stateAfterReplyToMe: fact('reachable', 'timeout model: entries are usable until the ARP timeout'),
      stateAfterOther: fact('reachable', 'timeout model: entries are usable until the ARP timeout'),
    },
    nd: { ...RFC4861_HOST_ND, createFromUntrackedNa: fact('always', 'RFC 9131 §6.1.1: routers SHOULD create a STALE entry from an unsolicited NA') },
    dhcp: {
      renewAfterLinkBounce: fact(false, `${name}: router interfaces are statically addressed here`),
      probeOfferedAddress: fact(false, `${name}: router interfaces are statically addressed here`),
    },
  };
}

/** Cisco IOS / IOS-XE: 4-hour ARP timeout. */
export const CISCO_IOS_PROFILE = router('cisco-ios', 'Cisco IOS / IOS-XE router: ARP timeout 14,400 s (4 h)', 14_400 * S, 'Cisco IOS command reference: arp timeout default 14400 s');
/** Juniper Junos: 20-minute ARP aging timer. */
export const JUNOS_PROFILE = router('junos', 'Juniper Junos router: ARP aging timer 1,200 s (20 min)', 1_200 * S, 'Junos docs: arp aging-timer default 20 min');
/** Arista EOS: 4-hour ARP timeout. */
export const ARISTA_EOS_PROFILE = router('arista-eos', 'Arista EOS router: ARP timeout 14,400 s (4 h)', 14_400 * S, 'ipspace.net "On ARP and MAC Aging Timers", citing EOS defaults (secondary)');
