/**
 * A switch of the shortest-path fabric: a TRILL RBridge (RFC 6325) / SPBM backbone edge bridge (IEEE
 * 802.1aq, RFC 6329) in one. It is a {@link LearningSwitch} whose ports are of two kinds:
 *
 * - access ports carry native host traffic exactly as a learning bridge does: VLAN classification,
 *   learning of local source MACs, local flooding, spanning-tree port states honoured;
 * - fabric ports (made by {@link ShortestPathFabric.connect}) carry only encapsulated frames
 *   ({@link FabricFrame}); they are members of no VLAN, so native floods never use them.
 *
 * Edge behaviour (RFC 6325 §4.6 frame processing and §4.8.1 learning; SPBM BEBs likewise, 802.1aq):
 * - a native frame to a MAC learned as remote is encapsulated towards that egress switch (M = 0), on
 *   the equal-cost next hop its flow hash picks;
 * - a broadcast, a multicast or an unknown unicast is flooded to the local access ports of its VLAN
 *   and encapsulated once onto the distribution tree (M = 1);
 * - a frame decapsulated here teaches "inner source MAC -> ingress switch" (remote entries, in the same
 *   filtering database, with the same 300 s ageing); this is the *only* way a remote location is
 *   learned or changed, which is what makes the migration black hole (RFC 8302 §1 describes it for
 *   TRILL): after a VM moves, a remote edge keeps sending to the old edge until it decapsulates a frame
 *   the VM sent from its new edge, or the entry ages out;
 * - a decapsulated unicast is delivered by a local lookup: to the learned local port; flooded to the
 *   local access ports when unknown (so a frame for a VM that left is flooded at the old edge once its
 *   entry is gone, and sent to the old port while the entry is still there); dropped (`no-route`) when
 *   the destination is known to be behind another edge, since an egress never re-encapsulates.
 *
 * Transit behaviour: a known-unicast frame goes to a next hop towards its egress; a frame received
 * with hop count 0 is not forwarded (`hop-limit`), otherwise the hop count is decremented (RFC 6325
 * §3.6), while the egress still decapsulates a frame whose count reached 0. A multi-destination frame
 * must arrive on the tree port facing its ingress switch (reverse-path forwarding check, `rpf`), is
 * decapsulated if the switch has access ports in its VLAN, and is copied to every other tree port.
 * Switches without access ports in a VLAN (the core) never decapsulate and so never learn end-station
 * MACs.
 *
 * A multi-destination frame is one object per hop, shared by every port it leaves on, and copies that
 * arrive at the same time are delivered as one kernel event, as in {@link LearningSwitch}.
 */
import type { EventSite, Kernel } from '../../sim/index.js';
import type { MacAddress } from '../../wire/index.js';
import { isGroupMac } from '../../wire/index.js';
import type { SimFrame } from '../frame.js';
import { popTag, pushTag } from '../frame.js';
import type { DropReason, Port } from '../port.js';
import type { PortMode, SwitchConfig } from '../switch.js';
import { LearningSwitch, SWITCH_DEFAULTS, vlanTagFor } from '../switch.js';
import type { TraceSink } from '../trace.js';
import type { FabricFrame, FabricHeader } from './fabric-frame.js';
import { encapsulate, flowHash, isFabricFrame, nextHop } from './fabric-frame.js';
import type { ShortestPathFabric } from './fabric.js';

declare module '../../sim/trace.js' {
  interface TraceEventMap {
    /**
     * A fabric edge learned where a MAC is: behind one of its own ports (`remote` false, `location` a
     * port name), or behind another edge (`remote` true, `location` that switch's name, learned from a
     * decapsulated frame). Emitted for every remote entry that is new or moved, and for a local entry
     * that replaces a remote one; local learning is also traced as `fdb-learned`.
     */
    'fabric-learned': {
      readonly vlan: number;
      readonly mac: MacAddress;
      readonly location: string;
      readonly remote: boolean;
      readonly previous: string | null;
    };
    /** The fabric's switches applied a link-state change (after the convergence delay). */
    'fabric-converged': { readonly generation: number; readonly link: string; readonly up: boolean };
  }
}

