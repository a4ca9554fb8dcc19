/**
 * The example scenarios in scenarios/: every file validates, follows the JSON Schema's structure
 * (only fields the schema lists, at every level), has the comments that explain it, and lays out.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, scenarioJsonSchema, scenarioLayout } from '../../src/scenario/index.js';

const DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

type JsonSchema = { properties?: Record<string, JsonSchema>; oneOf?: JsonSchema[]; anyOf?: JsonSchema[]; items?: JsonSchema; const?: unknown };

/** Every key of `value` is a property of (one of the alternatives of) `schema`, recursively; returns the keys that are not. */
function unknownKeys(value: unknown, schema: JsonSchema, where: string): string[] {
  if (Array.isArray(value)) return schema.items === undefined ? [] : value.flatMap((v, i) => unknownKeys(v, schema.items!, `${where}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const alternatives = schema.oneOf ?? schema.anyOf ?? [schema];
  const obj = value as Record<string, unknown>;
  // The alternative whose `kind` matches, or the first that has properties.
  const chosen = alternatives.find((a) => a.properties?.kind?.const !== undefined && a.properties.kind.const === obj.kind)
    ?? alternatives.find((a) => a.properties !== undefined);
  if (chosen?.properties === undefined) return [];
  return Object.entries(obj).flatMap(([k, v]) => (chosen.properties![k] === undefined ? [`${where}.${k}`] : unknownKeys(v, chosen.properties![k]!, `${where}.${k}`)));
}

describe('example scenarios', () => {
  it('there are at least four, among them the ones the docs name', () => {
    expect(FILES).toEqual(expect.arrayContaining(['gateway-restart.yaml', 'absent-host.yaml', 'dual-stack.yaml', 'address-conflict.yaml']));
  });

  it.each(FILES)('%s validates, matches the JSON Schema\'s structure, and lays out', (file) => {
    const path = join(DIR, file);
    const scenario = loadScenarioFile(path);
    expect(`${scenario.name}.yaml`).toBe(file);
    const text = readFileSync(path, 'utf8');
    expect(unknownKeys(parse(text), scenarioJsonSchema() as JsonSchema, '')).toEqual([]);
    // Commented: a header, and comments beside the settings.
    expect(text.startsWith('#')).toBe(true);
    expect(text.split('\n').filter((l) => /\S\s+# /.test(l)).length).toBeGreaterThan(5);
    const layout = scenarioLayout(scenario);
    expect(layout.hostCount).toBe(scenario.hosts.reduce((n, g) => n + g.count, 0));
  });

  it('address-conflict.yaml really has two hosts with one address', () => {
    const layout = scenarioLayout(loadScenarioFile(join(DIR, 'address-conflict.yaml')));
    const byAddress = new Map<string, string[]>();
    for (const h of layout.hosts()) byAddress.set(h.ipv4!, [...(byAddress.get(h.ipv4!) ?? []), h.name]);
    expect([...byAddress.values()].filter((names) => names.length > 1)).toEqual([['vm-4', 'intruder-1']]);
  });

  it('absent-host.yaml sends to an address that no node has', () => {
    const scenario = loadScenarioFile(join(DIR, 'absent-host.yaml'));
    const layout = scenarioLayout(scenario);
    const owned = new Set([...layout.hosts()].map((h) => h.ipv4).concat(layout.gateways.map((g) => g.ownIpv4)));
    const targets = scenario.traffic.filter((f) => f.name.endsWith('-to-nobody')).map((f) => f.to);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(owned.has(t)).toBe(false);
  });
});
