/**
 * The `security` section: the access-layer security features of the fabric's switches (src/security),
 * each enabled by giving its section, with the defaults of Cisco Catalyst IOS (Catalyst IOS Security
 * Configuration Guides; RFC constants for RA guard and SAVI). Each feature runs on
 * the switches of `switches` (the section's own, else the security section's: by default every edge
 * switch), on ports named by class or by name, and, where the feature has it, on the VLANs of `vlans`.
 *
 * Ports are named by class, by port name or by the node attached:
 * - `host-facing`: edge switch ports for hosts (a host on an edge port, or a free port);
 * - `hypervisor-facing`: edge switch ports a hypervisor's uplink is plugged into (many VMs behind
 *   one port);
 * - `gateway-facing`: ports a gateway node is plugged into (a DHCP server, a router);
 * - `fabric`: ports between switches;
 * - a port name (`leaf-2:p3`), or a node name (`hv-2`, `vm-7`, `gateway`): the switch port the node is
 *   plugged into.
 *
 * The section parses to settings in the scenario's units (ns, packets/s); cross-check-security.ts
 * resolves the ports of each switch and checks the result with the security layer's own
 * `securityConfigProblems`, so a contradiction (a port both trusted and secure, a maximum of 0 MACs, a
 * rate limit of 0) is reported at the setting that causes it.
 */
import { z } from 'zod';
import { count, duration, ipAddress, macAddress, section } from '../fields.js';
import { PACKET_RATE_EXPECTED, parsePacketRate } from '../units.js';

/** Port classes, in a fixed order. */
export const PORT_CLASSES = ['host-facing', 'hypervisor-facing', 'gateway-facing', 'fabric'] as const;

/** A port class. */
export type PortClass = (typeof PORT_CLASSES)[number];

/** Error-disable causes a scenario may recover from (Cisco's cause names). */
export const ERR_DISABLE_CAUSE_NAMES = ['psecure-violation', 'arp-inspection', 'dhcp-rate-limit'] as const;

const PORTS_HELP = `a port class (${PORT_CLASSES.join(', ')}), a port name (leaf-2:p3) or a node name (hv-2: the switch port it is plugged into), or a list of them`;

/** A list of ports (a single entry, or a list). */
function ports(defaults: readonly PortClass[], help: string) {
  return z.union([z.string().min(1), z.array(z.string().min(1))], { error: PORTS_HELP })
    .default([...defaults])
    .describe(`${help}: ${PORTS_HELP} (default ${defaults.length === 0 ? 'none' : defaults.join(', ')}).`);
}

/** Which switches a feature runs on. */
export const switchesSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'edge, all, a switch name or a list of switch names' })
  .describe('The switches: edge (every edge switch), all (every switch of the fabric), a switch name, or a list of switch names.');

const featureSwitches = switchesSchema.optional().describe('The switches this feature runs on (default: the security section\'s switches): edge, all, a switch name or a list.');

const vlans = z.array(count(1, 4094)).default([]).describe('VLANs the feature applies to (default: every VLAN).');

/**
 * A packet rate limit: `none`, a packet rate ("15pps") or a number of packets per second. Zero and
 * negative numbers are kept as written, for the feature's own check to refuse where they are.
 */
function rateLimit(defaults: number | 'none', help: string) {
  const expected = `"none" or ${PACKET_RATE_EXPECTED}`;
  return z.union([z.literal('none'), z.number(), z.string()], { error: expected })
    .transform((v, ctx): number | null => {
      if (v === 'none') return null;
      if (typeof v === 'number') return v;
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*pps\s*$/.exec(v);
      if (m !== null && Number(m[1]) <= 0) return Number(m[1]);
      const r = parsePacketRate(v);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: expected, input: v, params: { arpshift: 'value', expected, ...(r.suggestion === undefined ? {} : { suggestion: r.suggestion }) } });
      return z.NEVER;
    })
    .prefault(defaults)
    .describe(`${help} (default ${defaults === 'none' ? 'none' : `${defaults}pps`}).`);
}

const portSecurityGroup = section(
  {
    switches: featureSwitches,
    ports: ports(['host-facing', 'hypervisor-facing'], 'Secure ports'),
    maximum: z.int({ error: 'a whole number' }).default(1)
      .describe('Secure MAC addresses allowed per port (default 1, IOS; Cumulus NVUE mac-limit defaults to 32). A hypervisor port carries one MAC per VM.'),
    violation: z.enum(['protect', 'restrict', 'shutdown', 'shutdown-vlan']).default('shutdown')
      .describe('What a violation does (default shutdown): protect drops silently; restrict drops and counts; shutdown err-disables the port (every VM behind it goes dark); shutdown-vlan err-disables only the VLAN on the port.'),
    sticky: z.boolean().default(false).describe('Sticky learning: secure MACs stay on their port, across link changes, until cleared (default false).'),
    agingTime: duration().prefault('0s').describe('Secure MACs age after this (default 0s: no aging, IOS; IOS takes whole minutes, 0-1440).'),
    agingType: z.enum(['absolute', 'inactivity']).default('absolute').describe('absolute (default, IOS): from when the MAC was learnt; inactivity: from when it was last seen.'),
  },
  'Port security (MAC locking) on a group of ports (IOS switchport port-security). A violation happens when a new MAC would exceed the maximum on the port, or when a MAC secured on one secure port appears on another secure port in the same VLAN (a VM that moved within one switch).',
);

