/**
 * IEEE 802.1D-1998 Spanning Tree Protocol (clause 8) for one bridge: the protocol parameters and
 * procedures of §8.5-8.8 (in the structure Linux's net/bridge/br_stp*.c also follows), driven by
 * kernel timers in exact simulated time.
 *
 * What it guarantees (IEEE 802.1D-1998 §8.5-8.6, with the timer values of §8.10.2; Linux
 * net/bridge/br_stp*.c):
 * - identifiers and roles: root = lowest bridge ID; root port by root path cost, then designated bridge ID, designated
 *   port ID, local port ID; one designated port per link; all other ports block.
 * - states and timers: ports go blocking → listening → learning → forwarding, one forward delay per step; stored
 *   information ages out max age after it was sent by the root (the message age timer starts at the
 *   received message age); the root sends configuration BPDUs every hello time, and every other
 *   bridge relays them out of its designated ports when one arrives on its root port, adding to the
 *   message age the time the information has been held plus 1 s (a one-second overestimate per hop,
 *   as 802.1D-2004 §17.21.25 uses for RSTP).
 * - topology change (§8.6.14-8.6.16): a port moving to forwarding (on a bridge designated for some link) or from
 *   forwarding/learning to blocking is a topology change: a TCN goes out of the root port every hello
 *   time until a configuration BPDU with TCA arrives, each hop acknowledges and relays it, and the
 *   root sets TC in its configuration BPDUs for max age + forward delay. Every bridge uses forward
 *   delay as its ageing time while the configuration BPDUs it gets on its root port (or, at the root,
 *   its own) carry TC.
 * - Edge (PortFast) ports go straight to forwarding and never signal a topology change; a BPDU
 *   received on one takes its edge status away until the link goes down (802.1D-2004 §17.23's rule,
 *   applied to STP).
 * - A port whose link goes down is disabled (Disable Port, §8.8: no topology change is signalled
 *   for it; the switch flushes its entries); the bridge reselects at once, so the loss of a root
 *   port with a blocked alternative takes 2 × forward delay, while a failure further away takes max
 *   age more.
 * - The hold timer (1 s, §8.10) spaces configuration BPDUs on a port; a relay it delays carries the
 *   delay in its message age. When neighbours send at one instant (acknowledging TCNs after a cold
 *   start, say), relays lock onto the hold timer's phase and every hop adds up to a second more: the
 *   protocol as specified, which is why a converged tree must allow 2 s of age per relaying bridge
 *   (`stpKeepsInformation`).
 */
import { Timer } from '../../sim/index.js';
import type { Bpdu, BridgeId, ConfigBpdu } from '../../wire/index.js';
import { BPDU_FLAG_TOPOLOGY_CHANGE, BPDU_FLAG_TOPOLOGY_CHANGE_ACK } from '../../wire/index.js';
import type { PortState } from '../trace.js';
import type { ConvergedBridge, EngineHost, SpanningTreeEngine } from './engine.js';
import type { PriorityVector, SpanningTreeRole } from './priority.js';
import { ONE_SECOND, compareBridgeIds, fromBpduTime, sameBridgeId, toBpduTime } from './priority.js';

/** Hold time: the least interval between two configuration BPDUs on one port (802.1D-1998 §8.10, fixed at 1 s). */
export const STP_HOLD_TIME = ONE_SECOND;
/** Added to the message age at each relay (one second per hop). */
export const STP_MESSAGE_AGE_INCREMENT = ONE_SECOND;

/**
 * Whether information that has crossed `relays` bridges after the root (the designated bridge's
 * distance from the root) is always refreshed before it expires, whatever the phases of the
 * bridges' timers: the depth rule of a converged STP tree.
 *
 * A bridge relays the root's configuration BPDU when it arrives on its root port, unless the port's
 * hold timer runs: then the BPDU waits as Config Pending (802.1D-1998 §8.6.1) until the hold timer
 * expires (§8.7.8), up to the 1 s hold time, and goes out with the root port's Message Age Timer plus
 * the increment, since the transmitted age must not underestimate the age of the information
 * received on the root port (§8.6.1): the wait is carried in the age. Once the relays along a path
 * lock onto the hold timer's phase (several bridges send at one instant, e.g. acknowledging TCNs,
 * and every later BPDU then reaches each of them just after its last send), each relay costs hold
 * time + increment, not the increment alone; the performance parameters of §8.10 allow the same two
 * terms per bridge (maximum BPDU transmission delay and maximum message age increment
 * overestimate, 1 s each). The information a port stores is then up to `relays` × 2 s old on
 * arrival and expires max age − that later (its Message Age Timer starts at the received age,
 * §8.6.2); the next BPDU leaves the root at most one hello time later (§8.7.3) and may be held as
 * long on its way, so it arrives in time only when relays × (hold + increment) + hello < max age.
 */
