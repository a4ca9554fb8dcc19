/** Pieces for fabric and topology tests: stations on every host port, UDP flows, delivery logs. */
import type { Network, SimFrame } from '../../src/net/index.js';
import type { Topology } from '../../src/net/topology/index.js';
import type { Ipv4Address, MacAddress } from '../../src/wire/index.js';
import { ETHERTYPE_IPV4, IP_PROTOCOL_UDP, rawPayload } from '../../src/wire/index.js';
import { Station, stationMac } from './net.js';

/** Puts a recording station on every host-facing port of every edge switch; MACs 02:00:00:00:00:01 onwards. */
export function attachStations(topology: Topology, first = 1): Station[] {
  const out: Station[] = [];
  let n = first;
  for (const edge of topology.edgeSwitches) {
    for (let i = 0; i < topology.hostPorts(edge.name).length; i++) {
      const s = new Station(topology.network, `h${n}`, stationMac(n));
      topology.connectHost(edge.name, s.port);
      out.push(s);
      n++;
    }
  }
  return out;
}

/** A UDP/IPv4 frame from `src` to `dst` with the given ports (for flow-hash tests). */
export function udpFrame(net: Network, src: MacAddress, dst: MacAddress, sourcePort: number, destinationPort: number): SimFrame {
  return net.frame({
    destination: dst,
    source: src,
    vlanTags: [],
    etherType: ETHERTYPE_IPV4,
    payload: {
      kind: 'ipv4', typeOfService: 0, identification: 0, flags: 0b010, fragmentOffset: 0, timeToLive: 64,
      protocol: IP_PROTOCOL_UDP, source: 0xc612_0001 as Ipv4Address, destination: 0xc612_0002 as Ipv4Address, options: new Uint8Array(0),
      payload: { kind: 'udp', sourcePort, destinationPort, payload: rawPayload(new Uint8Array(18)) },
    },
  });
}

/** Sends a UDP frame from `station` to `dst`. */
export function sendUdp(station: Station, net: Network, dst: MacAddress, sourcePort: number, destinationPort = 4791): SimFrame {
  const f = udpFrame(net, station.mac, dst, sourcePort, destinationPort);
  station.port.send(f);
  return f;
}

/** Records every frame arrival as "time port id", for determinism and equivalence checks. */
export function deliveryLog(net: Network): string[] {
  const log: string[] = [];
  net.kernel.trace.on('frame-received', (e) => log.push(`${e.time} ${e.port} ${e.frame.id}`));
  return log;
}

/** Frame ids a station received, in order. */
export function receivedIds(s: Station): number[] {
  return s.received.map((r) => r.frame.id);
}