/** The mode of a fabric port: a trunk of no VLAN, so native forwarding and flooding never use it. */
export const FABRIC_PORT_MODE: PortMode = { kind: 'trunk', vlans: [] };

/**
 * Filtering-database port codes at or above this value mean "behind the fabric switch of index
 * code - REMOTE_PORT_BASE"; below it they are local port indices.
 */
export const REMOTE_PORT_BASE = 1 << 24;

/** Per-switch fabric counters: plain integers. */
export class FabricCounters {
  /** Native frames this switch encapsulated (as ingress). */
  encapsulated = 0;
  /** Encapsulated frames this switch opened (as egress, or as a tree member with access ports). */
  decapsulated = 0;
  /** Known-unicast frames forwarded towards another egress. */
  transit = 0;
  /** Multi-destination frames copied onward on the distribution tree. */
  treeForwarded = 0;
  /** Remote entries created from decapsulated frames. */
  remoteLearned = 0;
  /** Entries re-pointed by a decapsulated frame (to another edge, or from local to remote). */
  remoteMoved = 0;
}

function isReservedGroup(mac: number): boolean {
  // 01:80:c2:00:00:00 to 01:80:c2:00:00:0f go to the control plane, as in LearningSwitch.
  return mac >= 0x0180_c200_0000 && mac <= 0x0180_c200_000f;
}

/** Where an edge believes a MAC is (see {@link FabricSwitch.location}). */
export type MacLocation =
  | { readonly kind: 'local'; readonly port: Port }
  | { readonly kind: 'remote'; readonly edge: FabricSwitch };

/** See the module comment. */
export class FabricSwitch extends LearningSwitch {
  /** The fabric this switch belongs to and consults for its link-state results. */
  readonly fabric: ShortestPathFabric;
  /** Position in the fabric's switch list (0-based). */
  readonly index: number;
  /** TRILL nickname: index + 1 (0x0000 is never an RBridge nickname, RFC 6325 §3.7). */
  readonly nickname: number;
  readonly fabricCounters = new FabricCounters();
  /** Per port: the fabric's adjacency id for a fabric port, -1 for an access port. */
  private readonly edgeByPort: number[] = [];
  private readonly batch: boolean;
  /** Where batched fabric flood deliveries are queued (fire-and-forget). */
  private fabricFloodArrival: EventSite | undefined;

  constructor(kernel: Kernel, trace: TraceSink, name: string, fabric: ShortestPathFabric, index: number, config: SwitchConfig = {}) {
    super(kernel, trace, name, config);
    this.fabric = fabric;
    this.index = index;
    this.nickname = index + 1;
    this.batch = config.batchFloods ?? SWITCH_DEFAULTS.batchFloods;
  }

  override addPort(mode?: PortMode): Port {
    const port = super.addPort(mode);
    this.edgeByPort.push(-1);
    return port;
  }

  /** Marks `port` as a fabric port on adjacency `edge` (the fabric's job, from `connect`). */
  markFabricPort(port: number, edge: number): void {
    this.edgeByPort[port] = edge;
    this.setMode(port, FABRIC_PORT_MODE);
  }

  /** The fabric adjacency id of a port, or -1 for an access port. */
  fabricEdge(port: number): number {
    return this.edgeByPort[port] ?? -1;
  }

  /** True for a port that connects to another fabric switch. */
  isFabricPort(port: number): boolean {
    return this.fabricEdge(port) >= 0;
  }

  /** Where this switch currently believes (vlan, mac) is, or null when it does not know (aged out). */
  location(vlan: number, mac: MacAddress): MacLocation | null {
    const code = this.fdb.lookup(vlan, mac, this.kernel.now);
    if (code < 0) return null;
    if (code >= REMOTE_PORT_BASE) return { kind: 'remote', edge: this.fabric.switches[code - REMOTE_PORT_BASE]! };
    return { kind: 'local', port: this.ports[code]! };
  }

