/**
 * The `arpshift` command as a user runs it (the built dist/cli/main.js): help, decode in both
 * formats, and failures that end with one line on stderr and the right exit code, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenPath } from '../helpers/golden.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arpshift-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectCleanFailure(r: { status: number | null; stderr: string }, status: number, pattern: RegExp): void {
  expect(r.status).toBe(status);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('arpshift', () => {
  it('with no arguments prints help and exits 0', () => {
    const r = run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: arpshift');
    expect(r.stdout).toContain('decode');
  });

  it.each(['run', 'sweep', 'worker'])('%s --help: its examples name files that exist and options it has; the README\'s heading lists every option', (verb) => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const help = run(verb, '--help');
    expect(help.status).toBe(0);
    const [options, examples] = help.stdout.split('\nExamples:\n') as [string, string];
    const own = new Set([...options.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!));
    own.delete('--help');
    expect(own.size).toBeGreaterThan(2);
    for (const line of examples.trim().split('\n')) {
      const command = line.split(' #')[0]!;
      for (const path of command.match(/\b(?:scenarios|sweeps)\/[\w./-]+\.yaml\b/g) ?? []) expect(existsSync(join(root, path)), `${line}: ${path}`).toBe(true);
      for (const option of command.match(/(?<=\s)--[a-z-]+/g) ?? []) expect(own.has(option), `${line}: ${option}`).toBe(true);
    }
    const heading = readFileSync(join(root, 'README.md'), 'utf8').split('\n').find((l) => l.startsWith(`### \`arpshift ${verb} `))!;
    for (const option of own) expect(heading, option).toContain(`[${option}`);
  });

  it('--version prints the version', () => {
    expect(run('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('decode prints one line per frame; --json one object per frame', () => {
    const text = run('decode', goldenPath('linux-6.18-veth.pcap'));
    expect(text.status).toBe(0);
    expect(text.stdout.trim().split('\n').length).toBe(29);
    const json = run('decode', '--json', goldenPath('linux-6.18-veth.pcap'));
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { index: number; arp?: { form: string } });
    expect(lines.map((l) => l.index)).toEqual([...Array(29).keys()]);
    expect(lines[0]!.arp?.form).toBe('announcement');
  });

  it('a missing file, a directory, a file that is not a capture, and a cut-short capture each fail with one clear line naming the file', () => {
    const nope = join(dir, 'nope.pcap');
    expectCleanFailure(run('decode', nope), 1, new RegExp(`^arpshift: ${nope}: no such file or directory\n$`));
    expectCleanFailure(run('decode', dir), 1, new RegExp(`^arpshift: ${dir}: is a directory, not a capture\n$`));
    writeFileSync(join(dir, 'notes.txt'), 'not a capture at all');
    expectCleanFailure(run('decode', join(dir, 'notes.txt')), 1, new RegExp(`^arpshift: ${join(dir, 'notes.txt')}: capture: bad-value magic number at offset 0`));
    const whole = spawnSync('cat', [goldenPath('linux-6.18-veth.pcap')]).stdout;
    writeFileSync(join(dir, 'cut.pcap'), whole.subarray(0, whole.length - 10));
    const cut = run('decode', join(dir, 'cut.pcap'));
    expectCleanFailure(cut, 1, new RegExp(`^arpshift: ${join(dir, 'cut.pcap')}: pcap: truncated record data at offset \\d+: expected \\d+ bytes, got \\d+ bytes\n$`));
    expect(cut.stdout.trim().split('\n').length).toBe(28);
  });

  it('decode - reads the capture from standard input', () => {
    const bytes = spawnSync('cat', [goldenPath('linux-6.18-veth.pcap')]).stdout;
    const piped = spawnSync(process.execPath, [CLI, 'decode', '--json', '-'], { input: bytes, encoding: 'utf8' });
    expect(piped.status).toBe(0);
    expect(piped.stdout).toBe(run('decode', '--json', goldenPath('linux-6.18-veth.pcap')).stdout);
    const empty = spawnSync(process.execPath, [CLI, 'decode', '-'], { input: '', encoding: 'utf8' });
    expectCleanFailure(empty, 1, /^arpshift: \(standard input\): capture: truncated magic number/);
  });

  it('bad usage exits 2', () => {
    expect(run('decode').status).toBe(2);
    expect(run('decode', '--frobnicate', 'x.pcap').status).toBe(2);
    expect(run('no-such-verb').status).toBe(2);
  });

  it('a reader that stops early (| head) ends the command quietly', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" decode --json "${goldenPath('linux-6.18-veth.pcap')}" | head -c 10`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.length).toBe(10);
    expect(r.stderr).toBe('');
  });
});
