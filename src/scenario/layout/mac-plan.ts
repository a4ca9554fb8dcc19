/**
 * The MAC plan. All MACs are locally administered unicast (02:…): host number n (1-based, counting the
 * hosts of every group in order, VMs included) has `02:00:` followed by n as 32 bits big-endian (the
 * first host is 02:00:00:00:00:01); gateway node i (1-based, in `gatewayNodes` order) has
 * 02:00:5e:00:00:00 + i (02:00:5e:00:00:01 …), beyond every host number the plan allows
 * ({@link MAX_HOST_NUMBER}); `newMac: auto` gives host n, on its k-th move with `newMac: auto` (k = 1,
 * 2, … in the order of the moves' start times, then of the list), `02:NN:` followed by n as 32 bits
 * with NN = k + 1 (02 for the first, up to ff). So no two of them coincide; explicit MACs (a group's
 * or the gateway's `mac`, consecutive from the one given, and a migration's `newMac`) are checked
 * against them and each other.
 */
import type { HostGroup } from '../normalise.js';

function macText(first: number, second: number, low32: number): string {
  const hex = (v: number): string => v.toString(16).padStart(2, '0');
  return [first, second, (low32 >>> 24) & 0xff, (low32 >>> 16) & 0xff, (low32 >>> 8) & 0xff, low32 & 0xff].map(hex).join(':');
}

/** The first gateway MAC, 02:00:5e:00:00:00 (gateway node i has this + i). */
const GATEWAY_MAC_BASE = 0x5e00_0000;

/** The largest host number the MAC plan gives a MAC (below the gateways' 02:00:5e:…). */
export const MAX_HOST_NUMBER = GATEWAY_MAC_BASE - 1;

/** The largest number of `newMac: auto` moves of one VM (second octet 02 … ff). */
export const MAX_AUTO_MACS_PER_VM = 0xff - 1;

/** The 1-based number of host `index` (0-based) of group `group`: the hosts of every group, in order. */
export function hostNumber(hosts: readonly Pick<HostGroup, 'count'>[], group: number, index: number): number {
  let n = 0;
  for (let g = 0; g < group; g++) n += hosts[g]!.count;
  return n + index + 1;
}

/** The MAC of host number `n` (1-based): `02:00:` and n as 32 bits (see the module comment). */
export function hostMac(n: number): string {
  return macText(0x02, 0x00, n >>> 0);
}

/** The MAC of host number `n` (1-based) as a 48-bit number: `02:00:` and n as 32 bits. */
export function hostMacNumber(n: number): number {
  return 0x0200_0000_0000 + (n >>> 0);
}

/** The own MAC of gateway node `i` (1-based): 02:00:5e:00:00:00 + i. */
export function gatewayMac(i: number): string {
  return macText(0x02, 0x00, GATEWAY_MAC_BASE + i);
}

/** The MAC `newMac: auto` gives host number `n` on its `k`-th such move (k from 1): `02:<k+1>:` and n as 32 bits. */
export function autoNewMac(n: number, k: number): string {
  return macText(0x02, (k + 1) & 0xff, n >>> 0);
}

/**
 * The node whose own MAC by the plan (a host's or a gateway node's) is `mac` (canonical text), among
 * `hostCount` hosts and `gatewayCount` gateway nodes; `undefined` for none.
 */
export function planMacOwner(mac: string, hostCount: number, gatewayCount: number): { readonly kind: 'host' | 'gateway'; readonly number: number } | undefined {
  const m = /^02:00:([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/.exec(mac);
  if (m === null) return undefined;
  const low = parseInt(`${m[1]}${m[2]}${m[3]}${m[4]}`, 16);
  if (low >= 1 && low <= Math.min(hostCount, MAX_HOST_NUMBER)) return { kind: 'host', number: low };
  const i = low - GATEWAY_MAC_BASE;
  return i >= 1 && i <= gatewayCount ? { kind: 'gateway', number: i } : undefined;
}

/** A MAC in canonical text as a 48-bit number. */
export function macNumber(mac: string): number {
  return parseInt(mac.replaceAll(':', ''), 16);
}

/** A 48-bit number as a MAC in canonical text. */
export function macOfNumber(n: number): string {
  return n.toString(16).padStart(12, '0').replace(/(..)(?!$)/g, '$1:');
}

/** The MAC of the `index`-th (0-based) of consecutive MACs from `first` (an explicit `mac`). */
export function nthMac(first: string, index: number): string {
  return macOfNumber(macNumber(first) + index);
}

/**
 * Whether `count` consecutive MACs from `first` are all unicast: the I/G bit (the low bit of the
 * first octet, IEEE 802-2014 §8.2) stays clear, that is the range does not run into the next first
 * octet, nor beyond 48 bits.
 */
export function macRangeUnicast(first: string, count: number): boolean {
  const a = macNumber(first);
  const last = a + count - 1;
  return last < 2 ** 48 && Math.floor(last / 2 ** 40) === Math.floor(a / 2 ** 40);
}

/**
 * The MACs of one group of nodes, consecutive: a host group's, or the gateway nodes'. `path` is the
 * setting that gives them when it is explicit (`hosts[i].mac`, `gateway.mac`); null when they are the
 * MAC plan's.
 */
export interface MacRange {
  readonly kind: 'host' | 'gateway';
  readonly first: number;
  readonly count: number;
  /** Who has them, for messages: `vm-1 … vm-8 (hosts[0])`, `gateway`. */
  readonly owner: string;
  readonly path: readonly (string | number)[] | null;
  /** The name of the node with the `i`-th MAC of the range. */
  name(i: number): string;
}

/**
 * Every node's MACs, by range (see {@link MacRange}): each host group's (its `mac`, or the plan's
 * `02:00:` + host number), then the gateway nodes' (its `mac`, or the plan's 02:00:5e:00:00:0i).
 * `gateways` are the gateway node names, in `gatewayNodes` order.
 */
export function macRanges(hosts: readonly Pick<HostGroup, 'name' | 'count' | 'mac'>[], gatewayMacSetting: string, gateways: readonly string[]): MacRange[] {
  const out: MacRange[] = [];
  let n = 1;
  hosts.forEach((h, i) => {
    const range = h.count === 1 ? `${h.name}-1` : `${h.name}-1 … ${h.name}-${h.count}`;
    const explicit = h.mac !== 'auto';
    out.push({
      kind: 'host',
      first: explicit ? macNumber(h.mac) : macNumber(hostMac(n)),
      count: h.count,
      owner: `${range} (hosts[${i}])`,
      path: explicit ? ['hosts', i, 'mac'] : null,
      name: (k) => `${h.name}-${k + 1}`,
    });
    n += h.count;
  });
  if (gateways.length > 0) {
    const explicit = gatewayMacSetting !== 'auto';
    out.push({
      kind: 'gateway',
      first: explicit ? macNumber(gatewayMacSetting) : macNumber(gatewayMac(1)),
      count: gateways.length,
      owner: gateways.length === 1 ? gateways[0]! : `the gateway nodes ${gateways[0]} … ${gateways.at(-1)}`,
      path: explicit ? ['gateway', 'mac'] : null,
      name: (k) => gateways[k]!,
    });
  }
  return out;
}

/** The node among `ranges` whose MAC is `mac` (canonical text), and the range it is in; undefined for none. */
export function macOwner(ranges: readonly MacRange[], mac: string): { readonly range: MacRange; readonly name: string } | undefined {
  const m = macNumber(mac);
  for (const r of ranges) if (m >= r.first && m < r.first + r.count) return { range: r, name: r.name(m - r.first) };
  return undefined;
}
