/**
 * DHCP per group: the server on a gateway node, with each DHCP host's planned address reserved for
 * its MAC and the pool spanning them, and a client on every host of the `dhcp` section's groups,
 * started at time 0 (its first DISCOVER after the RFC 2131 §4.4.1 random wait).
 */
import type { Host } from '../../stack/index.js';
import { DhcpClient, DhcpServer } from '../../stack/index.js';
import type { Ipv4Address, MacAddress } from '../../wire/index.js';
import type { BuildContext } from './context.js';
import type { BuiltGateways } from './gateways.js';
import type { PlannedAddresses } from './security.js';

/** DHCP as built. */
export interface BuiltDhcp {
  readonly server: DhcpServer;
  /** The client of each DHCP host, in the layout's order. */
  readonly clients: ReadonlyMap<Host, DhcpClient>;
}

/** The node that serves: a gateway node by name, or for `gateway` the core gateway, a pair's master, the first anycast instance. */
function serverNode(gateways: BuiltGateways, name: string): Host {
  if (name !== 'gateway') {
    const node = gateways.nodes.find((g) => g.name === name);
    if (node === undefined) throw new RangeError(`DHCP server ${name} is not a gateway node`);
    return node;
  }
  return gateways.pair?.master ?? gateways.nodes[0]!;
}

/** Builds the scenario's DHCP server and clients (null without a dhcp section). */
export function buildDhcp(c: BuildContext, gateways: BuiltGateways, hosts: ReadonlyMap<string, Host>, addresses: ReadonlyMap<string, PlannedAddresses>): BuiltDhcp | null {
  const d = c.scenario.dhcp;
  if (d === undefined) return null;
  const reservations = new Map<MacAddress, Ipv4Address>();
  const members: Host[] = [];
  for (const [name, host] of hosts) {
    const a = addresses.get(name);
    if (a === undefined || !a.dhcp || a.ipv4[0] === undefined) continue;
    reservations.set(a.mac, a.ipv4[0]);
    members.push(host);
  }
  const reserved = [...reservations.values()].sort((x, y) => x - y);
  const server = new DhcpServer(serverNode(gateways, d.server), {
    poolStart: reserved[0]!,
    poolEnd: reserved[reserved.length - 1]!,
    prefixLength: c.v4Prefix,
    ...(gateways.ipv4 === undefined ? {} : { router: gateways.ipv4 }),
    leaseTime: d.leaseTime,
    ...(d.renewalTime === undefined ? {} : { renewalTime: d.renewalTime }),
    ...(d.rebindingTime === undefined ? {} : { rebindingTime: d.rebindingTime }),
    reservations,
  });
  const clients = new Map<Host, DhcpClient>();
  for (const host of members) {
    const client = new DhcpClient(host, c.kernel, { startDelay: [d.startDelay.min, d.startDelay.max] });
    client.start();
    clients.set(host, client);
  }
  return { server, clients };
}
