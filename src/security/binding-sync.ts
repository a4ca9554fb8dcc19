/**
 * DHCP snooping bindings synchronised across switches: every `interval`, each member switch's own
 * bindings (snooped, recovered or configured) are copied into every other member's table, and copies
 * whose original is gone are removed. Vendors sell such features under several names (a shared
 * binding database, stack or MLAG peers exchanging their tables); how each behaves is unverified, so
 * this models the common core: a copy knows the address, the MAC and the VLAN, but not a port of the
 * switch that holds it (its port is -1). Checks that ignore the port (DAI as Cisco and Dell describe
 * it) therefore admit a VM that moved to another switch at once; port-bound checks (IP Source Guard,
 * port-matching DAI, a RELEASE's interface check) still refuse it. A switch's own binding is never
 * replaced by a copy.
 *
 * The timer is the kernel's; what is copied is read from the tables each round, in a fixed order
 * (members in the order given, bindings by address).
 */
import type { Kernel } from '../sim/index.js';
import { Timer } from '../sim/index.js';
import type { Ipv4Address, MacAddress } from '../wire/index.js';
import type { SwitchSecurity } from './switch-security.js';

/** Counters: plain integers. */
export class BindingSyncCounters {
  rounds = 0;
  /** Copies put in place or refreshed. */
  copied = 0;
  withdrawn = 0;
}

/** See the module comment. */
export class BindingSync {
  readonly counters = new BindingSyncCounters();
  private readonly kernel: Kernel;
  private readonly members: readonly SwitchSecurity[];
  private readonly interval: number;
  private readonly timer: Timer;

  /** Synchronises `members` every `interval` ns from `start` (the first round runs at `start`). */
  constructor(kernel: Kernel, members: readonly SwitchSecurity[], interval: number, start = 0) {
    if (!(interval > 0)) throw new RangeError(`binding synchronisation interval must be positive, got ${interval}`);
    this.kernel = kernel;
    this.members = members;
    this.interval = interval;
    this.timer = new Timer(kernel, 'binding-sync', 'binding-sync', () => this.round());
    this.timer.setAt(Math.max(start, kernel.now));
  }

  /** One round: copy every member's own bindings to the others, withdraw orphaned copies. */
  round(): void {
    const now = this.kernel.now;
    this.counters.rounds++;
    const origin = new Map<Ipv4Address, { readonly mac: MacAddress; readonly vlan: number; readonly expires: number; readonly from: SwitchSecurity }>();
    for (const m of this.members) {
      for (const b of m.snooping.bindings(now)) {
        if (b.type === 'synced' || origin.has(b.address)) continue;
        origin.set(b.address, { mac: b.mac, vlan: b.vlan, expires: b.expires, from: m });
      }
    }
    for (const m of this.members) {
      for (const b of m.snooping.bindings(now)) {
        if (b.type === 'synced' && !origin.has(b.address)) {
          m.snooping.remove(b.address);
          this.counters.withdrawn++;
        }
      }
      for (const [address, o] of origin) {
        if (o.from === m) continue;
        if (m.snooping.addSynced({ address, mac: o.mac, vlan: o.vlan, expires: o.expires })) this.counters.copied++;
      }
    }
    this.timer.set(this.interval);
  }
}
