/**
 * The scenario layer: the schema of scenario files (one source of truth for every setting, also
 * exported as JSON Schema), YAML loading with located errors, cross-field validation, and the layout
 * rules (names, placement, addresses) a builder follows.
 */
export { scenarioSchema } from './schema.js';
export type { ParsedScenario, ScenarioInput } from './schema.js';
export { DEFAULT_VIRTUAL_MAC, lossSpec, normaliseScenario } from './normalise.js';
export type { Flow, Gateway, HostGroup, LossRule, Scenario, ScenarioEvent } from './normalise.js';
export { checkScenario, loadScenario, loadScenarioFile } from './load.js';
export type { ScenarioCheck } from './load.js';
export { ScenarioError, formatIssue, formatPath } from './issues.js';
export type { PathIssue, ScenarioIssue, ScenarioIssueCode } from './issues.js';
export { crossCheck } from './cross-check.js';
export { scenarioJsonSchema } from './json-schema.js';
export {
  NO_EDGE,
  blockAddress,
  edgeSwitchNames,
  fabricHasLoops,
  fabricSwitches,
  gatewayNodes,
  placeHosts,
  planAddresses,
  scenarioLayout,
} from './layout.js';
export type { AddressBlock, AddressPlan, GatewayLayout, GatewayNode, HostLayout, Placement, ScenarioLayout, SwitchLayout } from './layout.js';
export {
  BIT_RATE_EXPECTED,
  DURATION_EXPECTED,
  PACKET_RATE_EXPECTED,
  SIZE_EXPECTED,
  formatBitRate,
  formatDuration,
  parseBitRate,
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
export { GATEWAY_PLACEMENTS } from './sections/nodes.js';
export type { GatewaySettings, HostGroupSettings } from './sections/nodes.js';
export { FLOW_KINDS, MAX_PAYLOAD_IPV4, MAX_PAYLOAD_IPV6 } from './sections/traffic.js';
export type { FlowSettings } from './sections/traffic.js';
export { EVENT_KINDS } from './sections/events.js';
export type { EventSettings } from './sections/events.js';
export type { LossRuleSettings } from './sections/loss.js';
export type { OutputSettings } from './sections/output.js';