export function stpKeepsInformation(relays: number, helloTime: number, maxAge: number): boolean {
  return relays * (STP_HOLD_TIME + STP_MESSAGE_AGE_INCREMENT) + helloTime < maxAge;
}

class StpPort {
  readonly index: number;
  readonly portId: number;
  readonly pathCost: number;
  state: PortState = 'disabled';
  designated: PriorityVector;
  topologyChangeAck = false;
  configPending = false;
  operEdge: boolean;
  /** The time at which the message age timer read zero (its value is now − ageZeroAt). */
  ageZeroAt = 0;
  readonly messageAgeTimer: Timer;
  readonly forwardDelayTimer: Timer;
  readonly holdTimer: Timer;

  constructor(engine: StpEngine, host: EngineHost, index: number) {
    this.index = index;
    this.portId = host.portIds[index]!;
    this.pathCost = host.pathCosts[index]!;
    this.operEdge = host.adminEdge[index]!;
    this.designated = { rootId: host.bridgeId, rootPathCost: 0, designatedId: host.bridgeId, designatedPort: this.portId };
    this.messageAgeTimer = new Timer(host.kernel, host.name, 'stp-message-age', () => engine.messageAgeExpired(index));
    this.forwardDelayTimer = new Timer(host.kernel, host.name, 'stp-forward-delay', () => engine.forwardDelayExpired(index));
    this.holdTimer = new Timer(host.kernel, host.name, 'stp-hold', () => engine.holdExpired(index));
  }
}

/** See the module comment. */
export class StpEngine implements SpanningTreeEngine {
  private readonly host: EngineHost;
  private readonly ports: StpPort[] = [];
  private designatedRoot: BridgeId;
  private rootPathCostValue = 0;
  private rootPortValue = -1;
  /** Times in use: learned from the root (or the bridge's own at the root). */
  private maxAge: number;
  private helloTime: number;
  private forwardDelay: number;
  private topologyChangeDetected = false;
  private topologyChangeFlag = false;
  private readonly helloTimer: Timer;
  private readonly tcnTimer: Timer;
  private readonly topologyChangeTimer: Timer;

  constructor(host: EngineHost) {
    this.host = host;
    this.designatedRoot = host.bridgeId;
    this.maxAge = host.times.maxAge;
    this.helloTime = host.times.helloTime;
    this.forwardDelay = host.times.forwardDelay;
    for (let i = 0; i < host.portCount; i++) this.ports.push(new StpPort(this, host, i));
    this.helloTimer = new Timer(host.kernel, host.name, 'stp-hello', () => this.helloExpired());
    this.tcnTimer = new Timer(host.kernel, host.name, 'stp-tcn', () => this.tcnExpired());
    this.topologyChangeTimer = new Timer(host.kernel, host.name, 'stp-topology-change', () => this.topologyChangeExpired());
  }

  get rootId(): BridgeId {
    return this.designatedRoot;
  }

  get rootPathCost(): number {
    return this.rootPathCostValue;
  }

  get rootPort(): number {
    return this.rootPortValue;
  }

  get topologyChange(): boolean {
    return this.topologyChangeFlag;
  }

  role(port: number): SpanningTreeRole {
    const p = this.ports[port]!;
    if (p.state === 'disabled') return 'disabled';
    if (port === this.rootPortValue) return 'root';
    if (this.isDesignatedPort(p)) return 'designated';
    return sameBridgeId(p.designated.designatedId, this.host.bridgeId) ? 'backup' : 'alternate';
  }

