/**
 * The address plan, per family: the gateway's address (explicit, or the first usable one), then the
 * ranges of groups with an explicit first address (consecutive from it), then the own addresses of a
 * pair's two members and the `auto` groups in order, each taking the lowest free addresses. Usable
 * addresses exclude the IPv4 network and broadcast addresses and the IPv6 subnet-router anycast
 * address (RFC 4291 §2.6.1). What does not fit is reported as issues for the cross-field checks.
 */
import type { Family } from '../addresses.js';
import { addressToBigInt, bigIntToAddress, prefixContains, prefixOf, usableRange } from '../addresses.js';
import type { PathIssue } from '../issues.js';
import type { Scenario } from '../normalise.js';

/** Consecutive addresses. */
export interface AddressBlock {
  readonly first: bigint;
  readonly count: number;
}

/** The addresses of one family. */
export interface AddressPlan {
  readonly family: Family;
  /** The gateway's address (virtual for pair and anycast), or null. */
  readonly gateway: string | null;
  /** The own addresses of a pair's members (empty otherwise, or when the subnet ran out). */
  readonly members: readonly string[];
  /** Per group: its blocks, or null when the group has no address of this family. */
  readonly groups: readonly (readonly AddressBlock[] | null)[];
  /** What does not fit (for the cross-field checks). */
  readonly problems: readonly PathIssue[];
}

interface Used {
  first: bigint;
  last: bigint;
  owner: string;
  mayConflict: boolean;
}

function hostRange(name: string, first: number, count: number): string {
  return count === 1 ? `${name}-${first}` : `${name}-${first} … ${name}-${first + count - 1}`;
}

