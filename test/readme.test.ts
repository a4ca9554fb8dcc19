/**
 * The README stays true: every name it shows imported from 'arpshift', called or constructed in its
 * library section is exported by the built package (dist/index.js, dist/index.d.ts), and its sample
 * outputs of `decode` and of `run scenarios/migration-guest-garp.yaml` are what the command prints;
 * its comments and the package's cite nothing outside the package; the LICENSE is the one package.json
 * names; every setting of the scenario's security, dhcp and contention sections is named in it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../src/scenario/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
const CLI = `${ROOT}dist/cli/main.js`;

function section(title: string): string {
  const start = README.indexOf(`## ${title}\n`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = README.indexOf('\n## ', start + 3);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The indented block right after the line that starts with `marker` (4 spaces removed). */
function blockAfter(marker: string): string[] {
  const lines = README.split('\n');
  const at = lines.findIndex((l) => l.startsWith(marker));
  expect(at, marker).toBeGreaterThanOrEqual(0);
  const out: string[] = [];
  let i = at + 1;
  while (i < lines.length && lines[i] === '') i++;
  for (; i < lines.length && (lines[i]!.startsWith('    ') || (lines[i] === '' && lines[i + 1]?.startsWith('    '))); i++) out.push(lines[i]!.slice(4));
  return out;
}

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('the README', () => {
  it('names only what the package exports', async () => {
    const api = (await import(`${ROOT}dist/index.js`)) as Record<string, unknown>;
    const types = readFileSync(`${ROOT}dist/index.d.ts`, 'utf8');
    const library = section('Using it as a library');
    const values = new Set<string>();
    for (const m of README.matchAll(/import \{([^}]+)\} from 'arpshift'/g)) for (const n of m[1]!.split(',')) values.add(n.trim());
    for (const m of library.matchAll(/`(?:new )?([A-Za-z][A-Za-z0-9]*)\(/g)) values.add(m[1]!);
    for (const m of library.matchAll(/builders\s+such as ([^(]+)\(/g)) for (const b of m[1]!.matchAll(/`([A-Za-z0-9]+)`/g)) values.add(b[1]!);
    const named = new Set<string>();
    for (const m of library.matchAll(/`([A-Z][A-Za-z0-9]+)`/g)) if (!['AbortSignal'].includes(m[1]!)) named.add(m[1]!);
    expect(values.size).toBeGreaterThan(15);
    expect([...values].filter((n) => !(n in api))).toEqual([]);
    expect([...named].filter((n) => !(n in api) && !new RegExp(`\\b${n}\\b`).test(types))).toEqual([]);
  });

  it('shows the real output of decode, as text and as JSON', () => {
    const text = blockAfter('    $ arpshift decode test/golden/linux-6.18-veth.pcap | head -4');
    expect(text.length).toBe(4);
    expect(cli('decode', 'test/golden/linux-6.18-veth.pcap').split('\n').slice(0, 4)).toEqual(text);
    const json = blockAfter('    $ arpshift decode --json test/golden/linux-6.18-veth.pcap | head -1');
    expect(cli('decode', '--json', 'test/golden/linux-6.18-veth.pcap').split('\n')[0]).toBe(json[0]);
  });

  it('shows the real output of run scenarios/migration-guest-garp.yaml', () => {
    const shown = blockAfter('Example output of `arpshift run scenarios/migration-guest-garp.yaml`:');
    expect(shown.length).toBeGreaterThan(20);
    expect(cli('run', '--quiet', 'scenarios/migration-guest-garp.yaml').trimEnd().split('\n')).toEqual(shown);
  });

  it('and the sources cite nothing outside the package (no shared/ or reference/ notes)', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    const citing = [join(ROOT, 'README.md'), ...files(join(ROOT, 'src'))]
      .filter((f) => /(shared|reference)\/|\b(l2|arp|nd|migration|security|implementations)\.md\b/.test(readFileSync(f, 'utf8')));
    expect(citing.map((f) => f.slice(ROOT.length))).toEqual([]);
  });

  it('names every setting of the security, dhcp and contention sections in its scenario format', () => {
    const text = section('Scenarios');
    /** Every property name under a JSON Schema node (objects, arrays, unions, defaults). */
    const keys = (node: unknown, out: Set<string>): Set<string> => {
      if (Array.isArray(node)) for (const n of node) keys(n, out);
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
          if (k === 'properties' && v !== null && typeof v === 'object') for (const name of Object.keys(v)) out.add(name);
          if (k !== 'default') keys(v, out);
        }
      }
      return out;
    };
    const props = (scenarioJsonSchema() as { properties: Record<string, unknown> }).properties;
    const names = keys([props['security'], props['dhcp'], props['contention']], new Set(['security', 'dhcp', 'contention']));
    expect(names.size).toBeGreaterThan(40);
    expect([...names].filter((n) => !text.includes(`\`${n}\``))).toEqual([]);
  });

  it('the LICENSE is the license package.json names', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { license: string };
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(`${ROOT}LICENSE`, 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });
});
