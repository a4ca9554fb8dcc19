/**
 * The names a scenario defines, for checking the names it uses: switches, gateway nodes, hypervisors,
 * host groups and hosts (without listing a million hosts: `vm-17` is checked against group `vm` and
 * its count), and link patterns (`leaf-1:*`, `leaf-1:p49<->spine-1:p1`, `vm-3`, `hv-2:p1`). In link
 * patterns a hypervisor stands for its virtual switch, whose port p1 is the uplink to its edge switch.
 */
import type { SwitchLayout } from './layout/index.js';
import { HYPERVISOR_PREFIX } from './sections/hypervisors.js';
import { suggest } from './suggest.js';

/** What a name may denote at a place that takes names. */
export type NameKind = 'switch' | 'edge' | 'gateway' | 'hypervisor' | 'group' | 'host' | 'everything';

/** The answer to a name lookup: found, or what was expected and a suggestion. */
export type Resolution =
  | { readonly ok: true; readonly kind: Exclude<NameKind, 'edge'> }
  | { readonly ok: false; readonly expected: string; readonly suggestion?: string };

function range(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  if (names.length <= 4) return names.join(', ');
  return `${names[0]} … ${names[names.length - 1]}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The names of one scenario. */
export class ScenarioNames {
  readonly switches: readonly SwitchLayout[];
  readonly edges: readonly string[];
  readonly gateways: readonly string[];
  /** Hypervisor names, hv-1 first. */
  readonly hypervisors: readonly string[];
  private readonly switchSet: ReadonlySet<string>;
  private readonly edgeSet: ReadonlySet<string>;
  private readonly gatewaySet: ReadonlySet<string>;
  private readonly hypervisorSet: ReadonlySet<string>;
  /** Group name → count. */
  readonly groups: ReadonlyMap<string, number>;

  constructor(switches: readonly SwitchLayout[], gateways: readonly string[], groups: ReadonlyMap<string, number>, hypervisors: readonly string[] = []) {
    this.switches = switches;
    this.edges = switches.filter((s) => s.edge).map((s) => s.name);
    this.gateways = gateways;
    this.hypervisors = hypervisors;
    this.switchSet = new Set(switches.map((s) => s.name));
    this.edgeSet = new Set(this.edges);
    this.gatewaySet = new Set(gateways);
    this.hypervisorSet = new Set(hypervisors);
    this.groups = groups;
  }

  /** The group and 1-based number of a host name, when it names a host of a group. */
  hostOf(name: string): { group: string; number: number } | undefined {
    const m = /^(.+)-([1-9]\d*)$/.exec(name);
    if (m === null) return undefined;
    const count = this.groups.get(m[1]!);
    const number = Number(m[2]);
    return count !== undefined && number <= count ? { group: m[1]!, number } : undefined;
  }

  /** What `name` is, among the kinds allowed. */
  resolve(name: string, allowed: readonly NameKind[]): Resolution {
    const has = (k: NameKind): boolean => allowed.includes(k);
    if (has('everything') && name === '*') return { ok: true, kind: 'everything' };
    if (has('gateway') && (name === 'gateway' || this.gatewaySet.has(name))) return { ok: true, kind: 'gateway' };
    if (has('edge') && this.edgeSet.has(name)) return { ok: true, kind: 'switch' };
    if (has('switch') && this.switchSet.has(name)) return { ok: true, kind: 'switch' };
    if (has('hypervisor') && this.hypervisorSet.has(name)) return { ok: true, kind: 'hypervisor' };
    if (has('group') && this.groups.has(name)) return { ok: true, kind: 'group' };
    if (has('host') && this.hostOf(name) !== undefined) return { ok: true, kind: 'host' };
    return this.explain(name, allowed);
  }

  private explain(name: string, allowed: readonly NameKind[]): Resolution {
    const has = (k: NameKind): boolean => allowed.includes(k);
    const parts: string[] = [];
    const candidates: string[] = [];
    if (has('everything')) {
      parts.push('*');
    }
    if (has('gateway')) {
      parts.push(`gateway${this.gateways.length > 0 && this.gateways[0] !== 'gateway' ? ` or a gateway node (${range(this.gateways)})` : ''}`);
      candidates.push('gateway', ...this.gateways);
    }
    if (has('edge') && !has('switch')) {
      parts.push(`an edge switch (${range(this.edges)})`);
      candidates.push(...this.edges);
    }
    if (has('switch')) {
      parts.push(`a switch (${range(this.switches.map((s) => s.name))})`);
      candidates.push(...this.switches.map((s) => s.name));
    }
    if (has('hypervisor')) {
      parts.push(this.hypervisors.length === 0 ? 'a hypervisor (the scenario has none)' : `a hypervisor (${range(this.hypervisors)})`);
      candidates.push(...this.hypervisors);
    }
    const groups = [...this.groups.entries()];
    if (has('host')) {
      parts.push(groups.length === 0 ? 'a host (the scenario has none)' : `a host (${groups.map(([g, n]) => (n === 1 ? `${g}-1` : `${g}-1 … ${g}-${n}`)).join(', ')})`);
      for (const [g, n] of groups) candidates.push(`${g}-1`, ...(n > 1 ? [`${g}-${n}`] : []));
    }
    if (has('group')) {
      parts.push(groups.length === 0 ? 'a group (the scenario has none)' : `a group (${range(groups.map(([g]) => g))})`);
      candidates.push(...groups.map(([g]) => g));
    }
    let expected = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]!}`;
    // A switch that exists but is not an edge switch, or a host number beyond its group.
    if (has('edge') && !has('switch') && this.switchSet.has(name)) expected += `; ${name} is not an edge switch (hosts and gateways attach to edge switches)`;
    const m = /^(.+)-(\d+)$/.exec(name);
    if (has('host') && m !== null && this.groups.has(m[1]!)) expected += `; group ${m[1]} has ${this.groups.get(m[1]!)} host${this.groups.get(m[1]!) === 1 ? '' : 's'}`;
    if (has('hypervisor') && m !== null && m[1] === HYPERVISOR_PREFIX && this.hypervisors.length > 0) expected += `; the scenario has ${this.hypervisors.length} hypervisor${this.hypervisors.length === 1 ? '' : 's'}`;
    const hint = suggest(name, new Set(candidates), { unique: true });
    return hint === undefined ? { ok: false, expected } : { ok: false, expected, suggestion: hint };
  }

  /** True when a glob matches a node name (switches, gateway nodes, hosts); stops at the first match. */
  private globMatches(glob: string): boolean {
    const re = globToRegExp(glob);
    for (const s of this.switches) if (re.test(s.name)) return true;
    for (const g of this.gateways) if (re.test(g)) return true;
    for (const h of this.hypervisors) if (re.test(h)) return true;
    for (const [group, count] of this.groups) {
      for (let i = 1; i <= count; i++) if (re.test(`${group}-${i}`)) return true;
    }
    return false;
  }

  /**
   * Checks a link pattern: one or two ends joined by `<->`, each a node name or glob, optionally with
   * `:port` (`p<n>` or a glob). Each node part must name or match at least one node of the scenario.
   */
  checkLinkPattern(pattern: string): Resolution {
    const expected = 'a link name (leaf-1:p49<->spine-1:p1), a port name (leaf-1:p3, hv-2:p1), a node name (vm-7, hv-2) or a glob over them (leaf-1:*, *)';
    const ends = pattern.split('<->');
    if (ends.length > 2 || ends.some((e) => e === '')) return { ok: false, expected };
    for (const end of ends) {
      const colon = end.indexOf(':');
      const node = colon < 0 ? end : end.slice(0, colon);
      const port = colon < 0 ? undefined : end.slice(colon + 1);
      if (port !== undefined && !/^(p\d+|[p\d*?]+)$/.test(port)) return { ok: false, expected: `${expected}; a port is p<number> (p1, p49) or a glob (p*)` };
      if (node === '') return { ok: false, expected };
      const isGlob = /[*?]/.test(node);
      const kinds: readonly NameKind[] = ['switch', 'gateway', 'hypervisor', 'host'];
      if (isGlob ? this.globMatches(node) : this.resolve(node, kinds).ok) continue;
      if (isGlob) return { ok: false, expected: `${expected}; ${JSON.stringify(node)} matches no node of the scenario` };
      const r = this.resolve(node, kinds);
      if (r.ok) continue;
      const full = r.suggestion === undefined ? undefined : `${r.suggestion}${colon < 0 ? '' : end.slice(colon)}`;
      const whole = full === undefined ? undefined : ends.length === 2 ? pattern.replace(end, full) : full;
      return whole === undefined ? { ok: false, expected: `${expected}; no node is named ${JSON.stringify(node)}` } : { ok: false, expected: `${expected}; no node is named ${JSON.stringify(node)}`, suggestion: whole };
    }
    return { ok: true, kind: 'everything' };
  }
}
