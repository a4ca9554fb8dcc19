/**
 * The names of the nodes a scenario implies, by fabric kind: its switches (named by the fabric
 * generators' one naming function, `switchName` of the net layer), the gateway's nodes and the
 * hypervisors.
 *
 * Names: leaf-spine `spine-1 … spine-S`, `leaf-1 … leaf-L` (edges: leaves); tree `core-1 …`,
 * `aggregation-1 …` (or `aggregation1-1 …`, `aggregation2-1 …` with several aggregation tiers, none
 * with `aggregation: 0`), `access-1 …` (edges: access); single `switch-1` (the edge); fat-tree `core-1 … core-(k/2)²`,
 * `pod-P-aggregation-I`, `pod-P-edge-I` for P = 1 … k, I = 1 … k/2 (edges: pod edge switches, pod by
 * pod). Gateways: `gateway` (core), `gateway-1`, `gateway-2` (pair), `gateway-<edge>` (anycast).
 * Hypervisors: `hv-1 … hv-N`. Hosts: `<group>-1 … <group>-<count>`.
 */
import type { SwitchTier } from '../../net/index.js';
import { switchName, treeTierNames, treeWiring } from '../../net/index.js';
import type { Hypervisors, Scenario } from '../normalise.js';
import type { Fabric } from '../sections/fabric.js';
import { HYPERVISOR_PREFIX } from '../sections/hypervisors.js';

/** A switch of the fabric. */
export interface SwitchLayout {
  readonly name: string;
  /** `spine`, `leaf`; `core`, `aggregation`, `access`; `core`, `aggregation`, `edge`. */
  readonly tier: string;
  /** True for switches with host-facing ports. */
  readonly edge: boolean;
}

/** Every switch of a fabric, tier by tier from the top (edge switches in the generators' order). */
export function fabricSwitches(fabric: Fabric): SwitchLayout[] {
  const out: SwitchLayout[] = [];
  const tier = (name: SwitchTier, n: number, edge: boolean, pod?: number): void => {
    for (let i = 0; i < n; i++) out.push({ name: switchName(name, i, pod), tier: name, edge });
  };
  switch (fabric.kind) {
    case 'leaf-spine':
      tier('spine', fabric.spines, false);
      tier('leaf', fabric.leaves, true);
      break;
    case 'tree':
    case 'single': {
      const tiers = treeTiers(fabric);
      treeTierNames(tiers.length).forEach((name, t) => tier(name, tiers[t]!, t === tiers.length - 1));
      break;
    }
    case 'fat-tree': {
      const half = fabric.k / 2;
      tier('core', half * half, false);
      for (let p = 1; p <= fabric.k; p++) tier('aggregation', half, false, p);
      for (let p = 1; p <= fabric.k; p++) tier('edge', half, true, p);
      break;
    }
  }
  return out;
}

/** Switches per tier of a tree or single-switch fabric, top first (the net layer's `tree` generator). */
export function treeTiers(fabric: Fabric): number[] {
  if (fabric.kind === 'single') return [1];
  if (fabric.kind !== 'tree') return [];
  const aggregation = typeof fabric.aggregation === 'number' ? (fabric.aggregation === 0 ? [] : [fabric.aggregation]) : fabric.aggregation;
  return [fabric.core, ...aggregation, fabric.access];
}

/** Whether a tree's links close a loop (union-find over the generator's wiring). */
function treeHasLoops(tiers: readonly number[]): boolean {
  const first: number[] = [];
  let n = 0;
  for (const c of tiers) {
    first.push(n);
    n += c;
  }
  const parent = Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (const l of treeWiring(tiers)) {
    const a = root(first[l.a[0]]! + l.a[1]);
    const b = root(first[l.b[0]]! + l.b[1]);
    if (a === b) return true;
    parent[a] = b;
  }
  return false;
}

/** The edge switches (those with host ports), in placement order. */
export function edgeSwitchNames(fabric: Fabric): string[] {
  return fabricSwitches(fabric).filter((s) => s.edge).map((s) => s.name);
}

/**
 * Whether the switch links close a loop (so plain bridging, `none`, would flood forever): a
 * leaf-spine fabric with two leaves and two spines or more, a fat tree with k ≥ 4, a tree whose
 * wiring does (a pair with a peer link, a multi-homed tier); never one switch.
 */
export function fabricHasLoops(fabric: Fabric): boolean {
  switch (fabric.kind) {
    case 'leaf-spine': return fabric.leaves >= 2 && fabric.spines >= 2;
    case 'fat-tree': return fabric.k >= 4;
    case 'tree':
    case 'single': return treeHasLoops(treeTiers(fabric));
  }
}

/** A switch with the most ports of its fabric, and how many it has. */
export interface BusiestSwitch {
  readonly name: string;
  readonly ports: number;
  /** True when it is an edge switch (its host ports count). */
  readonly edge: boolean;
}

/**
 * The switch with the most ports, as the generators wire the fabric (leaf-spine: every leaf to every
 * spine; tree and single: the net layer's `treeWiring`; fat tree: k ports on aggregation and core switches),
 * edge switches with their host ports and, with an anycast gateway, the gateway's own port.
 */
export function busiestSwitch(fabric: Fabric, anycastGateway: boolean): BusiestSwitch {
  const host = fabric.hostPortsPerEdge + (anycastGateway ? 1 : 0);
  const candidates: BusiestSwitch[] = [];
  switch (fabric.kind) {
    case 'leaf-spine':
      candidates.push({ name: switchName('leaf', 0), ports: host + fabric.spines, edge: true });
      candidates.push({ name: switchName('spine', 0), ports: fabric.leaves, edge: false });
      break;
    case 'tree':
    case 'single': {
      const tiers = treeTiers(fabric);
      const names = treeTierNames(tiers.length);
      const ports = tiers.map((n, t) => new Array<number>(n).fill(t === tiers.length - 1 ? host : 0));
      for (const l of treeWiring(tiers)) {
        ports[l.a[0]]![l.a[1]]!++;
        ports[l.b[0]]![l.b[1]]!++;
      }
      ports.forEach((list, t) => list.forEach((p, i) => candidates.push({ name: switchName(names[t]!, i), ports: p, edge: t === tiers.length - 1 })));
      break;
    }
    case 'fat-tree':
      candidates.push({ name: switchName('edge', 0, 1), ports: host + fabric.k / 2, edge: true });
      candidates.push({ name: switchName('aggregation', 0, 1), ports: fabric.k, edge: false });
      break;
  }
  return candidates.reduce((a, b) => (b.ports > a.ports ? b : a));
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
