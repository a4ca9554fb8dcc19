/**
 * The record of a run, kept on disk while it runs, so that what a killed run left (SIGKILL runs no
 * handler) can be removed later by `emulate --cleanup`, by the names and process ids recorded and
 * nothing else.
 *
 * One JSON file per run in /run/arpshift-emulate (a tmpfs, cleared at boot like the namespaces
 * themselves), named after the run's prefix, holding the owner's process id and start time, every
 * namespace just before it is made, and every process just after it starts, each with its start
 * time (proc(5) /proc/PID/stat field 22), so a recycled process id is never mistaken for ours.
 * Cleaning up skips a record whose owner still runs; it kills the recorded processes that are still
 * the same processes, deletes the recorded namespaces that still exist (each name must start with
 * the record's prefix), and then the record.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/** Where records are kept. */
export const RECORD_DIR = '/run/arpshift-emulate';

interface ProcessEntry {
  readonly pid: number;
  readonly start: string;
}

interface RecordFile {
  readonly prefix: string;
  readonly owner: ProcessEntry;
  readonly namespaces: string[];
  readonly processes: ProcessEntry[];
}

/** A running process's start time (clock ticks since boot), or null when it does not exist or has ended (a zombie). */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** The on-disk record of one run. */
export class RunRecord {
  readonly path: string;
  private readonly data: RecordFile;

  constructor(prefix: string, directory = RECORD_DIR) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    this.path = join(directory, `${prefix}.json`);
    this.data = { prefix, owner: { pid: process.pid, start: processStart(process.pid) ?? '' }, namespaces: [], processes: [] };
    this.write();
  }

  /** Records a namespace (before it is made). */
  namespace(name: string): void {
    this.data.namespaces.push(name);
    this.write();
  }

  /** Records a process (just after it started). */
  process(pid: number): void {
    this.data.processes.push({ pid, start: processStart(pid) ?? '' });
    this.write();
  }

  /** Removes the record (everything in it was removed). */
  remove(): void {
    rmSync(this.path, { force: true });
  }

  private write(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.path);
  }
}

/** What {@link cleanupRecords} did. */
export interface CleanupReport {
  /** Runs cleaned up (their prefixes). */
  readonly runs: readonly string[];
  readonly namespaces: readonly string[];
  readonly processes: readonly number[];
  /** Records left alone because their run is still going. */
  readonly running: readonly string[];
}

/** Removes what every dead run recorded in `directory` left (see the module comment). */
export function cleanupRecords(directory = RECORD_DIR): CleanupReport {
  const runs: string[] = [];
  const namespaces: string[] = [];
  const processes: number[] = [];
  const running: string[] = [];
  if (!existsSync(directory)) return { runs, namespaces, processes, running };
  for (const file of readdirSync(directory).filter((f) => f.endsWith('.json')).sort()) {
    const path = join(directory, file);
    let data: RecordFile;
    try {
      data = JSON.parse(readFileSync(path, 'utf8')) as RecordFile;
    } catch {
      continue;
    }
    const alive = (p: ProcessEntry): boolean => p.start !== '' && processStart(p.pid) === p.start;
    if (alive(data.owner)) {
      running.push(data.prefix);
      continue;
    }
    for (const p of data.processes) {
      if (!alive(p)) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
        processes.push(p.pid);
      } catch {
        // Gone meanwhile.
      }
    }
    // A killed process's namespace reference goes with it; give the kernel a moment.
    for (const name of [...data.namespaces].reverse()) {
      if (!name.startsWith(`${data.prefix}-`) || !existsSync(`/run/netns/${name}`)) continue;
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: 10_000 });
        namespaces.push(name);
      } catch {
        // Reported by its absence from the list.
      }
    }
    rmSync(path, { force: true });
    runs.push(data.prefix);
  }
  return { runs, namespaces, processes, running };
}
