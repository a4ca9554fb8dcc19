/**
 * The copies of one flood that arrive at the same time, delivered by one kernel event: a switch that
 * floods a frame out of a thousand ports queues a handful of events (one per distinct arrival time,
 * usually one), not a thousand.
 *
 * Nothing is allocated per receiver, nor, once warm, per flood: a group keeps its receivers in arrays
 * it reuses, and its delivery callback is made once; groups go back to their batcher's pool when
 * delivered. (Each copy still reserves its own link, so queues, loss and link state apply per port,
 * and a copy whose link changed state before it arrived is lost, as `Link.transmit` does.)
 *
 * Bystanders: a receiver that would only count the copy and drop it (a host that is not the target of
 * an ARP request and keeps no entry for its sender, or a host the copy of an unknown-unicast or
 * multicast flood is not addressed to; see `PortOwner.receiveQuietly`) is counted at its port and by
 * its owner, and consecutive such receivers are reported as one `frames-received` trace event, and
 * those of them whose owner traces the drop as one drop event of the owner's (`droppedQuietly`): no
 * per-receiver event object, listener call or receive path. The other receivers go through
 * `Link.deliver` in order, between the groups, so every listener sees the same frames in the same
 * order as with one delivery per copy. On the send side, the copies one flood sends of one frame are
 * reported as one `frames-sent` event when the flood is flushed (`frame-sent` stays one per copy,
 * for whoever listens to it). While anyone listens to the per-receiver `frame-received`,
 * or with {@link FloodBatcher.groupBystanders} off, every copy goes through `Link.deliver`.
 */
import type { EventSite } from '../sim/index.js';
import type { SimFrame } from './frame.js';
import type { Link } from './link.js';
import type { Port } from './port.js';
import { QUIET_DROPPED, QUIET_NOT_TAKEN } from './port.js';
import type { TraceSink } from './trace.js';

/**
 * Empties a reused array. Popping its few elements is cheaper than setting `length` to 0 (a call into
 * the runtime, 2 % of the default comparison's profile), and keeps its storage for the next group.
 */
function empty(array: unknown[]): void {
  while (array.length > 0) array.pop();
}

/** Copies of one frame arriving at one time. */
class FloodGroup {
  at = 0;
  frame: SimFrame | null = null;
  count = 0;
  /** The network's link state changes when the group opened (TraceSink `linkChanges`). */
  linkChanges = 0;
  readonly ports: Port[] = [];
  readonly links: Link[] = [];
  readonly epochs: number[] = [];
  /** Delivers the group and returns it to its batcher (made once per group). */
  readonly deliver: () => void;

  constructor(batcher: FloodBatcher) {
    this.deliver = () => batcher.deliver(this);
  }

  add(port: Port, link: Link, epoch: number): void {
    const k = this.count++;
    if (k < this.ports.length) {
      this.ports[k] = port;
      this.links[k] = link;
      this.epochs[k] = epoch;
    } else {
      this.ports.push(port);
      this.links.push(link);
      this.epochs.push(epoch);
    }
  }
}

/** Groups the copies of a sender's floods by arrival time and frame; one per flooding node. */
export class FloodBatcher {
  /**
   * @internal Whether bystanders are handed over as groups (see the module comment). The result is
   * the same either way; tests turn it off to compare the two paths.
   */
  static groupBystanders = true;

  /**
   * @internal Whether the copies a flood sends are reported on `frames-sent` as groups (consecutive
   * copies of one frame object: one event), rather than one event each. The same either way; tests
   * turn it off to compare the two paths.
   */
  static groupSends = true;

  private readonly pool: FloodGroup[] = [];
  private readonly open: FloodGroup[] = [];
  private readonly trace: TraceSink;
  /** The bystanders of the group being delivered, since the last copy that went through `Link.deliver`. */
  private readonly quiet: Port[] = [];
  /** Those of {@link quiet} whose owner dropped the copy with a trace of the drop (`QUIET_DROPPED`). */
  private readonly drops: Port[] = [];
  /** The ports the copies of {@link sentFrame} left by so far in this flood (reported by `flush`). */
  private readonly sent: Port[] = [];
  private sentFrame: SimFrame | null = null;

