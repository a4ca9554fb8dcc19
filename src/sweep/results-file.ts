/**
 * A sweep's JSON Lines file, written so that a killed sweep loses no finished point and never leaves
 * anything that breaks a resume:
 *
 * - each result line is appended with one `write` on a file opened for appending, as one whole line
 *   (a process killed outright dies between two writes, not inside one); a last line that is not
 *   whole anyway (the machine lost power) is cut off when the file is resumed;
 * - a resume reads the lines there, keyed by (parameters, seed), and the sweep runs only the others;
 *   a file of another sweep (another base scenario or fixed settings) is refused;
 * - when the sweep is complete the file is written once more in a canonical order (the header, the
 *   results point by point in the plan's order and seed by seed, any lines of points no longer in
 *   the grid, the summary) under a temporary name and renamed over the file, so the final file is the
 *   same bytes whatever the number of workers and the order points finished in;
 * - one sweep at a time writes a file: a lock file beside it names the process (one whose process
 *   is gone is taken over).
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SweepHeader, SweepResultLine, SweepSummaryLine } from '../report/index.js';
import { lineKey } from '../report/index.js';

/** A results file that cannot be used (exists without --resume, another sweep's, locked, unreadable); exit code 2. */
export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
}

/** One result line: its text (written as it came) and its value. */
interface Held {
  readonly text: string;
  readonly line: SweepResultLine;
}

