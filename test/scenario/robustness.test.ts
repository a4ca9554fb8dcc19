/**
 * Robustness of the migration part of the format: valid scenarios with hypervisors, migrations,
 * remedies and variants, mutated at random (a value replaced, removed or set to a near miss), are
 * either accepted, in which case they lay out, resolve into runs and build into a model (validation
 * accepts nothing the builder rejects), or refused with located issues; normalisation and the
 * cross-field checks never throw, whatever the schema had to drop.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_SCENARIO_YAML, ScenarioError, buildModel, checkScenario, loadScenario, scenarioLayout } from '../../src/scenario/index.js';

const RUNS = Number(process.env['ARPSHIFT_FUZZ_RUNS'] ?? 150);

const SOURCES = [
  DEFAULT_SCENARIO_YAML,
  readFileSync(fileURLToPath(new URL('../../scenarios/migration-many.yaml', import.meta.url)), 'utf8'),
  readFileSync(fileURLToPath(new URL('../../scenarios/migration-precopy.yaml', import.meta.url)), 'utf8'),
  readFileSync(fileURLToPath(new URL('../../scenarios/migration-new-mac.yaml', import.meta.url)), 'utf8'),
].map((t) => parse(t) as unknown);

type Path = (string | number)[];

function paths(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (typeof value === 'object' && value !== null) return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [at];
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else Reflect.deleteProperty(node, last);
  } else {
    node[last] = value;
  }
  return copy;
}

const NEAR_MISSES = [
  undefined, null, 0, -1, 1, 2.5, 1e12, 4093, 4095, 4096, '', 'x', true, [], {},
  'hv-1', 'hv-2', 'hv-99', 'vm-1', 'vm-2', 'vm-999', 'vm', 'leaf-1', 'leaf-9', 'spine-1', 'gateway',
  'auto', 'edge', 'hypervisors', 'spread', 'none', 'rarp', 'guest-garp', 'qemu-announce', 'controller', 'evpn',
  '0s', '300ms', '59s', '2min', '1h', '4GiB', '64MiB/s', '10Gbps', '02:00:00:00:00:01', '01:00:5e:00:00:01',
  { kind: 'none' }, { kind: 'rarp', count: 0 }, { memory: '1GiB' }, { downtime: '1s', memory: '1GiB' },
  { vm: 'vm-1', to: 'hv-2', at: '1s' }, { name: 'v' },
];

describe('mutated migration scenarios', () => {
  it('are accepted (and then lay out, resolve into runs and build) or refused with located issues; nothing throws', () => {
    const mutation = fc.integer({ min: 0, max: SOURCES.length - 1 }).chain((source) => {
      const all = paths(SOURCES[source]);
      return fc.record({
        source: fc.constant(source),
        changes: fc.array(fc.record({ path: fc.constantFrom(...all), value: fc.constantFrom(...NEAR_MISSES) }), { minLength: 1, maxLength: 3 }),
      });
    });
    fc.assert(
      fc.property(mutation, ({ source, changes }) => {
        let value = SOURCES[source];
        for (const c of changes) {
          try {
            value = setAt(value, c.path, c.value);
          } catch {
            // An earlier change removed the path: nothing to change.
          }
        }
        const r = checkScenario(value);
        if (r.ok) {
          const layout = scenarioLayout(r.scenario);
          expect(layout.hostCount).toBe(r.scenario.hosts.reduce((n, h) => n + h.count, 0));
          expect(r.scenario.runs.length).toBeGreaterThan(0);
          for (const run of r.scenario.runs) expect(run.migrations.length).toBe(r.scenario.migrations.length);
          for (const run of r.scenario.runs) expect(buildModel(r.scenario, run).switches.length).toBeGreaterThan(0);
        } else {
          expect(r.issues.length).toBeGreaterThan(0);
        }
        // Through YAML too: every issue gets a line.
        try {
          loadScenario(stringify(value ?? null), 'mutated.yaml');
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          for (const issue of e.issues) expect(issue.line).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS, seed: 20251125 },
    );
  });
});
