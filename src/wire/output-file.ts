/**
 * Output files that cannot be abused and are never half-written under the name asked for.
 *
 * A regular file (or a name not yet taken) is written under a temporary name in the same directory
 * and renamed over the target only by {@link AtomicFileSink.close}, once the caller's whole work has
 * succeeded; {@link AtomicFileSink.abort} deletes the temporary instead. The temporary is created
 * exclusively (`O_CREAT | O_EXCL`, and `O_NOFOLLOW`), with a random name, so a file or symbolic link
 * planted at that name by anyone who can write the directory (say /tmp) is never written through:
 * the open fails and another name is tried. It gets the target's permission bits when the target
 * exists (else 0666 less the umask) just before the rename. A symbolic link at the target's own name
 * is replaced, not followed, unless it leads to a device or FIFO. A process killed outright (kill -9)
 * leaves its temporary, `.<name>.arpshift-<pid>-<random>.tmp`, never a file under the target's name;
 * the next sink for the same target removes such temporaries that belong to this user and to a
 * process that no longer exists.
 *
 * An existing target that is not a regular file (a character device such as /dev/null, a FIFO, a
 * socket) is opened and written directly and never replaced; `-` is standard output. A directory is
 * refused, as is a target whose directory does not exist or cannot be written, all when the sink is
 * made, before any work.
 */
