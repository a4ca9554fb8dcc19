/**
 * The scenario layer: the schema of scenario files (one source of truth for every setting, also
 * exported as JSON Schema), YAML loading with located errors, cross-field validation, the layout
 * rules (names, placement, addresses, MACs) a builder follows, the resolution of migrations and
 * variants into runs, the resolution of the security section onto switch ports, the built-in default
 * scenario, `--set` overrides, and the builder that turns a scenario into a model.
 */
export { scenarioSchema } from './schema.js';
export type { ParsedScenario, ScenarioInput } from './schema.js';
export { DEFAULT_VIRTUAL_MAC, lossSpec, normaliseScenario } from './normalise.js';
export type { Flow, Gateway, HostGroup, Hypervisors, LossRule, Scenario, ScenarioEvent } from './normalise.js';
export { migrationScheduleOf, migrationTiming, remedySpec } from './runs.js';
export type { Migration, RunSpec } from './runs.js';
export { DEFAULT_SCENARIO_FILE, DEFAULT_SCENARIO_YAML, defaultScenario } from './builtin/default.js';
export { MAX_NESTING, ScenarioFileError, checkScenario, decodeScenarioText, loadScenario, loadScenarioFile, readScenarioFile, scenarioErrorAt } from './load.js';
export type { ScenarioCheck } from './load.js';
export { ScenarioError, formatIssue, formatPath } from './issues.js';
export type { PathIssue, ScenarioIssue, ScenarioIssueCode } from './issues.js';
export { locate } from './locate.js';
export type { Position } from './locate.js';
export { crossCheck } from './cross-check.js';
export { applyOverrides, parseOverride } from './overrides.js';
export type { Override } from './overrides.js';
export { buildModel, planPorts, startOffsets } from './build/index.js';
export type { BuiltClaimant, BuiltDhcp, BuiltFlowRecord, BuiltSecurity, BuiltTraffic, Model, PlannedAddresses, PortView, SwitchView } from './build/index.js';
export { originOf, planSecurity, scenarioWords, selectSwitches } from './security-plan.js';
export type { FieldPath, PlanNames, PlannedSwitch, PortEntryProblem, SecurityPlan } from './security-plan.js';
export { scenarioJsonSchema } from './json-schema.js';
export {
  MAX_AUTO_MACS_PER_VM,
  MAX_HOST_NUMBER,
  NO_EDGE,
  autoNewMac,
  blockAddress,
  busiestSwitch,
  edgeSwitchNames,
  fabricHasLoops,
  fabricSwitches,
  gatewayMac,
  gatewayNodes,
  hostMac,
  hostNumber,
  hypervisorIndex,
  hypervisorName,
  hypervisorNames,
  isVmGroup,
  placeHosts,
  planAddresses,
  planMacOwner,
  scenarioLayout,
  vmHypervisor,
} from './layout/index.js';
export type {
  AddressBlock,
  AddressPlan,
  BusiestSwitch,
  GatewayLayout,
  GatewayNode,
  HostGroupLayout,
  HostLayout,
  HypervisorLayout,
  Placement,
  PlacementInput,
  ScenarioLayout,
  SwitchLayout,
} from './layout/index.js';
export {
  BIT_RATE_EXPECTED,
  BYTE_RATE_EXPECTED,
  DURATION_EXPECTED,
  PACKET_RATE_EXPECTED,
  SIZE_EXPECTED,
  formatBitRate,
  formatDuration,
  parseBitRate,
  parseByteRate,
  parseDuration,
  parsePacketRate,
  parseSize,
} from './units.js';
export type { QuantityResult } from './units.js';
export { editDistance, suggest } from './suggest.js';
export { GENERIC_OVERRIDE_NAMES, LINUX_BASED_PROFILES, SCENARIO_SYSCTL_NAMES } from './sections/profiles.js';
export type { Sysctls } from './sections/profiles.js';
export { BRIDGING_MODES, FABRIC_KINDS } from './sections/fabric.js';
export type { Fabric } from './sections/fabric.js';
export type { Subnet } from './sections/addressing.js';
export { GATEWAY_PLACEMENTS, HOST_ATTACHMENTS } from './sections/nodes.js';
export type { GatewaySettings, HostGroupSettings } from './sections/nodes.js';
export { HYPERVISOR_PREFIX } from './sections/hypervisors.js';
export type { HypervisorSettings } from './sections/hypervisors.js';
export { KEEPALIVE_MODES, REMEDY_KINDS } from './sections/remedies.js';
export type { RemedySettings } from './sections/remedies.js';
export { EXPLICIT_TIMING_FIELDS, PRE_COPY_TIMING_FIELDS, TIMING_DEFAULTS } from './sections/migrations.js';
export type { MigrationSettings, TimingSettings } from './sections/migrations.js';
export { VARIANT_OVERRIDES } from './sections/variants.js';
export type { VariantSettings } from './sections/variants.js';
export { FLOW_KINDS, MAX_PAYLOAD_IPV4, MAX_PAYLOAD_IPV6 } from './sections/traffic.js';
export type { FlowSettings } from './sections/traffic.js';
export { EVENT_KINDS } from './sections/events.js';
export type { EventSettings } from './sections/events.js';
export type { LossRuleSettings } from './sections/loss.js';
export type { OutputSettings } from './sections/output.js';
export { ERR_DISABLE_CAUSE_NAMES, PORT_CLASSES } from './sections/security.js';
export type { PortClass, SecuritySettings } from './sections/security.js';
export type { DhcpSettings } from './sections/dhcp.js';
export { CONTENTION_KINDS } from './sections/contention.js';
export type { ContentionKind, ContentionSettings } from './sections/contention.js';
