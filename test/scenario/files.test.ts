/**
 * Scenario text that is not one UTF-8 YAML document of sensible depth, files that cannot be read, and
 * `--set` overrides that would grow a list or meet a syntax error: each is one located line, never an
 * exception or a hang.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_NESTING, ScenarioError, ScenarioFileError, applyOverrides, decodeScenarioText, loadScenario, loadScenarioFile, parseOverride, readScenarioFile } from '../../src/scenario/index.js';
import { issuesOf, positionOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'arpshift-scenario-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function oneIssue(f: () => unknown): ScenarioError['issues'][number] {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ScenarioError);
  const issues = (error as ScenarioError).issues;
  expect(issues.map((i) => i.message)).toHaveLength(1);
  return issues[0]!;
}

describe('scenario text', () => {
  it('a second YAML document is one issue where it starts, in words a user can act on', () => {
    const text = 'name: a\nduration: 10s\n---\nname: b\n';
    const issue = oneIssue(() => loadScenario(text, 'multi.yaml'));
    expect(issue.line).toBe(positionOf(text, '---').line);
    expect(issue.message).toMatch(/one YAML document/);
    expect(issue.message).not.toMatch(/parseAllDocuments/);
  });

  it('20,000 nested brackets, and nesting just past the limit, are one issue each, at the first level too deep', () => {
    const deep = `name: x\nextra: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    const issue = oneIssue(() => loadScenario(deep, 'deep.yaml'));
    expect(issue.message).toBe(`collections nested deeper than ${MAX_NESTING} levels`);
    expect({ line: issue.line, column: issue.column }).toEqual({ line: 2, column: 'extra: '.length + MAX_NESTING + 1 });
    // Block nesting (one level per line), just past the limit.
    const lines = ['name: x', 'extra:'];
    for (let i = 0; i <= MAX_NESTING; i++) lines.push(`${'  '.repeat(i + 1)}k${i}:`);
    lines.push(`${'  '.repeat(MAX_NESTING + 2)}v`);
    const block = oneIssue(() => loadScenario(`${lines.join('\n')}\n`, 'block.yaml'));
    expect(block.message).toMatch(/nested deeper than/);
    // Nesting within the limit is just an unknown field.
    expect(issuesOf(`name: x\nextra: ${'['.repeat(10)}${']'.repeat(10)}\n`).map((i) => i.code)).toEqual(['unknown-field']);
  });

  it('UTF-16 (either byte order), NUL bytes and bytes that are not UTF-8 are one issue each; a UTF-8 BOM is fine', () => {
    const text = 'name: x\nduration: 10s\n';
    for (const bytes of [Buffer.from(`\ufeff${text}`, 'utf16le'), Buffer.from(Buffer.from(`\ufeff${text}`, 'utf16le')).swap16()]) {
      expect(oneIssue(() => decodeScenarioText(bytes, 'u16.yaml')).message).toMatch(/UTF-16.*save it as UTF-8/);
    }
    expect(oneIssue(() => decodeScenarioText(Buffer.from(text, 'utf16le'), 'nobom.yaml')).message).toMatch(/NUL bytes/);
    const latin1 = Buffer.from('name: x\ndescription: caf\xe9\n', 'latin1');
    const bad = oneIssue(() => decodeScenarioText(latin1, 'latin1.yaml'));
    expect({ line: bad.line, column: bad.column }).toEqual({ line: 2, column: 'description: caf'.length + 1 });
    expect(decodeScenarioText(Buffer.from(`\ufeff${text}`, 'utf8'), 'bom.yaml')).toBe(text);
  });

  it('a file that cannot be read names itself; a UTF-16 file on disk is refused by the file loader too', () => {
    expect(() => readScenarioFile(dir)).toThrow(new ScenarioFileError(dir, 'is a directory, not a scenario file'));
    expect(() => readScenarioFile(join(dir, 'nope.yaml'))).toThrow(`${join(dir, 'nope.yaml')}: no such file or directory`);
    const file = join(dir, 'u16.yaml');
    writeFileSync(file, Buffer.from('\ufeffname: x\n', 'utf16le'));
    expect(oneIssue(() => loadScenarioFile(file)).file).toBe(file);
  });
});

describe('--set overrides', () => {
  const base = 'name: x\nhypervisors: { count: 2 }\nhosts:\n  - { name: vm, count: 2, on: hypervisors }\n';

  it('a list index may append one item, not grow the list to it (no 10,000,000-item list)', () => {
    const started = performance.now();
    const issue = oneIssue(() => applyOverrides(base, [parseOverride('hosts.10000000.count=1')]));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(issue.file).toBe('--set');
    expect(issue.message).toMatch(/an index from 0 to 1 \(hosts has 1 item; 1 adds one\), found 10000000/);
    const appended = loadScenario(applyOverrides(base, [parseOverride('hosts.1={name: db, count: 3}')]), 'x.yaml');
    expect(appended.hosts.map((h) => `${h.name}:${h.count}`)).toEqual(['vm:2', 'db:3']);
    // A list that is not there yet is made, as a list.
    expect(loadScenario(applyOverrides('name: x\n', [parseOverride('traffic.0={from: gateway, to: 198.18.0.9}')]), 'x.yaml').traffic.map((t) => t.to)).toEqual(['198.18.0.9']);
  });

  it('on a file with a YAML syntax error, loading reports the located syntax error', () => {
    const broken = 'name: x\nfabric: { leaves: 2\nduration: 10s\n';
    const text = applyOverrides(broken, [parseOverride('duration=5s')]);
    const issues = issuesOf(text, 'broken.yaml');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.code === 'yaml' && i.line >= 1)).toBe(true);
  });
});
