/**
 * The `output` section: what a run records besides its metrics. Output formats and file names are
 * chosen on the command line; the scenario says only what belongs to the model (where a capture is
 * taken).
 */
import { z } from 'zod';
import { section } from '../fields.js';

/** The `output` section. */
export const outputSchema = section(
  {
    pcap: z.string().min(1).optional()
      .describe('Where the capture of `run --pcap` is taken: a node name (gateway, gateway-1, vm-3, leaf-1). Default: the gateway (gateway-1 of a pair, the instance on the first edge switch for anycast).'),
  },
  'What a run records besides its metrics.',
).prefault({});

/** The parsed `output` section. */
export type OutputSettings = z.output<typeof outputSchema>;
