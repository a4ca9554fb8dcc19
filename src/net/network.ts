/**
 * A Layer-2 network under construction and at run time: the kernel it runs on, the trace sink, the
 * frame factory, and every node and link by name (names are unique, stable and readable, e.g.
 * `leaf-3`, `leaf-3:p12`).
 */
import type { Kernel } from '../sim/index.js';
import type { EthernetFrame, MacAddress } from '../wire/index.js';
import { ActiveTopology } from './active-topology.js';
import type { SimFrame } from './frame.js';
import { FrameFactory } from './frame.js';
import type { LinkConfig } from './link.js';
import { Link } from './link.js';
import type { Port, PortOwner } from './port.js';
import type { SwitchConfig } from './switch.js';
import { LearningSwitch } from './switch.js';
import { TraceSink } from './trace.js';

/** See the module comment. */
export class Network {
  readonly kernel: Kernel;
  readonly trace: TraceSink;
  readonly frames = new FrameFactory();
  /** What reaches what through forwarding ports now (see active-topology.ts). */
  readonly activeTopology = new ActiveTopology();
  private readonly nodeMap = new Map<string, PortOwner>();
  private readonly linkList: Link[] = [];
  private switchCount = 0;

  constructor(kernel: Kernel) {
    this.kernel = kernel;
    this.trace = new TraceSink(kernel);
  }

  /** Registers a node; its name must be new. */
  add<T extends PortOwner>(node: T): T {
    if (this.nodeMap.has(node.name)) throw new Error(`a node named ${node.name} already exists`);
    this.nodeMap.set(node.name, node);
    return node;
  }

  /**
   * Creates and registers a learning switch. Unless the config gives one, its bridge address is
   * 02:a5:ss:ss:00:00 where ssss counts the switches made by this network from 1, so addresses are
   * unique, stable and readable.
   */
  addSwitch(name: string, config: SwitchConfig = {}): LearningSwitch {
    const bridgeAddress = config.bridgeAddress ?? this.nextBridgeAddress();
    const sw = new LearningSwitch(this.kernel, this.trace, name, { ...config, bridgeAddress });
    sw.activeTopology = this.activeTopology;
    return this.add(sw);
  }

  /** The next bridge address in the network's numbering (see {@link addSwitch}). */
  nextBridgeAddress(): MacAddress {
    this.switchCount++;
    if (this.switchCount > 0xffff) throw new RangeError('more than 65535 switches in one network');
    return (0x02a5_0000_0000 + this.switchCount * 0x1_0000) as MacAddress;
  }

  /**
   * Connects two ports with a full-duplex link and tells both owners that the link came up, as
   * plugging in a cable does (a switch refreshes its flood lists, a spanning tree enables the port).
   */
  connect(a: Port, b: Port, config: LinkConfig): Link {
    const link = new Link(this.kernel, this.trace, a, b, config);
    this.linkList.push(link);
    a.owner.linkChanged?.(a, true);
    b.owner.linkChanged?.(b, true);
    return link;
  }

  /** A frame for `eth`, with the next id. */
  frame(eth: EthernetFrame): SimFrame {
    return this.frames.make(eth);
  }

  node(name: string): PortOwner | undefined {
    return this.nodeMap.get(name);
  }

  /** Every node, in the order they were added. */
  get nodes(): readonly PortOwner[] {
    return [...this.nodeMap.values()];
  }

  /** Every link, in the order they were made. */
  get links(): readonly Link[] {
    return this.linkList;
  }
}
