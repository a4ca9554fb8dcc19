/**
 * The bar of `arpshift run`: with several runs at once (`--jobs`), runs report their simulated time
 * in turn; the bar shows the share of all of it done, and one label for the whole (runs done, the
 * slowest running run's share), whichever run reported last.
 */
import { describe, expect, it } from 'vitest';
import { RunsProgress } from '../../src/cli/progress.js';

const S = 1e9;

describe('the progress of a scenario\'s runs', () => {
  it('one label for the whole, whichever run reports: runs done and the slowest running one', () => {
    const runs = 4;
    const p = new RunsProgress(runs);
    const duration = 400 * S;
    // Runs 0 and 1 advance at once, reporting in turn.
    const first = p.update(0, 0.1 * duration, duration);
    expect(first.label).toBe(`0/${runs} runs done, slowest running 10 %`);
    const second = p.update(1, 0.3 * duration, duration);
    expect(second.label).toBe(first.label);
    const third = p.update(0, 0.2 * duration, duration);
    expect(third.label).toBe(`0/${runs} runs done, slowest running 20 %`);
    // Run 1 reports again: nothing the label shows has changed, so neither has the label.
    const fourth = p.update(1, 0.4 * duration, duration);
    expect(fourth.label).toBe(third.label);
    expect(fourth.percentage).toBe(Math.floor(((0.2 + 0.4) / runs) * 100));
    // Run 1 ends; run 2 starts in its lane and is now the slowest.
    p.update(1, duration, duration);
    const fifth = p.update(2, 0.05 * duration, duration);
    expect(fifth.label).toBe(`1/${runs} runs done, slowest running 5 %`);
    expect(fifth.percentage).toBe(Math.floor(((0.2 + 1 + 0.05) / runs) * 100));
    for (const run of [0, 2, 3]) p.update(run, duration, duration);
    expect(p.update(3, duration, duration)).toEqual({ percentage: 100, label: `${runs}/${runs} runs done` });
  });

  it('a scenario of one run has no label; its share is the bar', () => {
    const p = new RunsProgress(1);
    expect(p.update(0, 3 * S, 8 * S)).toEqual({ percentage: Math.floor((3 / 8) * 100), label: '' });
  });
});
