/**
 * Broadcast (and multicast) load on end stations: frames received per host, and the peak number
 * received by any one host in any one-second window (aligned to whole simulated seconds), which is
 * what a VM's CPU and a hypervisor's vSwitch pay for an ARP storm.
 */
import type { Kernel } from '../sim/index.js';
import { isGroupMac } from '../wire/index.js';

interface Window {
  second: number;
  count: number;
}

/** See the module comment. */
export class BroadcastLoad {
  /** Group-addressed frames received, summed over end stations. */
  total = 0;
  /** The highest count in one second at one host. */
  peakPerHostPerSecond = 0;
  /** Where and when the peak happened. */
  peakHost: string | null = null;
  peakSecond = 0;
  /** Each receiving node's window; null for a node that is not an end station (one lookup per frame). */
  private readonly windows = new Map<string, Window | null>();

  constructor(kernel: Kernel, isEndStation: (node: string) => boolean) {
    kernel.trace.on('frame-received', (e) => {
      if (!isGroupMac(e.frame.eth.destination)) return;
      const second = Math.floor(e.time / 1e9);
      let w = this.windows.get(e.node);
      if (w === undefined) this.windows.set(e.node, (w = isEndStation(e.node) ? { second, count: 0 } : null));
      if (w === null) return;
      this.total++;
      if (w.second !== second) {
        w.second = second;
        w.count = 0;
      }
      w.count++;
      if (w.count > this.peakPerHostPerSecond) {
        this.peakPerHostPerSecond = w.count;
        this.peakHost = e.node;
        this.peakSecond = second;
      }
    });
  }
}
