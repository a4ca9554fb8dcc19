/**
 * The active topology: what reaches what through ports that forward at both ends, recomputed when a
 * port state or a link changes.
 */
import { describe, expect, it } from 'vitest';
import { Station, network, stationMac } from '../helpers/net.js';

const LINK = { rate: 1e9, delay: 1_000 };

describe('ActiveTopology', () => {
  it('joins nodes over forwarding ports only, and follows state and link changes', () => {
    const net = network(1);
    const [a, b, c] = ['a', 'b', 'c'].map((n) => net.addSwitch(n));
    const ab = net.connect(a!.addPort(), b!.addPort(), LINK);
    net.connect(b!.addPort(), c!.addPort(), LINK);
    const caPort = c!.addPort();
    net.connect(caPort, a!.addPort(), LINK);
    const h = new Station(net, 'h', stationMac(1));
    net.connect(h.port, c!.addPort(), LINK);
    const topology = net.activeTopology;
    expect(a!.activeTopology).toBe(topology);
    expect(topology.connected(a!, h)).toBe(true);
    // Block c's side of the c-a link (an alternate port): everything still reaches everything via b.
    c!.setState(caPort.index, 'blocking');
    expect(topology.connected(a!, c!)).toBe(true);
    // Cut a-b too: a is alone; c and the station are together.
    ab.setUp(false);
    expect(topology.connected(a!, c!)).toBe(false);
    expect(topology.connected(a!, h)).toBe(false);
    expect(topology.connected(c!, h)).toBe(true);
    // The alternate port starts forwarding: joined again.
    c!.setState(caPort.index, 'forwarding');
    expect(topology.connected(a!, h)).toBe(true);
  });
});