  vector(port: number): PriorityVector | null {
    const p = this.ports[port]!;
    return p.state === 'disabled' ? null : p.designated;
  }

  operEdge(port: number): boolean {
    return this.ports[port]!.operEdge;
  }

  private get now(): number {
    return this.host.kernel.now;
  }

  private get isRoot(): boolean {
    return sameBridgeId(this.designatedRoot, this.host.bridgeId);
  }

  private isDesignatedPort(p: StpPort): boolean {
    return sameBridgeId(p.designated.designatedId, this.host.bridgeId) && p.designated.designatedPort === p.portId;
  }

  private setState(p: StpPort, state: PortState): void {
    p.state = state;
    this.host.setPortState(p.index, state, this.role(p.index));
  }

  // ---- initialisation (§8.8.1) ----

  begin(): void {
    this.designatedRoot = this.host.bridgeId;
    this.rootPathCostValue = 0;
    this.rootPortValue = -1;
    this.maxAge = this.host.times.maxAge;
    this.helloTime = this.host.times.helloTime;
    this.forwardDelay = this.host.times.forwardDelay;
    this.topologyChangeDetected = false;
    this.setTopologyChange(false);
    this.tcnTimer.cancel();
    this.topologyChangeTimer.cancel();
    for (const p of this.ports) {
      if (this.host.portUp(p.index)) this.initializePort(p);
      else this.disablePortState(p);
    }
    this.portStateSelection();
    this.configBpduGeneration();
    this.helloTimer.set(this.host.helloPhase);
  }

  private initializePort(p: StpPort): void {
    this.resetPort(p, 'blocking');
  }

  private disablePortState(p: StpPort): void {
    this.resetPort(p, 'disabled');
  }

  /** What initializing and disabling a port share: designated, in `state`, flags and timers cleared. */
  private resetPort(p: StpPort, state: 'blocking' | 'disabled'): void {
    this.becomeDesignatedPort(p);
    this.setState(p, state);
    p.topologyChangeAck = false;
    p.configPending = false;
    p.operEdge = this.host.adminEdge[p.index]!;
    p.messageAgeTimer.cancel();
    p.forwardDelayTimer.cancel();
    p.holdTimer.cancel();
  }

  converge(state: ConvergedBridge): void {
    this.designatedRoot = state.rootId;
    this.rootPathCostValue = state.rootPathCost;
    this.rootPortValue = state.rootPort;
    this.maxAge = state.rootTimes.maxAge;
    this.helloTime = state.rootTimes.helloTime;
    this.forwardDelay = state.rootTimes.forwardDelay;
    this.topologyChangeDetected = false;
    this.setTopologyChange(false);
    this.tcnTimer.cancel();
    this.topologyChangeTimer.cancel();
    const now = this.now;
    state.ports.forEach((c, i) => {
      const p = this.ports[i]!;
      p.topologyChangeAck = false;
      p.configPending = false;
      p.forwardDelayTimer.cancel();
      p.holdTimer.cancel();
      p.messageAgeTimer.cancel();
      p.operEdge = c.operEdge;
      if (c.role === 'disabled' || c.vector === null) {
        p.designated = { rootId: this.designatedRoot, rootPathCost: this.rootPathCostValue, designatedId: this.host.bridgeId, designatedPort: p.portId };
        this.setState(p, 'disabled');
        return;
      }
      p.designated = c.vector;
      if (c.role !== 'designated' && c.times !== null) {
        // As if the designated bridge's last configuration BPDU had just arrived.
        p.ageZeroAt = now - c.times.messageAge;
        p.messageAgeTimer.setAt(p.ageZeroAt + c.times.maxAge);
      }
      this.setState(p, c.role === 'root' || c.role === 'designated' ? 'forwarding' : 'blocking');
    });
    this.helloTimer.cancel();
    if (this.isRoot) this.helloTimer.set(this.host.helloPhase);
  }

  // ---- BPDU reception (§8.7.1, §8.7.2) ----

