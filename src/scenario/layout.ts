/**
 * What a scenario implies about individual nodes: switch names by fabric kind, the gateway's nodes,
 * where each host attaches and which addresses it has. The cross-field checks use these rules to find
 * impossible scenarios, and a builder uses {@link scenarioLayout} to create exactly the nodes the
 * checks accepted, so the two cannot disagree.
 *
 * Names: leaf-spine `spine-1 … spine-S`, `leaf-1 … leaf-L` (edges: leaves); tree `core-1 …`,
 * `aggregation-1 …`, `access-1 …` (edges: access); fat-tree `core-1 … core-(k/2)²`,
 * `pod-P-aggregation-I`, `pod-P-edge-I` for P = 1 … k, I = 1 … k/2 (edges: pod edge switches, pod by
 * pod). Gateways: `gateway` (core), `gateway-1`, `gateway-2` (pair), `gateway-<edge>` (anycast).
 * Hosts: `<group>-1 … <group>-<count>`.
 *
 * Placement: gateways of placement core and pair take one host port of their edge switch first. Then
 * groups in order: `spread` groups go round-robin over all edge switches, one shared cursor
 * continuing from group to group and skipping full switches; a group with a list goes round-robin over
 * its list (its own cursor), skipping full switches.
 *
 * Addresses, per family: the gateway's address (explicit, or the first usable one), then the ranges of
 * groups with an explicit first address (consecutive from it), then the own addresses of a pair's two
 * members and the `auto` groups in order, each taking the lowest free addresses. Usable addresses
 * exclude the IPv4 network and broadcast addresses and the IPv6 subnet-router anycast address.
 */
import type { Family } from './addresses.js';
import { addressToBigInt, bigIntToAddress, prefixContains, prefixOf, usableRange } from './addresses.js';
import type { PathIssue } from './issues.js';
import type { Scenario } from './normalise.js';
import type { Fabric } from './sections/fabric.js';

/** A switch of the fabric. */
export interface SwitchLayout {
  readonly name: string;
  /** `spine`, `leaf`; `core`, `aggregation`, `access`; `core`, `aggregation`, `edge`. */
  readonly tier: string;
  /** True for switches with host-facing ports. */
  readonly edge: boolean;
}

/** Every switch of a fabric, top tier first. */
export function fabricSwitches(fabric: Fabric): SwitchLayout[] {
  const out: SwitchLayout[] = [];
  const tier = (prefix: string, tierName: string, n: number, edge: boolean): void => {
    for (let i = 1; i <= n; i++) out.push({ name: `${prefix}-${i}`, tier: tierName, edge });
  };
  switch (fabric.kind) {
    case 'leaf-spine':
      tier('spine', 'spine', fabric.spines, false);
      tier('leaf', 'leaf', fabric.leaves, true);
      break;
    case 'tree':
      tier('core', 'core', fabric.core, false);
      tier('aggregation', 'aggregation', fabric.aggregation, false);
      tier('access', 'access', fabric.access, true);
      break;
    case 'fat-tree': {
      const half = fabric.k / 2;
      tier('core', 'core', half * half, false);
      for (let p = 1; p <= fabric.k; p++) tier(`pod-${p}-aggregation`, 'aggregation', half, false);
      for (let p = 1; p <= fabric.k; p++) tier(`pod-${p}-edge`, 'edge', half, true);
      break;
    }
  }
  return out;
}

/** The edge switches (those with host ports), in placement order. */
export function edgeSwitchNames(fabric: Fabric): string[] {
  return fabricSwitches(fabric).filter((s) => s.edge).map((s) => s.name);
}

/**
 * Whether the switch links close a loop (so plain bridging, `none`, would flood forever): a
 * leaf-spine fabric with two leaves and two spines or more, a fat tree with k ≥ 4; `undefined` for a
 * tree, whose wiring between tiers is the generator's choice.
 */
export function fabricHasLoops(fabric: Fabric): boolean | undefined {
  switch (fabric.kind) {
    case 'leaf-spine': return fabric.leaves >= 2 && fabric.spines >= 2;
    case 'fat-tree': return fabric.k >= 4;
    case 'tree': return undefined;
  }
}

/** A gateway node. */
export interface GatewayNode {
  readonly name: string;
  /** The edge switch it attaches to (core, pair) or lives in (anycast). */
  readonly edge: string;
  /** True when it takes a host port of `edge` (core, pair). */
  readonly takesPort: boolean;
}

/** The gateway's nodes. */
export function gatewayNodes(scenario: Pick<Scenario, 'gateway' | 'fabric'>): GatewayNode[] {
  const g = scenario.gateway;
  switch (g.placement) {
    case 'core': return [{ name: 'gateway', edge: g.attach[0] ?? '', takesPort: true }];
    case 'pair': return [0, 1].map((i) => ({ name: `gateway-${i + 1}`, edge: g.attach[i] ?? g.attach[0] ?? '', takesPort: true }));
    case 'anycast': return edgeSwitchNames(scenario.fabric).map((edge) => ({ name: `gateway-${edge}`, edge, takesPort: false }));
  }
}

// ---------------------------------------------------------------------------------------------------
// Placement

/** Where the hosts of each group attach. */
export interface Placement {
  /** Per group, the index (into the edge switch list) of each host's switch; hosts that did not fit have 0xffffffff. */
  readonly edgeOf: readonly Uint32Array[];
  /** Host ports used per edge switch (gateways included). */
  readonly used: readonly number[];
  /** Per group, the hosts that found no free port. */
  readonly overflow: readonly number[];
}

