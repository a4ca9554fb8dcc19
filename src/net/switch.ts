/**
 * An IEEE 802.1D / 802.1Q learning bridge: VLAN classification on access and trunk ports, source
 * learning into a filtering database with aging and a capacity limit (mac-table.ts), forwarding of
 * known unicast, flooding of broadcast, multicast and unknown unicast to the VLAN's forwarding ports
 * (an unknown unicast with no port to leave by but its ingress is dropped as `no-egress`, not counted
 * as a flood), and per-port spanning-tree states set by a control plane (stp.ts). Frames to the reserved group
 * addresses 01:80:c2:00:00:00-0f are never forwarded; they go to the control plane.
 *
 * A flood is one frame shared by all its receivers: the egress variants (untagged, tagged per VLAN)
 * are made once per flood, and deliveries that arrive at the same time go out as one kernel event.
 * `batchFloods: false` turns the batching off (one event per receiver); the tests check both give the
 * same results.
 */
import type { EventSite, Kernel } from '../sim/index.js';
import type { MacAddress, VlanTag } from '../wire/index.js';
import { isGroupMac } from '../wire/index.js';
import type { ActiveTopology } from './active-topology.js';
import type { SimFrame } from './frame.js';
import { popTag, pushTag } from './frame.js';
import { FloodBatcher, FloodPlan } from './flood-batch.js';
import type { LearnOutcome } from './mac-table.js';
import { MacTable, checkMacTableOptions } from './mac-table.js';
import type { FilterDrop, FrameFilter } from './filter.js';
import type { DropReason, PortOwner } from './port.js';
import { Port } from './port.js';
import type { PortState, TraceSink } from './trace.js';

/** How a port treats VLANs. */
export type PortMode =
  | { readonly kind: 'access'; readonly vlan: number }
  | { readonly kind: 'trunk'; readonly vlans: 'all' | readonly number[]; readonly nativeVlan?: number };

/** Settings of a switch. */
export interface SwitchConfig {
  /** The bridge address (used in bridge IDs and as the base of port addresses); {@link Network} assigns one. */
  readonly bridgeAddress?: MacAddress;
  /** Ageing time, ns (802.1D default 300 s). */
  readonly agingTime?: number;
  /** Filtering database capacity, entries. */
  readonly macTableCapacity?: number;
  /** Deliver simultaneous flood copies as one event (default true). */
  readonly batchFloods?: boolean;
}

/** The defaults of {@link SwitchConfig}. */
export const SWITCH_DEFAULTS = { agingTime: 300e9, macTableCapacity: 1 << 20, batchFloods: true } as const;

/** What the control plane (STP, a fabric protocol) gets from the switch. */
export interface ControlPlane {
  /** A frame to a reserved group address (e.g. a BPDU) arrived on `port`. */
  receive(port: Port, frame: SimFrame): void;
  /** A port's link went up or down. */
  linkChanged?(port: Port, up: boolean): void;
}

/** Switch-wide counters: plain integers. */
export class SwitchCounters {
  framesIn = 0;
  unknownUnicastFloods = 0;
  broadcastFloods = 0;
  multicastFloods = 0;
  learned = 0;
  moved = 0;
  tableFull = 0;
}

const DEFAULT_MODE: PortMode = { kind: 'access', vlan: 1 };

function isReservedGroup(mac: number): boolean {
  // 01:80:c2:00:00:00 to 01:80:c2:00:00:0f
  return mac >= 0x0180_c200_0000 && mac <= 0x0180_c200_000f;
}

/** See the module comment. */
export class LearningSwitch implements PortOwner {
  /**
   * @internal Whether a flood plan is read again only when a link of its own switch changed (rather
   * than any link of the network: a migration's unplug and plug made every switch of a large domain
   * read all its ports again). The same either way; tests turn it off to compare the two paths.
   */
  static plansByOwnLinks = true;

