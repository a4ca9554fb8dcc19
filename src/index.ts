/**
 * The arpshift library API. The CLI uses only what is exported here.
 */
export { VERSION } from './version.js';

export {
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  ARP_OP_RARP_REPLY,
  ARP_OP_RARP_REQUEST,
  AtomicFileSink,
  BufferedSink,
  CaptureReader,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_RARP,
  EthernetView,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  MAC_BROADCAST,
  MAC_ZERO,
  PcapWriter,
  PcapngWriter,
  WireError,
  captureFromBytes,
  classifyArp,
  emitFrame,
  emitFrameInto,
  formatIpv4,
  formatMac,
  frameLength,
  openCapture,
  parseFrame,
  parseIpv4,
  parseIpv6,
  parseMac,
  parseSll,
  parseSll2,
  emitCooked,
  solicitedNodeAddress,
  ipv6MulticastMac,
} from './wire/index.js';
export type {
  ArpForm,
  ArpPacket,
  Bpdu,
  CaptureRecord,
  CookedFrame,
  DhcpMessage,
  EthernetFrame,
  EthernetPayload,
  Icmpv4Message,
  Icmpv6Message,
  Ipv4Address,
  Ipv4Packet,
  Ipv6Address,
  Ipv6Packet,
  MacAddress,
  NdOption,
  Sll2Frame,
  SllFrame,
  UdpDatagram,
  VlanTag,
} from './wire/index.js';
export { analysisJson, analysisText, analyzeCapture, decodeCapture, decodeRecord, frameText } from './analyze/index.js';
export type {
  AddressTimeline,
  AnalyzeOptions,
  CaptureAnalysis,
  DecodeCounts,
  DecodeOptions,
  FlowAnalysis,
  FrameSummary,
  GapResult,
  MigrationAnalysis,
  RunAnalysis,
  TimelineEntry,
} from './analyze/index.js';
export {
  ScenarioError,
  checkScenario,
  formatIssue,
  loadScenario,
  loadScenarioFile,
  normaliseScenario,
  parseBitRate,
  parseDuration,
  parsePacketRate,
  parseSize,
  scenarioJsonSchema,
  scenarioLayout,
  scenarioSchema,
} from './scenario/index.js';
export type {
  Flow,
  Gateway,
  GatewayLayout,
  HostGroup,
  HostLayout,
  LossRule,
  PathIssue,
  Scenario,
  ScenarioCheck,
  ScenarioEvent,
  ScenarioInput,
  ScenarioIssue,
  ScenarioIssueCode,
  ScenarioLayout,
  SwitchLayout,
} from './scenario/index.js';
export { DEFAULT_SCENARIO_YAML, defaultScenario } from './scenario/index.js';
export type { Migration, RunSpec } from './scenario/index.js';
export { buildModel } from './scenario/build.js';
export type { Model } from './scenario/build.js';
export { LOSS_CAUSES, resultJson, runModel, runScenario, runScenarioAsync } from './metrics/index.js';
export type { FlowResult, LossCause, MigrationResult, PerDirection, RunResult, RunScenarioOptions, ScenarioResult } from './metrics/index.js';
export { resultTables } from './report/index.js';
export { applyOverrides, parseOverride } from './scenario/overrides.js';
export type { Override } from './scenario/overrides.js';
