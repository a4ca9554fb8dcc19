/**
 * The `dhcp` section: which host groups take their IPv4 addresses from a DHCPv4 server (RFC 2131)
 * instead of having them configured, and the server's settings. Static addressing stays the
 * default; a group listed here has no IPv4 address until its DHCP client (src/stack dhcp-client.ts)
 * has done its DISCOVER, OFFER, REQUEST, ACK, and then renews at T1, rebinds at T2, and confirms its
 * lease after a carrier bounce when its profile says so. IPv6 addresses stay as configured (DHCPv6 is
 * not modelled).
 *
 * The server (src/stack dhcp-server.ts) runs on a gateway node. Each host of a listed group has the
 * address the scenario's address plan gives it reserved by its MAC (dhcpd.conf(5) `host` declarations
 * with `fixed-address`), so traffic can name it and a leasequery knows it; the pool is the range
 * those addresses span.
 */
import { z } from 'zod';
import { duration, name, section } from '../fields.js';

/** The `dhcp` section (absent: every address is configured statically). */
export const dhcpSchema = section(
  {
    groups: z.array(name()).min(1, { error: 'a list of at least one host group name' })
      .describe('Host groups whose hosts take their IPv4 addresses from DHCP (required); the others keep static addresses.'),
    server: z.string().min(1).default('gateway')
      .describe('The node that serves DHCP: gateway (default: the core gateway, gateway-1 of a pair, the instance on the first edge switch for anycast) or a gateway node name.'),
    leaseTime: duration({ min: 1e9, minText: '1s' }).prefault('12h').describe('Lease time (default 12h: ISC dhcpd default-lease-time 43200 s, dhcpd.conf(5)).'),
    renewalTime: duration({ positive: true }).optional().describe('T1 (default 0.5 × leaseTime, RFC 2131 §4.4.5).'),
    rebindingTime: duration({ positive: true }).optional().describe('T2 (default 0.875 × leaseTime, RFC 2131 §4.4.5).'),
    startDelay: section(
      {
        min: duration().prefault('1s').describe('Shortest wait (default 1s).'),
        max: duration().prefault('10s').describe('Longest wait (default 10s).'),
      },
      'How long a client waits before its first DISCOVER, drawn uniformly (RFC 2131 §4.4.1: "between one and ten seconds"). Traffic to or from a DHCP host should start after it.',
    ).prefault({}),
  },
  'DHCPv4 addressing for some host groups (default: none, every address static).',
);

/** The parsed `dhcp` section. */
export type DhcpSettings = z.output<typeof dhcpSchema>;
