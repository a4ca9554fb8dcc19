/**
 * What a scenario implies about individual nodes: switch names by fabric kind, the gateway's nodes,
 * the hypervisors and where they attach, where each host attaches (an edge switch port, or a
 * hypervisor for a VM), which addresses and which MAC it has. The cross-field checks use these
 * rules to find impossible scenarios, and a builder uses {@link scenarioLayout} to create exactly the
 * nodes the checks accepted, so the two cannot disagree.
 *
 * Names: leaf-spine `spine-1 … spine-S`, `leaf-1 … leaf-L` (edges: leaves); tree `core-1 …`,
 * `aggregation-1 …`, `access-1 …` (edges: access); fat-tree `core-1 … core-(k/2)²`,
 * `pod-P-aggregation-I`, `pod-P-edge-I` for P = 1 … k, I = 1 … k/2 (edges: pod edge switches, pod by
 * pod). Gateways: `gateway` (core), `gateway-1`, `gateway-2` (pair), `gateway-<edge>` (anycast).
 * Hypervisors: `hv-1 … hv-N`. Hosts: `<group>-1 … <group>-<count>`.
 *
 * Placement: gateways of placement core and pair take one host port of their edge switch first. Then
 * the hypervisors, each taking one host port: `spread` round-robin over all edge switches from the
 * first, or round-robin over their list, skipping full switches. Then the groups on edge switch ports
 * in order: `spread` groups go round-robin over all edge switches, one shared cursor continuing from
 * group to group and skipping full switches; a group with a list goes round-robin over its list (its
 * own cursor), skipping full switches. Groups of VMs (`on: hypervisors` or a list of hypervisors) take
 * no edge port: `on: hypervisors` groups go round-robin over every hypervisor, one shared cursor
 * continuing from group to group; a group with a list goes round-robin over its list (its own cursor).
 * A hypervisor holds any number of VMs.
 *
 * MAC addresses (all locally administered unicast, 02:…): host number n (1-based, counting the hosts
 * of every group in order, VMs included) has `02:00:` followed by n as 32 bits big-endian (the first
 * host is 02:00:00:00:00:01); gateway node i (1-based, in {@link gatewayNodes} order) has
 * 02:00:5e:00:00:00 + i (02:00:5e:00:00:01 …), beyond every host number the plan allows
 * ({@link MAX_HOST_NUMBER}); `newMac: auto` gives host n, on its k-th move with `newMac: auto` (k = 1,
 * 2, … in the order of the moves' start times, then of the list), `02:NN:` followed by n as 32 bits with NN = k + 1 (02
 * for the first, up to ff). So no two of them coincide; explicit MACs are checked against them.
 *
 * Addresses, per family: the gateway's address (explicit, or the first usable one), then the ranges of
 * groups with an explicit first address (consecutive from it), then the own addresses of a pair's two
 * members and the `auto` groups in order, each taking the lowest free addresses. Usable addresses
 * exclude the IPv4 network and broadcast addresses and the IPv6 subnet-router anycast address.
 */
import type { Family } from './addresses.js';
import { addressToBigInt, bigIntToAddress, prefixContains, prefixOf, usableRange } from './addresses.js';
import type { PathIssue } from './issues.js';
import type { HostGroup, Hypervisors, Scenario } from './normalise.js';
import type { Fabric } from './sections/fabric.js';
import { HYPERVISOR_PREFIX } from './sections/hypervisors.js';

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
// Hypervisors and placement

const HYPERVISOR_NAME = new RegExp(`^${HYPERVISOR_PREFIX}-([1-9]\\d*)$`);

/** The name of hypervisor `index` (0-based): `hv-1` for 0. */
export function hypervisorName(index: number): string {
  return `${HYPERVISOR_PREFIX}-${index + 1}`;
}

/** The 0-based index of hypervisor `name` among `count` hypervisors, or `undefined` when it names none. */
export function hypervisorIndex(name: string, count: number): number | undefined {
  const m = HYPERVISOR_NAME.exec(name);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return n <= count ? n - 1 : undefined;
}

/** The hypervisor names of a scenario (empty without hypervisors). */
export function hypervisorNames(hypervisors: Pick<Hypervisors, 'count'> | null | undefined): string[] {
  return Array.from({ length: hypervisors?.count ?? 0 }, (_, i) => hypervisorName(i));
}

/** True when the group's hosts are VMs on hypervisors rather than hosts on edge switch ports. */
export function isVmGroup(group: Pick<HostGroup, 'on'>): boolean {
  return group.on !== 'edge';
}