  override linkChanged(port: Port, up: boolean): void {
    super.linkChanged(port, up);
    this.fabric.portLinkChanged(port, up);
  }

  override learn(vlan: number, mac: MacAddress, port: number, now: number): void {
    if (!this.kernel.trace.wants('fabric-learned')) {
      super.learn(vlan, mac, port, now);
      return;
    }
    const before = this.fdb.lookup(vlan, mac, now);
    super.learn(vlan, mac, port, now);
    if (before >= REMOTE_PORT_BASE && this.fdb.lookup(vlan, mac, now) === port) {
      this.emitLearned(vlan, mac, this.ports[port]!.name, false, before);
    }
  }

  override receive(port: Port, frame: SimFrame): void {
    if (this.edgeByPort[port.index]! >= 0) this.receiveEncapsulated(port, frame);
    else this.receiveNative(port, frame);
  }

  private discard(port: Port, frame: SimFrame, reason: DropReason): void {
    port.counters.drops[reason]++;
    this.trace.dropped(port, frame, reason);
  }

  /** The VLAN of a native frame on access port `i`, or -1 (as LearningSwitch classifies). */
  private classifyNative(i: number, frame: SimFrame): number {
    const mode = this.mode(i);
    const tag = frame.eth.vlanTags[0];
    const vid = tag === undefined ? 0 : tag.vlanId;
    if (mode.kind === 'access') return vid === 0 ? mode.vlan : -1;
    if (vid === 0) return mode.nativeVlan ?? -1;
    return mode.vlans === 'all' || mode.vlans.includes(vid) ? vid : -1;
  }

  private memberNative(i: number, vlan: number): boolean {
    const mode = this.mode(i);
    if (mode.kind === 'access') return mode.vlan === vlan;
    return mode.nativeVlan === vlan || mode.vlans === 'all' || mode.vlans.includes(vlan);
  }

  /** Sends an untagged `base` out of local port `out` in `vlan`, tagging it if the port wants (`ingress`: where it came in, null from the fabric). */
  private sendLocal(out: number, vlan: number, base: SimFrame, ingress: Port | null): void {
    const mode = this.mode(out);
    const tagged = mode.kind === 'trunk' && mode.nativeVlan !== vlan;
    const copy = tagged ? pushTag(base, vlanTagFor(vlan)) : base;
    if (this.filter !== null) this.sendFiltered(this.filter, this.ports[out]!, copy, vlan, ingress);
    else this.ports[out]!.send(copy);
  }

  private receiveNative(port: Port, frame: SimFrame): void {
    const i = port.index;
    const state = this.state(i);
    if (state === 'disabled') return this.discard(port, frame, 'port-disabled');
    const dst = frame.eth.destination;
    if (isReservedGroup(dst)) {
      // RBridges terminate the spanning tree of attached bridges (RFC 6325, abstract); BPDUs go to
      // whatever control plane is attached and are never forwarded.
      this.controlPlane?.receive(port, frame);
      return;
    }
    if (state === 'blocking' || state === 'listening') return this.discard(port, frame, 'port-blocked');
    const vlan = this.classifyNative(i, frame);
    if (vlan < 0) return this.discard(port, frame, 'vlan');
    if (this.filter !== null) {
      const why = this.filter.ingress(port, frame, vlan);
      if (why !== null) return this.refuse(port, frame, why);
    }
    this.counters.framesIn++;
    const now = this.kernel.now;
    if (!isGroupMac(frame.eth.source)) this.learn(vlan, frame.eth.source, i, now);
    if (state === 'learning') return this.discard(port, frame, 'port-learning');
    const base = frame.eth.vlanTags.length === 0 ? frame : popTag(frame);
    if (isGroupMac(dst)) {
      if (dst === 0xffff_ffff_ffff) this.counters.broadcastFloods++;
      else this.counters.multicastFloods++;
      this.flood(i, vlan, base);
      this.ingressMultiDestination(vlan, base);
      return;
    }
    const out = this.fdb.lookup(vlan, dst, now);
    if (out < 0) {
      if (!this.floodsOut(i, vlan) && this.fabric.treePorts(this).length === 0) return this.dropNoEgress(port, frame, i, vlan, base);
      this.counters.unknownUnicastFloods++;
      this.flood(i, vlan, base);
      this.ingressMultiDestination(vlan, base);
      return;
    }
    if (out >= REMOTE_PORT_BASE) {
      this.ingressUnicast(port, vlan, base, out - REMOTE_PORT_BASE);
      return;
    }
    if (out === i) return this.discard(port, frame, 'same-port');
    if (this.state(out) !== 'forwarding' || !this.memberNative(out, vlan)) return this.discard(port, frame, 'port-blocked');
    this.sendLocal(out, vlan, base, port);
  }

