/**
 * The MAC plan. All MACs are locally administered unicast (02:…): host number n (1-based, counting the
 * hosts of every group in order, VMs included) has `02:00:` followed by n as 32 bits big-endian (the
 * first host is 02:00:00:00:00:01); gateway node i (1-based, in `gatewayNodes` order) has
 * 02:00:5e:00:00:00 + i (02:00:5e:00:00:01 …), beyond every host number the plan allows
 * ({@link MAX_HOST_NUMBER}); `newMac: auto` gives host n, on its k-th move with `newMac: auto` (k = 1,
 * 2, … in the order of the moves' start times, then of the list), `02:NN:` followed by n as 32 bits
 * with NN = k + 1 (02 for the first, up to ff). So no two of them coincide; explicit MACs are checked
 * against them.
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
