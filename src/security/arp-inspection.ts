/**
 * Dynamic ARP Inspection (Cisco Catalyst IOS Security Configuration Guide, "Dynamic ARP Inspection";
 * Cisco Nexus 5500 NX-OS Security Configuration Guide; H3C and Dell documentation for the vendor
 * differences).
 *
 * - ARP on untrusted ports of inspected VLANs is checked; trusted ports are not (nor rate-limited).
 * - Rate limit: untrusted ports 15 ARP packets/s by default over a burst interval of 1 s (IOS `ip arp
 *   inspection limit rate 15 burst interval 1`); more than rate × interval packets within one interval
 *   error-disables the port (cause `arp-inspection`). `rateLimit: null` is IOS `limit rate none`.
 * - Static ARP ACLs are checked first: a permit for (sender IP, sender MAC) passes; with `aclStatic`
 *   (IOS `ip arp inspection filter ... static`) an ACL miss is a final deny.
 * - Otherwise sender IP + sender MAC (and VLAN) must match a DHCP snooping binding
 *   (`%SW_DAI-4-DHCP_SNOOPING_DENY`). Whether the ingress port must match the binding's interface is
 *   a vendor setting (`matchPort`: H3C checks IP + MAC + port + VLAN; Cisco/Dell describe the IP/MAC
 *   match); default false.
 * - Optional validations (IOS `ip arp inspection validate`): `srcMac`, Ethernet source = sender MAC
 *   (requests and replies); `dstMac`, Ethernet destination = target MAC (replies); `ip`, sender IP
 *   not 0.0.0.0, 255.255.255.255 or multicast in every ARP, target IP likewise in replies; so `ip`
 *   rejects RFC 5227 probes (sender 0.0.0.0).
 * - RFC 5227 probes without `ip` validation: `permitProbes` (default true) lets them through, as IP
 *   device tracking's own probes need (Cisco doc 116529); whether platforms exempt probes is
 *   unverified.
 * - RARP (EtherType 0x8035, QEMU's announcements) is not ARP here: whether a DAI implementation
 *   counts or inspects it is unverified, so `inspectRarp` (default false) lets it pass uncounted.
 * Pure: handed `now` and a binding lookup.
 */
import type { ArpPacket, Ipv4Address, MacAddress } from '../wire/index.js';
import type { DhcpBinding } from './dhcp-snooping.js';
import { RateWindow } from './rate-window.js';

/** A permit line of an ARP ACL (IOS `permit ip host <ip> mac host <mac>`). */
export interface ArpAclEntry {
  readonly address: Ipv4Address;
  readonly mac: MacAddress;
  /** Only in this VLAN; default every VLAN. */
  readonly vlan?: number;
}

/** DAI settings of a switch. Times in ns. */
export interface ArpInspectionConfig {
  /** Inspected VLANs; default (empty) every VLAN. */
  readonly vlans?: readonly number[];
  /** Trusted ports (indexes): not inspected, not rate-limited. */
  readonly trustedPorts?: readonly number[];
  /** ARP packets per second allowed on an untrusted port; default 15; null = no limit. */
  readonly rateLimit?: number | null;
  /** Per-port limits overriding `rateLimit` (port index -> pps, or null for none). */
  readonly portRateLimits?: ReadonlyMap<number, number | null>;
  /** Burst interval; default 1 s. */
  readonly burstInterval?: number;
  readonly validate?: { readonly srcMac?: boolean; readonly dstMac?: boolean; readonly ip?: boolean };
  /** Static ARP ACL entries, checked before the bindings. */
  readonly acl?: readonly ArpAclEntry[];
  /** An ACL miss is final (IOS `static` keyword); default false. */
  readonly aclStatic?: boolean;
  /** The ingress port must be the binding's port (H3C); default false (Cisco, Dell). */
  readonly matchPort?: boolean;
  /** Let RFC 5227 probes (sender IP 0.0.0.0) through when `validate.ip` is off; default true (unverified). */
  readonly permitProbes?: boolean;
  /** Inspect and count RARP as ARP; default false (unverified). */
  readonly inspectRarp?: boolean;
}

/** Defaults of {@link ArpInspectionConfig} (Cisco Catalyst IOS). */
export const ARP_INSPECTION_DEFAULTS = {
  rateLimit: 15,
  burstInterval: 1e9,
  validate: { srcMac: false, dstMac: false, ip: false },
  aclStatic: false,
  matchPort: false,
  permitProbes: true,
  inspectRarp: false,
} as const;

/** Why DAI dropped an ARP packet. */
export type ArpInspectionReason =
  | 'no-binding'
  | 'binding-mismatch'
  | 'wrong-port'
  | 'acl-deny'
  | 'invalid-src-mac'
  | 'invalid-dst-mac'
  | 'invalid-ip';

/** What DAI decided. */
export type ArpInspectionVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop'; readonly reason: ArpInspectionReason }
  | { readonly kind: 'rate-exceeded' };

/** Counters: plain integers. */
export class ArpInspectionCounters {
  inspected = 0;
  permitted = 0;
  dropped = 0;
  aclPermits = 0;
  rateExceeded = 0;
}

const PASS: ArpInspectionVerdict = { kind: 'pass' };
const DROPS = new Map<ArpInspectionReason, ArpInspectionVerdict>();
function drop(reason: ArpInspectionReason): ArpInspectionVerdict {
  let v = DROPS.get(reason);
  if (v === undefined) DROPS.set(reason, (v = { kind: 'drop', reason }));
  return v;
}

