/**
 * The layout rules of a scenario, one job per file: node names (names.ts), placement (placement.ts),
 * the MAC plan (mac-plan.ts), the address plan (address-plan.ts), and the whole layout a builder
 * follows (layout.ts).
 */
export type { BusiestSwitch, GatewayNode, SwitchLayout } from './names.js';
export { busiestSwitch, edgeSwitchNames, fabricHasLoops, fabricSwitches, gatewayNodes, hypervisorIndex, hypervisorName, hypervisorNames, treeTiers } from './names.js';
export type { Placement, PlacementInput } from './placement.js';
export { NO_EDGE, isVmGroup, placeHosts, vmHypervisor } from './placement.js';
export type { MacRange } from './mac-plan.js';
export { MAX_AUTO_MACS_PER_VM, MAX_HOST_NUMBER, autoNewMac, gatewayMac, hostMac, hostNumber, macNumber, macOfNumber, macOwner, macRangeUnicast, macRanges, nthMac, planMacOwner } from './mac-plan.js';
export type { AddressBlock, AddressPlan } from './address-plan.js';
export { blockAddress, planAddresses } from './address-plan.js';
export type { GatewayLayout, HostGroupLayout, HostLayout, HypervisorLayout, ScenarioLayout } from './layout.js';
export { scenarioLayout } from './layout.js';
