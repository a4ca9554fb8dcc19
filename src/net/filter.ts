/**
 * The hook through which a layer above Layer 2 decides, frame by frame, what a switch lets in and
 * out (switch-port security features live in src/security and attach themselves here). The switch
 * knows nothing of what the filter checks: it asks, and a refused frame is dropped, counted on the
 * port under the drop reason `security` and traced as `frame-dropped` with the filter's own words.
 *
 * A filter that shuts a port (err-disable) or lets it recover does so by refusing every frame there
 * for as long as it wants and, if it wishes, by flushing the port's learned entries (`flush`); timers
 * are its own (the kernel's). With no filter attached, a switch pays one null check when a frame
 * arrives and one where it leaves (a forwarded unicast, or a flood).
 */
import type { SimFrame } from './frame.js';
import type { Port } from './port.js';

/**
 * Why a filter refused a frame: which filter (a feature's name, e.g. `arp-inspection`) and why
 * (e.g. `no-binding`). Filters should hand out shared constant objects: nothing is allocated per drop.
 */
export interface FilterDrop {
  readonly filter: string;
  readonly reason: string;
}

/** Asked by a switch about every frame in and every copy out; null lets the frame pass. */
export interface FrameFilter {
  /** A frame arrived on `port` and belongs to `vlan` (after VLAN classification, before learning). */
  ingress(port: Port, frame: SimFrame, vlan: number): FilterDrop | null;
  /**
   * A copy of a frame of `vlan` is about to leave `port` (forwarded or flooded; untagged here, the
   * port adds its tag afterwards); `ingress` is the port it came in on, null when it came from a
   * fabric (decapsulated).
   */
  egress(port: Port, frame: SimFrame, vlan: number, ingress: Port | null): FilterDrop | null;
  /** The link of one of the switch's ports went up or down (after the switch flushed it). */
  linkChanged?(port: Port, up: boolean): void;
}