import type { Stats } from 'node:fs';
import { closeSync, constants, fchmodSync, lstatSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { BufferedSink } from './byte-sink.js';

/** Why an output path was refused. */
export class OutputPathError extends Error {
  override readonly name = 'OutputPathError';
  /** The path as given. */
  readonly path: string;
  /** What is wrong with it (the message without the path). */
  readonly reason: string;
  /** The system error code behind it (EACCES, ENOSPC, EPIPE …), if any. */
  readonly code: string | undefined;

  constructor(path: string, reason: string, code?: string) {
    super(`${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
    this.code = code;
  }
}

/** Options of an {@link AtomicFileSink}. */
export interface OutputFileOptions {
  /**
   * Temporary names (in the target's directory) to try first, before random ones; for tests that plant
   * a file or link at the name a sink will use.
   */
  readonly temporaryNames?: readonly string[];
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `bytes` to `fd`, waiting and retrying when a non-blocking pipe is full (EAGAIN).
 * Other errors (EPIPE when the reader went away, ENOSPC) are thrown.
 */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** The temporary names of a target: `.<name>.arpshift-<pid>-<random>.tmp` (the name cut to fit). */
function temporaryPrefix(target: string): string {
  return `.${basename(target).slice(0, 120)}.arpshift-`;
}

const TEMPORARY = /^(\d+)-[0-9a-f]+\.tmp$/;

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the temporaries of `target` left by processes of this user that no longer exist (killed
 * before they could clean up). Anything else in the directory is left alone.
 */
function removeStaleTemporaries(target: string): void {
  const dir = dirname(target);
  const prefix = temporaryPrefix(target);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = TEMPORARY.exec(name.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processExists(pid)) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isFile() || (uid !== undefined && st.uid !== uid)) continue;
      unlinkSync(path);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

function failure(path: string, e: unknown): OutputPathError {
  return new OutputPathError(path, describe(e), (e as NodeJS.ErrnoException).code);
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOENT': return 'no such file or directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'EROFS': return 'read-only file system';
    case 'ENAMETOOLONG': return 'name too long';
    case 'ENOSPC': return 'no space left on device';
    case 'EPIPE': return 'the reader went away';
    case 'EISDIR': return 'is a directory';
    default: return err.message ?? String(e);
  }
}

/** What to do with a target, found before any byte is written. */
type Plan = { readonly kind: 'stdout' } | { readonly kind: 'direct' } | { readonly kind: 'replace'; readonly mode: number };

function plan(path: string): Plan {
  if (path === '-') return { kind: 'stdout' };
  if (path === '') throw new OutputPathError(path, 'an empty path');
  let st: Stats | undefined;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw failure(path, e);
  }
  if (st?.isSymbolicLink() === true) {
    // Follow it only to see whether it leads to a device or FIFO (written to directly) or to a
    // directory (refused); a link to a file, or a dangling one, is replaced by the new file.
    let target: Stats | undefined;
    try {
      target = statSync(path);
    } catch {
      target = undefined;
    }
    if (target !== undefined && !target.isFile()) st = target;
  }
  if (st?.isDirectory() === true) throw new OutputPathError(path, 'is a directory');
  if (st !== undefined && !st.isFile() && !st.isSymbolicLink()) return { kind: 'direct' };
  const dir = dirname(path);
  let dirStat: Stats;
  try {
    dirStat = statSync(dir);
  } catch (e) {
    throw new OutputPathError(path, `directory ${dir}: ${describe(e)}`, (e as NodeJS.ErrnoException).code);
  }
  if (!dirStat.isDirectory()) throw new OutputPathError(path, `${dir} is not a directory`);
  const mode = st?.isFile() === true ? st.mode & 0o777 : 0o666 & ~process.umask();
  return { kind: 'replace', mode };
}

const OPEN_TEMPORARY = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** See the module comment. */
export class AtomicFileSink extends BufferedSink {
  /** The target path, as given. */
  readonly path: string;
  /** `replace`: written under {@link temporaryPath}, renamed over the target by `close`; `direct`: written to the target itself (a device, a FIFO, standard output). */
  readonly mode: 'replace' | 'direct';
  /** The temporary file (`replace` only). */
  readonly temporaryPath: string | null;
  private readonly fd: number;
  private readonly ownsFd: boolean;
  private readonly fileMode: number;
  private done = false;

  /** Checks `path` and opens what will be written (see the module comment); throws {@link OutputPathError}. */
  constructor(path: string, options: OutputFileOptions = {}) {
    const p = plan(path);
    let fd: number;
    let temporaryPath: string | null = null;
    if (p.kind === 'stdout') {
      fd = 1;
    } else if (p.kind === 'direct') {
      try {
        fd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY);
      } catch (e) {
        throw failure(path, e);
      }
    } else {
      removeStaleTemporaries(path);
      const dir = dirname(path);
      const prefix = temporaryPrefix(path);
      const names = [...(options.temporaryNames ?? [])];
      fd = -1;
      for (let attempt = 0; fd < 0; attempt++) {
        const name = names.shift() ?? `${prefix}${process.pid}-${randomBytes(8).toString('hex')}.tmp`;
        const candidate = join(dir, name);
        try {
          fd = openSync(candidate, OPEN_TEMPORARY, 0o600);
          temporaryPath = candidate;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // Something is already there (planted, or a name collision): never touch it, try another.
          if ((code === 'EEXIST' || code === 'ELOOP') && attempt < 32) continue;
          throw failure(path, e);
        }
      }
    }
    super((chunk) => {
      try {
        writeAllSync(fd, chunk);
      } catch (e) {
        throw failure(path, e);
      }
    });
    this.path = path;
    this.mode = p.kind === 'replace' ? 'replace' : 'direct';
    this.temporaryPath = temporaryPath;
    this.fd = fd;
    this.ownsFd = p.kind !== 'stdout';
    this.fileMode = p.kind === 'replace' ? p.mode : 0;
  }

  /** Appends text as UTF-8. */
  writeText(text: string): void {
    this.write(Buffer.from(text, 'utf8'));
  }

  /**
   * Completes the file: flushes, closes, and renames the temporary over the target (`replace`), so the
   * target changes only now, and all at once. Call it when the whole work has succeeded.
   */
  override close(): void {
    if (this.done) return;
    this.done = true;
    try {
      super.close();
      if (this.temporaryPath !== null) fchmodSync(this.fd, this.fileMode);
    } catch (e) {
      this.release();
      throw e;
    }
    if (this.ownsFd) closeSync(this.fd);
    if (this.temporaryPath !== null) {
      try {
        renameSync(this.temporaryPath, this.path);
      } catch (e) {
        try {
          unlinkSync(this.temporaryPath);
        } catch {
          // Nothing more to undo.
        }
        throw failure(this.path, e);
      }
    }
  }

  /**
   * Gives up: closes and deletes the temporary, so the target is untouched (`replace`). What was
   * written to a device, a FIFO or standard output stays written.
   */
  abort(): void {
    if (this.done) return;
    this.done = true;
    this.release();
  }

  private release(): void {
    if (this.ownsFd) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed.
      }
    }
    if (this.temporaryPath !== null) {
      try {
        unlinkSync(this.temporaryPath);
      } catch {
        // Already gone.
      }
    }
  }
}