/** Plans the addresses of `family` (see the module comment). */
export function planAddresses(scenario: Pick<Scenario, 'gateway' | 'hosts' | 'subnet'>, family: Family): AddressPlan {
  const prefixText = scenario.subnet[family];
  const problems: PathIssue[] = [];
  const g = scenario.gateway;
  const gatewayValue = g[family];
  if (prefixText === undefined) {
    if (gatewayValue !== null) {
      problems.push({ code: 'value', path: ['gateway', family], expected: `none, since the scenario has no subnet.${family}`, found: JSON.stringify(gatewayValue) });
    }
    scenario.hosts.forEach((h, i) => {
      const v = h[family];
      if (v !== 'none' && v !== 'auto') {
        problems.push({ code: 'value', path: ['hosts', i, family], expected: `auto or none, since the scenario has no subnet.${family}`, found: JSON.stringify(v) });
      }
    });
    return { family, gateway: null, members: [], groups: scenario.hosts.map(() => null), problems };
  }
  const prefix = prefixOf(prefixText, family);
  const usable = usableRange(prefix);
  const used: Used[] = [];
  const outside = (a: bigint): boolean => a < usable.first || a > usable.last;
  const describeUsable = `an address of ${prefixText} other than ${family === 'ipv4' ? 'its network and broadcast addresses' : 'its subnet-router anycast address'}`;

  // 1. The gateway's address.
  let gateway: string | null = null;
  if (gatewayValue !== null) {
    const a = addressToBigInt(gatewayValue, family);
    if (outside(a)) {
      const where = prefixContains(prefix, a) ? '' : ` (outside ${prefixText})`;
      problems.push({ code: 'value', path: ['gateway', family], expected: describeUsable, found: `${JSON.stringify(gatewayValue)}${where}` });
    } else {
      gateway = gatewayValue;
      used.push({ first: a, last: a, owner: 'the gateway (gateway.' + family + ')', mayConflict: false });
    }
  }

  // 2. Groups with an explicit first address.
  const groups: (AddressBlock[] | null)[] = scenario.hosts.map(() => null);
  scenario.hosts.forEach((h, i) => {
    const v = h[family];
    if (v === 'auto' || v === 'none') return;
    const first = addressToBigInt(v, family);
    const last = first + BigInt(h.count) - 1n;
    if (outside(first)) {
      const where = prefixContains(prefix, first) ? '' : ` (outside ${prefixText})`;
      problems.push({ code: 'value', path: ['hosts', i, family], expected: describeUsable, found: `${JSON.stringify(v)}${where}` });
      return;
    }
    if (last > usable.last) {
      problems.push({
        code: 'capacity',
        path: ['hosts', i, family],
        expected: `a first address that leaves room for ${h.count} consecutive addresses before the end of ${prefixText} (${bigIntToAddress(usable.last, family)})`,
        found: JSON.stringify(v),
      });
      return;
    }
    const owner = `${hostRange(h.name, 1, h.count)} (hosts[${i}])`;
    for (const u of used) {
      if (u.first <= last && first <= u.last && !(u.mayConflict || h.allowAddressConflict)) {
        const overlap = first > u.first ? first : u.first;
        problems.push({
          code: 'duplicate',
          path: ['hosts', i, family],
          expected: 'addresses no other node has (or allowAddressConflict: true to study the conflict)',
          found: `${JSON.stringify(v)}, whose range shares ${bigIntToAddress(overlap, family)} with ${u.owner}`,
        });
        break;
      }
    }
    used.push({ first, last, owner, mayConflict: h.allowAddressConflict });
    groups[i] = [{ first, count: h.count }];
  });

  // 3. Lowest free addresses for the pair's members and the auto groups.
  const allocate = (n: number): AddressBlock[] | undefined => {
    const taken = [...used].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const blocks: AddressBlock[] = [];
    let need = BigInt(n);
    let at = usable.first;
    let k = 0;
    while (need > 0n && at <= usable.last) {
      while (k < taken.length && taken[k]!.last < at) k++;
      const next = k < taken.length ? taken[k]! : undefined;
      if (next !== undefined && next.first <= at) {
        at = next.last + 1n;
        continue;
      }
      const gapEnd = next === undefined || next.first > usable.last ? usable.last : next.first - 1n;
      const take = gapEnd - at + 1n < need ? gapEnd - at + 1n : need;
      blocks.push({ first: at, count: Number(take) });
      need -= take;
      at += take;
    }
    if (need > 0n) return undefined;
    for (const b of blocks) used.push({ first: b.first, last: b.first + BigInt(b.count) - 1n, owner: 'an automatically assigned node', mayConflict: false });
    return blocks;
  };
  const free = (): bigint => {
    let n = usable.last - usable.first + 1n;
    const sorted = [...used].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    let covered = usable.first - 1n;
    for (const u of sorted) {
      const lo = u.first > covered + 1n ? u.first : covered + 1n;
      if (u.last >= lo) {
        n -= u.last - lo + 1n;
        covered = u.last;
      }
    }
    return n;
  };

  let members: string[] = [];
  if (g.placement === 'pair' && gateway !== null) {
    const blocks = allocate(2);
    if (blocks === undefined) {
      problems.push({ code: 'capacity', path: ['subnet', family], expected: `a subnet with room for the pair's two own addresses besides the gateway's`, found: JSON.stringify(prefixText) });
    } else {
      members = blocks.flatMap((b) => Array.from({ length: b.count }, (_, j) => bigIntToAddress(b.first + BigInt(j), family)));
    }
  }
  scenario.hosts.forEach((h, i) => {
    if (h[family] !== 'auto') return;
    const available = free();
    const blocks = allocate(h.count);
    if (blocks === undefined) {
      problems.push({
        code: 'capacity',
        path: ['hosts', i, 'count'],
        expected: `at most ${available} host${available === 1n ? '' : 's'}: the free ${family} addresses left in ${prefixText} after the gateway and the groups before`,
        found: String(h.count),
      });
      return;
    }
    groups[i] = blocks;
  });
  return { family, gateway, members, groups, problems };
}

/** The address of host `index` (0-based) of a group with these blocks. */
export function blockAddress(blocks: readonly AddressBlock[], index: number, family: Family): string {
  let i = index;
  for (const b of blocks) {
    if (i < b.count) return bigIntToAddress(b.first + BigInt(i), family);
    i -= b.count;
  }
  throw new RangeError(`address index ${index} beyond the group's ${index - i} addresses`);
}

/** The IPv4 address of host `index` (0-based) of a group with these blocks, as an unsigned 32-bit number. */
export function blockIpv4(blocks: readonly AddressBlock[], index: number): number {
  let i = index;
  for (const b of blocks) {
    if (i < b.count) return Number(b.first) + i;
    i -= b.count;
  }
  throw new RangeError(`address index ${index} beyond the group's ${index - i} addresses`);
}