  receive(port: number, bpdu: Bpdu): boolean {
    const p = this.ports[port]!;
    if (p.state === 'disabled' || bpdu.protocolId !== 0) return false;
    if (bpdu.type === 'rst') return false; // 802.1D-1998 knows no RST BPDU (no 802.1D-2004 §17.24 migration)
    // A BPDU from a bridge: this is no host port.
    p.operEdge = false;
    if (bpdu.type === 'tcn') {
      if (this.isDesignatedPort(p)) {
        this.topologyChangeDetection();
        this.acknowledgeTopologyChange(p);
      }
      return true;
    }
    // §9.3.4: discard a configuration BPDU that is too old, or our own from this very port.
    if (bpdu.messageAge >= bpdu.maxAge) return false;
    if (sameBridgeId(bpdu.bridgeId, this.host.bridgeId) && bpdu.portId === p.portId) return false;
    this.receivedConfig(p, bpdu);
    return true;
  }

  private receivedConfig(p: StpPort, bpdu: ConfigBpdu): void {
    const message: PriorityVector = { rootId: bpdu.rootId, rootPathCost: bpdu.rootPathCost, designatedId: bpdu.bridgeId, designatedPort: bpdu.portId };
    if (this.supersedesPortInfo(p, message)) {
      const wasRoot = this.isRoot;
      this.recordConfigInformation(p, message, bpdu);
      this.configurationUpdate();
      this.portStateSelection();
      if (!this.isRoot && wasRoot) {
        this.helloTimer.cancel();
        if (this.topologyChangeDetected) {
          this.topologyChangeTimer.cancel();
          this.transmitTcn();
          this.tcnTimer.set(this.host.times.helloTime);
        }
      }
      if (p.index === this.rootPortValue) {
        this.recordConfigTimeoutValues(bpdu);
        this.configBpduGeneration();
        if ((bpdu.flags & BPDU_FLAG_TOPOLOGY_CHANGE_ACK) !== 0) this.topologyChangeAcknowledged();
      }
    } else if (this.isDesignatedPort(p)) {
      // §8.7.1: answer inferior information from another bridge with our own.
      this.transmitConfig(p);
    }
  }

  /** §8.6.2: better information, or an update from the bridge and port already designated. */
  private supersedesPortInfo(p: StpPort, m: PriorityVector): boolean {
    const d = p.designated;
    const root = compareBridgeIds(m.rootId, d.rootId);
    if (root !== 0) return root < 0;
    if (m.rootPathCost !== d.rootPathCost) return m.rootPathCost < d.rootPathCost;
    const bridge = compareBridgeIds(m.designatedId, d.designatedId);
    if (bridge !== 0) return bridge < 0;
    return !sameBridgeId(m.designatedId, this.host.bridgeId) || m.designatedPort <= d.designatedPort;
  }

  private recordConfigInformation(p: StpPort, m: PriorityVector, bpdu: ConfigBpdu): void {
    p.designated = m;
    p.ageZeroAt = this.now - fromBpduTime(bpdu.messageAge);
    // The stored information expires when its age reaches the root's max age (§8.6.2).
    p.messageAgeTimer.setAt(p.ageZeroAt + fromBpduTime(bpdu.maxAge));
  }

  private recordConfigTimeoutValues(bpdu: ConfigBpdu): void {
    this.maxAge = fromBpduTime(bpdu.maxAge);
    this.helloTime = fromBpduTime(bpdu.helloTime);
    this.forwardDelay = fromBpduTime(bpdu.forwardDelay);
    this.setTopologyChange((bpdu.flags & BPDU_FLAG_TOPOLOGY_CHANGE) !== 0);
  }

  // ---- root and designated port selection (§8.6.8-8.6.11) ----

  private configurationUpdate(): void {
    this.rootSelection();
    this.designatedPortSelection();
  }

  private rootSelection(): void {
    let best: StpPort | null = null;
    for (const p of this.ports) {
      if (p.state === 'disabled' || this.isDesignatedPort(p)) continue;
      if (compareBridgeIds(p.designated.rootId, this.host.bridgeId) >= 0) continue;
      if (best === null || this.betterRootPort(p, best)) best = p;
    }
    if (best === null) {
      this.designatedRoot = this.host.bridgeId;
      this.rootPathCostValue = 0;
      this.rootPortValue = -1;
    } else {
      this.designatedRoot = best.designated.rootId;
      this.rootPathCostValue = best.designated.rootPathCost + best.pathCost;
      this.rootPortValue = best.index;
    }
  }