/** Not placed. */
export const NO_EDGE = 0xffff_ffff;

/** Places hosts (see the module comment). Names in a group's list that are not edge switches are skipped. */
export function placeHosts(scenario: Pick<Scenario, 'gateway' | 'fabric' | 'hosts'>): Placement {
  const edges = edgeSwitchNames(scenario.fabric);
  const index = new Map(edges.map((e, i) => [e, i]));
  const capacity = scenario.fabric.hostPortsPerEdge;
  const used = new Array<number>(edges.length).fill(0);
  let free = edges.length * capacity;
  for (const g of gatewayNodes(scenario)) {
    const i = index.get(g.edge);
    if (g.takesPort && i !== undefined) {
      used[i]!++;
      free--;
    }
  }
  const all = edges.map((_, i) => i);
  let spreadCursor = 0;
  const edgeOf: Uint32Array[] = [];
  const overflow: number[] = [];
  for (const group of scenario.hosts) {
    const targets = group.placement === 'spread' ? all : group.placement.map((n) => index.get(n)).filter((i): i is number => i !== undefined);
    const out = new Uint32Array(group.count).fill(NO_EDGE);
    let cursor = group.placement === 'spread' ? spreadCursor : 0;
    let lost = 0;
    for (let h = 0; h < group.count; h++) {
      if (free <= 0 || targets.length === 0) {
        lost += group.count - h;
        break;
      }
      let placed = false;
      for (let probe = 0; probe < targets.length; probe++) {
        const t = targets[(cursor + probe) % targets.length]!;
        if (used[t]! < capacity) {
          used[t]!++;
          free--;
          out[h] = t;
          cursor = (cursor + probe + 1) % targets.length;
          placed = true;
          break;
        }
      }
      if (!placed) {
        lost += group.count - h;
        break;
      }
    }
    if (group.placement === 'spread') spreadCursor = cursor;
    edgeOf.push(out);
    overflow.push(lost);
  }
  return { edgeOf, used, overflow };
}

// ---------------------------------------------------------------------------------------------------
// Addresses

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

// ---------------------------------------------------------------------------------------------------
// The whole layout

/** One host, as a builder creates it. */
export interface HostLayout {
  readonly name: string;
  /** Index of its group in `scenario.hosts`, and its index in the group (0-based). */
  readonly group: number;
  readonly index: number;
  /** The edge switch it attaches to. */
  readonly edge: string;
  readonly ipv4: string | null;
  readonly ipv6: string | null;
}

/** A gateway node with its addresses. */
export interface GatewayLayout extends GatewayNode {
  /** The addresses it answers for: its own (pair) and, when active or anycast, the gateway's. */
  readonly ownIpv4: string | null;
  readonly ownIpv6: string | null;
}

/** The nodes a validated scenario makes. */
export interface ScenarioLayout {
  readonly switches: readonly SwitchLayout[];
  readonly edgeSwitches: readonly string[];
  readonly gateways: readonly GatewayLayout[];
  readonly hostCount: number;
  /** Host `index` (0-based) of group `group`. */
  host(group: number, index: number): HostLayout;
  /** Every host, group by group. */
  hosts(): IterableIterator<HostLayout>;
}

/**
 * The layout of a scenario that passed validation (loadScenario / checkScenario). Throws `RangeError`
 * when the scenario does not fit its network, which validation would have reported.
 */
export function scenarioLayout(scenario: Scenario): ScenarioLayout {
  const switches = fabricSwitches(scenario.fabric);
  const edges = switches.filter((s) => s.edge).map((s) => s.name);
  const placement = placeHosts(scenario);
  const plans = { ipv4: planAddresses(scenario, 'ipv4'), ipv6: planAddresses(scenario, 'ipv6') };
  const problems = [...plans.ipv4.problems, ...plans.ipv6.problems];
  if (problems.length > 0 || placement.overflow.some((n) => n > 0)) {
    throw new RangeError(`scenario ${scenario.name} does not fit its network; validate it first (${problems.length} address problems)`);
  }
  const gateways: GatewayLayout[] = gatewayNodes(scenario).map((g, i) => ({
    ...g,
    ownIpv4: scenario.gateway.placement === 'pair' ? plans.ipv4.members[i] ?? null : plans.ipv4.gateway,
    ownIpv6: scenario.gateway.placement === 'pair' ? plans.ipv6.members[i] ?? null : plans.ipv6.gateway,
  }));
  const host = (group: number, index: number): HostLayout => {
    const g = scenario.hosts[group];
    if (g === undefined || !Number.isInteger(index) || index < 0 || index >= g.count) throw new RangeError(`no host ${index} in group ${group}`);
    const b4 = plans.ipv4.groups[group];
    const b6 = plans.ipv6.groups[group];
    return {
      name: `${g.name}-${index + 1}`,
      group,
      index,
      edge: edges[placement.edgeOf[group]![index]!]!,
      ipv4: b4 === null || b4 === undefined ? null : blockAddress(b4, index, 'ipv4'),
      ipv6: b6 === null || b6 === undefined ? null : blockAddress(b6, index, 'ipv6'),
    };
  };
  return {
    switches,
    edgeSwitches: edges,
    gateways,
    hostCount: scenario.hosts.reduce((n, g) => n + g.count, 0),
    host,
    *hosts() {
      for (let g = 0; g < scenario.hosts.length; g++) {
        for (let i = 0; i < scenario.hosts[g]!.count; i++) yield host(g, i);
      }
    },
  };
}
