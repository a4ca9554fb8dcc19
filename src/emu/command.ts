/**
 * Running the system tools the namespace backend drives (iproute2's `ip`, procps' `sysctl`): no shell,
 * arguments as a list, stdout returned, and a failure turned into one line that names the command and
 * repeats the tool's own first line of complaint.
 */
import { execFile, execFileSync } from 'node:child_process';
import { EmuError } from './errors.js';

/** Runs `file args…`, optionally feeding `input` on stdin; resolves with stdout. */
export function run(file: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new EmuError(`${file} not found: install iproute2 and procps`, 2));
      const why = stderr.trim().split('\n')[0] ?? error.message;
      reject(new EmuError(`${file} ${args.join(' ')} failed: ${why}`));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The same, synchronously, ignoring failures: for clean-up from signal and exit handlers. */
export function runQuietlySync(file: string, args: readonly string[]): void {
  try {
    execFileSync(file, args, { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // Clean-up goes on with the next item.
  }
}
