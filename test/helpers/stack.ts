/** Hosts on one switch, for stack tests. */
import type { LearningSwitch, LinkConfig, Network, SimFrame } from '../../src/net/index.js';
import { Network as NetworkClass } from '../../src/net/index.js';
import { Kernel } from '../../src/sim/index.js';
import type { HostOptions } from '../../src/stack/host.js';
import { Host } from '../../src/stack/host.js';
import type { ImplementationProfile } from '../../src/stack/profiles/index.js';
import type { MacAddress } from '../../src/wire/index.js';

/** A switch and the hosts on it. */
export interface Lan {
  readonly network: Network;
  readonly kernel: Kernel;
  readonly sw: LearningSwitch;
  add(name: string, mac: MacAddress, profile: ImplementationProfile, options?: Partial<HostOptions>, link?: Partial<LinkConfig>): Host;
  /** Frames sent by a node's port, with times. */
  sentBy(node: string): Array<{ time: number; frame: SimFrame }>;
}

/** A LAN of hosts on one switch; every frame sent is recorded per node. */
export function lan(seed = 1): Lan {
  const kernel = new Kernel({ seed });
  const network = new NetworkClass(kernel);
  const sw = network.addSwitch('sw');
  const sent = new Map<string, Array<{ time: number; frame: SimFrame }>>();
  kernel.trace.on('frame-sent', (e) => {
    let list = sent.get(e.node);
    if (list === undefined) sent.set(e.node, (list = []));
    list.push({ time: e.time, frame: e.frame });
  });
  return {
    network,
    kernel,
    sw,
    add(name, mac, profile, options = {}, link = {}) {
      const host = new Host(network, name, { mac, profile, ...options });
      network.connect(host.port, sw.addPort(), { rate: 10e9, delay: 1000, ...link });
      return host;
    },
    sentBy: (node) => sent.get(node) ?? [],
  };
}
