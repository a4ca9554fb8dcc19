/**
 * Port security (MAC locking), as Cisco Catalyst IOS defines it (Security Configuration Guide, "Port
 * Security"): per secure port, at most `maximum` secure MAC addresses (default 1), learned
 * dynamically from source addresses, or sticky (kept, as if configured, across link changes);
 * optional aging (default off: time 0; type absolute, or inactivity) in whole minutes of 0-1440 in
 * IOS, given here in ns. Sticky addresses do not age.
 *
 * A violation happens when (a) a new source MAC would exceed the maximum on the port, or (b) a MAC
 * secured on one secure port appears on another secure port in the same VLAN. What follows is the
 * violation mode's (IOS defaults to shutdown):
 *
 * | mode | offending frames | violation counter | port |
 * | --- | --- | --- | --- |
 * | protect | dropped | no | up |
 * | restrict | dropped | yes | up |
 * | shutdown | dropped | yes | err-disabled |
 * | shutdown-vlan | dropped | yes | that VLAN err-disabled on the port |
 *
 * Dynamic secure addresses go when their port's link goes down or the port is err-disabled (IOS
 * removes them on link down), or when they age; sticky ones only when cleared (`clear`). Pure: handed
 * `now`; the adapter turns a `shutdown` verdict into an err-disabled port.
 */

/** What happens on a violation (IOS `switchport port-security violation`). */
export type ViolationMode = 'protect' | 'restrict' | 'shutdown' | 'shutdown-vlan';

/** How secure addresses age (IOS `switchport port-security aging type`). */
export type AgingType = 'absolute' | 'inactivity';

/** Port security settings of one group of ports. Times in ns. */
export interface PortSecuritySettings {
  /** Secure MAC addresses allowed on the port; default 1 (IOS; Cumulus NVUE `mac-limit` defaults to 32). */
  readonly maximum?: number;
  /** Default `shutdown`. */
  readonly violation?: ViolationMode;
  /** Learn sticky addresses; default false. */
  readonly sticky?: boolean;
  /** Aging time; default 0 = no aging. */
  readonly agingTime?: number;
  /** Default `absolute` (IOS). */
  readonly agingType?: AgingType;
}

/** Defaults of {@link PortSecuritySettings} (Cisco Catalyst IOS). */
export const PORT_SECURITY_DEFAULTS = { maximum: 1, violation: 'shutdown', sticky: false, agingTime: 0, agingType: 'absolute' } as const satisfies Required<PortSecuritySettings>;

/** Port security on a switch: which ports, with which settings. */
export interface PortSecurityConfig {
  /** Groups of secure ports (port indexes) and their settings; a port in no group is not secure. */
  readonly groups: ReadonlyArray<{ readonly ports: readonly number[] } & PortSecuritySettings>;
}

/** One secure MAC address. */
export interface SecureMac {
  readonly mac: number;
  readonly vlan: number;
  readonly port: number;
  readonly sticky: boolean;
  readonly learnedAt: number;
  lastSeen: number;
}

/** The outcome of one source address on one secure port. */
export type PortSecurityVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'learned'; readonly entry: SecureMac }
  | {
      readonly kind: 'violation';
      readonly rule: 'maximum-exceeded' | 'secured-elsewhere';
      readonly mode: ViolationMode;
      /** The port the MAC is secured on, for rule (b). */
      readonly securedOn: number;
    };

/** Counters: plain integers. */
export class PortSecurityCounters {
  learned = 0;
  aged = 0;
  removed = 0;
  /** Violations the mode counts (restrict, shutdown, shutdown-vlan; not protect). */
  violations = 0;
  /** Every violation, whatever the mode. */
  violationEvents = 0;
  maximumExceeded = 0;
  securedElsewhere = 0;
}

const PASS: PortSecurityVerdict = { kind: 'pass' };

/** See the module comment. */
export class PortSecurity {
  readonly counters = new PortSecurityCounters();
  private readonly settings = new Map<number, Required<PortSecuritySettings>>();
  /** Secure MACs by port, in learning order. */
  private readonly byPort = new Map<number, SecureMac[]>();
  /** (vlan, mac) -> entry, for rule (b). */
  private readonly byMac = new Map<string, SecureMac>();

