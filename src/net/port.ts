/**
 * A port: one end of a link, owned by a node (a switch, a host's NIC, a hypervisor's virtual
 * switch). Counts what crosses it and why frames were dropped there.
 */
import type { SimFrame } from './frame.js';
import type { Link } from './link.js';

/**
 * Why a frame was dropped. `no-egress`: a switch had to flood a frame (its destination unknown) but
 * no port leads anywhere except the one it came in by, as at a hypervisor's virtual switch whose only
 * VM has left (the frame is dropped there, IEEE 802.1D-2004 §7.7.1: a frame is never sent back out of
 * its reception port).
 */
export type DropReason =
  | 'no-link'
  | 'link-down'
  | 'queue-full'
  | 'loss'
  | 'congestion'
  | 'port-disabled'
  | 'port-blocked'
  | 'port-learning'
  | 'vlan'
  | 'same-port'
  | 'security'
  | 'no-route'
  | 'hop-limit'
  | 'rpf'
  | 'no-egress';

/** Every drop reason, in a fixed order. */
export const DROP_REASONS: readonly DropReason[] = [
  'no-link', 'link-down', 'queue-full', 'loss', 'congestion', 'port-disabled', 'port-blocked', 'port-learning',
  'vlan', 'same-port', 'security', 'no-route', 'hop-limit', 'rpf', 'no-egress',
];

/** Something with ports that frames are delivered to. */
export interface PortOwner {
  readonly name: string;
  /** A frame arrived on `port`. */
  receive(port: Port, frame: SimFrame): void;
  /** The link behind `port` went up or down. */
  linkChanged?(port: Port, up: boolean): void;
  /**
   * @internal A flood copy arrived on `port` (already counted there). When receiving it would change
   * nothing but the owner's own counters (no state, no frame sent: a bystander that only drops it),
   * counts it as `receive` would and returns {@link QUIET_TAKEN}, or {@link QUIET_DROPPED} when
   * `receive` would also have traced the drop (the batcher then hands the group's such copies to
   * {@link droppedQuietly}); otherwise does nothing and returns {@link QUIET_NOT_TAKEN}, and the copy
   * goes through `receive`. Lets a flood hand its bystanders over as a group (flood-batch.ts).
   */
  receiveQuietly?(port: Port, frame: SimFrame): number;
  /**
   * @internal Traces the drops of the copies of `frame` that `receiveQuietly` took at `ports` (in
   * order, at least one, owners of the same kind as this one) with {@link QUIET_DROPPED}, as their
   * owners' `receive` would have one by one.
   */
  droppedQuietly?(ports: readonly Port[], frame: SimFrame): void;
}

/** `PortOwner.receiveQuietly`: the copy goes through `receive`. */
export const QUIET_NOT_TAKEN = 0;
/** `PortOwner.receiveQuietly`: the copy was counted; nothing else to do. */
export const QUIET_TAKEN = 1;
/** `PortOwner.receiveQuietly`: the copy was counted and its drop is to be traced by group (`droppedQuietly`). */
export const QUIET_DROPPED = 2;

/** Per-port counters: plain integers. */
export class PortCounters {
  rxFrames = 0;
  rxBytes = 0;
  txFrames = 0;
  txBytes = 0;
  /** Frames sent out of this port because they were flooded. */
  floodedFrames = 0;
  private dropCounts: Record<DropReason, number> | null = null;

  /**
   * Drops by reason. Made at the first drop (or the first look): most ports of a large domain never
   * drop a frame, and fifteen counters on each of two million ports would be a tenth of the model.
   */
  get drops(): Record<DropReason, number> {
    // Written out (in DROP_REASONS order) rather than built from the list: every port's counters
    // share one object shape.
    return this.dropCounts ??= {
      'no-link': 0, 'link-down': 0, 'queue-full': 0, loss: 0, congestion: 0, 'port-disabled': 0, 'port-blocked': 0,
      'port-learning': 0, vlan: 0, 'same-port': 0, security: 0, 'no-route': 0, 'hop-limit': 0, rpf: 0, 'no-egress': 0,
    };
  }

  /** Total drops over every reason. */
  get dropped(): number {
    const drops = this.dropCounts;
    if (drops === null) return 0;
    let n = 0;
    for (const r of DROP_REASONS) n += drops[r];
    return n;
  }
}

/** See the module comment. */
export class Port {
  readonly owner: PortOwner;
  /** Position among the owner's ports (0-based). */
  readonly index: number;
  /** Stable, readable name, e.g. `leaf-3:p12`. */
  readonly name: string;
  readonly counters = new PortCounters();
  /** Set when a link is attached. */
  link: Link | null = null;
  /**
   * A small number unique among the ports of one network, given by the first link attached to the
   * port and kept for the port's life (-1 until then): observers index typed arrays by it instead of
   * looking ports or nodes up by name.
   */
  id = -1;

  constructor(owner: PortOwner, index: number, name: string) {
    this.owner = owner;
    this.index = index;
    this.name = name;
  }

  /** The port at the other end of the link, if any. */
  get peer(): Port | null {
    if (this.link === null) return null;
    return this.link.a === this ? this.link.b : this.link.a;
  }

  /** True when a link is attached and up. */
  get up(): boolean {
    return this.link !== null && this.link.up;
  }

  /** Sends a frame over the link; false if it was dropped at once (no link, link down, queue full, loss). */
  send(frame: SimFrame): boolean {
    if (this.link === null) {
      this.counters.drops['no-link']++;
      return false;
    }
    return this.link.transmit(this, frame);
  }
}