function badIp(a: number): boolean {
  return a === 0 || a === 0xffff_ffff || (a >>> 28) === 0xe;
}

/** See the module comment. */
export class ArpInspection {
  readonly counters = new ArpInspectionCounters();
  private readonly vlans: ReadonlySet<number>;
  private readonly trusted: ReadonlySet<number>;
  private readonly c: {
    rateLimit: number | null;
    burstInterval: number;
    srcMac: boolean;
    dstMac: boolean;
    ip: boolean;
    aclStatic: boolean;
    matchPort: boolean;
    permitProbes: boolean;
    inspectRarp: boolean;
  };
  private readonly portLimits: ReadonlyMap<number, number | null>;
  private readonly acl: readonly ArpAclEntry[];
  private readonly windows = new Map<number, RateWindow>();

  constructor(config: ArpInspectionConfig = {}) {
    const d = ARP_INSPECTION_DEFAULTS;
    this.vlans = new Set(config.vlans ?? []);
    this.trusted = new Set(config.trustedPorts ?? []);
    this.c = {
      rateLimit: config.rateLimit === undefined ? d.rateLimit : config.rateLimit,
      burstInterval: config.burstInterval ?? d.burstInterval,
      srcMac: config.validate?.srcMac ?? d.validate.srcMac,
      dstMac: config.validate?.dstMac ?? d.validate.dstMac,
      ip: config.validate?.ip ?? d.validate.ip,
      aclStatic: config.aclStatic ?? d.aclStatic,
      matchPort: config.matchPort ?? d.matchPort,
      permitProbes: config.permitProbes ?? d.permitProbes,
      inspectRarp: config.inspectRarp ?? d.inspectRarp,
    };
    this.portLimits = config.portRateLimits ?? new Map();
    this.acl = config.acl ?? [];
    for (const r of [this.c.rateLimit, ...this.portLimits.values()]) if (r !== null && !(r > 0)) throw new RangeError(`ARP inspection rate limit must be positive, got ${r}`);
    if (!(this.c.burstInterval > 0)) throw new RangeError(`ARP inspection burst interval must be positive, got ${this.c.burstInterval}`);
  }

  /** Whether `vlan` is inspected. */
  inspects(vlan: number): boolean {
    return this.vlans.size === 0 || this.vlans.has(vlan);
  }

  /** Whether `port` is trusted. */
  isTrusted(port: number): boolean {
    return this.trusted.has(port);
  }

  /** The limit (pps) on `port`, or null for none. */
  limitOf(port: number): number | null {
    return this.trusted.has(port) ? null : this.portLimits.has(port) ? this.portLimits.get(port)! : this.c.rateLimit;
  }

  /**
   * An ARP-family packet (`rarp` when its EtherType is 0x8035) from Ethernet `source` to `destination`
   * arrived on `port` in `vlan` at `now`; `binding` looks a DHCP snooping binding up by IP.
   */
  inspect(
    port: number,
    vlan: number,
    source: MacAddress,
    destination: MacAddress,
    p: ArpPacket,
    rarp: boolean,
    binding: (address: Ipv4Address) => DhcpBinding | undefined,
    now: number,
  ): ArpInspectionVerdict {
    if ((rarp && !this.c.inspectRarp) || !this.inspects(vlan) || this.trusted.has(port)) return PASS;
    const limit = this.limitOf(port);
    if (limit !== null) {
      let w = this.windows.get(port);
      if (w === undefined) this.windows.set(port, (w = new RateWindow(this.c.burstInterval)));
      if (w.hit(now) > limit * (this.c.burstInterval / 1e9)) {
        this.counters.rateExceeded++;
        return { kind: 'rate-exceeded' };
      }
    }
    this.counters.inspected++;
    const v = this.decide(port, vlan, source, destination, p, binding);
    if (v.kind === 'pass') this.counters.permitted++;
    else this.counters.dropped++;
    return v;
  }

  private decide(port: number, vlan: number, source: MacAddress, destination: MacAddress, p: ArpPacket, binding: (a: Ipv4Address) => DhcpBinding | undefined): ArpInspectionVerdict {
    const reply = p.operation === 2;
    if (this.c.srcMac && source !== p.senderHardwareAddress) return drop('invalid-src-mac');
    if (this.c.dstMac && reply && destination !== p.targetHardwareAddress) return drop('invalid-dst-mac');
    if (this.c.ip && (badIp(p.senderProtocolAddress) || (reply && badIp(p.targetProtocolAddress)))) return drop('invalid-ip');
    const spa = p.senderProtocolAddress;
    const sha = p.senderHardwareAddress;
    if (spa === 0 && this.c.permitProbes) return PASS;
    for (const e of this.acl) {
      if (e.address === spa && e.mac === sha && (e.vlan === undefined || e.vlan === vlan)) {
        this.counters.aclPermits++;
        return PASS;
      }
    }
    if (this.acl.length > 0 && this.c.aclStatic) return drop('acl-deny');
    const b = binding(spa);
    if (b === undefined) return drop('no-binding');
    if (b.mac !== sha || b.vlan !== vlan) return drop('binding-mismatch');
    if (this.c.matchPort && b.port !== port) return drop('wrong-port');
    return PASS;
  }

  /** Forgets a port's rate window (after it recovered from err-disable). */
  resetRate(port: number): void {
    this.windows.get(port)?.reset();
  }
}
