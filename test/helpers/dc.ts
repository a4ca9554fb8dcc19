/**
 * A small data center built by hand for migration tests: two leaves under one spine, a hypervisor on
 * each leaf (plus an optional third host on leaf-2), a gateway on leaf-1, and a VM on hypervisor 1.
 * Names follow the fabric generators' style (leaf-1, spine-1, hv-1).
 */
import type { LearningSwitch, Network } from '../../src/net/index.js';
import { Network as NetworkClass } from '../../src/net/index.js';
import { Hypervisor } from '../../src/migration/index.js';
import { Kernel } from '../../src/sim/index.js';
import type { ImplementationProfile } from '../../src/stack/index.js';
import { Host, linuxProfile } from '../../src/stack/index.js';
import { ip4, mac } from './sample-frames.js';

export interface SmallDc {
  readonly kernel: Kernel;
  readonly network: Network;
  readonly leaves: LearningSwitch[];
  readonly spine: LearningSwitch;
  readonly hv: Hypervisor[];
  readonly gateway: Host;
  readonly vm: Host;
  readonly peer: Host;
  /** Every switch, vSwitches included. */
  readonly switches: LearningSwitch[];
}

export const GW_IP = ip4('198.18.0.1');
export const VM_IP = ip4('198.18.0.10');
export const PEER_IP = ip4('198.18.0.20');

const FABRIC = { rate: 40e9, delay: 1_000 };
const ACCESS = { rate: 10e9, delay: 1_000 };

/** Builds the small data center; `gatewayProfile` defaults to a Linux router. */
export function smallDc(options: { seed?: number; gatewayProfile?: ImplementationProfile; vmProfile?: ImplementationProfile } = {}): SmallDc {
  const kernel = new Kernel({ seed: options.seed ?? 1 });
  const network = new NetworkClass(kernel);
  const spine = network.addSwitch('spine-1');
  const leaves = [network.addSwitch('leaf-1'), network.addSwitch('leaf-2')];
  for (const leaf of leaves) network.connect(leaf.addPort(), spine.addPort(), FABRIC);
  const hv = [new Hypervisor(network, 'hv-1'), new Hypervisor(network, 'hv-2')];
  hv.forEach((h, i) => network.connect(h.uplink, leaves[i]!.addPort(), ACCESS));
  const gateway = new Host(network, 'gateway', { mac: mac('02:00:5e:00:00:01'), profile: options.gatewayProfile ?? linuxProfile({ forwarding: 1 }) });
  network.connect(gateway.port, leaves[0]!.addPort(), ACCESS);
  gateway.addIpv4(GW_IP, 24);
  const vm = new Host(network, 'vm-1', { mac: mac('02:00:00:00:01:01'), profile: options.vmProfile ?? linuxProfile(), gateway4: GW_IP });
  vm.addIpv4(VM_IP, 24);
  hv[0]!.plug(vm);
  const peer = new Host(network, 'peer', { mac: mac('02:00:00:00:02:01'), profile: linuxProfile(), gateway4: GW_IP });
  peer.addIpv4(PEER_IP, 24);
  network.connect(peer.port, leaves[1]!.addPort(), ACCESS);
  const switches = [spine, ...leaves, ...hv.map((h) => h.vswitch)];
  return { kernel, network, leaves, spine, hv, gateway, vm, peer, switches };
}
