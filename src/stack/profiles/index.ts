/**
 * The profile catalogue: every built-in profile by name, and per-node overrides.
 */
import type { ImplementationProfile } from './profile.js';
import { LINUX_DEFAULTS, LINUX_SYSCTL_NAMES, linuxProfile } from './linux.js';
import type { LinuxSysctls } from './linux.js';
import { ARISTA_EOS_PROFILE, CISCO_IOS_PROFILE, FREEBSD_PROFILE, JUNOS_PROFILE, NS3_PROFILE, WINDOWS_PROFILE } from './others.js';
import { RFC4861_PROFILE, RFC826_PROFILE } from './rfc.js';

export type { Fact } from './fact.js';
export { fact, overridden, unverified } from './fact.js';
export type { AgingModel, AnnouncePolicy, ArpReceivePolicy, DadPolicy, DhcpClientPolicy, EchoPolicy, ImplementationProfile, NdReceivePolicy, NeighborTimers } from './profile.js';
export type { LinuxSysctls };
export { LINUX_DEFAULTS, LINUX_SYSCTL_NAMES, linuxProfile };
export type { GenericOverrides } from './overrides.js';
export { LINUX_BASED, withOverrides } from './overrides.js';
export { ARISTA_EOS_PROFILE, CISCO_IOS_PROFILE, FREEBSD_PROFILE, JUNOS_PROFILE, NS3_PROFILE, RFC4861_PROFILE, RFC826_PROFILE, WINDOWS_PROFILE };

/** Every built-in profile by name. */
export const PROFILES: Readonly<Record<string, ImplementationProfile>> = {
  linux: linuxProfile(),
  'linux-router': linuxProfile({ forwarding: 1 }),
  rfc826: RFC826_PROFILE,
  rfc4861: RFC4861_PROFILE,
  windows: WINDOWS_PROFILE,
  freebsd: FREEBSD_PROFILE,
  ns3: NS3_PROFILE,
  'cisco-ios': CISCO_IOS_PROFILE,
  junos: JUNOS_PROFILE,
  'arista-eos': ARISTA_EOS_PROFILE,
};

/** The names of the built-in profiles. */
export const PROFILE_NAMES: readonly string[] = Object.keys(PROFILES);