  /** The inner frame of an encapsulation: the native frame with its VLAN as the outer tag. */
  private inner(vlan: number, base: SimFrame): SimFrame {
    return pushTag(base, vlanTagFor(vlan));
  }

  private header(egress: number, multiDestination: boolean, hash: number): FabricHeader {
    return { ingress: this.nickname, egress, multiDestination, hopCount: this.fabric.hopCount, flowHash: hash };
  }

  /** Encapsulates a multi-destination frame onto every tree port (RFC 6325 §4.5, §4.6). */
  private ingressMultiDestination(vlan: number, base: SimFrame): void {
    const ports = this.fabric.treePorts(this);
    if (ports.length === 0) return;
    const root = this.fabric.treeRoot;
    const frame = encapsulate(this.inner(vlan, base), this.header(root.nickname, true, 0), this.fabric.encapsulationOverhead);
    this.fabricCounters.encapsulated++;
    this.sendOn(ports, -1, frame);
  }

  /** Encapsulates a known unicast towards the edge of index `egress` (RFC 6325 §4.6). */
  private ingressUnicast(port: Port, vlan: number, base: SimFrame, egress: number): void {
    const inner = this.inner(vlan, base);
    const hash = flowHash(inner.eth);
    const out = this.fabric.selectPort(this, egress, hash);
    if (out < 0) return this.discard(port, base, 'no-route');
    const frame = encapsulate(inner, this.header(egress + 1, false, hash), this.fabric.encapsulationOverhead);
    this.fabricCounters.encapsulated++;
    this.ports[out]!.send(frame);
  }

  private receiveEncapsulated(port: Port, frame: SimFrame): void {
    // A fabric port speaks only the encapsulation; a native frame here is not in any VLAN of it.
    if (!isFabricFrame(frame)) return this.discard(port, frame, 'vlan');
    const h = frame.fabric;
    if (h.multiDestination) {
      if (!this.fabric.rpfAccepts(this, port.index, h.ingress - 1)) return this.discard(port, frame, 'rpf');
      this.decapsulate(port, frame, true);
      const ports = this.fabric.treePorts(this);
      if (ports.length <= 1) return;
      // The egress role is done above even at hop count 0; forwarding is not (RFC 6325 §3.6).
      if (h.hopCount === 0) return this.discard(port, frame, 'hop-limit');
      this.fabricCounters.treeForwarded++;
      this.sendOn(ports, port.index, nextHop(frame));
      return;
    }
    if (h.egress === this.nickname) {
      this.decapsulate(port, frame, false);
      return;
    }
    if (h.hopCount === 0) return this.discard(port, frame, 'hop-limit');
    const out = this.fabric.selectPort(this, h.egress - 1, h.flowHash);
    if (out < 0) return this.discard(port, frame, 'no-route');
    this.fabricCounters.transit++;
    this.ports[out]!.send(nextHop(frame));
  }

