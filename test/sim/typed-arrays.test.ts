/** `resized`: a grown copy of a typed array keeps its kind and elements and fills the rest. */
import { describe, expect, it } from 'vitest';
import { resized } from '../../src/sim/index.js';

describe('resized', () => {
  it('copies the elements into a larger array of the same kind, the new ones filled', () => {
    const f = resized(Float64Array.from([1.5, 2.5]), 4);
    expect(f).toBeInstanceOf(Float64Array);
    expect([...f]).toEqual([1.5, 2.5, 0, 0]);
    const i = resized(Int32Array.from([7, -3, 9]), 5, -1);
    expect(i).toBeInstanceOf(Int32Array);
    expect([...i]).toEqual([7, -3, 9, -1, -1]);
    const u = resized(Uint8Array.from([1]), 3);
    expect(u).toBeInstanceOf(Uint8Array);
    expect([...u]).toEqual([1, 0, 0]);
  });
});