  constructor(trace: TraceSink) {
    this.trace = trace;
  }

  /**
   * Reserves `port`'s link for `frame` and adds the copy to the open group of its arrival time (and
   * frame); nothing when the link refused it (counted and traced by the link).
   */
  add(port: Port, frame: SimFrame): void {
    const link = port.link!;
    const at = link.reserve(port, frame, FloodBatcher.groupSends);
    if (at < 0) return;
    if (FloodBatcher.groupSends) {
      if (frame !== this.sentFrame) this.reportSent(frame);
      this.sent.push(port);
    }
    const open = this.open;
    let g: FloodGroup | undefined;
    for (let i = 0; i < open.length; i++) {
      const candidate = open[i]!;
      if (candidate.at === at && candidate.frame === frame) {
        g = candidate;
        break;
      }
    }
    if (g === undefined) {
      g = this.pool.pop() ?? new FloodGroup(this);
      g.at = at;
      g.frame = frame;
      g.linkChanges = this.trace.linkChanges;
      open.push(g);
    }
    g.add(port.peer!, link, link.epoch);
  }

  /** Queues one event at `site` per group opened since the last flush. */
  flush(site: EventSite): void {
    this.reportSent(null);
    const open = this.open;
    for (let i = 0; i < open.length; i++) site.postAt(open[i]!.at, open[i]!.deliver);
    empty(open);
  }

  /** Hands every copy of `g` to its link, then pools the group. */
  deliver(g: FloodGroup): void {
    const frame = g.frame!;
    const ports = g.ports;
    const links = g.links;
    const epochs = g.epochs;
    if (!FloodBatcher.groupBystanders || this.trace.perReceiver) {
      for (let k = 0; k < g.count; k++) links[k]!.deliver(ports[k]!, frame, epochs[k]!);
    } else {
      const quiet = this.quiet;
      const size = frame.size;
      // No link of the network changed state since the group opened: every copy's epoch is current.
      const steady = g.linkChanges === this.trace.linkChanges;
      for (let k = 0; k < g.count; k++) {
        const port = ports[k]!;
        const owner = port.owner;
        if (owner.receiveQuietly !== undefined && (steady || epochs[k] === links[k]!.epoch)) {
          const taken = owner.receiveQuietly(port, frame);
          if (taken !== QUIET_NOT_TAKEN) {
            const c = port.counters;
            c.rxFrames++;
            c.rxBytes += size;
            quiet.push(port);
            if (taken === QUIET_DROPPED) this.drops.push(port);
            continue;
          }
        }
        if (quiet.length > 0) this.report(quiet, frame);
        links[k]!.deliver(port, frame, epochs[k]!);
      }
      if (quiet.length > 0) this.report(quiet, frame);
    }
    g.frame = null;
    g.count = 0;
    this.pool.push(g);
  }

  /** Traces the copies sent so far as one `frames-sent` group and starts one for `next`. */
  private reportSent(next: SimFrame | null): void {
    const sent = this.sent;
    if (sent.length > 0) {
      this.trace.sentGroup(sent, this.sentFrame!);
      empty(sent);
    }
    this.sentFrame = next;
  }

  /**
   * Traces the bystanders gathered so far as one group, then the drops among them (as each receiver
   * would trace its own after its `frame-received`), and starts a new group.
   */
  private report(quiet: Port[], frame: SimFrame): void {
    this.trace.receivedGroup(quiet, frame);
    empty(quiet);
    const drops = this.drops;
    if (drops.length > 0) {
      drops[0]!.owner.droppedQuietly!(drops, frame);
      empty(drops);
    }
  }
}
