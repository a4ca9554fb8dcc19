/**
 * `arpshift validate` and `arpshift schema` as a user runs them (the built dist/cli/main.js; run
 * `npm run build` first, or point ARPSHIFT_CLI at another build's main.js): exit codes, every issue
 * on stderr, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { positionOf } from './helpers.js';

const CLI = process.env.ARPSHIFT_CLI ?? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arpshift-scenario-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('arpshift validate', () => {
  it.each(readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')))('accepts scenarios/%s: "ok: <name>", exit 0', (file) => {
    const r = run('validate', join(SCENARIOS, file));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`ok: ${file.replace(/\.yaml$/, '')}\n`);
    expect(r.status).toBe(0);
  });

  it('lists every problem of a bad file on stderr, one per line, and exits 2 without a stack trace', () => {
    const text = [
      'name: bad',
      'fabric:',
      '  leafs: 4',
      '  links: { access: { rate: -1Gbps } }',
      'hosts:',
      '  - { name: vm, count: 2, placement: [leaf-9] }',
      'traffic: [{ from: gateway, to: vm-1, rate: fast }]',
      'oops: [1, 2',
    ].join('\n');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const r = run('validate', file);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`arpshift: invalid scenario ${file} (6 problems):`);
    const at = (marker: string, token?: string): string => {
      const p = positionOf(text, marker, token);
      return `${file}:${p.line}:${p.column}: `;
    };
    expect(lines.length).toBe(1 + 6);
    expect(lines[1]!.startsWith(`${at('leafs')}fabric.leafs: unknown field "leafs"; did you mean "leaves"?`)).toBe(true);
    expect(lines[2]!.startsWith(`${at('rate: -1Gbps', '-1Gbps')}fabric.links.access.rate: expected a bit rate greater than 0`)).toBe(true);
    expect(lines[3]!.startsWith(`${at('leaf-9')}hosts[0].placement[0]: expected an edge switch`)).toBe(true);
    expect(lines[4]!.startsWith(`${at('rate: fast', 'fast')}traffic[0].rate: expected a packet rate`)).toBe(true);
    expect(lines[5]!.startsWith(`${at('oops')}oops: unknown field`)).toBe(true);
    expect(lines[6]).toMatch(/: \(yaml\): /);
  });

  it('a missing file fails with one line', () => {
    const r = run('validate', join(dir, 'nope.yaml'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`arpshift: ${join(dir, 'nope.yaml')}: no such file or directory\n`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('needs a file', () => {
    expect(run('validate').status).toBe(2);
  });
});

describe('arpshift schema', () => {
  it('prints the JSON Schema as JSON, with descriptions', () => {
    const r = run('schema');
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, { description?: string }> };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.properties.fabric!.description).toMatch(/fabric/i);
  });

  it('ends quietly when the reader stops early', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" schema | head -c 10`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(10);
    expect(r.stderr).toBe('');
  });
});
