/**
 * What a security feature says about a frame: nothing (it passes), or a drop naming the feature and
 * the reason. Drops are shared constants (one object per feature and reason), so deciding allocates
 * nothing; the switch counts them under the drop reason `security` and traces them with these words.
 */
import type { FilterDrop } from '../net/index.js';

/** The features of this layer, as drops and counters name them. */
export type SecurityFeature =
  | 'port-security'
  | 'dhcp-snooping'
  | 'arp-inspection'
  | 'ip-source-guard'
  | 'nd-inspection'
  | 'ra-guard'
  | 'savi-fcfs'
  | 'savi-dhcp'
  | 'vnic-guard'
  | 'err-disabled';

/** Every feature, in a fixed order (for reports and JSON keys). */
export const SECURITY_FEATURES: readonly SecurityFeature[] = [
  'port-security', 'dhcp-snooping', 'arp-inspection', 'ip-source-guard', 'nd-inspection', 'ra-guard', 'savi-fcfs', 'savi-dhcp', 'vnic-guard', 'err-disabled',
];

/** A drop decided by a feature: `filter` is the feature, `reason` a short kebab-case cause. */
export interface SecurityDrop extends FilterDrop {
  readonly filter: SecurityFeature;
}

const DROPS = new Map<string, SecurityDrop>();

/** The shared drop object for (feature, reason). */
export function securityDrop(feature: SecurityFeature, reason: string): SecurityDrop {
  const key = `${feature}/${reason}`;
  let d = DROPS.get(key);
  if (d === undefined) {
    d = Object.freeze({ filter: feature, reason });
    DROPS.set(key, d);
  }
  return d;
}

/** Drops counted by reason: plain integers keyed by reason, in first-seen order. */
export class DropCounts {
  readonly byReason = new Map<string, number>();

  add(reason: string): void {
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
  }

  get total(): number {
    let n = 0;
    for (const v of this.byReason.values()) n += v;
    return n;
  }
}
