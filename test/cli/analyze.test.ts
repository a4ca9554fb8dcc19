/**
 * `arpshift analyze` as a user runs it (the built dist/cli/main.js): the table, --json and --out,
 * --vm and --gateway, a capture cut short (analysed, one warning line, exit 0), a capture with
 * nothing to report, and bad usage (one line, exit 2).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureAnalysis } from '../../src/analyze/index.js';
import { MAC_BROADCAST, arpAnnouncement, ethernetFrame, parseIpv4, parseMac } from '../../src/wire/index.js';
import { CaptureBuilder, times, udp4 } from '../helpers/captures.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arpshift-cli-analyze-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GW = { mac: parseMac('02:00:5e:00:00:01')!, ip: parseIpv4('198.18.0.1')! };
const VM = { mac: parseMac('02:00:00:00:00:0a')!, ip: parseIpv4('198.18.0.10')! };
const S = 1e9;

// The VM's stream to the gateway (50/s) stops for 300 ms at 2 s; it announces itself when it is back.
const moved = join(dir, 'moved.pcap');
const b = new CaptureBuilder();
times(1 * S, 4 * S, 20e6, [[2 * S, 2.3 * S]]).forEach((t, i) => b.frame(t, udp4(VM.mac, GW.mac, VM.ip, GW.ip, i)));
times(1 * S, 4 * S, 20e6).forEach((t, i) => b.frame(t + 5000, udp4(GW.mac, VM.mac, GW.ip, VM.ip, i)));
for (const t of [2.3 * S - 1000, 2.4 * S]) b.frame(t, ethernetFrame(MAC_BROADCAST, VM.mac, arpAnnouncement(VM.mac, VM.ip)));
writeFileSync(moved, b.bytes());

describe('arpshift analyze', () => {
  it('prints the move as a table; --json prints the same analysis as JSON, --out writes it too', () => {
    const text = run('analyze', moved, '--gateway', '198.18.0.1');
    expect(text.status).toBe(0);
    expect(text.stderr).toBe('');
    // 135 + 150 datagrams and 2 announcements; the VM's last datagram before is at 1.980 s, its next
    // at 2.300 s: 320 ms, 15 datagrams (the first record, at 1 s, is the zero of the times).
    expect(text.stdout).toMatch(/^moved\.pcap: pcap, ethernet, 287 frames in 2\.980 s from /);
    expect(text.stdout).toMatch(/\n198\.18\.0\.10 +moved +0\.980 s +320 ms +\? +\? +320 ms +– +15\n/);
    const out = join(dir, 'analysis.json');
    const json = run('analyze', moved, '--gateway', '198.18.0.1', '--json', '--out', out);
    expect(json.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(json.stdout);
    const a = JSON.parse(json.stdout) as CaptureAnalysis;
    // Silent from its last datagram to its announcement, 1 µs before its next datagram.
    expect(a.runs[0]!.migrations.map((m) => [m.vm, m.blackHoleMs.vmToGateway, m.downtimeMs])).toEqual([['198.18.0.10', 320, 319.999]]);
    expect(a.gateway).toEqual({ addresses: ['198.18.0.1'], basis: 'option' });
    expect(readdirSync(dir).filter((f) => f.includes('partial') || f.includes('.tmp'))).toEqual([]);
  });

  it('--vm takes an address or a MAC; one with no event says so on stderr', () => {
    const byMac = JSON.parse(run('analyze', moved, '--vm', '02:00:00:00:00:0A', '--json').stdout) as CaptureAnalysis;
    expect(byMac.runs[0]!.migrations.map((m) => m.vm)).toEqual(['198.18.0.10']);
    const other = run('analyze', moved, '--vm', '198.18.0.99');
    expect(other.status).toBe(0);
    expect(other.stderr).toBe('arpshift: warning: 198.18.0.99: no move and no gap seen\n');
  });

  it('a capture cut in the middle of a record is analysed up to there, with one warning line', () => {
    const whole = readFileSync(moved);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 40));
    const r = run('analyze', cut);
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toEqual([expect.stringMatching(/^arpshift: warning: the capture ends in the middle of a record \(pcap: truncated record data at offset \d+/)]);
    expect(r.stdout).toContain('286 frames');
  });

  it('a capture with no move and no gap says so', () => {
    const quiet = join(dir, 'quiet.pcap');
    const q = new CaptureBuilder();
    times(1 * S, 2 * S, 10e6).forEach((t, i) => q.frame(t, udp4(GW.mac, VM.mac, GW.ip, VM.ip, i)));
    writeFileSync(quiet, q.bytes());
    const r = run('analyze', quiet);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No move and no gap: 1 flows, none with a gap; no address changed MAC or place.');
  });

  it('bad usage and bad files fail with one line naming the file: exit 2 for usage, 1 for a file that cannot be read', () => {
    for (const [args, status, pattern] of [
      [['analyze'], 2, /missing required argument 'capture'/],
      [['analyze', moved, '--vm', 'vm-2'], 2, /^arpshift: --vm: expected an IPv4 or IPv6 address or a MAC, got "vm-2"\n$/],
      [['analyze', moved, '--gateway', '198.18.0.300'], 2, /^arpshift: --gateway: expected an IPv4 or IPv6 address, got "198.18.0.300"\n$/],
      [['analyze', join(dir, 'nope.pcap')], 1, new RegExp(`^arpshift: ${join(dir, 'nope.pcap')}: no such file or directory\n$`)],
      [['analyze', dir], 1, new RegExp(`^arpshift: ${dir}: is a directory, not a capture\n$`)],
    ] as const) {
      const r = run(...args);
      expect(r.status).toBe(status);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    writeFileSync(join(dir, 'notes.txt'), 'not a capture');
    const notes = run('analyze', join(dir, 'notes.txt'), '--out', join(dir, 'never.json'));
    expect(notes.status).toBe(1);
    expect(notes.stderr).toMatch(new RegExp(`^arpshift: ${join(dir, 'notes.txt')}: capture: bad-value magic number at offset 0`));
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});
