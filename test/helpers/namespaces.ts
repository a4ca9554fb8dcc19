/** What namespace tests check after themselves: no namespace, link or process of theirs left. */
import { execFileSync } from 'node:child_process';

/** Names of the network namespaces that exist now. */
export function namespaceNames(): string[] {
  const out = execFileSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8' }).trim();
  if (out === '') return [];
  return (JSON.parse(out) as Array<{ name: string }>).map((n) => n.name);
}

/**
 * Whether a namespace is one that a lab of this process made (src/emu/lab.ts names them
 * `arpshift-<pid in base 36><6 hex digits>-<name>`). Other processes, other engineers' tests among
 * them, make and remove theirs at the same time: a test checks only its own.
 */
export function ownLabNamespace(name: string): boolean {
  return new RegExp(`^arpshift-${process.pid.toString(36)}[0-9a-f]{6}-`).test(name);
}

/** Interface names in the root namespace (only read: tests never change it). */
export function rootLinks(): string[] {
  return (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as Array<{ ifname: string }>).map((l) => l.ifname);
}

/** Whether a process with this id still runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ids of the child processes of this process that still run. */
export function children(): number[] {
  try {
    // ps lists itself too: leave it out.
    return execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n').map((line) => line.trim().split(/\s+/)).filter(([pid, comm]) => pid !== undefined && pid !== '' && comm !== 'ps').map(([pid]) => Number(pid));
  } catch {
    return [];
  }
}
