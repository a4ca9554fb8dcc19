/**
 * The `subnet` section: the one IP subnet of the Layer-2 domain, per family. Gateways and hosts take
 * their addresses from it (explicitly or `auto`); at least one family is required (checked after the
 * schema, with the other cross-field rules).
 */
import { ipPrefix, section } from '../fields.js';
import type { z } from 'zod';

/** The `subnet` section. */
export const subnetSchema = section(
  {
    ipv4: ipPrefix('ipv4').optional().describe('IPv4 prefix of the domain, e.g. 198.18.0.0/16 (RFC 2544 benchmarking space); host bits zero, length 8 to 30.'),
    ipv6: ipPrefix('ipv6').optional().describe('IPv6 prefix of the domain, e.g. 2001:db8::/64 (RFC 3849 documentation space); host bits zero, length 8 to 126.'),
  },
  'The IP subnet of the Layer-2 domain: at least one of ipv4 and ipv6 (default: ipv4 198.18.0.0/16 only). Omit a family to leave it out of the scenario.',
).prefault({ ipv4: '198.18.0.0/16' });

/** The parsed `subnet` section. */
export type Subnet = z.output<typeof subnetSchema>;
