/**
 * How the CLI reports failures: a typed error becomes one line on stderr and an exit code, never a
 * stack trace. Exit codes: 1 for a failure of the work (a bad capture, a failed run), 2 for bad input
 * from the user (options, scenario files).
 */
import type { ScenarioError } from '../index.js';

/** A user-facing failure with its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The message and exit code for an error thrown by a command, or `undefined` for a bug. */
export function describeFailure(e: unknown): { message: string; exitCode: number } | undefined {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  // Recognised by name: importing the library here would load all of it for every command.
  if (e instanceof Error && e.name === 'WireError') return { message: e.message, exitCode: 1 };
  if (e instanceof Error && e.name === 'ScenarioError') {
    const se = e as ScenarioError;
    const n = se.issues.length;
    return { message: `invalid scenario ${se.file} (${n} problem${n === 1 ? '' : 's'}):\n${se.message}`, exitCode: 2 };
  }
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EMFILE', 'ENOSPC'].includes(code)) {
    return { message: (e as Error).message, exitCode: 1 };
  }
  return undefined;
}
