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
  MAC_BROADCAST,
  MAC_ZERO,
  OutputPathError,
  PcapWriter,
  PcapngWriter,
  WireError,
  arpAnnouncement,
  arpProbe,
  arpReply,
  arpRequest,
  captureFromBytes,
  captureFromFd,
  classifyArp,
  emitFrame,
  emitFrameInto,
  ethernetFrame,
  formatIpv4,
  formatMac,
  frameLength,
  gratuitousArp,
  ipv6Destination,
  ipv6MulticastMac,
  ndPacket,
  neighborAdvertisement,
  neighborSolicitation,
  openCapture,
  parseFrame,
  parseIpv4,
  parseIpv6,
  parseMac,
  rarpAnnounce,
  solicitedNodeAddress,
  vlanTag,
} from './wire/index.js';
export type {
  AdvertisementFlags,
  ArpForm,
  ArpPacket,
  Bpdu,
  CaptureRecord,
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
  ByteSink,
  FrameOptions,
  OutputFileOptions,
  UdpDatagram,
  VlanTag,
} from './wire/index.js';
export { decodeCapture, decodeRecord, frameText } from './analyze/index.js';
export type { DecodeCounts, DecodeOptions, DecodedRecord, FrameSummary } from './analyze/index.js';
export {
  MAX_NESTING,
  ScenarioError,
  ScenarioFileError,
  checkScenario,
  decodeScenarioText,
  formatIssue,
  loadScenario,
  loadScenarioFile,
  normaliseScenario,
  parseBitRate,
  parseDuration,
  parsePacketRate,
  parseSize,
  readScenarioFile,
  scenarioErrorAt,
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
export { applyOverrides, buildModel, parseOverride } from './scenario/index.js';
export type { BuiltFlowRecord, BuiltTraffic, Model, Override } from './scenario/index.js';
export { LOSS_CAUSES } from './metrics/index.js';
export type { ArpCounts, FlowResult, LossCause, MigrationResult, NdCounts, PerDirection, RunMeasures } from './metrics/index.js';
export { ModelRun, SLICE_MS, ScenarioCostError, costIssues, defaultCostLimits, estimateCost, runModel, runScenario, runScenarioAsync, runScenarioRun } from './run/index.js';
export type { CompletedRun, CostEstimate, CostItem, CostLimits, ModelRunOptions, RunObserver, RunOneOptions, RunResult, RunScenarioOptions, ScenarioResult, Slice } from './run/index.js';
export { resultJson, resultTables } from './report/index.js';