  constructor(config: PortSecurityConfig) {
    for (const g of config.groups) {
      const s: Required<PortSecuritySettings> = {
        maximum: g.maximum ?? PORT_SECURITY_DEFAULTS.maximum,
        violation: g.violation ?? PORT_SECURITY_DEFAULTS.violation,
        sticky: g.sticky ?? PORT_SECURITY_DEFAULTS.sticky,
        agingTime: g.agingTime ?? PORT_SECURITY_DEFAULTS.agingTime,
        agingType: g.agingType ?? PORT_SECURITY_DEFAULTS.agingType,
      };
      if (!Number.isInteger(s.maximum) || s.maximum < 1) throw new RangeError(`port security maximum must be a whole number of at least 1, got ${s.maximum}`);
      if (!(s.agingTime >= 0)) throw new RangeError(`port security aging time must not be negative, got ${s.agingTime}`);
      for (const p of g.ports) this.settings.set(p, s);
    }
  }

  /** Whether `port` is a secure port. */
  secures(port: number): boolean {
    return this.settings.has(port);
  }

  /** The settings of a secure port. */
  settingsOf(port: number): Required<PortSecuritySettings> | undefined {
    return this.settings.get(port);
  }

  private key(vlan: number, mac: number): string {
    return `${vlan}/${mac}`;
  }

  private expired(e: SecureMac, now: number): boolean {
    const s = this.settings.get(e.port);
    if (s === undefined || e.sticky || s.agingTime <= 0) return false;
    return now - (s.agingType === 'absolute' ? e.learnedAt : e.lastSeen) >= s.agingTime;
  }

  private remove(e: SecureMac): void {
    const list = this.byPort.get(e.port);
    if (list !== undefined) {
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
    }
    if (this.byMac.get(this.key(e.vlan, e.mac)) === e) this.byMac.delete(this.key(e.vlan, e.mac));
  }

  /** Drops aged entries of `port` at `now` (aging is applied when the port's table is looked at). */
  private age(port: number, now: number): void {
    const list = this.byPort.get(port);
    if (list === undefined) return;
    for (const e of [...list]) {
      if (this.expired(e, now)) {
        this.remove(e);
        this.counters.aged++;
      }
    }
  }

  /** A frame with source `mac` in `vlan` arrived on `port` at `now`. */
  check(port: number, vlan: number, mac: number, now: number): PortSecurityVerdict {
    const s = this.settings.get(port);
    if (s === undefined) return PASS;
    const existing = this.byMac.get(this.key(vlan, mac));
    if (existing !== undefined && this.expired(existing, now)) {
      this.remove(existing);
      this.counters.aged++;
    } else if (existing !== undefined) {
      if (existing.port === port) {
        existing.lastSeen = now;
        return PASS;
      }
      if (this.settings.has(existing.port)) return this.violation(s, 'secured-elsewhere', existing.port);
    }
    this.age(port, now);
    const list = this.byPort.get(port) ?? [];
    if (list.length >= s.maximum) return this.violation(s, 'maximum-exceeded', port);
    const entry: SecureMac = { mac, vlan, port, sticky: s.sticky, learnedAt: now, lastSeen: now };
    list.push(entry);
    this.byPort.set(port, list);
    this.byMac.set(this.key(vlan, mac), entry);
    this.counters.learned++;
    return { kind: 'learned', entry };
  }

  private violation(s: Required<PortSecuritySettings>, rule: 'maximum-exceeded' | 'secured-elsewhere', securedOn: number): PortSecurityVerdict {
    this.counters.violationEvents++;
    if (rule === 'maximum-exceeded') this.counters.maximumExceeded++;
    else this.counters.securedElsewhere++;
    if (s.violation !== 'protect') this.counters.violations++;
    return { kind: 'violation', rule, mode: s.violation, securedOn };
  }

  /**
   * The port lost its link or was err-disabled: its dynamic secure addresses go, sticky ones stay
   * (IOS). Returns how many were removed.
   */
  portDown(port: number): number {
    const list = this.byPort.get(port);
    if (list === undefined) return 0;
    let n = 0;
    for (const e of [...list]) {
      if (e.sticky) continue;
      this.remove(e);
      n++;
    }
    this.counters.removed += n;
    return n;
  }

  /**
   * Clears a secure address (IOS `clear port-security`; an orchestrator clearing the source port after
   * a migration): `mac` in `vlan` wherever it is secured, or, with `port`, only there. Returns whether
   * one was removed.
   */
  clear(vlan: number, mac: number, port?: number): boolean {
    const e = this.byMac.get(this.key(vlan, mac));
    if (e === undefined || (port !== undefined && e.port !== port)) return false;
    this.remove(e);
    this.counters.removed++;
    return true;
  }

  /** The secure addresses of `port` at `now` (aged ones dropped first). */
  secureMacs(port: number, now: number): readonly SecureMac[] {
    this.age(port, now);
    return this.byPort.get(port) ?? [];
  }
}