  /** Opens an encapsulated frame here: learns its source's edge, delivers it to local ports. */
  private decapsulate(port: Port, frame: FabricFrame, multiDestination: boolean): void {
    const tag = frame.eth.vlanTags[0];
    if (tag === undefined) return this.discard(port, frame, 'vlan');
    const vlan = tag.vlanId;
    // A tree member without access ports in the VLAN is not an egress for it (the core).
    if (multiDestination && this.floodPorts(vlan).length === 0) return;
    this.fabricCounters.decapsulated++;
    const now = this.kernel.now;
    const src = frame.eth.source;
    if (!isGroupMac(src)) this.learnRemote(vlan, src, frame.fabric.ingress - 1, now);
    const base = popTag(frame);
    const dst = frame.eth.destination;
    if (isGroupMac(dst)) {
      this.flood(-1, vlan, base);
      return;
    }
    const out = this.fdb.lookup(vlan, dst, now);
    if (out < 0) {
      if (!this.floodsOut(-1, vlan)) return this.dropNoEgress(port, frame, -1, vlan, base);
      this.counters.unknownUnicastFloods++;
      this.flood(-1, vlan, base);
      return;
    }
    if (out >= REMOTE_PORT_BASE) {
      // Known to be behind another edge: that edge delivers the multi-destination copy; a unicast
      // that was sent here is not re-encapsulated by an egress.
      if (!multiDestination) this.discard(port, frame, 'no-route');
      return;
    }
    if (this.state(out) !== 'forwarding' || !this.memberNative(out, vlan)) return this.discard(port, frame, 'port-blocked');
    this.sendLocal(out, vlan, base, null);
  }

  /** Records (vlan, mac) -> the edge of index `edge`, learned from a decapsulated frame (RFC 6325 §4.8.1). */
  private learnRemote(vlan: number, mac: MacAddress, edge: number, now: number): void {
    const code = REMOTE_PORT_BASE + edge;
    const outcome = this.fdb.learn(vlan, mac, code, now);
    if (outcome === 'new') {
      this.fabricCounters.remoteLearned++;
      if (this.kernel.trace.wants('fabric-learned')) this.emitLearned(vlan, mac, this.fabric.switches[edge]!.name, true, -1);
    } else if (outcome === 'moved') {
      this.fabricCounters.remoteMoved++;
      if (this.kernel.trace.wants('fabric-learned')) this.emitLearned(vlan, mac, this.fabric.switches[edge]!.name, true, this.fdb.lastPreviousPort);
    } else if (outcome === 'refreshed') {
      this.trace.refreshed(this.name, vlan, mac, this.fabric.switches[edge]!.name);
    } else if (outcome === 'full') {
      this.counters.tableFull++;
    }
  }

  /** A local port's name, or the name of the fabric edge a remote code points at. */
  protected override portLabel(code: number): string | null {
    if (code < 0) return null;
    if (code >= REMOTE_PORT_BASE) return this.fabric.switches[code - REMOTE_PORT_BASE]?.name ?? null;
    return this.ports[code]?.name ?? null;
  }

  private emitLearned(vlan: number, mac: MacAddress, location: string, remote: boolean, previous: number): void {
    this.kernel.trace.emit({ type: 'fabric-learned', time: this.kernel.now, node: this.name, vlan, mac, location, remote, previous: this.portLabel(previous) });
  }

  /**
   * Sends `frame` out of every port in `ports` except `except`. Copies that arrive at the same time
   * are delivered as one kernel event (unless the switch was made with `batchFloods: false`).
   */
  private sendOn(ports: readonly number[], except: number, frame: SimFrame): void {
    for (const idx of ports) {
      if (idx === except) continue;
      const port = this.ports[idx]!;
      port.counters.floodedFrames++;
      if (!this.batch || port.link === null) {
        port.send(frame);
        continue;
      }
      this.floodBatch.add(port, frame);
    }
    if (this.batch) this.floodBatch.flush((this.fabricFloodArrival ??= this.kernel.site(this.name, 'fabric-flood-arrival')));
  }

}
