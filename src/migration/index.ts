/**
 * Live migration: hypervisors with virtual switches, the pre-copy model, the migration of a VM from
 * one hypervisor to another, and the announcement and remedy strategies (including a management-plane
 * controller and EVPN-style MAC mobility), and what a move does to the switches' security state
 * when a management plane acts on it.
 */
export type { HypervisorConfig } from './hypervisor.js';
export { Hypervisor } from './hypervisor.js';
export type { VswitchBehaviour, VswitchKind } from './vswitch.js';
export { VSWITCHES, VSWITCH_KINDS } from './vswitch.js';
export type { PreCopyParams, PreCopyPlan } from './pre-copy.js';
export { QEMU_DOWNTIME_LIMIT, QEMU_MAX_BANDWIDTH, preCopyPlan } from './pre-copy.js';
export type { RemedySpec } from './remedies.js';
export { QEMU_ANNOUNCE, qemuAnnounceTimes, remedyName } from './remedies.js';
export { pushMacLocation, pushNeighbor, reResolveNeighbor, syncAnycastNeighbors, withdrawMac } from './control-plane.js';
export type { Edge, EvpnConfig } from './evpn.js';
export { EvpnControlPlane } from './evpn.js';
export type { MigrationPhase, MigrationSchedule, MigrationSpec, MigrationTiming, MigrationWorld } from './live-migration.js';
export { LiveMigration, migrationSchedule, startKeepalive } from './live-migration.js';
export type { SecurityMove } from './security-plane.js';
export { SecurityPlane, SecurityPlaneCounters } from './security-plane.js';
