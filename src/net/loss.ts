/**
 * Loss models for one direction of a link, decided per frame at transmission:
 *
 * - `none`;
 * - `bernoulli`: each frame is lost independently with probability `rate`;
 * - `gilbert-elliott`: a two-state Markov chain advanced once per frame (Gilbert 1960, Elliott 1963).
 *   In the good state a frame is lost with `lossGood`, in the bad state with `lossBad`; the chain moves
 *   good→bad with `pGoodToBad` and bad→good with `pBadToGood`, so a bad period lasts 1/pBadToGood frames
 *   on average; the chain starts in its stationary distribution. {@link gilbertElliottFor} derives the transition probabilities from a loss rate and a
 *   mean burst length, the way people state bursty loss.
 *
 * Congestion windows in time (a link saturated by background traffic from t1 to t2) are modelled by the
 * link itself (link.ts), because they depend on its rate and queue, not on a per-frame coin.
 */
import type { Rng } from '../sim/index.js';

/** How a direction of a link loses frames. */
export type LossSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'bernoulli'; readonly rate: number }
  | {
    readonly kind: 'gilbert-elliott';
    readonly pGoodToBad: number;
    readonly pBadToGood: number;
    readonly lossGood: number;
    readonly lossBad: number;
  };

/** A loss process with its own state; `drop()` is asked once per frame, in transmission order. */
export interface LossProcess {
  drop(): boolean;
  /** True while a Gilbert-Elliott chain is in its bad state (false for the other models). */
  readonly inBadState: boolean;
}

/**
 * Gilbert-Elliott parameters for a long-run loss rate and a mean burst length (in frames), with loss
 * only in the bad state: π_bad = p / (p + r) = lossRate and 1 / r = meanBurstLength.
 */
export function gilbertElliottFor(lossRate: number, meanBurstLength: number): LossSpec {
  if (!(lossRate >= 0 && lossRate < 1)) throw new RangeError(`loss rate must be in [0, 1), got ${lossRate}`);
  if (!(meanBurstLength >= 1)) throw new RangeError(`mean burst length must be at least 1 frame, got ${meanBurstLength}`);
  const pBadToGood = 1 / meanBurstLength;
  const pGoodToBad = (lossRate * pBadToGood) / (1 - lossRate);
  if (pGoodToBad > 1) throw new RangeError(`loss rate ${lossRate} with bursts of ${meanBurstLength} frames is not reachable`);
  return { kind: 'gilbert-elliott', pGoodToBad, pBadToGood, lossGood: 0, lossBad: 1 };
}

/** The long-run fraction of frames a spec loses. */
export function expectedLossRate(spec: LossSpec): number {
  switch (spec.kind) {
    case 'none': return 0;
    case 'bernoulli': return spec.rate;
    case 'gilbert-elliott': {
      const sum = spec.pGoodToBad + spec.pBadToGood;
      const bad = sum === 0 ? 0 : spec.pGoodToBad / sum;
      return bad * spec.lossBad + (1 - bad) * spec.lossGood;
    }
  }
}

function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${p}`);
}

/** The loss process of a lossless direction: drops nothing and draws no random number. */
export const NO_LOSS: LossProcess = { drop: () => false, inBadState: false };

/** Makes the process for a spec, drawing from `rng` (a stream of its own, named after the link direction). */
export function lossProcess(spec: LossSpec, rng: Rng): LossProcess {
  switch (spec.kind) {
    case 'none':
      return NO_LOSS;
    case 'bernoulli':
      checkProbability('loss rate', spec.rate);
      return spec.rate === 0 ? NO_LOSS : { drop: () => rng.nextFloat() < spec.rate, inBadState: false };
    case 'gilbert-elliott': {
      checkProbability('pGoodToBad', spec.pGoodToBad);
      checkProbability('pBadToGood', spec.pBadToGood);
      checkProbability('lossGood', spec.lossGood);
      checkProbability('lossBad', spec.lossBad);
      // Start from the chain's stationary distribution: the link's state does not wait for our frames.
      const sum = spec.pGoodToBad + spec.pBadToGood;
      let bad = sum > 0 && rng.nextFloat() < spec.pGoodToBad / sum;
      return {
        get inBadState() { return bad; },
        drop() {
          // Advance the chain, then lose the frame with the new state's probability.
          bad = bad ? rng.nextFloat() >= spec.pBadToGood : rng.nextFloat() < spec.pGoodToBad;
          const p = bad ? spec.lossBad : spec.lossGood;
          return p > 0 && (p >= 1 || rng.nextFloat() < p);
        },
      };
    }
  }
}