/** What {@link placeHosts} needs of a scenario (`hypervisors` may be left out: none). */
export type PlacementInput = Pick<Scenario, 'gateway' | 'fabric' | 'hosts'> & { readonly hypervisors?: Hypervisors | null };

/** Where the hypervisors and the hosts of each group attach. */
export interface Placement {
  /**
   * Per group, the index (into the edge switch list) of each host's switch (for VMs, their
   * hypervisor's switch); hosts that did not fit have {@link NO_EDGE}.
   */
  readonly edgeOf: readonly Uint32Array[];
  /** Host ports used per edge switch (gateways and hypervisors included). */
  readonly used: readonly number[];
  /** Per group, the hosts that found no free port (0 for groups of VMs). */
  readonly overflow: readonly number[];
  /** Per hypervisor (hv-1 first), the index of its edge switch; {@link NO_EDGE} when it did not fit. */
  readonly hypervisorEdge: Uint32Array;
  /** Hypervisors that found no free port. */
  readonly hypervisorOverflow: number;
  /** Per group: for a group of VMs, the index (0 = hv-1) of each VM's hypervisor ({@link NO_EDGE} when its list names none); null for a group on edge switch ports. */
  readonly hypervisorOf: readonly (Uint32Array | null)[];
}

/** Not placed. */
export const NO_EDGE = 0xffff_ffff;

/** The hypervisors a group of VMs goes round-robin over (indices; names that are not hypervisors are skipped). */
function vmTargets(group: Pick<HostGroup, 'on'>, count: number): number[] {
  if (group.on === 'hypervisors') return Array.from({ length: count }, (_, i) => i);
  if (group.on === 'edge') return [];
  return group.on.map((n) => hypervisorIndex(n, count)).filter((i): i is number => i !== undefined);
}

/**
 * The index (0 = hv-1) of the hypervisor VM `index` (0-based) of group `group` starts on, without
 * placing every host; `undefined` when the group is not a group of VMs or names no hypervisor.
 */
export function vmHypervisor(scenario: Pick<Scenario, 'hosts' | 'hypervisors'>, group: number, index: number): number | undefined {
  const count = scenario.hypervisors?.count ?? 0;
  const g = scenario.hosts[group];
  if (g === undefined || !isVmGroup(g) || count === 0) return undefined;
  const targets = vmTargets(g, count);
  if (targets.length === 0) return undefined;
  let cursor = 0;
  if (g.on === 'hypervisors') {
    for (let i = 0; i < group; i++) if (scenario.hosts[i]!.on === 'hypervisors') cursor = (cursor + scenario.hosts[i]!.count) % targets.length;
  }
  return targets[(cursor + index) % targets.length];
}

/** Places hypervisors and hosts (see the module comment). Names in a list that are not edge switches (or hypervisors) are skipped. */
export function placeHosts(scenario: PlacementInput): Placement {
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
  const toIndices = (placement: 'spread' | readonly string[]): number[] =>
    placement === 'spread' ? all : placement.map((n) => index.get(n)).filter((i): i is number => i !== undefined);

  /** Takes a port for each of `out`'s entries, round-robin over `targets` from `cursor`; returns the new cursor and how many did not fit. */
  const fill = (out: Uint32Array, targets: readonly number[], start: number): { cursor: number; lost: number } => {
    let cursor = start;
    for (let h = 0; h < out.length; h++) {
      if (free <= 0 || targets.length === 0) return { cursor, lost: out.length - h };
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
      if (!placed) return { cursor, lost: out.length - h };
    }
    return { cursor, lost: 0 };
  };

  const hv = scenario.hypervisors ?? null;
  const hypervisorCount = hv?.count ?? 0;
  const hypervisorEdge = new Uint32Array(hypervisorCount).fill(NO_EDGE);
  const hypervisorOverflow = hv === null ? 0 : fill(hypervisorEdge, toIndices(hv.placement), 0).lost;

  let spreadCursor = 0;
  let vmCursor = 0;
  const edgeOf: Uint32Array[] = [];
  const overflow: number[] = [];
  const hypervisorOf: (Uint32Array | null)[] = [];
  for (const group of scenario.hosts) {
    const out = new Uint32Array(group.count).fill(NO_EDGE);
    if (isVmGroup(group)) {
      const on = new Uint32Array(group.count).fill(NO_EDGE);
      const targets = vmTargets(group, hypervisorCount);
      if (targets.length > 0) {
        const start = group.on === 'hypervisors' ? vmCursor : 0;
        for (let h = 0; h < group.count; h++) {
          const t = targets[(start + h) % targets.length]!;
          on[h] = t;
          out[h] = hypervisorEdge[t]!;
        }
        if (group.on === 'hypervisors') vmCursor = (start + group.count) % targets.length;
      }
      edgeOf.push(out);
      overflow.push(0);
      hypervisorOf.push(on);
      continue;
    }
    const r = fill(out, toIndices(group.placement), group.placement === 'spread' ? spreadCursor : 0);
    if (group.placement === 'spread') spreadCursor = r.cursor;
    edgeOf.push(out);
    overflow.push(r.lost);
    hypervisorOf.push(null);
  }
  return { edgeOf, used, overflow, hypervisorEdge, hypervisorOverflow, hypervisorOf };
}

