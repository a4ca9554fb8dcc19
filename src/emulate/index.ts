/**
 * `emulate`: a scenario re-created on real Linux kernels in network namespaces (bridges, veth pairs,
 * the kernels' own ARP and ND), its traffic sent through their stacks, its migrations made by moving
 * the VM's tap between bridges (QEMU's resume) or re-plugging its link, its black holes measured from
 * tcpdump captures by `analyze`, in the Result shape of `run`; side by side with the simulation.
 */
export type { Direction, EmulateOptions, EmulatedMigration, EmulatedRun, EmulationResult } from './emulate.js';
export { DIRECTIONS, EmulationRefused, emulateAll, emulateScenario } from './emulate.js';
export type { MigrationMechanism } from './migrate.js';
export { defaultMechanism } from './migrate.js';
export type { LabPlan } from './plan.js';
export { planLab } from './plan.js';
export type { CleanupReport } from './record.js';
export { RECORD_DIR, cleanupRecords, processStart } from './record.js';
export type { ProfileMapping } from './support.js';
export { mapProfile, scenarioIssues } from './support.js';
export type { ComparisonRow } from './compare.js';
export { compareRuns, toleranceMs } from './compare.js';
export { emulationText } from './text.js';
