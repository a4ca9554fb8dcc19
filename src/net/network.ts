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

/** Slots of the name index when a network is made (doubled when more than half are used). */
const NAME_INDEX_START = 64;

/** A 32-bit hash of a node name (FNV-1a over its UTF-16 code units, then mixed). */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** See the module comment. */
export class Network {
  readonly kernel: Kernel;
  readonly trace: TraceSink;
  readonly frames = new FrameFactory();
  /** What reaches what through forwarding ports now (see active-topology.ts). */
  readonly activeTopology = new ActiveTopology();
  /** Every node, in the order they were added; the name index below holds their places here. */
  private readonly nodeList: PortOwner[] = [];
  /**
   * The node index by name: open addressing with linear probing, each slot a node's place in
   * `nodeList` (-1 when free) and its name's hash. A domain of a million VMs has a million names: a
   * `Map` grew to them by rehashing every entry at each doubling, a table the collector scans and
   * copies; here two buffers outside the collected heap, made once for the size the build asks for.
   */
  private nameSlots = new Int32Array(NAME_INDEX_START).fill(-1);
  private nameHashes = new Int32Array(NAME_INDEX_START);
  private readonly linkList: Link[] = [];
  private switchCount = 0;

  constructor(kernel: Kernel) {
    this.kernel = kernel;
    this.trace = new TraceSink(kernel);
  }

  /** Registers a node; its name must be new. */
  add<T extends PortOwner>(node: T): T {
    const name = node.name;
    const h = nameHash(name);
    const slots = this.nameSlots;
    const hashes = this.nameHashes;
    const mask = slots.length - 1;
    let i = h & mask;
    for (let k = slots[i]!; k >= 0; i = (i + 1) & mask, k = slots[i]!) {
      if (hashes[i] === h && this.nodeList[k]!.name === name) throw new Error(`a node named ${name} already exists`);
    }
    slots[i] = this.nodeList.length;
    hashes[i] = h;
    this.nodeList.push(node);
    if (2 * this.nodeList.length > slots.length) this.remakeNameIndex(this.nodeList.length);
    return node;
  }

  /** Makes room in the name index for `n` nodes in all (a hint: it still grows past them). */
  reserveNodes(n: number): void {
    if (2 * n > this.nameSlots.length) this.remakeNameIndex(n);
  }

  /** The node count so far. */
  get nodeCount(): number {
    return this.nodeList.length;
  }

  /** Remakes the name index with more than twice `entries` slots. */
  private remakeNameIndex(entries: number): void {
    let n = NAME_INDEX_START;
    while (n <= 2 * entries) n *= 2;
    const slots = new Int32Array(n).fill(-1);
    const hashes = new Int32Array(n);
    const mask = n - 1;
    const old = this.nameSlots;
    const oldHashes = this.nameHashes;
    for (let j = 0; j < old.length; j++) {
      const k = old[j]!;
      if (k < 0) continue;
      const h = oldHashes[j]!;
      let i = h & mask;
      while (slots[i]! >= 0) i = (i + 1) & mask;
      slots[i] = k;
      hashes[i] = h;
    }
    this.nameSlots = slots;
    this.nameHashes = hashes;
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

  /** The node named `name`, if any. */
  node(name: string): PortOwner | undefined {
    const h = nameHash(name);
    const slots = this.nameSlots;
    const hashes = this.nameHashes;
    const mask = slots.length - 1;
    for (let i = h & mask, k = slots[i]!; k >= 0; i = (i + 1) & mask, k = slots[i]!) {
      if (hashes[i] === h && this.nodeList[k]!.name === name) return this.nodeList[k];
    }
    return undefined;
  }

  /** Every node, in the order they were added. */
  get nodes(): readonly PortOwner[] {
    return [...this.nodeList];
  }

  /** Every link, in the order they were made. */
  get links(): readonly Link[] {
    return this.linkList;
  }
}
