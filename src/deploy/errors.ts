/**
 * Errors of the deployable remedies. Bad input and an environment that cannot do the work (an
 * interface that does not exist, an address that is not on it, no permission) get exit code 2; a
 * failure during the work (an interface that never became ready, a notification refused) gets 1.
 */

/** A failure of `announce` or `agent`, with the exit code the CLI should use; its message is one line. */
export class DeployError extends Error {
  override readonly name = 'DeployError';
  /** 2 for bad input or a refusing environment, 1 for a failure of the work. */
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