  /**
   * The tie-break order of 802.1D-1998 §8.6.8-8.6.11 (root and designated port selection): root, root
   * path cost, designated bridge, designated port, port ID.
   */
  private betterRootPort(a: StpPort, b: StpPort): boolean {
    const order = compareBridgeIds(a.designated.rootId, b.designated.rootId) ||
      (a.designated.rootPathCost + a.pathCost) - (b.designated.rootPathCost + b.pathCost) ||
      compareBridgeIds(a.designated.designatedId, b.designated.designatedId) ||
      a.designated.designatedPort - b.designated.designatedPort ||
      a.portId - b.portId;
    return order < 0;
  }

  private designatedPortSelection(): void {
    for (const p of this.ports) {
      if (p.state === 'disabled') continue;
      if (this.isDesignatedPort(p) || this.shouldBecomeDesignated(p)) this.becomeDesignatedPort(p);
    }
  }

  private shouldBecomeDesignated(p: StpPort): boolean {
    const d = p.designated;
    if (!sameBridgeId(d.rootId, this.designatedRoot)) return true;
    if (this.rootPathCostValue !== d.rootPathCost) return this.rootPathCostValue < d.rootPathCost;
    const bridge = compareBridgeIds(this.host.bridgeId, d.designatedId);
    if (bridge !== 0) return bridge < 0;
    return p.portId < d.designatedPort;
  }

  private becomeDesignatedPort(p: StpPort): void {
    p.designated = { rootId: this.designatedRoot, rootPathCost: this.rootPathCostValue, designatedId: this.host.bridgeId, designatedPort: p.portId };
  }

  private portStateSelection(): void {
    for (const p of this.ports) {
      if (p.state === 'disabled') continue;
      if (p.index === this.rootPortValue) {
        p.configPending = false;
        p.topologyChangeAck = false;
        this.makeForwarding(p);
      } else if (this.isDesignatedPort(p)) {
        p.messageAgeTimer.cancel();
        this.makeForwarding(p);
      } else {
        p.configPending = false;
        p.topologyChangeAck = false;
        this.makeBlocking(p);
      }
    }
  }

  private makeForwarding(p: StpPort): void {
    if (p.state !== 'blocking') return;
    if (p.operEdge) {
      // An edge port (Cisco's PortFast; 802.1D-2004's operEdge): straight to forwarding, no topology change.
      this.setState(p, 'forwarding');
      return;
    }
    this.setState(p, 'listening');
    p.forwardDelayTimer.set(this.forwardDelay);
  }

  private makeBlocking(p: StpPort): void {
    if (p.state === 'disabled' || p.state === 'blocking') return;
    // 802.1D-1998 §8.6.14 (topology change detection): leaving forwarding or learning for blocking is a topology change.
    if ((p.state === 'forwarding' || p.state === 'learning') && !p.operEdge) this.topologyChangeDetection();
    this.setState(p, 'blocking');
    p.forwardDelayTimer.cancel();
  }

  // ---- transmission (§8.6.1, §8.6.3) ----

  private configBpduGeneration(): void {
    for (const p of this.ports) {
      if (p.state !== 'disabled' && this.isDesignatedPort(p)) this.transmitConfig(p);
    }
  }

  private transmitConfig(p: StpPort): void {
    if (p.holdTimer.pending) {
      p.configPending = true;
      return;
    }
    let messageAge = 0;
    if (!this.isRoot) {
      const rootPort = this.ports[this.rootPortValue]!;
      messageAge = this.now - rootPort.ageZeroAt + STP_MESSAGE_AGE_INCREMENT;
    }
    const bpdu: ConfigBpdu = {
      kind: 'bpdu',
      type: 'config',
      protocolId: 0,
      version: 0,
      flags: (this.topologyChangeFlag ? BPDU_FLAG_TOPOLOGY_CHANGE : 0) | (p.topologyChangeAck ? BPDU_FLAG_TOPOLOGY_CHANGE_ACK : 0),
      rootId: this.designatedRoot,
      rootPathCost: this.rootPathCostValue,
      bridgeId: this.host.bridgeId,
      portId: p.portId,
      messageAge: toBpduTime(messageAge),
      maxAge: toBpduTime(this.maxAge),
      helloTime: toBpduTime(this.helloTime),
      forwardDelay: toBpduTime(this.forwardDelay),
    };
    // Information as old as max age is not passed on (§8.6.1).
    if (bpdu.messageAge >= bpdu.maxAge) return;
    this.host.send(p.index, bpdu);
    p.topologyChangeAck = false;
    p.configPending = false;
    p.holdTimer.set(STP_HOLD_TIME);
  }

