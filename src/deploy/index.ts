/**
 * Remedies an operator deploys on real Linux machines: `announce` (a migration announcement as raw
 * frames on the hypervisor, on QEMU's schedule, once the path can carry it) and `agent` (a service on
 * the gateway that repairs its neighbour entries when the management plane reports a move). Above
 * `emu` (raw sockets) and the wire codecs; below `probe`, the public API and the CLI.
 */
export { DeployError } from './errors.js';
export type { AnnounceOptions, AnnounceReport, AnnounceRound, AnnounceSchedule } from './announce.js';
export { ANNOUNCE_SCHEDULES, announce, waitUntilForwarding } from './announce.js';
export type { AnnouncementKind, AnnouncementSpec, OutgoingFrame } from './frames.js';
export { announcementFrames, arpRequestFrame, neighborSolicitationFrame } from './frames.js';
export type { InterfaceAddress, LinkState } from './link.js';
export { BRIDGE_PORT_STATES, interfaceAddresses, linkReady, readLink } from './link.js';
export type { CustomTiming, QemuTiming } from './schedule.js';
export { QEMU_TIMING, customTimesMs, qemuTimesMs } from './schedule.js';
export type { MigrationEvent, NotifyResult } from './notify.js';
export { EVENTS_PATH, notifyAgent } from './notify.js';
export type { AgentConfig, AgentOverrides, ListenAddress } from './agent-config.js';
export { agentConfigSchema, loadAgentConfig, parseAgentConfig, parseListen } from './agent-config.js';
export type { AddressChange, AgentOptions, EventAnswer } from './agent.js';
export { Agent, eventSchema } from './agent.js';
export type { EntryState } from './neighbors.js';
export { Resolver, readNeighbor, replaceNeighbor } from './neighbors.js';
