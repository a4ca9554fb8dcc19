/**
 * Address enforcement per virtual NIC in a hypervisor's virtual switch: each VM port may send only
 * from the MAC and the addresses its port is configured with, as OpenStack Neutron's port security
 * does (the Open vSwitch firewall driver's anti-spoofing flows match `dl_src`, `arp_sha`/`arp_spa`,
 * `nw_src`, `ipv6_src` and `nd_target` per port: neutron/agent/linux/openvswitch_firewall/
 * firewall.py, `_initialize_egress_ipv6_icmp` and `install_arp_spoofing_protection`). The
 * orchestrator knows each vNIC's addresses, so the configuration follows the VM when it migrates:
 * the destination port is configured when the VM is plugged, before it resumes, and nothing has to
 * be learnt or probed.
 *
 * On a configured port a frame passes only if its Ethernet source is the vNIC's MAC; an ARP packet
 * only if its sender MAC is that MAC and its sender IP one of the port's IPv4 addresses (or 0.0.0.0,
 * an RFC 5227 probe); an IPv4 packet only from one of its addresses (or 0.0.0.0: a DHCP client), and
 * no DHCP server message (Neutron blocks DHCP offers from VM ports); an IPv6 packet only from one of
 * its addresses, a link-local address or ::, and an NS from :: or an NA only for one of its
 * addresses. Ports that are not configured (the uplink) pass everything. Pure.
 */
import type { EthernetFrame, Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';
import { IPV6_UNSPECIFIED, isLinkLocalIpv6 } from '../wire/index.js';

/** What a vNIC may send from. */
export interface VnicAddresses {
  readonly mac: MacAddress;
  readonly ipv4: readonly Ipv4Address[];
  readonly ipv6: readonly Ipv6Address[];
}

/** Why the guard dropped a frame. */
export type VnicGuardReason = 'mac-spoof' | 'arp-spoof' | 'ipv4-spoof' | 'dhcp-server' | 'ipv6-spoof' | 'nd-spoof';

/** Counters: plain integers. */
export class VnicGuardCounters {
  checked = 0;
  dropped = 0;
}

/** See the module comment. */
export class VnicGuard {
  readonly counters = new VnicGuardCounters();
  private readonly ports = new Map<number, VnicAddresses>();

  /** Configures `port` with the addresses of the vNIC plugged into it. */
  allow(port: number, addresses: VnicAddresses): void {
    this.ports.set(port, addresses);
  }

  /** Forgets `port`'s configuration (the VM left it). */
  forget(port: number): void {
    this.ports.delete(port);
  }

  /** The configuration of `port`, if any. */
  addressesOf(port: number): VnicAddresses | undefined {
    return this.ports.get(port);
  }

  /** A frame arrived from the VM on `port`: null to pass, or why not. */
  check(port: number, eth: EthernetFrame): VnicGuardReason | null {
    const a = this.ports.get(port);
    if (a === undefined) return null;
    this.counters.checked++;
    const why = decide(a, eth);
    if (why !== null) this.counters.dropped++;
    return why;
  }
}

function decide(a: VnicAddresses, eth: EthernetFrame): VnicGuardReason | null {
  if (eth.source !== a.mac) return 'mac-spoof';
  const p = eth.payload;
  if (p.kind === 'arp') {
    if (p.senderHardwareAddress !== a.mac) return 'arp-spoof';
    if (p.senderProtocolAddress !== 0 && !a.ipv4.includes(p.senderProtocolAddress)) return 'arp-spoof';
    return null;
  }
  if (p.kind === 'ipv4') {
    const u = p.payload;
    if (u.kind === 'udp' && u.payload.kind === 'dhcp' && u.payload.op === 2) return 'dhcp-server';
    if (p.source !== 0 && !a.ipv4.includes(p.source)) return 'ipv4-spoof';
    return null;
  }
  if (p.kind === 'ipv6') {
    if (p.source !== IPV6_UNSPECIFIED && !isLinkLocalIpv6(p.source) && !a.ipv6.includes(p.source)) return 'ipv6-spoof';
    const m = p.payload;
    if (m.kind === 'icmpv6' && (m.type === 'na' || (m.type === 'ns' && p.source === IPV6_UNSPECIFIED)) && !a.ipv6.includes(m.targetAddress)) return 'nd-spoof';
    return null;
  }
  return null;
}