const portRateLimit = section(
  {
    ports: ports([], 'The ports'),
    rateLimit: rateLimit('none', 'Their ARP rate limit, packets/s, or none (IOS ip arp inspection limit rate N | none)'),
  },
  'An ARP rate limit for some ports, overriding arpInspection.rateLimit there (raise it, or none, on hypervisor-facing ports: a remedy).',
);

const aclEntry = section(
  {
    ipv4: ipAddress('ipv4').describe('The permitted sender IP.'),
    mac: macAddress().describe('The permitted sender MAC.'),
    vlan: count(1, 4094).optional().describe('Only in this VLAN (default every VLAN).'),
  },
  'A permit line of an ARP ACL (IOS permit ip host <ip> mac host <mac>).',
);

const trusted = (help: string) => ports(['fabric', 'gateway-facing'], `Trusted ports, ${help}`);

/** The `security` section. */
export const securitySchema = section(
  {
    switches: switchesSchema.default('edge').describe('The switches every feature runs on unless it names its own (default edge: every edge switch): edge, all, a switch name or a list.'),
    bindings: z.enum(['at-start', 'none']).default('at-start')
      .describe('at-start (default): the tables hold, when the run starts, what long operation put there: a static DHCP snooping / SAVI-DHCP binding (IOS ip source binding) for every statically addressed host on the port it starts on, and FCFS SAVI and ND inspection bindings for every IPv6 address there, as addresses configured long before the run would have made them; hosts that take their addresses from DHCP are bound by snooping their exchanges. none: nothing is bound before the run (statically addressed hosts are then refused by DAI, IP Source Guard and SAVI-DHCP: static hosts need static bindings or ARP ACLs on every switch they can land on).'),
    portSecurity: z.array(portSecurityGroup).optional()
      .describe('Port security groups: each a set of ports with its settings (absent: port security is off).'),
    dhcpSnooping: section(
      {
        switches: featureSwitches,
        vlans,
        trusted: trusted('towards DHCP servers and other switches: server messages arriving elsewhere are dropped'),
        verifyMacAddress: z.boolean().default(true).describe('Drop client messages whose Ethernet source is not their chaddr (default true, IOS ip dhcp snooping verify mac-address).'),
        rateLimit: rateLimit('none', 'DHCP packets/s allowed on an untrusted port before it is err-disabled (IOS ip dhcp snooping limit rate)'),
      },
      'DHCP snooping: the binding table (IP, MAC, VLAN, port, lease) built from the ACKs of clients on untrusted ports, which DAI and IP Source Guard read. Bindings are per switch and never follow a station that moves (Dell X-series manual).',
    ).optional(),
    arpInspection: section(
      {
        switches: featureSwitches,
        vlans,
        trusted: trusted('not inspected and not rate-limited'),
        rateLimit: rateLimit(15, 'ARP packets/s allowed on an untrusted port; more within a burst interval err-disables the port (IOS ip arp inspection limit rate 15)'),
        burstInterval: duration().prefault('1s').describe('The burst interval the rate is counted over (default 1s, IOS).'),
        portRateLimits: z.array(portRateLimit).default([]).describe('Per-port rate limits overriding rateLimit (default none).'),
        validate: section(
          {
            srcMac: z.boolean().default(false).describe('Ethernet source = ARP sender MAC (requests and replies).'),
            dstMac: z.boolean().default(false).describe('Ethernet destination = ARP target MAC (replies).'),
            ip: z.boolean().default(false).describe('Refuse sender IP 0.0.0.0, 255.255.255.255 and multicast (and such target IPs in replies): this rejects RFC 5227 probes.'),
          },
          'Optional validations (IOS ip arp inspection validate src-mac dst-mac ip; default none).',
        ).prefault({}),
        acl: z.array(aclEntry).default([]).describe('ARP ACL permit lines, checked before the bindings (default none; for statically addressed hosts).'),
        aclStatic: z.boolean().default(false).describe('An ACL miss is a final deny (IOS static keyword; default false).'),
        matchPort: z.boolean().default(false).describe('The ingress port must be the binding\'s port (H3C checks IP + MAC + port + VLAN; Cisco and Dell describe the IP/MAC match): default false.'),
        permitProbes: z.boolean().default(true).describe('Let RFC 5227 probes (sender 0.0.0.0) through when validate.ip is off (default true; whether platforms exempt them is unverified).'),
        inspectRarp: z.boolean().default(false).describe('Count and inspect RARP (EtherType 0x8035, QEMU\'s announcements) as ARP (default false; unverified either way).'),
      },
      'Dynamic ARP inspection: ARP on untrusted ports must match a DHCP snooping binding (or an ARP ACL) by sender IP, MAC and VLAN; 15 packets/s per untrusted port, beyond which the port is err-disabled.',
    ).optional(),
    sourceGuard: section(
      {
        switches: featureSwitches,
        ports: ports(['host-facing', 'hypervisor-facing'], 'Guarded ports'),
        mode: z.enum(['ip', 'ip-mac']).default('ip').describe('ip (default, IOS ip verify source): the source IP must be bound to the port; ip-mac: the source MAC too (ip verify source port-security).'),
      },
      'IP Source Guard: IPv4 from a guarded port only from an address bound (DHCP snooping, static) to that port and VLAN. Port-bound: a VM that moved to any other port is blocked until a binding names the new one.',
    ).optional(),
    ndInspection: section(
      {
        switches: featureSwitches,
        vlans,
        trusted: trusted('not inspected, nothing gleaned'),
        onConflict: z.enum(['drop', 'probe']).default('drop').describe('A claim of an address bound to another MAC or port: drop (default) while the binding is fresh; probe: drop and probe the old location with a DAD NS, moving the binding if nothing answers within probeTimeout.'),
        reachableLifetime: duration({ positive: true }).prefault('300s').describe('A binding not refreshed for this long may move (default 300s; vendor defaults unverified).'),
        staleLifetime: duration({ positive: true }).prefault('24h').describe('A binding not refreshed for this long is forgotten (default 24h; unverified).'),
        probeTimeout: duration({ positive: true }).prefault('1s').describe('probe: how long the old location has to answer (default 1s; unverified).'),
        gleanFromData: z.boolean().default(false).describe('Also glean bindings from the source of data packets (default false).'),
      },
      'IPv6 snooping / ND inspection: bindings gleaned from DAD, NS and NA; an NS or NA claiming an address bound elsewhere is treated as theft.',
    ).optional(),
    raGuard: section(
      {
        switches: featureSwitches,
        routerPorts: ports(['gateway-facing'], 'Ports in router role (RAs pass)'),
        offPorts: ports(['fabric'], 'Ports not guarded'),
        stateful: section(
          {
            learningPeriod: duration().describe('How long a port listens after it comes up before it decides (required).'),
            forwardWhileLearning: z.boolean().default(false).describe('Forward RAs while learning (default false: block).'),
          },
          'Stateful RA guard on the host-role ports (RFC 6105 §3.2): LEARNING, then FORWARDING if an RA was seen, else BLOCKING.',
        ).optional(),
        dropUnknownNextHeader: z.boolean().default(true).describe('RFC 7113 rule 5: drop packets with an unknown Next Header (default true).'),
        blockRedirects: z.boolean().default(true).describe('Also block ICMPv6 Redirects on host ports (default true; vendor behaviour, unverified).'),
      },
      'RA guard (RFC 6105, hardened per RFC 7113): RAs only from router-role ports. Only VMs that are routers are affected by a move.',
    ).optional(),
    fcfsSavi: section(
      {
        switches: featureSwitches,
        vlans,
        trusted: trusted('towards other SAVI switches and routers (every other port is validating)'),
        tentLt: duration({ positive: true }).prefault('500ms').describe('TENT_LT (default 500ms, RFC 6620): how long a new or contested binding is tested.'),
        defaultLt: duration({ positive: true }).prefault('5min').describe('DEFAULT_LT (default 5min, RFC 6620): a binding\'s lifetime, refreshed by its traffic.'),
        tWait: duration({ positive: true }).prefault('250ms').describe('T_WAIT (default 250ms, RFC 6620): the gap between the DAD NS the switch sends.'),
      },
      'FCFS SAVI (RFC 6620): the first port to use an IPv6 address owns it; another port claiming it makes the switch probe the owner with DAD NS (really sent) and hold the claimant\'s traffic for TENT_LT.',
    ).optional(),
    saviDhcp: section(
      {
        switches: featureSwitches,
        vlans,
        trusted: trusted('towards DHCP servers and other SAVI devices (every other port is validating)'),
        dataSnooping: z.boolean().default(false).describe('The data-snooping process (RFC 7513 §7) that recovers a binding whose DHCP exchange was missed, by an ARP probe and a leasequery (default false, as RFC 7513; the leasequery remedy turns it on).'),
      },
      'SAVI-DHCP (RFC 7513) for DHCPv4: IPv4 from a validating port only from an address whose DHCP exchange the switch saw on that port.',
    ).optional(),
    errDisableRecovery: section(
      {
        causes: z.array(z.enum(ERR_DISABLE_CAUSE_NAMES)).default([]).describe(`Causes an err-disabled port recovers from by itself: ${ERR_DISABLE_CAUSE_NAMES.join(', ')} (default none: IOS recovers only when told, errdisable recovery cause <cause>).`),
        interval: duration().prefault('300s').describe('When it recovers (default 300s, IOS errdisable recovery interval).'),
      },
      'Recovery of err-disabled ports, on every switch with security.',
    ).prefault({}),
  },
  'Access-layer security features of the fabric\'s switches (default: none). Each feature is on when its section is given, with the defaults of Cisco Catalyst IOS (RFC constants for RA guard and SAVI).',
);

/** The parsed `security` section. */
export type SecuritySettings = z.output<typeof securitySchema>;