  readonly name: string;
  /** The bridge address: 02:a5:ss:ss:00:00 for the switch numbered ssss by its network. */
  readonly address: MacAddress;
  readonly ports: Port[] = [];
  /** The filtering database, made at its first use (most vSwitches of a big domain are never asked). */
  private fdbValue: MacTable | null = null;
  readonly counters = new SwitchCounters();
  /** Receives BPDUs and link changes; null when the switch runs no control protocol. */
  controlPlane: ControlPlane | null = null;
  /**
   * A per-frame decision by a layer above (see filter.ts), or null: then a frame costs one null check
   * on arrival and one where it leaves (forwarded, or flooded).
   */
  filter: FrameFilter | null = null;
  protected readonly kernel: Kernel;
  /** Where batched flood deliveries are queued (fire-and-forget). */
  private floodArrival: EventSite | undefined;
  /** Groups the copies of this switch's floods by arrival time (flood-batch.ts), made at the first flood. */
  private floodBatchValue: FloodBatcher | null = null;
  /** The configuration given (its ageing time and table capacity, for the filtering database when it is made). */
  private readonly config: SwitchConfig;
  protected readonly trace: TraceSink;
  private readonly modes: PortMode[] = [];
  private readonly states: PortState[] = [];
  private readonly batchFloods: boolean;
  /**
   * The network's active topology (set by `Network.addSwitch`): which held flood copies were the only
   * way somewhere. Null for a switch made on its own.
   */
  activeTopology: ActiveTopology | null = null;
  // The caches are made at their first entry: a domain of a million VMs has tens of thousands of
  // vSwitches, most of which never flood.
  private floodCache: Map<number, number[]> | null = null;
  private heldCache: Map<number, number[]> | null = null;
  /** The flood plans of `floodCache`'s VLANs (flood-batch.ts), made at their first flood. */
  private planCache: Map<number, FloodPlan> | null = null;
  /** The plan `floodPlan` returned last, and its VLAN (null after any change of the caches). */
  private recentPlan: FloodPlan | null = null;
  private recentVlan = -1;
  /** Bumped when a link of one of the switch's ports changed (`linksChanged`): its plans' `linkEpoch`. */
  private linkStamp = 0;

  constructor(kernel: Kernel, trace: TraceSink, name: string, config: SwitchConfig = {}) {
    this.kernel = kernel;
    this.trace = trace;
    this.name = name;
    this.address = config.bridgeAddress ?? (0x02a5_0000_0000 as MacAddress);
    // Refused here, as when the table was made with the switch, though it is made at its first use.
    checkMacTableOptions(config.macTableCapacity ?? SWITCH_DEFAULTS.macTableCapacity, config.agingTime ?? SWITCH_DEFAULTS.agingTime);
    this.config = config;
    this.batchFloods = config.batchFloods ?? SWITCH_DEFAULTS.batchFloods;
  }

  /** The filtering database (IEEE 802.1Q clause 8.8). */
  get fdb(): MacTable {
    return (this.fdbValue ??= new MacTable({
      capacity: this.config.macTableCapacity ?? SWITCH_DEFAULTS.macTableCapacity,
      agingTime: this.config.agingTime ?? SWITCH_DEFAULTS.agingTime,
    }));
  }

  /** Groups the copies of this switch's floods by arrival time (flood-batch.ts). */
  protected get floodBatch(): FloodBatcher {
    return (this.floodBatchValue ??= new FloodBatcher(this.trace));
  }

  /** Adds a port named `<switch>:p<n>` (1-based), forwarding, in `mode`. */
  addPort(mode: PortMode = DEFAULT_MODE): Port {
    const port = new Port(this, this.ports.length);
    this.ports.push(port);
    this.modes.push(mode);
    this.states.push('forwarding');
    this.clearFloodCache();
    return port;
  }

  /** The MAC address of a port (source of its BPDUs): the bridge address plus the 1-based port number. */
  portAddress(port: number): MacAddress {
    return (this.address + port + 1) as MacAddress;
  }

  /** The port's VLAN mode. */
  mode(port: number): PortMode {
    return this.modes[port]!;
  }

  setMode(port: number, mode: PortMode): void {
    this.modes[port] = mode;
    this.clearFloodCache();
  }

  /** The port's spanning-tree state. */
  state(port: number): PortState {
    return this.states[port]!;
  }

  /** Sets a port's spanning-tree state (the control plane's job). */
  setState(port: number, state: PortState, role: string | null = null): void {
    if (this.states[port] === state) return;
    this.states[port] = state;
    this.clearFloodCache();
    this.trace.portState(this.ports[port]!, state, role);
  }

  /** Removes learned entries on `port` (or, with -1, on every port but `exceptPort`). */
  flush(port: number, cause: string, exceptPort = -1): number {
    const removed = this.fdb.flush(port, exceptPort);
    this.trace.flushed(this.name, port >= 0 ? this.ports[port]! : null, removed, cause);
    return removed;
  }

  /** Traces entries removed from the filtering database by someone else (a control plane's withdrawal). */
  traceFlush(port: Port | null, removed: number, cause: string): void {
    this.trace.flushed(this.name, port, removed, cause);
  }

  /** Sends a control frame (a BPDU) out of `port` whatever its state, unless disabled. */
  sendControl(port: number, frame: SimFrame): boolean {
    if (this.states[port] === 'disabled') return false;
    return this.ports[port]!.send(frame);
  }

