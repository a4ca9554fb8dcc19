/**
 * The `remedies` lists: what announces a migrated VM, or tells the network about the move, by kind.
 * Each kind's settings and defaults follow their sources (QEMU net/announce.c and migration/options.c,
 * Linux netdev_notify_peers, VMware's vSphere networking guide, RFC 7432 §15, RFC 7342 §5) and parse to exactly the model's
 * `RemedySpec` (src/migration/remedies.ts), times in ns; normalise.ts checks the match at compile
 * time. A list may combine kinds (QEMU's RARPs and a controller push); `none` stands alone.
 */
import { z } from 'zod';
import { count, duration, probability, section } from '../fields.js';

/** The remedy kinds, in the order of src/migration/remedies.ts. */
export const REMEDY_KINDS = [
  'none', 'guest-garp', 'guest-na', 'rarp', 'qemu-announce', 'deregistration', 'keepalive', 'controller', 'evpn',
  'binding-sync', 'leasequery', 'guest-renew', 'vswitch-enforcement',
] as const;

/** The modes of the keepalive remedy. */
export const KEEPALIVE_MODES = ['vm-garp', 'gateway-probe'] as const;
/** How a gateway takes a controller's push (`neighborUpdate`). */
export const NEIGHBOR_UPDATES = ['install', 'agent'] as const;

const kindHelp = `What is done: ${REMEDY_KINDS.join(' | ')}.`;

/** The start delay of an announcing remedy. */
function delay(first: string) {
  return duration().prefault('0s').describe(`From the resume until ${first} goes out (default 0s: at once); announcements sent before the destination port forwards are lost (portReadyAfter, and a Linux bridge port re-plugged with guestLink: replug).`);
}

