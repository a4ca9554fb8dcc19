/**
 * The V8 heap of `arpshift run` (and of `arpshift sweep`, for the largest of its points: its worker
 * threads share the process's heap limit): node's default old space (about 4 GiB on a 64-bit
 * machine with enough memory) holds a model of about a million hosts at most, so a scenario whose
 * estimated memory does not fit is run in a child process of the same node with a larger
 * `--max-old-space-size`, chosen from the estimate and the machine's memory, and a larger young
 * generation (`--max-semi-space-size`, {@link SEMI_SPACE_MIB}): building such a model keeps nearly
 * everything it allocates, and with V8's default semi-spaces each object is copied twice by
 * scavenges before it reaches the old space. Scenarios that fit (all
 * but the largest) run in this process as before, with no second start. When the machine cannot hold
 * the model, the command says so before anything runs.
 */
import { spawn } from 'node:child_process';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { CliError } from './errors.js';

/** Set in the child's environment: the heap was raised once, never again. */
const RAISED = 'ARPSHIFT_HEAP_RAISED';
const MIB = 2 ** 20;
const GIB = 2 ** 30;
/** The heap asked for, over the estimate: room for the run's own garbage and the estimate's error. */
const HEADROOM = 1.5;
/** The share of the machine's memory the heap may take (the rest: node's own memory, the OS, others). */
const MACHINE_SHARE = 0.75;

/**
 * The semi-space size given to the re-run (MiB; V8's default is at most 16 on 64-bit machines):
 * fewer scavenges for a model that grows to gigabytes, for about three times this much more memory.
 */
export const SEMI_SPACE_MIB = 64;

/** The flags of the re-run: the heap of `size` MiB, and the larger young generation unless node was already given one. */
export function rerunFlags(execArgv: readonly string[], size: number): string[] {
  const young = execArgv.some((a) => a.startsWith('--max-semi-space-size')) ? [] : [`--max-semi-space-size=${SEMI_SPACE_MIB}`];
  return [`--max-old-space-size=${size}`, ...young];
}

const gib = (bytes: number): string => (bytes / GIB).toFixed(1);

/** The heap size to ask for, MiB, for an estimated `memory` bytes (a whole 256 MiB). */
export function heapFor(memory: number): number {
  return Math.ceil((memory * HEADROOM) / MIB / 256) * 256;
}

/**
 * Runs this same command again with a heap large enough for `memory` bytes when this process's heap
 * is too small, and returns the child's exit code; undefined when this process can run it (or already
 * is the child). Throws a {@link CliError} (exit 2) when the machine cannot hold it, unless `force`
 * (then it tries with as much as the machine allows).
 */
export async function runWithHeapFor(memory: number, options: { readonly force: boolean; readonly quiet: boolean }): Promise<number | undefined> {
  const limit = getHeapStatistics().heap_size_limit;
  if (memory * HEADROOM <= limit || process.env[RAISED] !== undefined) return undefined;
  const machine = totalmem();
  const most = Math.floor((machine * MACHINE_SHARE) / MIB / 256) * 256;
  let size = heapFor(memory);
  if (size > most) {
    if (!options.force) {
      throw new CliError(`this scenario needs about ${gib(memory)} GiB of memory for its model and this machine has ${gib(machine)} GiB (at most ${gib(most * MIB)} GiB for the heap): make it smaller (fewer hosts), or pass --force to try with ${gib(most * MIB)} GiB`, 2);
    }
    size = most;
  }
  if (size * MIB <= limit) return undefined;
  const flags = rerunFlags(process.execArgv, size);
  if (!options.quiet) process.stderr.write(`arpshift: this scenario needs about ${gib(memory)} GiB for its model and ${gib(memory * HEADROOM)} GiB with room for the run, more than node's heap of ${gib(limit)} GiB here: running it with ${flags.join(' ')}\n`);
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RAISED]: String(size) },
  });
  // An interrupt or termination request sent to this process is passed on as SIGTERM, and the child
  // ends its run as it would alone (exit 130, no output file left). Ctrl-C at the terminal reaches
  // both processes (one process group): the child then gets SIGINT from the terminal and SIGTERM from
  // here, and stops once (its handlers only abort the run, which a second request leaves aborted);
  // forwarding SIGINT itself would give the child two SIGINTs, the second after its handler is gone.
  const forward = (): void => { child.kill('SIGTERM'); };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<number>((resolve, reject) => {
    child.on('error', (e) => reject(new CliError(`could not start node again with a larger heap: ${e.message}`, 1)));
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 130 : 1));
    });
  });
}