  linksChanged(): void {
    this.linkStamp++;
  }

  linkChanged(port: Port, up: boolean): void {
    if (!up) this.flush(port.index, 'link-down');
    this.clearFloodCache();
    this.controlPlane?.linkChanged?.(port, up);
    this.filter?.linkChanged?.(port, up);
  }

  /** The VLAN a frame belongs to on `port`, or -1 if the port does not accept it. */
  private classify(port: number, frame: SimFrame): number {
    const mode = this.modes[port]!;
    const tag: VlanTag | undefined = frame.eth.vlanTags[0];
    const vid = tag === undefined ? 0 : tag.vlanId;
    if (mode.kind === 'access') return vid === 0 ? mode.vlan : -1;
    if (vid === 0) return mode.nativeVlan ?? -1;
    return mode.vlans === 'all' || mode.vlans.includes(vid) ? vid : -1;
  }

  private member(port: number, vlan: number): boolean {
    const mode = this.modes[port]!;
    if (mode.kind === 'access') return mode.vlan === vlan;
    return mode.nativeVlan === vlan || mode.vlans === 'all' || mode.vlans.includes(vlan);
  }

  /** Whether frames of `vlan` leave `port` tagged. */
  private tagged(port: number, vlan: number): boolean {
    const mode = this.modes[port]!;
    return mode.kind === 'trunk' && mode.nativeVlan !== vlan;
  }

  /** Forwarding ports that are members of `vlan`, in index order (cached until states or modes change). */
  floodPorts(vlan: number): readonly number[] {
    let list = this.floodCache?.get(vlan);
    if (list === undefined) {
      list = [];
      const held: number[] = [];
      for (let i = 0; i < this.ports.length; i++) {
        if (!this.member(i, vlan) || !this.ports[i]!.up) continue;
        const state = this.states[i];
        if (state === 'forwarding') list.push(i);
        else if (state !== 'disabled') held.push(i);
      }
      (this.floodCache ??= new Map()).set(vlan, list);
      (this.heldCache ??= new Map()).set(vlan, held);
    }
    return list;
  }

  /**
   * The flood plan of `vlan`'s forwarding ports (its links and peers read again when a link of one of
   * the switch's ports changed since, or, with {@link LearningSwitch.plansByOwnLinks} off, any link of
   * the network).
   */
  private floodPlan(vlan: number): FloodPlan {
    const store = this.trace.ports;
    const stamp = LearningSwitch.plansByOwnLinks ? this.linkStamp : store.linkEpoch;
    // The last plan asked for, without the maps (most switches flood in one VLAN).
    const recent = this.recentPlan;
    if (recent !== null && this.recentVlan === vlan && recent.linkEpoch === stamp) return recent;
    const targets = this.floodPorts(vlan);
    let plan = this.planCache?.get(vlan);
    if (plan === undefined) {
      plan = new FloodPlan(store, targets, targets.map((i) => this.ports[i]!), targets.map((i) => this.tagged(i, vlan)), stamp);
      (this.planCache ??= new Map()).set(vlan, plan);
    } else if (plan.linkEpoch !== stamp) {
      plan.refresh(store, stamp);
    }
    this.recentVlan = vlan;
    this.recentPlan = plan;
    return plan;
  }

  private clearFloodCache(): void {
    // Map.clear allocates a new table even for an empty map: while a topology is built (a port added
    // per VM) the caches are empty, and clearing them only made garbage.
    if (this.floodCache !== null && this.floodCache.size > 0) this.floodCache.clear();
    if (this.heldCache !== null && this.heldCache.size > 0) this.heldCache.clear();
    if (this.planCache !== null && this.planCache.size > 0) {
      for (const plan of this.planCache.values()) plan.release();
      this.planCache.clear();
    }
    this.recentPlan = null;
    this.activeTopology?.invalidate();
  }

  /**
   * Traces (without counting: a switch does not count what it does not send) the copies of a flood
   * that non-forwarding member ports of `vlan` held back where it mattered: the node behind the port
   * is not reached through forwarding ports (a spanning tree re-converging). A blocked alternate port
   * of a converged tree does not matter: its neighbour is reached another way. Without an active
   * topology to ask, only ports in transition (listening, learning) count.
   */
  protected traceHeld(ingress: number, vlan: number, frame: SimFrame): void {
    const held = this.heldCache?.get(vlan);
    if (held === undefined || held.length === 0) return;
    for (const i of held) {
      const port = this.ports[i]!;
      if (i !== ingress && this.heldCopyMatters(port)) this.trace.dropped(port, frame, 'port-blocked');
    }
  }

