/**
 * A profile with per-node overrides: Linux-based profiles take kernel sysctls (in the kernel's
 * units, linux.ts); every other profile takes generic timer fields, in nanoseconds. Each overridden
 * value keeps a note of its default and source.
 */
import type { Fact } from './fact.js';
import { overridden } from './fact.js';
import type { LinuxSysctls } from './linux.js';
import { LINUX_SYSCTL_NAMES, linuxProfile } from './linux.js';
import type { ImplementationProfile, NeighborTimers } from './profile.js';

/** Overrides for profiles that are not Linux-based (times in ns). */
export interface GenericOverrides {
  readonly reachableTime?: number;
  readonly retransTime?: number;
  readonly delayFirstProbeTime?: number;
  readonly multicastSolicit?: number;
  readonly unicastSolicit?: number;
  readonly lockTime?: number;
  /** The lifetime of ARP entries of a timeout-aged table. */
  readonly arpTimeout?: number;
}

/** Profiles whose overrides are Linux sysctls. */
export const LINUX_BASED = new Set(['linux', 'linux-router']);

function set<T>(f: Fact<T>, value: T | undefined, by: string): Fact<T> {
  return value === undefined ? f : overridden(f, value, by);
}

function timers(t: NeighborTimers, o: GenericOverrides, arp: boolean): NeighborTimers {
  const by = 'scenario override';
  const reachable = arp && t.aging.value === 'timeout' ? o.arpTimeout : o.reachableTime;
  return {
    ...t,
    reachableTime: set(t.reachableTime, reachable, by),
    retransTime: set(t.retransTime, o.retransTime, by),
    delayFirstProbeTime: set(t.delayFirstProbeTime, o.delayFirstProbeTime, by),
    multicastSolicit: set(t.multicastSolicit, o.multicastSolicit, by),
    unicastSolicit: set(t.unicastSolicit, o.unicastSolicit, by),
  };
}

/**
 * `profile` with `overrides`: for Linux-based profiles the keys are sysctl names (unknown keys are
 * refused), for the others {@link GenericOverrides}.
 */
export function withOverrides(profile: ImplementationProfile, overrides: Readonly<Record<string, number>>): ImplementationProfile {
  const keys = Object.keys(overrides);
  if (keys.length === 0) return profile;
  if (LINUX_BASED.has(profile.name)) {
    for (const k of keys) if (!LINUX_SYSCTL_NAMES.includes(k as keyof LinuxSysctls)) throw new RangeError(`${k} is not a Linux sysctl the profile knows`);
    return linuxProfile({ ...(profile.name === 'linux-router' ? { forwarding: 1 } : {}), ...(overrides as Partial<LinuxSysctls>) });
  }
  const o = overrides as GenericOverrides;
  return {
    ...profile,
    arpTimers: timers(profile.arpTimers, o, true),
    ndTimers: timers(profile.ndTimers, o, false),
    arp: { ...profile.arp, lockTime: set(profile.arp.lockTime, o.lockTime, 'scenario override') },
  };
}
