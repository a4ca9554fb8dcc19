/**
 * The state every cross-field rule shares (cross-check.ts, cross-check-migrations.ts): the parsed
 * scenario and its normalised form, the names it defines, which settings the schema dropped or
 * defaulted (so that a rule depending on one is skipped rather than echo the first problem), and the
 * list the rules report into.
 */
import type { PathIssue } from './issues.js';
import { fabricSwitches, gatewayNodes, hypervisorNames } from './layout/index.js';
import type { Scenario } from './normalise.js';
import { normaliseScenario } from './normalise.js';
import type { NameKind } from './references.js';
import { ScenarioNames } from './references.js';
import type { ParsedScenario } from './schema.js';

/** Whether a setting (a dotted path of keys, without list indices) was dropped or defaulted by the schema. */
export type TaintQuery = (path: string) => boolean;

/** A field path: keys and list indices from the document root. */
export type Path = (string | number)[];

/** The settings the names of all switches follow from. */
export const FABRIC_SHAPE = ['fabric.kind', 'fabric.leaves', 'fabric.spines', 'fabric.core', 'fabric.aggregation', 'fabric.access', 'fabric.k'];
/** The names of edge switches depend on fewer settings than the names of all switches. */
export const EDGE_SHAPE = ['fabric.kind', 'fabric.leaves', 'fabric.access', 'fabric.k'];

/** See the module comment. */
export class Checker {
  readonly issues: PathIssue[] = [];
  readonly parsed: ParsedScenario;
  readonly s: Scenario;
  private readonly tainted: TaintQuery;
  readonly names: ScenarioNames;
  /** Which kinds of name are known for certain (none of the settings they follow from was refused). */
  private readonly certain: ReadonlySet<NameKind>;

  constructor(parsed: ParsedScenario, tainted: TaintQuery) {
    this.parsed = parsed;
    this.s = normaliseScenario(parsed);
    this.tainted = tainted;
    const groups = new Map<string, number>();
    for (const h of this.s.hosts) if (!groups.has(h.name)) groups.set(h.name, h.count);
    this.names = new ScenarioNames(fabricSwitches(this.s.fabric), gatewayNodes(this.s).map((g) => g.name), groups, hypervisorNames(this.s.hypervisors));
    const certain = new Set<NameKind>(['everything']);
    if (this.sure(...EDGE_SHAPE)) certain.add('edge');
    if (this.sure(...FABRIC_SHAPE)) certain.add('switch');
    if (this.sure('hosts.name', 'hosts.count')) {
      certain.add('host');
      certain.add('group');
    }
    if (this.sure('gateway.placement', ...(this.s.gateway.placement === 'anycast' ? EDGE_SHAPE : []))) certain.add('gateway');
    if (this.sure('hypervisors.count')) certain.add('hypervisor');
    this.certain = certain;
  }

  /** None of these settings was dropped or defaulted by the schema. */
  sure(...paths: string[]): boolean {
    return paths.every((p) => !this.tainted(p));
  }

  /** Every name of these kinds is known for certain. */
  known(...kinds: NameKind[]): boolean {
    return kinds.every((k) => this.certain.has(k));
  }

  report(issue: PathIssue): void {
    this.issues.push(issue);
  }

  /** Reports `name` at `path` unless it names something of `kinds` (or those names are uncertain); `atKey` for names that are keys. */
  reference(path: Path, name: string, kinds: readonly NameKind[], atKey = false): boolean {
    const r = this.names.resolve(name, kinds);
    // A name not found among names that may be incomplete is not reported: it may well exist.
    if (r.ok || !this.known(...kinds)) return r.ok;
    this.report({
      code: 'reference',
      path,
      expected: r.expected,
      found: JSON.stringify(name),
      ...(r.suggestion === undefined ? {} : { suggestion: r.suggestion }),
      ...(atKey ? { atKey } : {}),
    });
    return false;
  }

  linkPattern(path: Path, pattern: string): void {
    const r = this.names.checkLinkPattern(pattern);
    if (r.ok || !this.known('switch', 'gateway', 'host', 'hypervisor')) return;
    this.report({ code: 'reference', path, expected: r.expected, found: JSON.stringify(pattern), ...(r.suggestion === undefined ? {} : { suggestion: r.suggestion }) });
  }
}
