/**
 * The `loss` section: impairments of links, per direction: a loss model (decided per frame by
 * src/net/loss.ts) and congestion windows (background load, modelled by src/net/link.ts). The
 * Gilbert-Elliott model takes either a loss rate and a mean burst length, or its four transition
 * and loss probabilities; which form is complete is checked after the schema.
 */
import { z } from 'zod';
import { duration, probability, section } from '../fields.js';

const model = z.discriminatedUnion('kind', [
  section({ kind: z.literal('none').describe('No loss.') }, 'No random loss.'),
  section(
    {
      kind: z.literal('bernoulli').describe('Each frame is lost independently.'),
      rate: probability({ belowOne: true }).describe('Probability that a frame is lost, in [0, 1).'),
    },
    'Independent loss.',
  ),
  section(
    {
      kind: z.literal('gilbert-elliott').describe('Bursty loss: a two-state Markov chain advanced once per frame.'),
      lossRate: probability({ belowOne: true }).optional().describe('Long-run fraction of frames lost, in [0, 1) (with meanBurstLength; loss only in the bad state).'),
      meanBurstLength: z.number({ error: 'a number of frames, at least 1' }).min(1).max(1e9).optional().describe('Mean number of consecutive frames lost in a burst, at least 1 (with lossRate).'),
      pGoodToBad: probability().optional().describe('Per-frame probability of moving from the good to the bad state (with pBadToGood).'),
      pBadToGood: probability().optional().describe('Per-frame probability of moving from the bad to the good state (with pGoodToBad).'),
      lossGood: probability().optional().describe('Loss probability in the good state (default 0; with pGoodToBad and pBadToGood).'),
      lossBad: probability().optional().describe('Loss probability in the bad state (default 1; with pGoodToBad and pBadToGood).'),
    },
    'Gilbert-Elliott bursty loss: {lossRate, meanBurstLength}, or {pGoodToBad, pBadToGood, lossGood, lossBad}.',
  ),
], { error: 'a loss model with a kind: none, bernoulli or gilbert-elliott' });

const congestionWindow = section(
  {
    start: duration().describe('When the background load starts.'),
    end: duration().describe('When it ends (after start).'),
    load: z.number({ error: 'a fraction of the line rate, more than 0 and at most 1' }).gt(0).max(1).default(1)
      .describe('Fraction of the line rate the background traffic uses, in (0, 1]; 1 (default) keeps the queue full, so every frame that arrives is dropped.'),
  },
  'Background traffic that saturates the direction from start to end.',
);

/** One loss rule. */
export const lossRuleSchema = section(
  {
    links: z.string({ error: 'a link name, a port name or a glob over link names' }).min(1)
      .describe('The links: a link name (leaf-1:p49<->spine-1:p1), a port name (leaf-1:p3), a node name (vm-7: its links), or a glob with * and ? (leaf-1:* = every link with an end on leaf-1). Quote a pattern that starts with *.'),
    direction: z.enum(['a-to-b', 'b-to-a', 'both']).default('both')
      .describe('Which direction: a-to-b (from the end named first in the link name), b-to-a, or both (default).'),
    model: model.prefault({ kind: 'none' }).describe('Loss model: none (default), bernoulli {rate}, or gilbert-elliott {lossRate, meanBurstLength} or {pGoodToBad, pBadToGood, lossGood, lossBad}.'),
    congestion: z.array(congestionWindow).default([]).describe('Congestion windows (default none).'),
  },
  'Impairments of a set of links.',
);

/** A parsed loss rule (before normalisation of the model). */
export type LossRuleSettings = z.output<typeof lossRuleSchema>;
