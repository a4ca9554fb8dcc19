/**
 * Errors of the namespace backend. A refusal (not root, no namespaces, a missing tool) is the user's
 * environment, not a failure of the work: exit code 2, one line.
 */

/** A failure of the namespace backend, with the exit code the CLI should use. */
export class EmuError extends Error {
  override readonly name = 'EmuError';
  /** 2 when the environment cannot run namespaces (refusal), 1 when a command failed during the work. */
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
