/**
 * `arpshift probe`: how a stack's neighbour table reacts to every ARP-family and ND message, from every
 * prior state, under the settings that matter, and how its resolution timers run; measured on the
 * running kernel in namespaces or on a simulated profile with the same frames, and compared.
 */
export type { AdminEntry, CapturedFrame, ObserverSetup, ProbeBackend, StateEvent } from './backend.js';
export type { ObserverPlan, ProbeCell, ProbeFamily, ProbeMessage, ProbePrior, ProbeSetting, ProbeTiming } from './cells.js';
export { IPV4_MESSAGES, IPV6_MESSAGES, MESSAGE_TEXT, PRIORS, SETTINGS, messageFrame, probePlan } from './cells.js';
export type { CellOutcome, CellResult, ProbeTable } from './matrix.js';
export { expectedPrior, measureMatrix, runMatrix, sameOutcome } from './matrix.js';
export type { FamilyTimings, TimingTable } from './timers.js';
export { EXPIRY_BASE_REACHABLE_MS, runTimers } from './timers.js';
export { KernelBackend, kernelRelease, kernelSysctls } from './kernel-backend.js';
export { SimBackend, simulatedProfileNames } from './sim-backend.js';
export type { CellDifference } from './format.js';
export { compareTables, differencesText, matrixText, outcomeText, probeJson, timingText } from './format.js';
