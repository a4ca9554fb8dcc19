/** Traffic applications: measurement flows, hosts claiming addresses (contention), hosts advertising themselves as routers. */
export type { FlowTag } from './flow-payload.js';
export { FLOW_HEADER_LENGTH, flowPayload, isFlowPayload, readFlowId, readFlowSequence, readFlowTag } from './flow-payload.js';
export type { UdpFlowConfig, UdpSender } from './udp-flow.js';
export { FLOW_PORT, FlowRecord, FlowSink, UdpFlow } from './udp-flow.js';
export { SequenceSet } from './sequence-set.js';
export type { PingFlowConfig, PingSender } from './ping-flow.js';
export { PingFlow } from './ping-flow.js';
export type { RequestResponseConfig } from './request-response.js';
export { REQUEST_RESPONSE_PORT, RequestResponseFlow } from './request-response.js';
export type { AddressClaimConfig } from './address-claim.js';
export { AddressClaim } from './address-claim.js';
export type { RouterAdvertiserConfig } from './router-advertiser.js';
export { RouterAdvertiser, linkLocalAddress } from './router-advertiser.js';