  private transmitTcn(): void {
    if (this.rootPortValue < 0) return;
    this.host.send(this.rootPortValue, { kind: 'bpdu', type: 'tcn', protocolId: 0, version: 0 });
  }

  // ---- topology change (802.1D-1998 §8.6.14-8.6.16) ----

  private topologyChangeDetection(): void {
    this.host.noteTopologyChangeDetected();
    if (this.isRoot) {
      this.setTopologyChange(true);
      this.topologyChangeTimer.set(this.host.times.maxAge + this.host.times.forwardDelay);
    } else if (!this.topologyChangeDetected) {
      this.transmitTcn();
      this.tcnTimer.set(this.host.times.helloTime);
    }
    this.topologyChangeDetected = true;
  }

  private topologyChangeAcknowledged(): void {
    this.topologyChangeDetected = false;
    this.tcnTimer.cancel();
  }

  private acknowledgeTopologyChange(p: StpPort): void {
    p.topologyChangeAck = true;
    this.transmitConfig(p);
  }

  private setTopologyChange(on: boolean): void {
    const changed = on !== this.topologyChangeFlag;
    this.topologyChangeFlag = on;
    this.host.shortenAging(on ? this.forwardDelay : null);
    if (changed) this.host.topologyChangeChanged(on);
  }

  // ---- timers (§8.7.3-8.7.8) ----

  private helloExpired(): void {
    this.configBpduGeneration();
    this.helloTimer.set(this.helloTime);
  }

  /** Stored information expired: the port takes over the link, and the bridge reselects. */
  messageAgeExpired(port: number): void {
    const wasRoot = this.isRoot;
    this.becomeDesignatedPort(this.ports[port]!);
    this.configurationUpdate();
    this.portStateSelection();
    if (this.isRoot && !wasRoot) this.becomeRootBridge();
  }

  forwardDelayExpired(port: number): void {
    const p = this.ports[port]!;
    if (p.state === 'listening') {
      this.setState(p, 'learning');
      p.forwardDelayTimer.set(this.forwardDelay);
    } else if (p.state === 'learning') {
      this.setState(p, 'forwarding');
      if (this.designatedForSomePort() && !p.operEdge) this.topologyChangeDetection();
    }
  }

  holdExpired(port: number): void {
    const p = this.ports[port]!;
    if (p.configPending) this.transmitConfig(p);
  }

  private tcnExpired(): void {
    this.transmitTcn();
    this.tcnTimer.set(this.host.times.helloTime);
  }

  private topologyChangeExpired(): void {
    this.topologyChangeDetected = false;
    this.setTopologyChange(false);
  }

  private designatedForSomePort(): boolean {
    return this.ports.some((p) => p.state !== 'disabled' && sameBridgeId(p.designated.designatedId, this.host.bridgeId));
  }

  private becomeRootBridge(): void {
    this.maxAge = this.host.times.maxAge;
    this.helloTime = this.host.times.helloTime;
    this.forwardDelay = this.host.times.forwardDelay;
    this.topologyChangeDetection();
    this.tcnTimer.cancel();
    this.configBpduGeneration();
    this.helloTimer.set(this.helloTime);
  }

  // ---- links (Enable Port, Disable Port: §8.8) ----

  linkChanged(port: number, up: boolean): void {
    const p = this.ports[port]!;
    if (up) {
      if (p.state !== 'disabled') return;
      this.initializePort(p);
      this.portStateSelection();
      return;
    }
    if (p.state === 'disabled') return;
    const wasRoot = this.isRoot;
    this.disablePortState(p);
    this.configurationUpdate();
    this.portStateSelection();
    if (this.isRoot && !wasRoot) this.becomeRootBridge();
  }
}
