/** Frames a run sends, written to a pcap for tshark. */
import type { Kernel } from '../../src/sim/index.js';
import type { SimFrame } from '../../src/net/index.js';
import { AtomicFileSink, PcapWriter, emitFrame } from '../../src/wire/index.js';

/**
 * Records every `frame-sent` event whose frame passes `keep`, with its time and sending node; with
 * `nodes`, only frames those nodes sent (not the copies switches forward).
 */
export function recordSent(kernel: Kernel, keep: (frame: SimFrame) => boolean = () => true, nodes?: readonly string[]): Array<{ time: number; node: string; port: string; frame: SimFrame }> {
  const out: Array<{ time: number; node: string; port: string; frame: SimFrame }> = [];
  kernel.trace.on('frame-sent', (e) => {
    if ((nodes === undefined || nodes.includes(e.node)) && keep(e.frame)) out.push({ time: e.time, node: e.node, port: e.port, frame: e.frame });
  });
  return out;
}

/** Writes the frames to a nanosecond pcap at `path`. */
export function writePcap(path: string, frames: ReadonlyArray<{ time: number; frame: SimFrame }>): void {
  const writer = new PcapWriter(new AtomicFileSink(path));
  for (const f of frames) writer.writeAt(f.time, emitFrame(f.frame.eth));
  writer.close();
}