  /**
   * A frame arrived at a port that does not forward: counted, and traced where it mattered, as in
   * `traceHeld` (a copy reaching a blocked alternate port of a converged tree is a redundant one).
   */
  private dropArrival(port: Port, frame: SimFrame): void {
    port.counters.drops['port-blocked']++;
    if (this.trace.tracesDrops && this.heldCopyMatters(port)) this.trace.dropped(port, frame, 'port-blocked');
  }

  /** Whether non-forwarding `port` stands between this switch and a node that forwarding ports do not reach. */
  private heldCopyMatters(port: Port): boolean {
    const peer = port.peer;
    if (peer === null) return false;
    const topology = this.activeTopology;
    return topology === null ? this.states[port.index] !== 'blocking' : !topology.connected(this, peer.owner);
  }

  /** Whether a flood of a frame of `vlan` that came in on `ingress` (−1: from no port) leaves by any forwarding port. */
  protected floodsOut(ingress: number, vlan: number): boolean {
    const targets = this.floodPorts(vlan);
    return targets.length > 1 || (targets.length === 1 && targets[0] !== ingress);
  }

  /**
   * An unknown unicast that no forwarding port but its ingress leads on from: not a flood (nothing
   * leaves), but a drop at the ingress port with reason `no-egress`, so the packet's loss has a cause.
   * A copy a port in spanning-tree transition held back is traced as such first (the telling cause).
   */
  protected dropNoEgress(port: Port, frame: SimFrame, ingress: number, vlan: number, base: SimFrame): void {
    if (this.trace.tracesDrops) this.traceHeld(ingress, vlan, base);
    this.drop(port, frame, 'no-egress');
  }

  private drop(port: Port, frame: SimFrame, reason: DropReason): void {
    port.counters.drops[reason]++;
    this.trace.dropped(port, frame, reason);
  }

  /** A frame the filter refused at `port`: counted as `security` there, traced with the filter's reason. */
  protected refuse(port: Port, frame: SimFrame, why: FilterDrop): void {
    port.counters.drops.security++;
    this.trace.filtered(port, frame, why);
  }

  /** Sends `frame` out of `port` in `vlan` unless the filter refuses it there (`ingress`: where it came in). */
  protected sendFiltered(filter: FrameFilter, port: Port, frame: SimFrame, vlan: number, ingress: Port | null): boolean {
    const why = filter.egress(port, frame, vlan, ingress);
    if (why !== null) {
      this.refuse(port, frame, why);
      return false;
    }
    return port.send(frame);
  }

  receive(port: Port, frame: SimFrame): void {
    const i = port.index;
    const state = this.states[i]!;
    if (state === 'disabled') return this.drop(port, frame, 'port-disabled');
    const dst = frame.eth.destination;
    if (isReservedGroup(dst)) {
      this.controlPlane?.receive(port, frame);
      return;
    }
    if (state === 'blocking' || state === 'listening') return this.dropArrival(port, frame);
    const vlan = this.classify(i, frame);
    if (vlan < 0) return this.drop(port, frame, 'vlan');
    if (this.filter !== null) {
      const why = this.filter.ingress(port, frame, vlan);
      if (why !== null) return this.refuse(port, frame, why);
    }
    this.counters.framesIn++;
    const src = frame.eth.source;
    const now = this.kernel.now;
    if (!isGroupMac(src)) this.learn(vlan, src, i, now);
    if (state === 'learning') return this.drop(port, frame, 'port-learning');
    // Untagged copy: what access ports send; trunk ports add their tag to it.
    const base = frame.eth.vlanTags.length === 0 ? frame : popTag(frame);
    if (isGroupMac(dst)) {
      if (dst === 0xffff_ffff_ffff) this.counters.broadcastFloods++;
      else this.counters.multicastFloods++;
      this.flood(i, vlan, base);
      return;
    }
    const out = this.fdb.lookup(vlan, dst, now);
    if (out < 0) {
      if (!this.floodsOut(i, vlan)) return this.dropNoEgress(port, frame, i, vlan, base);
      this.counters.unknownUnicastFloods++;
      this.flood(i, vlan, base);
      return;
    }
    if (out === i) return this.drop(port, frame, 'same-port');
    if (this.states[out] !== 'forwarding' || !this.member(out, vlan)) return this.drop(port, frame, 'port-blocked');
    const copy = this.tagged(out, vlan) ? pushTag(base, vlanTagFor(vlan)) : base;
    if (this.filter !== null) this.sendFiltered(this.filter, this.ports[out]!, copy, vlan, port);
    else this.ports[out]!.send(copy);
  }

