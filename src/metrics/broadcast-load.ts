/**
 * Broadcast (and multicast) load on end stations: frames received per host, and the peak number
 * received by any one host in any one-second window (aligned to whole simulated seconds), which is
 * what a VM's CPU and a hypervisor's vSwitch pay for an ARP storm.
 */
import type { Kernel } from '../sim/index.js';
import { isGroupMac } from '../wire/index.js';
import { PortSlots, grownTo } from './port-slots.js';

/** See the module comment. */
export class BroadcastLoad {
  /** Group-addressed frames received, summed over end stations. */
  total = 0;
  /** The highest count in one second at one host. */
  peakPerHostPerSecond = 0;
  /** Where and when the peak happened. */
  peakHost: string | null = null;
  peakSecond = 0;
  private readonly slots: PortSlots;
  /** Each end station's current window, by slot: its second and its count in it. */
  private seconds: Float64Array<ArrayBuffer> = new Float64Array(0);
  private counts: Float64Array<ArrayBuffer> = new Float64Array(0);

  constructor(kernel: Kernel, isEndStation: (node: string) => boolean) {
    this.slots = new PortSlots(isEndStation);
    kernel.trace.on('frames-received', (e) => {
      if (!isGroupMac(e.frame.eth.destination)) return;
      const second = Math.floor(e.time / 1e9);
      const ports = e.ports;
      const ids = e.ids;
      for (let i = e.from; i < e.to; i++) {
        const slot = this.slots.slotOf(ids[i]!, ports[i]!);
        if (slot < 0) continue;
        if (slot >= this.counts.length) this.grow(slot, second);
        this.total++;
        const counts = this.counts;
        if (this.seconds[slot] !== second) {
          this.seconds[slot] = second;
          counts[slot] = 0;
        }
        const n = ++counts[slot]!;
        if (n > this.peakPerHostPerSecond) {
          this.peakPerHostPerSecond = n;
          this.peakHost = this.slots.names[slot]!;
          this.peakSecond = second;
        }
      }
    }, { skipsPlain: true });
  }

  private grow(slot: number, second: number): void {
    const from = this.seconds.length;
    this.seconds = grownTo(this.seconds, slot);
    this.counts = grownTo(this.counts, slot);
    this.seconds.fill(second, from);
  }
}
