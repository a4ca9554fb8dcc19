/**
 * Switch-port security features (port security / MAC locking, DHCP snooping, dynamic ARP
 * inspection, IP Source Guard, IPv6 snooping / ND inspection, RA guard, FCFS SAVI, SAVI-DHCP) and
 * the adapter that attaches them to a switch through the net layer's frame filter. Each feature is
 * pure decision logic handed `now`, with a config type whose defaults are documented (Cisco Catalyst
 * IOS unless stated; RFC constants for RA guard and SAVI) and plain-integer counters.
 *
 * For a scenario builder: make the switches, then `attachSecurity(network, sw, config)` per switch
 * with a {@link SwitchSecurityConfig} (port indexes resolved from port classes); drops are traced as
 * `frame-dropped` with reason `security` and `filter: { filter: <feature>, reason }`, err-disable
 * and recovery as `security-port`, and the returned {@link SwitchSecurity} holds the tables a remedy
 * changes (`snooping.addStatic`, `portSecurity.clear`, `fcfsSavi.bind`, `saviDhcp.bind`,
 * `ndInspection.bind`, `vnicGuard.allow`, `errDisabled`, `recover`). {@link BindingSync} copies DHCP
 * snooping bindings between switches.
 */
export type { SecurityDrop, SecurityFeature } from './verdict.js';
export { DropCounts, SECURITY_FEATURES, securityDrop } from './verdict.js';
export { RateWindow } from './rate-window.js';
export type { ErrDisableCause, ErrDisableRecoveryConfig, ErrDisabled } from './err-disable.js';
export { ERR_DISABLE_CAUSES, ERR_DISABLE_DEFAULTS, ErrDisableCounters, ErrDisableTable } from './err-disable.js';
export type { AgingType, PortSecurityConfig, PortSecuritySettings, PortSecurityVerdict, SecureMac, ViolationMode } from './port-security.js';
export { PORT_SECURITY_DEFAULTS, PortSecurity, PortSecurityCounters } from './port-security.js';
export type { DhcpBinding, DhcpSnoopingConfig, DhcpSnoopingVerdict } from './dhcp-snooping.js';
export { DHCP_SNOOPING_DEFAULTS, DhcpSnooping, DhcpSnoopingCounters } from './dhcp-snooping.js';
export type { ArpAclEntry, ArpInspectionConfig, ArpInspectionReason, ArpInspectionVerdict } from './arp-inspection.js';
export { ARP_INSPECTION_DEFAULTS, ArpInspection, ArpInspectionCounters } from './arp-inspection.js';
export type { SourceGuardConfig, SourceGuardMode, SourceGuardReason } from './source-guard.js';
export { SourceGuard, SourceGuardCounters } from './source-guard.js';
export type { HeaderChain, RaGuardConfig, RaGuardReason, RaGuardRole, RaGuardRouterCriteria, RaGuardState } from './ra-guard.js';
export { RA_GUARD_DEFAULTS, RaGuard, RaGuardCounters, headerChain } from './ra-guard.js';
export type { NdBinding, NdInspectionConfig, NdInspectionHooks } from './nd-inspection.js';
export { ND_INSPECTION_DEFAULTS, NdInspection, NdInspectionCounters } from './nd-inspection.js';
export type { FcfsSaviConfig, SaviEntry, SaviHooks, SaviReason, SaviState, SaviVerdict } from './savi-fcfs.js';
export { FCFS_SAVI, FcfsSavi, SaviCounters } from './savi-fcfs.js';
export type { SaviDhcpConfig, SaviDhcpEntry, SaviDhcpHooks, SaviDhcpReason, SaviDhcpState } from './savi-dhcp.js';
export { SAVI_DHCP, SaviDhcp, SaviDhcpCounters } from './savi-dhcp.js';
export type { VnicAddresses, VnicGuardReason } from './vnic-guard.js';
export { VnicGuard, VnicGuardCounters } from './vnic-guard.js';
export type { LeaseQueryService, SwitchSecurityConfig } from './switch-security.js';
export { SwitchSecurity, SwitchSecurityCounters, attachSecurity } from './switch-security.js';
export type { SecurityConfigProblem } from './check-config.js';
export { securityConfigProblems } from './check-config.js';
export { BindingSync, BindingSyncCounters } from './binding-sync.js';
