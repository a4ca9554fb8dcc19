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
export const REMEDY_KINDS = ['none', 'guest-garp', 'guest-na', 'rarp', 'qemu-announce', 'deregistration', 'keepalive', 'controller', 'evpn'] as const;

/** The modes of the keepalive remedy. */
export const KEEPALIVE_MODES = ['vm-garp', 'gateway-probe'] as const;
/** How a gateway takes a controller's push (`neighborUpdate`). */
export const NEIGHBOR_UPDATES = ['install', 'agent'] as const;

const kindHelp = `What is done: ${REMEDY_KINDS.join(' | ')}.`;

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
        .describe('request (default): ARP request with sender IP = target IP and target MAC zero, as Linux sends on NETDEV_NOTIFY_PEERS; reply: ARP reply with sender IP = target IP (RFC 5944 §4.6).'),
      count: count(1, 1000).default(3).describe('Gratuitous ARPs per IPv4 address (default 3).'),
      interval: duration().prefault('100ms').describe('Gap between them (default 100ms); the first goes out when the VM resumes.'),
    },
    'The guest sends gratuitous ARPs for each of its IPv4 addresses after it resumes (virtio GUEST_ANNOUNCE, Xen netfront, Hyper-V netvsc: Linux netdev_notify_peers, net/core/dev.c). They teach every switch on their way the new port, and update the ARP entries of hosts that already have one.',
  ),
  section(
    {
      kind: z.literal('guest-na').describe(kindHelp),
      count: count(1, 1000).default(3).describe('Unsolicited NAs per IPv6 address (default 3: RFC 4861 §7.2.6 MAX_NEIGHBOR_ADVERTISEMENT).'),
      interval: duration().prefault('1s').describe('Gap between them (default 1s: RFC 4861 RetransTimer, the least gap §7.2.6 allows).'),
      override: z.boolean().default(true).describe('Set the Override flag (default true, as RFC 4861 §7.2.6 asks); without it, receivers keep the old MAC of an existing entry.'),
    },
    'The guest sends unsolicited Neighbor Advertisements (S = 0, to ff02::1, with the target link-layer address) for each of its IPv6 addresses after it resumes (Linux netdev_notify_peers → ndisc_send_unsol_na, net/ipv6/ndisc.c). An unsolicited NA never makes an entry REACHABLE.',
  ),
  section(
    {
      kind: z.literal('rarp').describe(kindHelp),
      count: count(1, 1000).default(1).describe('RARP frames (default 1; how many vMotion sends, and how far apart, is unverified).'),
      interval: duration().prefault('0s').describe('Gap between them (default 0s).'),
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
], { error: `a remedy with a kind: ${REMEDY_KINDS.join(', ')}` });

/** A parsed remedy (times in ns). */
export type RemedySettings = z.output<typeof remedySchema>;

/** Help text of a list of remedies. */
export const REMEDIES_HELP = `Remedies, combinable: ${REMEDY_KINDS.join(', ')}; each with its settings.`;