function writeWhole(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** See the module comment. */
export class ResultsFile {
  readonly path: string;
  private readonly lockPath: string;
  private fd: number;
  private readonly held = new Map<string, Held>();
  /** Lines cut off or unreadable when the file was resumed (for a note). */
  dropped: number;
  private locked = true;

  private constructor(path: string, lockPath: string, fd: number, dropped: number) {
    this.path = path;
    this.lockPath = lockPath;
    this.fd = fd;
    this.dropped = dropped;
  }

  /**
   * Opens `path` for the sweep `header`: a new file (refused when one exists, unless `resume`), or,
   * with `resume`, the file there (created when missing).
   */
  static open(path: string, header: SweepHeader, resume: boolean): ResultsFile {
    const lockPath = join(dirname(path), `.${basename(path)}.lock`);
    ResultsFile.lock(path, lockPath);
    try {
      ResultsFile.removeStaleTemporaries(path);
      const exists = existsSync(path);
      if (exists && !resume) throw new ResultsFileError(`${path} exists: pass --resume to continue that sweep, or choose another --out`);
      if (!exists) {
        const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND, 0o644);
        writeWhole(fd, `${JSON.stringify(header)}\n`);
        return new ResultsFile(path, lockPath, fd, 0);
      }
      return ResultsFile.resume(path, lockPath, header);
    } catch (e) {
      try {
        unlinkSync(lockPath);
      } catch {
        // already gone
      }
      throw e;
    }
  }

  private static lock(path: string, lockPath: string): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
        writeWhole(fd, `${process.pid}\n`);
        closeSync(fd);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ResultsFileError(`${path}: cannot create the lock file ${lockPath}: ${(e as Error).message}`);
        const pid = Number(readFileSync(lockPath, 'utf8').trim());
        if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
          throw new ResultsFileError(`${path} is being written by another sweep (process ${pid}); wait for it, or choose another --out`);
        }
        // Its process is gone (killed): take the file over.
        unlinkSync(lockPath);
      }
    }
    throw new ResultsFileError(`${path}: cannot take the lock file ${lockPath}`);
  }

  /** Removes the temporaries of final rewrites whose process was killed before renaming them. */
  private static removeStaleTemporaries(path: string): void {
    const prefix = `.${basename(path)}.`;
    let names: string[];
    try {
      names = readdirSync(dirname(path));
    } catch {
      return;
    }
    for (const name of names) {
      const m = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length)) : null;
      if (m === null || alive(Number(m[1]))) continue;
      try {
        unlinkSync(join(dirname(path), name));
      } catch {
        // gone already
      }
    }
  }

  private static resume(path: string, lockPath: string, header: SweepHeader): ResultsFile {
    const fd = openSync(path, constants.O_RDWR | constants.O_APPEND);
    const text = readFileSync(fd, 'utf8');
    const lines = text.split('\n');
    // The text after the last newline is not a whole line.
    let keep = text.length - lines[lines.length - 1]!.length;
    let dropped = lines[lines.length - 1]!.length > 0 ? 1 : 0;
    const file = new ResultsFile(path, lockPath, fd, 0);
    let first = true;
    let offset = 0;
    for (const raw of lines.slice(0, -1)) {
      const start = offset;
      offset += Buffer.byteLength(raw, 'utf8') + 1;
      let value: { type?: unknown; base?: unknown; parameters?: unknown; seed?: unknown };
      try {
        value = JSON.parse(raw) as typeof value;
      } catch {
        if (first) throw new ResultsFileError(`${path}: not a sweep's results file (its first line is not JSON)`);
        // A line that is not JSON can only be a torn write: what follows it is cut off too.
        keep = start;
        dropped += 1;
        break;
      }
      if (first) {
        if (value.type !== 'sweep') throw new ResultsFileError(`${path}: not a sweep's results file (no sweep header on its first line)`);
        if (value.base !== header.base) throw new ResultsFileError(`${path} holds the results of another sweep (another base scenario or other fixed settings); choose another --out`);
        first = false;
        continue;
      }
      if (value.type !== 'result') continue;
      const line = value as unknown as SweepResultLine;
      const key = lineKey(line.parameters, line.seed);
      if (!file.held.has(key)) file.held.set(key, { text: raw, line });
    }
    if (first) throw new ResultsFileError(`${path}: not a sweep's results file (it is empty)`);
    const bytes = Buffer.byteLength(text.slice(0, keep), 'utf8');
    if (bytes < fstatSync(fd).size) ftruncateSync(fd, bytes);
    file.dropped = dropped;
    return file;
  }

  /** Whether the (point, seed) `key` has its line. */
  has(key: string): boolean {
    return this.held.has(key);
  }

  /** How many result lines the file holds. */
  get size(): number {
    return this.held.size;
  }

  /** Appends one result line (its JSON text, without a newline); a line already held is not written again. Returns whether it was written. */
  append(text: string): boolean {
    const line = JSON.parse(text) as SweepResultLine;
    const key = lineKey(line.parameters, line.seed);
    if (this.held.has(key)) return false;
    writeWhole(this.fd, `${text}\n`);
    this.held.set(key, { text, line });
    return true;
  }

  /** Every result line held, keyed by (parameters, seed). */
  lines(): ReadonlyMap<string, SweepResultLine> {
    return new Map([...this.held].map(([k, h]) => [k, h.line]));
  }

  /**
   * Rewrites the file in the canonical order (see the module comment) with `header` and `summary`,
   * and releases it. `order` lists the plan's (point, seed) keys in order; other lines follow,
   * sorted by key. Returns how many lines were not in the plan.
   */
  complete(header: SweepHeader, order: readonly string[], summary: SweepSummaryLine): number {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    let others = 0;
    try {
      const chunks: string[] = [`${JSON.stringify(header)}\n`];
      const listed = new Set(order);
      for (const key of order) {
        const h = this.held.get(key);
        if (h !== undefined) chunks.push(`${h.text}\n`);
      }
      for (const key of [...this.held.keys()].filter((k) => !listed.has(k)).sort()) {
        chunks.push(`${this.held.get(key)!.text}\n`);
        others++;
      }
      chunks.push(`${JSON.stringify(summary)}\n`);
      for (const c of chunks) writeWhole(fd, c);
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, this.path);
    } catch (e) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      try {
        unlinkSync(tmp);
      } catch {
        // gone
      }
      throw e;
    }
    this.close();
    return others;
  }

  /** Closes the file and releases the lock, leaving the file as it is. */
  close(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // closed already
      }
      this.fd = -1;
    }
    if (this.locked) {
      this.locked = false;
      try {
        unlinkSync(this.lockPath);
      } catch {
        // gone
      }
    }
  }
}
