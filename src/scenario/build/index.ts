/**
 * The builder of a model from a validated scenario: {@link buildModel} and what it returns.
 */
export type { Model } from './model.js';
export { buildModel } from './model.js';
export { startOffsets } from './traffic.js';
export type { BuiltFlowRecord, BuiltTraffic } from './traffic.js';
export type { BuiltSecurity, PlannedAddresses } from './security.js';
export type { BuiltDhcp } from './dhcp.js';
export type { BuiltClaimant } from './contention.js';
export type { PortView, SwitchView } from './ports.js';
export { planPorts } from './ports.js';
