/**
 * The `traffic` section: flows of application traffic, by kind (`udp`, `ping`, `request-response`),
 * each with the fields every flow has (name, endpoints, family, start, stop) and its own rate and
 * sizes. Payload sizes are limited to what fits one 1500-byte Ethernet frame (no fragmentation is
 * modelled): 1472 bytes over IPv4, 1452 over IPv6 (the family limit is checked after the schema).
 */
import { z } from 'zod';
import { count, duration, name, packetRate, section, size } from '../fields.js';

/** The flow kinds. */
export const FLOW_KINDS = ['udp', 'ping', 'request-response'] as const;

/** Largest payload that fits one 1500-byte frame over IPv4 (1500 - 20 - 8). */
export const MAX_PAYLOAD_IPV4 = 1472;
/** Largest payload that fits one 1500-byte frame over IPv6 (1500 - 40 - 8). */
export const MAX_PAYLOAD_IPV6 = 1452;

const kindHelp = 'udp (default): constant-rate UDP datagrams; ping: ICMP / ICMPv6 echo requests, each answered; request-response: UDP requests, each answered by a response.';

const RATE_BOUND = 'At most what the access link (fabric.links.access.rate) carries in frames of this size, framing included: about 9.6 million per second for 64-byte datagrams on 10 Gbit/s.';

const endpoint = 'gateway, a gateway node (gateway-1), a host name (vm-1) or a group name (vm: every host of it)';

const common = {
  name: name().optional().describe('Flow name, unique among flows (default <kind>-<from>-<to>, e.g. udp-gateway-vm-1).'),
  from: z.string({ error: 'a node or group name' }).min(1).describe(`Sender: ${endpoint}.`),
  to: z.string({ error: 'a node or group name, or an IP address' }).min(1)
    .describe(`Receiver: ${endpoint}, or an IP address of the subnet (an address nobody has makes the sender resolve in vain).`),
  family: z.enum(['ipv4', 'ipv6']).optional()
    .describe('ipv4 or ipv6 (default: the family of `to` when it is an address, else ipv4 when the scenario has an IPv4 subnet, else ipv6).'),
  start: duration().prefault('0s').describe('When the first packet is sent (default 0s).'),
  stop: duration().optional().describe('When sending stops (default: the end of the simulation).'),
  packets: count(1, Number.MAX_SAFE_INTEGER).optional()
    .describe('Packets each sender sends at most, counted from its own start (default: no limit but stop); e.g. 1 for one datagram per host.'),
  startSpread: section(
    {
      seed: count(0, 0xffff_ffff).default(1).describe('Seed of the generator (a whole number from 0 to 2^32 - 1; default 1).'),
      over: duration({ positive: true }).describe('Offsets fall in [0, over): offset_i = floor(r_i × over / 2^32) ns.'),
      wrap: duration({ positive: true }).optional()
        .describe('Take each offset modulo this duration (e.g. over 1s, wrap 10ms: the same hosts\' phases within 10 ms).'),
    },
    'Per-sender start times from a seeded generator: the i-th sender of the flow (in the order of its group, vm-1 first) starts at start + offset_i, r_i the i-th output of mulberry32(seed) (Tommy Ettinger\'s 32-bit generator), so a group of 10,000 hosts needs one entry, not 10,000.',
  ).optional(),
};

const udp = section(
  {
    kind: z.literal('udp').default('udp').describe(kindHelp),
    ...common,
    rate: packetRate().prefault('100pps').describe(`Datagrams per second (default 100pps). ${RATE_BOUND}`),
    size: size({ max: MAX_PAYLOAD_IPV4 }).prefault(64).describe('Bytes of UDP payload (default 64).'),
  },
  'Constant-rate UDP datagrams.',
);

const ping = section(
  {
    kind: z.literal('ping').describe(kindHelp),
    ...common,
    rate: packetRate().prefault('1pps').describe(`Echo requests per second (default 1pps, as ping sends). ${RATE_BOUND}`),
    size: size({ max: MAX_PAYLOAD_IPV4 }).prefault(56).describe('Bytes of echo data (default 56, as ping sends).'),
  },
  'ICMP / ICMPv6 echo requests and their replies.',
);

const requestResponse = section(
  {
    kind: z.literal('request-response').describe(kindHelp),
    ...common,
    rate: packetRate().prefault('10pps').describe(`Requests per second (default 10pps). ${RATE_BOUND}`),
    size: size({ max: MAX_PAYLOAD_IPV4 }).prefault(64).describe('Bytes of UDP payload of a request (default 64).'),
    responseSize: size({ max: MAX_PAYLOAD_IPV4 }).prefault(64).describe('Bytes of UDP payload of a response (default 64).'),
  },
  'UDP requests, each answered by a response.',
);

/** One flow. */
export const flowSchema = z.discriminatedUnion('kind', [udp, ping, requestResponse]);

/** A parsed flow. */
export type FlowSettings = z.output<typeof flowSchema>;
