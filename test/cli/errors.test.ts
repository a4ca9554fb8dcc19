/**
 * How the CLI words a failure: one line (a scenario error one per problem) and an exit code for every
 * error, the unexpected ones included, never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/errors.js';
import { ScenarioCostError } from '../../src/run/index.js';
import { SimulationError } from '../../src/sim/index.js';
import { OutputPathError, WireError } from '../../src/wire/index.js';

describe('describeFailure', () => {
  it('an unexpected error is one line saying it is internal, exit 1', () => {
    const f = describeFailure(new TypeError('x is not a function\n    at somewhere (file.js:1:1)'));
    expect(f).toEqual({ message: 'internal error: TypeError: x is not a function (a bug in arpshift; ARPSHIFT_DEBUG=1 shows where)', exitCode: 1, internal: true });
    expect(describeFailure('a string').message).toMatch(/^internal error: a string/);
  });

  it('a failure inside the simulation is reported by its cause when that is an output or capture problem', () => {
    const full = new SimulationError(5e9, 'gateway', 'frame-send', new OutputPathError('/dev/full', 'no space left on device', 'ENOSPC'));
    expect(describeFailure(full)).toEqual({ message: '/dev/full: no space left on device', exitCode: 1 });
    const other = new SimulationError(5e9, 'gateway', 'frame-send', new RangeError('bad'));
    expect(describeFailure(other).message).toMatch(/^the run failed: event 'frame-send' on node 'gateway'/);
  });

  it('typed errors keep their own message and code', () => {
    expect(describeFailure(new WireError('truncated', 'pcap', 'record data', 40, '16 bytes', '3 bytes')).exitCode).toBe(1);
    expect(describeFailure(new ScenarioCostError('s', [{ code: 'capacity', path: ['traffic', 0, 'rate'], expected: 'less', found: 'more' }]))).toEqual({
      message: 'scenario s is too costly to run here:\ntraffic.0.rate: expected less, found more', exitCode: 2,
    });
  });
});
