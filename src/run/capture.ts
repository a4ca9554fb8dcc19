/**
 * What a capture at one node would hold: every frame the node sends and receives, in order, as
 * little-endian nanosecond pcap written into a sink the caller owns (and closes, or abandons, when the
 * whole command is over).
 */
import type { Model } from '../scenario/index.js';
import type { BufferedSink } from '../wire/index.js';
import { PcapWriter, emitFrame } from '../wire/index.js';

/** A capture attached to a model: call {@link flush} when the run is over. */
export interface Capture {
  /** Writes out what is buffered (the sink itself stays open). */
  flush(): void;
}

/** Attaches a pcap writer for the frames `node` sends and receives, from now on, writing into `sink`. */
export function attachCapture(model: Model, node: string, sink: BufferedSink): Capture {
  const writer = new PcapWriter(sink);
  const trace = model.kernel.trace;
  // Sent frames by group (trace.ts `frames-sent`): the copies of one frame out of several of the node's ports.
  trace.on('frames-sent', (e) => {
    if (e.node !== node) return;
    for (let i = e.from; i < e.to; i++) writer.writeAt(e.time, emitFrame(e.frame.eth));
  });
  // Received frames by group (trace.ts `frames-received`): the node's own port is looked for among
  // the receivers, by the node itself where the network knows it, else by name.
  const owner = model.network.node(node);
  trace.on('frames-received', (e) => {
    const ports = e.ports;
    for (let i = e.from; i < e.to; i++) {
      const at = ports[i]!.owner;
      if (owner !== undefined ? at === owner : at.name === node) writer.writeAt(e.time, emitFrame(e.frame.eth));
    }
  });
  return { flush: () => sink.flush() };
}