// ---------------------------------------------------------------------------------------------------
// MAC addresses

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
  /** Its number among all hosts (1-based, group by group), which its MAC carries. */
  readonly number: number;
  /** The edge switch it attaches to: its own port's, or, for a VM, its hypervisor's. */
  readonly edge: string;
  /** For a VM, the hypervisor it starts on (hv-3); null for a host on an edge switch port. */
  readonly hypervisor: string | null;
  /** Its MAC (lower-case colon hex; see the module comment). */
  readonly mac: string;
  readonly ipv4: string | null;
  readonly ipv6: string | null;
}

/** A gateway node with its addresses. */
export interface GatewayLayout extends GatewayNode {
  /** The addresses it answers for: its own (pair) and, when active or anycast, the gateway's. */
  readonly ownIpv4: string | null;
  readonly ownIpv6: string | null;
  /** Its own MAC (the virtual MAC of a pair or anycast gateway is `scenario.gateway.virtualMac`). */
  readonly mac: string;
}

/** A hypervisor: its virtual switch has one uplink to a host port of `edge`. */
export interface HypervisorLayout {
  /** `hv-1 … hv-N`. */
  readonly name: string;
  /** 0-based: `hv-1` is 0. */
  readonly index: number;
  /** The edge switch its uplink attaches to. */
  readonly edge: string;
}

/** The nodes a validated scenario makes (the same for every run: variants change nothing it depends on). */
export interface ScenarioLayout {
  readonly switches: readonly SwitchLayout[];
  readonly edgeSwitches: readonly string[];
  readonly gateways: readonly GatewayLayout[];
  /** The hypervisors, hv-1 first (empty without a hypervisors section). */
  readonly hypervisors: readonly HypervisorLayout[];
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
  const unplacedVms = placement.hypervisorOf.some((on) => on !== null && on.includes(NO_EDGE));
  if (problems.length > 0 || placement.overflow.some((n) => n > 0) || placement.hypervisorOverflow > 0 || unplacedVms) {
    throw new RangeError(`scenario ${scenario.name} does not fit its network; validate it first (${problems.length} address problems)`);
  }
  const gateways: GatewayLayout[] = gatewayNodes(scenario).map((g, i) => ({
    ...g,
    ownIpv4: scenario.gateway.placement === 'pair' ? plans.ipv4.members[i] ?? null : plans.ipv4.gateway,
    ownIpv6: scenario.gateway.placement === 'pair' ? plans.ipv6.members[i] ?? null : plans.ipv6.gateway,
    mac: gatewayMac(i + 1),
  }));
  const hypervisors: HypervisorLayout[] = Array.from(placement.hypervisorEdge, (e, i) => ({ name: hypervisorName(i), index: i, edge: edges[e]! }));
  const firstNumber: number[] = [];
  let n = 1;
  for (const g of scenario.hosts) {
    firstNumber.push(n);
    n += g.count;
  }
  const host = (group: number, index: number): HostLayout => {
    const g = scenario.hosts[group];
    if (g === undefined || !Number.isInteger(index) || index < 0 || index >= g.count) throw new RangeError(`no host ${index} in group ${group}`);
    const b4 = plans.ipv4.groups[group];
    const b6 = plans.ipv6.groups[group];
    const on = placement.hypervisorOf[group];
    const number = firstNumber[group]! + index;
    return {
      name: `${g.name}-${index + 1}`,
      group,
      index,
      number,
      edge: edges[placement.edgeOf[group]![index]!]!,
      hypervisor: on === null || on === undefined ? null : hypervisorName(on[index]!),
      mac: hostMac(number),
      ipv4: b4 === null || b4 === undefined ? null : blockAddress(b4, index, 'ipv4'),
      ipv6: b6 === null || b6 === undefined ? null : blockAddress(b6, index, 'ipv6'),
    };
  };
  return {
    switches,
    edgeSwitches: edges,
    gateways,
    hypervisors,
    hostCount: n - 1,
    host,
    *hosts() {
      for (let g = 0; g < scenario.hosts.length; g++) {
        for (let i = 0; i < scenario.hosts[g]!.count; i++) yield host(g, i);
      }
    },
  };
}