  /** Learns (vlan, mac) on `port` and traces new entries and moves. */
  learn(vlan: number, mac: MacAddress, port: number, now: number): void {
    const outcome = this.fdb.learn(vlan, mac, port, now);
    if (outcome === 'new') {
      this.counters.learned++;
      this.trace.learned(this.name, vlan, mac, this.ports[port]!, null);
    } else if (outcome === 'moved') {
      this.counters.moved++;
      this.trace.learned(this.name, vlan, mac, this.ports[port]!, this.ports[this.fdb.lastPreviousPort] ?? null);
    } else if (outcome === 'refreshed') {
      this.trace.refreshed(this.name, vlan, mac, this.ports[port]!.name);
    } else if (outcome === 'full') {
      this.counters.tableFull++;
    }
  }

  /**
   * Installs (vlan, mac) -> port code `code` for a management plane (origin `pushed`: a control
   * plane's entry, as an EVPN route or a controller's), traced as learning when it is new or moved.
   */
  install(vlan: number, mac: MacAddress, code: number, now: number): LearnOutcome {
    const outcome = this.fdb.learn(vlan, mac, code, now, 'pushed');
    if (outcome === 'new' || outcome === 'moved') {
      const previous = outcome === 'moved' ? this.portLabel(this.fdb.lastPreviousPort) : null;
      this.trace.learnedAt(this.name, vlan, mac, this.portLabel(code) ?? String(code), previous);
    } else if (outcome === 'refreshed') {
      this.trace.refreshed(this.name, vlan, mac, this.portLabel(code));
    }
    return outcome;
  }

  /** The name of what a filtering-database port code points at: a port here (null if none). */
  protected portLabel(code: number): string | null {
    return this.ports[code]?.name ?? null;
  }

  /** Sends `base` (untagged) out of every forwarding member port of `vlan` except `ingress`. */
  protected flood(ingress: number, vlan: number, base: SimFrame): void {
    if (this.filter !== null) return this.floodFiltered(this.filter, ingress, vlan, base);
    if (this.batchFloods) {
      const plan = this.floodPlan(vlan);
      if (this.trace.tracesDrops) this.traceHeld(ingress, vlan, base);
      this.floodBatch.addPlan(plan, ingress, base, vlanTagFor(vlan), this.kernel.now);
      this.floodBatch.flush((this.floodArrival ??= this.kernel.site(this.name, 'flood-arrival')));
      return;
    }
    const targets = this.floodPorts(vlan);
    if (this.trace.tracesDrops) this.traceHeld(ingress, vlan, base);
    let tagged: SimFrame | null = null;
    for (const idx of targets) {
      if (idx === ingress) continue;
      const port = this.ports[idx]!;
      let out = base;
      if (this.tagged(idx, vlan)) out = tagged ??= pushTag(base, vlanTagFor(vlan));
      port.counters.floodedFrames++;
      port.send(out);
    }
  }

  /** `flood` with the filter asked about every copy (kept apart so the unfiltered loop stays as it was). */
  private floodFiltered(filter: FrameFilter, ingress: number, vlan: number, base: SimFrame): void {
    const targets = this.floodPorts(vlan);
    if (this.trace.tracesDrops) this.traceHeld(ingress, vlan, base);
    const from = ingress >= 0 ? this.ports[ingress]! : null;
    let tagged: SimFrame | null = null;
    for (const idx of targets) {
      if (idx === ingress) continue;
      const port = this.ports[idx]!;
      const why = filter.egress(port, base, vlan, from);
      if (why !== null) {
        this.refuse(port, base, why);
        continue;
      }
      let out = base;
      if (this.tagged(idx, vlan)) out = tagged ??= pushTag(base, vlanTagFor(vlan));
      port.counters.floodedFrames++;
      if (!this.batchFloods) {
        port.send(out);
        continue;
      }
      this.floodBatch.add(port, out);
    }
    if (this.batchFloods) this.floodBatch.flush((this.floodArrival ??= this.kernel.site(this.name, 'flood-arrival')));
  }
}

const TAGS = new Map<number, VlanTag>();

/** The C-tag a trunk port adds for `vlan` (priority 0), shared per VLAN. */
export function vlanTagFor(vlan: number): VlanTag {
  let tag = TAGS.get(vlan);
  if (tag === undefined) {
    tag = { tpid: 0x8100, priority: 0, dropEligible: false, vlanId: vlan };
    TAGS.set(vlan, tag);
  }
  return tag;
}
