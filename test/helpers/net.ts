/** Small pieces for Layer-2 tests: a recording end station and frame builders. */
import type { PortOwner, SimFrame } from '../../src/net/index.js';
import { Network, Port } from '../../src/net/index.js';
import { Kernel } from '../../src/sim/index.js';
import type { MacAddress } from '../../src/wire/index.js';
import { MAC_BROADCAST, arpRequest, ethernetFrame, parseIpv4 } from '../../src/wire/index.js';

/** An end station with one port that records every frame it receives. */
export class Station implements PortOwner {
  readonly name: string;
  readonly port: Port;
  readonly mac: MacAddress;
  readonly received: Array<{ time: number; frame: SimFrame }> = [];
  private readonly network: Network;

  constructor(network: Network, name: string, mac: MacAddress) {
    this.name = name;
    this.network = network;
    this.mac = mac;
    network.add(this);
    this.port = new Port(this, 0, 'eth0');
  }

  receive(_port: Port, frame: SimFrame): void {
    this.received.push({ time: this.network.kernel.now, frame });
  }

  /** Sends an ARP request (broadcast) from this station. */
  broadcast(): SimFrame {
    const f = this.network.frame(ethernetFrame(MAC_BROADCAST, this.mac, arpRequest(this.mac, parseIpv4('198.18.0.1')!, parseIpv4('198.18.0.2')!)));
    this.port.send(f);
    return f;
  }

  /** Sends a unicast frame to `dst` (an ARP reply, 60 bytes on the wire). */
  unicast(dst: MacAddress): SimFrame {
    const f = this.network.frame(ethernetFrame(dst, this.mac, { ...arpRequest(this.mac, parseIpv4('198.18.0.2')!, parseIpv4('198.18.0.1')!), operation: 2, targetHardwareAddress: dst }));
    this.port.send(f);
    return f;
  }
}

/** A fresh kernel and network. */
export function network(seed: number | string = 1): Network {
  return new Network(new Kernel({ seed }));
}

/** MAC 02:00:00:00:00:nn. */
export function stationMac(n: number): MacAddress {
  return (0x0200_0000_0000 + n) as MacAddress;
}