/** One remedy. */
export const remedySchema = z.discriminatedUnion('kind', [
  section(
    { kind: z.literal('none').describe(kindHelp) },
    'Nothing announces the move: the VM is silent, and the network learns its new place only from frames it sends later, or when stale switch entries age out (IEEE 802.1D-2004 §7.8-7.9: bridges learn only from source addresses, and age them). Alone in its list.',
  ),
  section(
    {
      kind: z.literal('guest-garp').describe(kindHelp),
      form: z.enum(['request', 'reply']).default('request')
        .describe('request (default): ARP request with sender IP = target IP, as Linux sends on NETDEV_NOTIFY_PEERS; reply: ARP reply with sender IP = target IP (RFC 5944 §4.6).'),
      targetMac: z.enum(['zero', 'broadcast']).optional()
        .describe('The target MAC of a request-form GARP: zero (default: 00:00:00:00:00:00, as Linux\'s own announcement, arp_send_dst in net/ipv4/arp.c, and RFC 5227 §2.3) or broadcast (ff:ff:ff:ff:ff:ff, as arping -U sends it). Receivers treat both alike (Linux arp_is_garp looks only at the addresses); captures tell them apart (an announcement vs a gratuitous request). Not for form reply, whose target MAC is its sender\'s.'),
      count: count(1, 1000).default(3).describe('Gratuitous ARPs per IPv4 address (default 3).'),
      interval: duration().prefault('100ms').describe('Gap between them (default 100ms).'),
      delay: delay('the first GARP'),
    },
    'The guest sends gratuitous ARPs for each of its IPv4 addresses after it resumes (virtio GUEST_ANNOUNCE, Xen netfront, Hyper-V netvsc: Linux netdev_notify_peers, net/core/dev.c). They teach every switch on their way the new port, and update the ARP entries of hosts that already have one.',
  ),
  section(
    {
      kind: z.literal('guest-na').describe(kindHelp),
      count: count(1, 1000).default(3).describe('Unsolicited NAs per IPv6 address (default 3: RFC 4861 §7.2.6 MAX_NEIGHBOR_ADVERTISEMENT).'),
      interval: duration().prefault('1s').describe('Gap between them (default 1s: RFC 4861 RetransTimer, the least gap §7.2.6 allows).'),
      override: z.boolean().default(true).describe('Set the Override flag (default true, as RFC 4861 §7.2.6 asks); without it, receivers keep the old MAC of an existing entry.'),
      delay: delay('the first NA'),
    },
    'The guest sends unsolicited Neighbor Advertisements (S = 0, to ff02::1, with the target link-layer address) for each of its IPv6 addresses after it resumes (Linux netdev_notify_peers → ndisc_send_unsol_na, net/ipv6/ndisc.c). An unsolicited NA never makes an entry REACHABLE.',
  ),
  section(
    {
      kind: z.literal('rarp').describe(kindHelp),
      count: count(1, 1000).default(1).describe('RARP frames (default 1; how many vMotion sends, and how far apart, is unverified).'),
      interval: duration().prefault('0s').describe('Gap between them (default 0s).'),
      delay: delay('the first RARP'),
    },
    'The destination hypervisor sends RARP frames (op 3, sender and target MAC = the VM\'s) for the VM, as VMware vMotion does (vSphere networking guide, "Notify Switches"): switches learn the new port; no host cache changes.',
  ),
  section(
    {
      kind: z.literal('qemu-announce').describe(kindHelp),
      initial: duration().prefault('50ms').describe('announce-initial: the first gap (default 50ms, QEMU migration/options.c).'),
      max: duration().prefault('550ms').describe('announce-max: the cap on any gap (default 550ms).'),
      rounds: count(1, 1000).default(5).describe('announce-rounds: number of rounds (default 5).'),
      step: duration().prefault('100ms').describe('announce-step: how much each gap grows (default 100ms).'),
      guestAnnounce: z.boolean().default(false)
        .describe('The guest negotiated virtio GUEST_ANNOUNCE: each round it also sends one gratuitous ARP per IPv4 address and one unsolicited NA per IPv6 address (default false: a guest without it, or a vhost-user backend).'),
      delay: delay('the first round (an announce-self a management layer sends later, as Nova\'s enable_qemu_monitor_announce_self does)'),
    },
    'QEMU/KVM announce-self after the incoming side loads (QEMU net/announce.c, migration/options.c): one RARP per round for the VM\'s MAC, at t = 0, 50, 200, 450, 800 ms with the defaults (each gap initial + k × step, capped at max).',
  ),
  section(
    {
      kind: z.literal('deregistration').describe(kindHelp),
      latency: duration().prefault('10ms').describe('From the resume until every switch has forgotten the VM\'s MAC (default 10ms).'),
    },
    'The old location withdraws the VM (an EVPN route withdrawal, a vSwitch flushing the entries of a deleted port, a SAVI binding removed: RFC 7432 §15, RFC 7342 §5): every switch forgets the VM\'s MAC, so frames for it flood, and reach it, until the MAC is learnt again.',
  ),
  section(
    {
      kind: z.literal('keepalive').describe(kindHelp),
      mode: z.enum(KEEPALIVE_MODES).default('vm-garp')
        .describe('vm-garp (default): the VM sends a gratuitous ARP for each IPv4 address; gateway-probe: every gateway sends the VM a unicast ARP request (RFC 7342 §5.1.1, keepalived-style refresh).'),
      interval: duration({ min: 1_000_000, minText: '1ms' }).prefault('30s').describe('How often, all along the run (default 30s; at least 1ms: a refresh every millisecond already costs a broadcast per VM every millisecond).'),
    },
    'Periodic refresh all along the run, not only after a move (RFC 7342 §5.1.1): it bounds the black hole of a silent VM by the interval, at the price of constant broadcast (vm-garp) or unicast (gateway-probe) load.',
  ),
  section(
    {
      kind: z.literal('controller').describe(kindHelp),
      latency: duration().prefault('50ms').describe('From the resume until the pushes arrive (default 50ms).'),
      lossRate: probability().default(0).describe('Probability that a push to one switch or gateway is lost, in [0, 1] (default 0).'),
      pushFdb: z.boolean().default(true).describe('Point every switch\'s entry for the VM\'s MAC towards the destination (default true).'),
      pushNeighbors: z.boolean().default(true).describe('Install the VM\'s IP→MAC bindings in every gateway\'s ARP and ND tables (default true).'),
      moveBindings: z.boolean().default(false)
        .describe('Also move the VM\'s security state with the push (needs a security section): clear its secure MAC from the source port (IOS clear port-security), move its DHCP snooping, SAVI-DHCP, FCFS SAVI and ND inspection bindings to the destination port (default false: an orchestrator that does not talk to the switches\' security features).'),
      neighborUpdate: z.enum(NEIGHBOR_UPDATES).default('install')
        .describe('How a gateway takes the push: install (default) the binding, REACHABLE; or agent, as arpshift agent does on a real gateway: replace the entry when the VM\'s MAC changed, otherwise re-resolve the VM at once with a broadcast ARP request / multicast NS, whose answer from the new place also re-teaches the switches.'),
    },
    'A management plane that knows the move (an orchestrator, an NVA: RFC 7342 §5.2, draft-ietf-nvo3-vmm) pushes the VM\'s new location to the switches and its bindings to the gateways, independently of any announcement.',
  ),
  section(
    {
      kind: z.literal('evpn').describe(kindHelp),
      latency: duration().prefault('100ms').describe('From an edge switch learning the MAC on a host port until every switch points the MAC there (BGP propagation; default 100ms).'),
      duplicateMoves: count(2, 1000).default(5).describe('Moves within duplicateWindow that freeze the MAC as a duplicate (RFC 7432 §15.1; default 5, as FRR, Junos and Cumulus).'),
      duplicateWindow: duration({ positive: true }).prefault('180s').describe('The duplicate-detection window (default 180s).'),
    },
    'EVPN MAC mobility (RFC 7432 §15): the edge switch that learns the VM\'s MAC on a host port advertises it with the next sequence number, and the other switches follow. It needs the VM (or its hypervisor) to send a frame at the new place; normally with bridging: spb, an overlay-like fabric.',
  ),
  section(
    {
      kind: z.literal('binding-sync').describe(kindHelp),
      interval: duration({ positive: true }).prefault('1s').describe('How often the switches exchange their tables (default 1s; a modelling choice: vendors\' figures unverified).'),
    },
    'DHCP snooping bindings synchronised across switches (vendor-specific features, unverified): every switch copies the others\' bindings, without their port. DAI, which matches IP, MAC and VLAN, admits a VM that moved to another switch at once; IP Source Guard and port-matching DAI, which need the binding on the ingress port, do not. Deployment-wide.',
  ),
  section(
    {
      kind: z.literal('leasequery').describe(kindHelp),
      roundTrip: duration().prefault('1ms').describe('From the query to the server\'s answer (default 1ms; the exchange is not put on the wire).'),
    },
    'Switches recover a missing binding by asking the DHCP server (RFC 4388 LEASEQUERY by address): SAVI-DHCP runs its data-snooping process (RFC 7513 §7: a probe, DETECTION_TIMEOUT 0.5 s, then the query), and DHCP snooping, when DAI or IP Source Guard refuses a frame for want of a binding on its port, installs the lease the server reports for the frame\'s MAC (vendor support unverified). Only addresses leased by the scenario\'s DHCP server can be recovered. Deployment-wide.',
  ),
  section(
    {
      kind: z.literal('guest-renew').describe(kindHelp),
      carrierDown: duration().prefault('2s').describe('How long the guest\'s carrier is down after the resume (default 2s, Hyper-V\'s netvsc LINKCHANGE_INT, drivers/net/hyperv/netvsc_drv.c); 0s = no carrier drop, the renew is triggered at the resume.'),
    },
    'After the resume the guest\'s link bounces and, when its profile says its DHCP client reacts to a carrier bounce (dhcp.renewAfterLinkBounce: systemd-networkd and dhcpcd do, ISC dhclient does not), it confirms its lease (INIT-REBOOT: a broadcast DHCPREQUEST) from the new port, so DHCP snooping and SAVI-DHCP bind it there. Needs VMs that take their addresses from DHCP (the dhcp section).',
  ),
  section(
    { kind: z.literal('vswitch-enforcement').describe(kindHelp) },
    'Trust hypervisor-facing ports and enforce in the virtual switch instead (a common design: the physical switches trust the hypervisors and the vSwitch enforces, as OpenStack Neutron port security does): every security feature of the physical switches treats hypervisor-facing ports as trusted (not inspected, not rate-limited, no MAC limit, no source guard), and each hypervisor\'s virtual switch lets a VM port send only from its vNIC\'s MAC and addresses, a configuration that moves with the VM. Deployment-wide; needs hypervisors and a security section.',
  ),
], { error: `a remedy with a kind: ${REMEDY_KINDS.join(', ')}` });

/** A parsed remedy (times in ns). */
export type RemedySettings = z.output<typeof remedySchema>;

/** Help text of a list of remedies. */
export const REMEDIES_HELP = `Remedies, combinable: ${REMEDY_KINDS.join(', ')}; each with its settings.`;
