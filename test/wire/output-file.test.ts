/**
 * Output files (AtomicFileSink): written under an exclusive temporary name, never through a file or
 * link planted at that name; put in place only by close(); devices and FIFOs written directly and
 * never replaced; directories and missing directories refused before anything is written; the
 * target's mode kept; a link at the target replaced, not followed; stale temporaries of dead
 * processes removed, and nothing else.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicFileSink, OutputPathError } from '../../src/wire/index.js';

const root = mkdtempSync(join(tmpdir(), 'arpshift-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => {
  const d = join(root, `case-${n++}`);
  mkdirSync(d);
  return d;
};

const refused = (f: () => unknown, reason: RegExp): void => {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OutputPathError);
  expect((error as OutputPathError).reason).toMatch(reason);
};

describe('AtomicFileSink', () => {
  it('never writes through a link or file planted at a temporary name (the old predictable one, or the one it picks)', () => {
    const dir = freshDir();
    const target = join(dir, 'result.json');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const planted = '.result.json.arpshift-1-planted.tmp';
    // A link at the name the sink tries first, one at the name older versions used, and a plain file.
    symlinkSync(victim, join(dir, planted));
    symlinkSync(victim, `${target}.partial-${process.pid}`);
    writeFileSync(join(dir, '.result.json.arpshift-1-file.tmp'), 'someone else\'s');
    const sink = new AtomicFileSink(target, { temporaryNames: [planted, '.result.json.arpshift-1-file.tmp'] });
    expect(sink.temporaryPath).not.toBe(join(dir, planted));
    sink.writeText('{"ok":true}\n');
    expect(() => readFileSync(target)).toThrow(); // nothing under the target's name before close()
    sink.close();
    expect(readFileSync(target, 'utf8')).toBe('{"ok":true}\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readlinkSync(join(dir, planted))).toBe(victim);
    expect(readFileSync(join(dir, '.result.json.arpshift-1-file.tmp'), 'utf8')).toBe('someone else\'s');
    expect(readdirSync(dir).sort()).toEqual(['.result.json.arpshift-1-file.tmp', planted, 'result.json', `result.json.partial-${process.pid}`, 'victim'].sort());
  });

  it('abort() leaves the target as it was and no temporary', () => {
    const dir = freshDir();
    const target = join(dir, 'kept.pcap');
    writeFileSync(target, 'old');
    const sink = new AtomicFileSink(target);
    sink.write(new Uint8Array(3_000_000)); // more than one buffer: bytes reach the temporary
    sink.abort();
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['kept.pcap']);
  });

  it('writes to a device directly and leaves it a device', () => {
    const sink = new AtomicFileSink('/dev/null');
    expect(sink.mode).toBe('direct');
    expect(sink.temporaryPath).toBeNull();
    sink.write(new Uint8Array(2_000_000));
    sink.close();
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('writes to a FIFO directly', () => {
    const dir = freshDir();
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A reader on the other end, so that opening the FIFO for writing does not wait.
    const reader = spawnSync('sh', ['-c', `cat "${fifo}" > "${join(dir, 'got')}" 2> /dev/null < /dev/null & echo started`], { encoding: 'utf8' });
    expect(reader.stdout.trim()).toBe('started');
    const sink = new AtomicFileSink(fifo);
    expect(sink.mode).toBe('direct');
    sink.writeText('through the fifo\n');
    sink.close();
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    for (let i = 0; i < 200 && readFileSync(join(dir, 'got'), 'utf8') === ''; i++) spawnSync('sleep', ['0.01']);
    expect(readFileSync(join(dir, 'got'), 'utf8')).toBe('through the fifo\n');
  });

  it('refuses a directory, a missing directory and a path through a file, before writing anything', () => {
    const dir = freshDir();
    refused(() => new AtomicFileSink(dir), /is a directory/);
    refused(() => new AtomicFileSink(join(dir, 'nodir', 'x.json')), /directory .*nodir: no such file or directory/);
    writeFileSync(join(dir, 'plain'), '');
    refused(() => new AtomicFileSink(join(dir, 'plain', 'x.json')), /not a directory/);
    expect(readdirSync(dir)).toEqual(['plain']);
  });

  it('keeps the mode of the file it replaces; a new file gets 0666 less the umask', () => {
    const dir = freshDir();
    const target = join(dir, 'private.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    const sink = new AtomicFileSink(target);
    sink.writeText('new');
    sink.close();
    expect(statSync(target).mode & 0o777).toBe(0o640);
    const fresh = new AtomicFileSink(join(dir, 'fresh.json'));
    fresh.close();
    expect(statSync(join(dir, 'fresh.json')).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('replaces a link at the target\'s own name instead of writing through it', () => {
    const dir = freshDir();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'out.json'));
    const sink = new AtomicFileSink(join(dir, 'out.json'));
    sink.writeText('result');
    sink.close();
    expect(lstatSync(join(dir, 'out.json')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('result');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('removes the target\'s temporaries left by processes that are gone, and nothing else', () => {
    const dir = freshDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const stale = `.capture.pcap.arpshift-${deadPid}-0123abcd.tmp`;
    const live = `.capture.pcap.arpshift-${process.ppid}-0123abcd.tmp`;
    const otherTarget = `.other.pcap.arpshift-${deadPid}-0123abcd.tmp`;
    for (const f of [stale, live, otherTarget, 'capture.pcap.notes']) writeFileSync(join(dir, f), 'x');
    const sink = new AtomicFileSink(join(dir, 'capture.pcap'));
    sink.close();
    expect(readdirSync(dir).sort()).toEqual([live, otherTarget, 'capture.pcap', 'capture.pcap.notes'].sort());
  });
});
