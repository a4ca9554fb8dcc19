/**
 * The Linux backend: raw Ethernet frames from Node (AF_PACKET through libc, no other language at run
 * time) and labs of network namespaces, veth pairs, bridges and sysctls driven through iproute2, every
 * one named with a run-unique prefix and removed at the end, on failure and on SIGINT/SIGTERM.
 * Above the model: it knows frames as bytes (build and parse them with `src/wire/`).
 */
export { EmuError } from './errors.js';
export type { ReceiveOptions, ReceivedFrame } from './raw-socket.js';
export { RawSocket, inNamespace } from './raw-socket.js';
export type { IpSocketKind, IpSocketOptions } from './ip-socket.js';
export { IpSocket } from './ip-socket.js';
export type { LabOptions, NeighborEvent, NeighborRow } from './lab.js';
export { Lab, LabProcess, Namespace, NeighborMonitor, parseMonitorLine, parseNeighborJson, withLab } from './lab.js';
