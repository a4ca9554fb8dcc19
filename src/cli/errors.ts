/**
 * How the CLI reports failures: every error becomes one line on stderr (a scenario error one line per
 * problem) and an exit code, never a stack trace. Exit codes: 1 for a failure of the work (a capture
 * or file that cannot be read, a run that fails, an output that cannot be written during the run),
 * 2 for bad input from the user (options, output paths refused before the run, scenario files,
 * scenarios too costly to run without --force), 130 for an interrupted run.
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

/** Errors whose message is meant for the user, by name (importing the library here would load all of it for every command). */
const USER_FACING = new Set(['WireError', 'ScenarioFileError', 'OutputPathError', 'ReportInputError']);

/**
 * The message and exit code for an error thrown by a command. A failure inside a simulation event
 * (an output that could not be written, say) is reported by its cause. An error that is none of the
 * known kinds is a bug: one line too, with `internal` in it (ARPSHIFT_DEBUG=1 prints its stack).
 */
export function describeFailure(e: unknown): { message: string; exitCode: number; internal?: true } {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  // Recognised by name: importing these layers here would load them for every command.
  if (e instanceof Error && (e.name === 'EmuError' || e.name === 'DeployError')) return { message: e.message, exitCode: (e as Error & { exitCode: number }).exitCode };
  if (e instanceof Error && e.name === 'ScenarioError') {
    const se = e as ScenarioError;
    const n = se.issues.length;
    return { message: `invalid scenario ${se.file} (${n} problem${n === 1 ? '' : 's'}):\n${se.message}`, exitCode: 2 };
  }
  if (e instanceof Error && e.name === 'SweepError') {
    const se = e as Error & { file: string; issues: readonly unknown[] };
    const n = se.issues.length;
    return { message: `invalid sweep ${se.file} (${n} problem${n === 1 ? '' : 's'}):\n${se.message}`, exitCode: 2 };
  }
  if (e instanceof Error && e.name === 'ResultsFileError') return { message: e.message, exitCode: 2 };
  if (e instanceof Error && (e.name === 'SweepRunError' || e.name === 'QueueError')) return { message: e.message, exitCode: 1 };
  if (e instanceof Error && USER_FACING.has(e.name)) return { message: e.message, exitCode: 1 };
  if (e instanceof Error && e.name === 'ScenarioCostError') return { message: e.message, exitCode: 2 };
  if (e instanceof Error && e.name === 'SimulationError') {
    if (e.cause instanceof Error && USER_FACING.has(e.cause.name)) return describeFailure(e.cause);
    return { message: `the run failed: ${e.message}`, exitCode: 1 };
  }
  const err = e as NodeJS.ErrnoException | undefined;
  if (typeof err?.code === 'string' && typeof err.message === 'string') return { message: err.message, exitCode: 1 };
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { message: `internal error: ${message.split('\n')[0]} (a bug in arpshift; ARPSHIFT_DEBUG=1 shows where)`, exitCode: 1, internal: true };
}

/**
 * A failure reading the capture or file `name` as one line that names it: bytes that are not a
 * capture (a WireError), or a file that cannot be opened. Other errors are returned as they are.
 */
export function namedFileFailure(name: string, e: unknown): unknown {
  if (e instanceof Error && e.name === 'WireError') return new CliError(`${name}: ${e.message}`, 1);
  const err = e as NodeJS.ErrnoException;
  if (e instanceof Error && e.name !== 'OutputClosed' && typeof err.code === 'string') {
    return new CliError(`${name}: ${err.code === 'EISDIR' ? 'is a directory, not a capture' : err.code === 'ENOENT' ? 'no such file or directory' : err.message}`, 1);
  }
  return e;
}
