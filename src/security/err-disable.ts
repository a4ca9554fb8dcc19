/**
 * Error-disabled ports, as Cisco IOS keeps them: a violation shuts a whole port (port security's
 * shutdown mode, DAI or DHCP snooping rate limits) or one VLAN on it (port security's shutdown-vlan
 * mode). Nothing passes a disabled port or VLAN, in or out. Recovery is off unless enabled per cause
 * (`errdisable recovery cause <cause>`), after one global interval, default 300 s (Cisco Catalyst
 * IOS configuration guides: errdisable recovery interval; port security, DAI and DHCP snooping
 * chapters).
 *
 * The table is pure (handed `now`); the switch adapter arms the recovery timers.
 */

/** Why a port was error-disabled (Cisco's cause names). */
export type ErrDisableCause = 'psecure-violation' | 'arp-inspection' | 'dhcp-rate-limit';

/** Every cause, in a fixed order. */
export const ERR_DISABLE_CAUSES: readonly ErrDisableCause[] = ['psecure-violation', 'arp-inspection', 'dhcp-rate-limit'];

/** Recovery settings of a switch. */
export interface ErrDisableRecoveryConfig {
  /** Causes after which a port comes back by itself; default none (recovery is off in IOS). */
  readonly causes?: readonly ErrDisableCause[];
  /** Time after which it comes back, ns; default 300 s (`errdisable recovery interval`). */
  readonly interval?: number;
}

/** Defaults of {@link ErrDisableRecoveryConfig}. */
export const ERR_DISABLE_DEFAULTS = { causes: [] as readonly ErrDisableCause[], interval: 300e9 } as const;

/** One disabled port, or one VLAN of it (`vlan` -1 = the whole port). */
export interface ErrDisabled {
  readonly port: number;
  readonly vlan: number;
  readonly cause: ErrDisableCause;
  readonly since: number;
  /** When it recovers, or -1 if only an operator brings it back. */
  readonly recoverAt: number;
}

/** Counters: plain integers. */
export class ErrDisableCounters {
  disabled = 0;
  recovered = 0;
}

/** See the module comment. */
export class ErrDisableTable {
  readonly counters = new ErrDisableCounters();
  private readonly causes: ReadonlySet<ErrDisableCause>;
  private readonly interval: number;
  private readonly entries: ErrDisabled[] = [];
  /** Fast path: how many entries exist (0 = nothing to check). */
  private count = 0;

  constructor(config: ErrDisableRecoveryConfig = {}) {
    this.causes = new Set(config.causes ?? ERR_DISABLE_DEFAULTS.causes);
    this.interval = config.interval ?? ERR_DISABLE_DEFAULTS.interval;
    if (!(this.interval >= 0)) throw new RangeError(`errdisable recovery interval must not be negative, got ${this.interval}`);
  }

  /** Whether `port` is disabled for `vlan` (whole port, or that VLAN). */
  blocks(port: number, vlan: number): ErrDisabled | undefined {
    if (this.count === 0) return undefined;
    for (const e of this.entries) if (e.port === port && (e.vlan < 0 || e.vlan === vlan)) return e;
    return undefined;
  }

  /** Disables `port` (or `vlan` on it) at `now`; returns the entry, or undefined if it already was. */
  disable(port: number, vlan: number, cause: ErrDisableCause, now: number): ErrDisabled | undefined {
    if (this.entries.some((e) => e.port === port && (e.vlan < 0 || e.vlan === vlan))) return undefined;
    const e: ErrDisabled = { port, vlan, cause, since: now, recoverAt: this.causes.has(cause) ? now + this.interval : -1 };
    this.entries.push(e);
    this.count++;
    this.counters.disabled++;
    return e;
  }

  /** Brings `e` back (its recovery timer, or an operator's `shutdown` / `no shutdown`). */
  recover(e: ErrDisabled): boolean {
    const i = this.entries.indexOf(e);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    this.count--;
    this.counters.recovered++;
    return true;
  }

  /** Every disabled port or VLAN now, in the order they were disabled. */
  list(): readonly ErrDisabled[] {
    return this.entries;
  }
}
