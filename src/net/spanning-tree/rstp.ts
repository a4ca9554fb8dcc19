/**
 * IEEE 802.1w Rapid Spanning Tree Protocol, as folded into IEEE 802.1D-2004 clause 17, for one bridge:
 * the Port Role Selection (§17.28), Port Information (§17.27), Port Role Transitions (§17.29), Port
 * State Transition (§17.30), Topology Change (§17.31) and Port Transmit (§17.26) state machines,
 * with the Port Receive (§17.23) and Bridge Detection (§17.25) machines reduced to what is modelled.
 *
 * How the machines run: every event that concerns the bridge (a BPDU, a link change, a timer) runs
 * all machines, port by port in index order, until none can take a transition; only then may the
 * transmit machine send, so a BPDU always carries the bridge's settled state. The switch's port
 * states are applied once the machines are quiet, before any BPDU leaves. The standard leaves the
 * order of simultaneous transitions open; this is one such order, fixed, so runs are deterministic.
 *
 * Timers run in exact simulated time instead of a one-second tick: a timer set to n seconds expires n
 * seconds later. Where the standard re-arms a timer on every tick while a port stays in a state
 * (ROOT_PORT's rrWhile, ALTERNATE_PORT's fdWhile, BACKUP_PORT's rbWhile, DISABLED_PORT's fdWhile),
 * the timer is held at its value while the port keeps that role and starts counting down when the
 * role changes, which is what the ticking achieves. One kernel event per bridge is pending at most.
 *
 * What it guarantees (IEEE 802.1D-2004 clause 17; Cisco, "Understanding Rapid Spanning Tree Protocol
 * (802.1w)"):
 * - roles root / designated / alternate / backup / disabled; states discarding (the switch's
 *   `blocking`) / learning / forwarding;
 * - designated ports send a BPDU every hello time; received information is aged out after 3 × the
 *   hello time it came with (rcvdInfoWhile, §17.21.23);
 * - links are point-to-point (every link of the simulator is full duplex), so proposal / agreement
 *   moves a designated port to forwarding after one BPDU round trip, and a root port whose
 *   predecessor has stopped forwarding (reRooted) forwards at once;
 * - edge ports forward at once, never signal a topology change, and lose edge status on receiving a
 *   BPDU (until their link goes down);
 * - a topology change is a non-edge root or designated port reaching forwarding: tcWhile runs for
 *   2 × hello time (Cisco's figure in the paper above; 802.1D-2004 §17.21.7 says hello + 1 s), the entries
 *   learned on every other non-edge forwarding port are flushed at once, and BPDUs carry TC while
 *   tcWhile runs; a bridge receiving TC flushes every other such port and propagates;
 * - a non-edge designated port that never gets an agreement (a host on a port not configured as
 *   edge) follows the timers: learning when fdWhile expires, max age after the port came up
 *   (DISABLED_PORT holds fdWhile at max age), forwarding forwardDelay later, which is the hello time
 *   while RST BPDUs are sent (§17.20.5); 22 s with the defaults.
 *
 * Not modelled: STP compatibility (§17.24 Port Protocol Migration: configuration and TCN BPDUs are
 * ignored, never sent), automatic edge detection (AutoEdge), shared media, MSTP.
 */
import { Timer } from '../../sim/index.js';
import type { Bpdu, BridgeId, RstBpdu } from '../../wire/index.js';
import {
  BPDU_FLAG_AGREEMENT,
  BPDU_FLAG_FORWARDING,
  BPDU_FLAG_LEARNING,
  BPDU_FLAG_PROPOSAL,
  BPDU_FLAG_TOPOLOGY_CHANGE,
  BPDU_FLAG_TOPOLOGY_CHANGE_ACK,
  BPDU_ROLE_ALTERNATE_BACKUP,
  BPDU_ROLE_DESIGNATED,
  BPDU_ROLE_ROOT,
  bpduPortRole,
} from '../../wire/index.js';
import type { ConvergedBridge, EngineHost, SpanningTreeEngine } from './engine.js';
import type { PriorityVector, SpanningTreeRole, SpanningTreeTimes } from './priority.js';
import { ONE_SECOND, compareVectors, fromBpduTime, relateMessage, sameBridgeId, sameTimes, toBpduTime } from './priority.js';

/** Transmit Hold Count: BPDUs a port may send per second (802.1D-2004 §17.14, default 6). */
export const RSTP_TX_HOLD_COUNT = 6;

/** An RSTP timer in exact time: counting down to `until`, or held at a value while the port keeps a role. */
class WhileTimer {
  private until = 0;
  private heldValue = -1;
  private heldRoles: readonly SpanningTreeRole[] = [];

  /** Starts counting `duration` ns from `now`. */
  set(now: number, duration: number): void {
    this.heldValue = -1;
    this.until = now + duration;
  }

  /** Sets the timer to zero. */
  clear(): void {
    this.heldValue = -1;
    this.until = 0;
  }

  /** Holds the timer at `value` while the port's role is one of `roles`. */
  hold(value: number, roles: readonly SpanningTreeRole[]): void {
    this.heldValue = value;
    this.heldRoles = roles;
  }

  /** Starts counting down from the held value if the port's role is no longer one it is held for. */
  release(role: SpanningTreeRole, now: number): void {
    if (this.heldValue >= 0 && !this.heldRoles.includes(role)) this.set(now, this.heldValue);
  }

  heldAt(value: number): boolean {
    return this.heldValue === value;
  }

  zero(now: number): boolean {
    return this.heldValue >= 0 ? this.heldValue === 0 : now >= this.until;
  }

  /** When the timer reaches zero, if it is counting and not there yet; otherwise -1. */
  deadline(now: number): number {
    return this.heldValue < 0 && this.until > now ? this.until : -1;
  }
}

type InfoIs = 'disabled' | 'aged' | 'mine' | 'received';
type PimState = 'disabled' | 'aged' | 'current';
type PrtState = 'disable-port' | 'disabled-port' | 'root-port' | 'designated-port' | 'block-port' | 'alternate-port';
type PstState = 'discarding' | 'learning' | 'forwarding';
type TcmState = 'inactive' | 'learning' | 'active';
type RcvdInfo = 'superior-designated' | 'repeated-designated' | 'inferior-designated' | 'inferior-root-alternate' | 'other';

class RstpPort {
  readonly index: number;
  readonly portId: number;
  readonly pathCost: number;
  readonly adminEdge: boolean;
  // Port Receive / Bridge Detection
  enabled = false;
  operEdge: boolean;
  rcvdMsg = false;
  rcvd: Bpdu | null = null;
  // Port Information
  pim: PimState = 'disabled';
  infoIs: InfoIs = 'disabled';
  portPriority: PriorityVector;
  portTimes: SpanningTreeTimes;
  msgPriority: PriorityVector;
  msgTimes: SpanningTreeTimes;
  proposing = false;
  proposed = false;
  agree = false;
  agreed = false;
  disputed = false;
  reselect = false;
  selected = false;
  updtInfo = false;
  newInfo = false;
  readonly rcvdInfoWhile = new WhileTimer();
  // Port Role Selection
  selectedRole: SpanningTreeRole = 'disabled';
  designatedPriority: PriorityVector;
  designatedTimes: SpanningTreeTimes;
  // Port Role Transitions
  prt: PrtState = 'disable-port';
  role: SpanningTreeRole = 'disabled';
  learn = false;
  forward = false;
  sync = false;
  synced = false;
  reRoot = false;
  readonly fdWhile = new WhileTimer();
  readonly rrWhile = new WhileTimer();
  readonly rbWhile = new WhileTimer();
  // Port State Transition
  pst: PstState = 'discarding';
  learning = false;
  forwarding = false;
  // Topology Change
  tcm: TcmState = 'inactive';
  readonly tcWhile = new WhileTimer();
  rcvdTc = false;
  rcvdTcn = false;
  rcvdTcAck = false;
  tcProp = false;
  tcAck = false;
  // Port Transmit
  ptxIdle = false;
  readonly helloWhen = new WhileTimer();
  txCount = 0;
  /** The one-second tick `txCount` was last brought up to date at. */
  txTick = 0;

  constructor(host: EngineHost, index: number, own: PriorityVector, times: SpanningTreeTimes) {
    this.index = index;
    this.portId = host.portIds[index]!;
    this.pathCost = host.pathCosts[index]!;
    this.adminEdge = host.adminEdge[index]!;
    this.operEdge = this.adminEdge;
    this.portPriority = own;
    this.msgPriority = own;
    this.designatedPriority = own;
    this.portTimes = times;
    this.msgTimes = times;
    this.designatedTimes = times;
  }

  /** FwdDelay, HelloTime and MaxAge of §17.20: components of designatedTimes. */
  get fwdDelay(): number {
    return this.designatedTimes.forwardDelay;
  }

  get helloTime(): number {
    return this.designatedTimes.helloTime;
  }

  get maxAge(): number {
    return this.designatedTimes.maxAge;
  }

  /** §17.20.5 forwardDelay: HelloTime when sending RST BPDUs (always, here), FwdDelay otherwise. */
  get forwardDelay(): number {
    return this.helloTime;
  }
}

function roundToSecond(ns: number): number {
  return Math.round(ns / ONE_SECOND) * ONE_SECOND;
}

const ROLE_FLAGS: Record<SpanningTreeRole, number> = {
  root: BPDU_ROLE_ROOT << 2,
  designated: BPDU_ROLE_DESIGNATED << 2,
  alternate: BPDU_ROLE_ALTERNATE_BACKUP << 2,
  backup: BPDU_ROLE_ALTERNATE_BACKUP << 2,
  disabled: 0,
};

/** See the module comment. */
export class RstpEngine implements SpanningTreeEngine {
  private readonly host: EngineHost;
  private readonly ports: RstpPort[] = [];
  private readonly bridgePriority: PriorityVector;
  private readonly bridgeTimes: SpanningTreeTimes;
  private rootPriority: PriorityVector;
  private rootPortIndex = -1;
  private rootTimes: SpanningTreeTimes;
  private tickOrigin = 0;
  private topologyChangeActive = false;
  private running = false;
  private readonly wake: Timer;

  constructor(host: EngineHost) {
    this.host = host;
    const me = host.bridgeId;
    this.bridgePriority = { rootId: me, rootPathCost: 0, designatedId: me, designatedPort: 0 };
    this.bridgeTimes = { messageAge: 0, maxAge: host.times.maxAge, helloTime: host.times.helloTime, forwardDelay: host.times.forwardDelay };
    this.rootPriority = this.bridgePriority;
    this.rootTimes = this.bridgeTimes;
    for (let i = 0; i < host.portCount; i++) {
      const own = { rootId: me, rootPathCost: 0, designatedId: me, designatedPort: host.portIds[i]! };
      this.ports.push(new RstpPort(host, i, own, this.bridgeTimes));
    }
    this.wake = new Timer(host.kernel, host.name, 'rstp-timer', () => this.run());
  }

  get rootId(): BridgeId {
    return this.rootPriority.rootId;
  }

  get rootPathCost(): number {
    return this.rootPriority.rootPathCost;
  }

  get rootPort(): number {
    return this.rootPortIndex;
  }

  get topologyChange(): boolean {
    return this.topologyChangeActive;
  }

  role(port: number): SpanningTreeRole {
    return this.ports[port]!.role;
  }

  vector(port: number): PriorityVector | null {
    const p = this.ports[port]!;
    return p.role === 'disabled' ? null : p.portPriority;
  }

  operEdge(port: number): boolean {
    return this.ports[port]!.operEdge;
  }

  private get now(): number {
    return this.host.kernel.now;
  }

  // ---- start ----

  begin(): void {
    const now = this.now;
    this.tickOrigin = now;
    this.rootPriority = this.bridgePriority;
    this.rootPortIndex = -1;
    this.rootTimes = this.bridgeTimes;
    for (const p of this.ports) {
      p.enabled = this.host.portUp(p.index);
      p.operEdge = p.adminEdge;
      p.rcvdMsg = false;
      p.rcvd = null;
      p.designatedPriority = { ...this.bridgePriority, designatedPort: p.portId };
      p.designatedTimes = this.bridgeTimes;
      p.portPriority = p.designatedPriority;
      p.portTimes = this.bridgeTimes;
      p.updtInfo = false;
      p.disputed = false;
      this.enterPimDisabled(p);
      // PRS INIT_BRIDGE: updtRoleDisabledTree().
      p.selectedRole = 'disabled';
      // PRT INIT_PORT, then DISABLE_PORT.
      p.role = 'disabled';
      p.learn = false;
      p.forward = false;
      p.synced = false;
      p.sync = true;
      p.reRoot = true;
      p.rrWhile.set(now, p.fwdDelay);
      p.fdWhile.set(now, p.maxAge);
      p.rbWhile.clear();
      this.enterDisablePort(p);
      // PST DISCARDING.
      p.pst = 'discarding';
      p.learning = false;
      p.forwarding = false;
      // TCM INACTIVE.
      p.rcvdTc = p.rcvdTcn = p.rcvdTcAck = p.tcProp = false;
      this.enterTcmInactive(p);
      // PTX TRANSMIT_INIT.
      this.enterTransmitInit(p);
    }
    this.run();
  }

  converge(state: ConvergedBridge): void {
    const now = this.now;
    this.tickOrigin = now;
    this.rootPortIndex = state.rootPort;
    const rootInfo = state.rootPort >= 0 ? state.ports[state.rootPort]! : null;
    if (rootInfo === null || rootInfo.vector === null || rootInfo.times === null) {
      this.rootPriority = this.bridgePriority;
      this.rootTimes = this.bridgeTimes;
    } else {
      this.rootPriority = { ...rootInfo.vector, rootPathCost: rootInfo.vector.rootPathCost + this.ports[state.rootPort]!.pathCost };
      this.rootTimes = { ...rootInfo.times, messageAge: roundToSecond(rootInfo.times.messageAge + ONE_SECOND) };
    }
    state.ports.forEach((c, i) => {
      const p = this.ports[i]!;
      p.enabled = this.host.portUp(i);
      p.operEdge = c.operEdge;
      p.rcvdMsg = false;
      p.rcvd = null;
      p.designatedPriority = { rootId: this.rootPriority.rootId, rootPathCost: this.rootPriority.rootPathCost, designatedId: this.host.bridgeId, designatedPort: p.portId };
      p.designatedTimes = { ...this.rootTimes, helloTime: this.bridgeTimes.helloTime };
      p.selected = true;
      p.reselect = false;
      p.updtInfo = false;
      p.selectedRole = c.role;
      p.role = c.role;
      p.disputed = false;
      p.proposed = false;
      p.sync = false;
      p.reRoot = false;
      p.newInfo = false;
      p.rbWhile.clear();
      p.rrWhile.clear();
      p.fdWhile.clear();
      p.tcWhile.clear();
      p.rcvdTc = p.rcvdTcn = p.rcvdTcAck = p.tcProp = p.tcAck = false;
      p.txCount = 0;
      p.txTick = 0;
      p.ptxIdle = true;
      p.helloWhen.set(now, this.host.helloPhase);
      const received = c.role === 'root' || c.role === 'alternate' || c.role === 'backup';
      if (received && c.vector !== null && c.times !== null) {
        p.pim = 'current';
        p.infoIs = 'received';
        p.portPriority = c.vector;
        p.portTimes = c.times;
        this.updtRcvdInfoWhile(p);
      } else if (c.role === 'designated') {
        p.pim = 'current';
        p.infoIs = 'mine';
        p.portPriority = p.designatedPriority;
        p.portTimes = p.designatedTimes;
        p.rcvdInfoWhile.clear();
      } else {
        p.pim = 'disabled';
        p.infoIs = 'disabled';
        p.portPriority = p.designatedPriority;
        p.portTimes = p.designatedTimes;
        p.rcvdInfoWhile.clear();
      }
      const forwarding = c.role === 'root' || c.role === 'designated';
      p.learn = p.forward = p.learning = p.forwarding = forwarding;
      p.pst = forwarding ? 'forwarding' : 'discarding';
      switch (c.role) {
        case 'root':
          p.prt = 'root-port';
          p.rrWhile.hold(p.fwdDelay, ['root']);
          p.agree = true;
          p.agreed = false;
          p.proposing = false;
          p.synced = false;
          p.tcm = 'active';
          break;
        case 'designated':
          p.prt = 'designated-port';
          p.agree = false;
          p.agreed = true;
          // A designated port facing a host proposes for ever: nobody answers.
          p.proposing = !p.operEdge && !c.facesBridge;
          p.synced = true;
          p.tcm = p.operEdge ? 'learning' : 'active';
          break;
        case 'alternate':
        case 'backup':
          p.prt = 'alternate-port';
          p.fdWhile.hold(p.forwardDelay, ['alternate', 'backup']);
          if (c.role === 'backup') p.rbWhile.hold(2 * p.helloTime, ['backup']);
          p.agree = true;
          p.agreed = false;
          p.proposing = false;
          p.synced = true;
          p.tcm = 'inactive';
          break;
        case 'disabled':
          p.prt = 'disabled-port';
          p.fdWhile.hold(p.maxAge, ['disabled']);
          p.agree = p.agreed = p.proposing = false;
          p.synced = true;
          p.tcm = 'inactive';
          this.enterTransmitInit(p);
          break;
      }
    });
    // The installed state is a fixed point of the machines; running them checks nothing moves.
    this.run();
  }

  // ---- events ----

  receive(port: number, bpdu: Bpdu): boolean {
    const p = this.ports[port]!;
    if (!p.enabled || bpdu.protocolId !== 0 || bpdu.type !== 'rst' || p.rcvdMsg) return false;
    // §17.23 RECEIVE: a BPDU ends edge status; the message goes to the Port Information machine.
    p.rcvd = bpdu;
    p.operEdge = false;
    p.rcvdMsg = true;
    this.run();
    return true;
  }

  linkChanged(port: number, up: boolean): void {
    const p = this.ports[port]!;
    if (p.enabled === up) return;
    p.enabled = up;
    // §17.25: a configured edge port is an edge port again once its link is down.
    if (!up && p.adminEdge) p.operEdge = true;
    this.run();
  }

  /** Runs every machine until none moves, applies port states, then lets the ports transmit (see the module comment). */
  private run(): void {
    if (this.running) throw new Error(`rstp ${this.host.name}: state machines re-entered`);
    this.running = true;
    try {
      const limit = 1000 + 200 * this.ports.length;
      for (let round = 0; ; round++) {
        if (round > limit) throw new Error(`rstp ${this.host.name}: state machines did not settle after ${limit} rounds`);
        let moved = this.portRoleSelection();
        for (const p of this.ports) {
          if (this.portInformation(p)) moved = true;
          if (this.portRoleTransitions(p)) moved = true;
          if (this.portStateTransition(p)) moved = true;
          if (this.topologyChangeMachine(p)) moved = true;
        }
        if (moved) continue;
        // The switch must see the settled states first: it sends nothing out of a disabled port.
        this.applyPortStates();
        let sent = false;
        for (const p of this.ports) if (this.portTransmit(p)) sent = true;
        if (!sent) break;
      }
      this.settle();
    } finally {
      this.running = false;
    }
  }

  /** Gives the switch the state of every port (it traces only changes). */
  private applyPortStates(): void {
    for (const p of this.ports) {
      this.host.setPortState(p.index, !p.enabled ? 'disabled' : p.forwarding ? 'forwarding' : p.learning ? 'learning' : 'blocking', p.role);
    }
  }

  /** Reports the topology-change indication and arms the next wake-up. */
  private settle(): void {
    const now = this.now;
    let tc = false;
    let next = -1;
    const consider = (t: number): void => {
      if (t >= 0 && (next < 0 || t < next)) next = t;
    };
    for (const p of this.ports) {
      if (!p.tcWhile.zero(now)) tc = true;
      consider(p.fdWhile.deadline(now));
      consider(p.rrWhile.deadline(now));
      consider(p.rbWhile.deadline(now));
      consider(p.tcWhile.deadline(now));
      consider(p.rcvdInfoWhile.deadline(now));
      if (p.enabled) consider(p.helloWhen.deadline(now));
      if (p.enabled && p.ptxIdle && p.newInfo && this.txCount(p, now) >= RSTP_TX_HOLD_COUNT) {
        consider(this.tickOrigin + (this.tickIndex(now) + 1) * ONE_SECOND);
      }
    }
    if (tc !== this.topologyChangeActive) {
      this.topologyChangeActive = tc;
      this.host.topologyChangeChanged(tc);
    }
    if (next < 0) this.wake.cancel();
    else if (this.wake.time !== next) this.wake.setAt(next);
  }

  // ---- Port Role Selection (§17.28, §17.21.25) ----

  private portRoleSelection(): boolean {
    if (!this.ports.some((p) => p.reselect)) return false;
    for (const p of this.ports) p.reselect = false;
    this.updtRolesTree();
    for (const p of this.ports) p.selected = true;
    return true;
  }

  private updtRolesTree(): void {
    const me = this.host.bridgeId;
    let best = this.bridgePriority;
    let bestPortId = 0;
    let rootPort = -1;
    let rootTimes = this.bridgeTimes;
    for (const p of this.ports) {
      if (p.infoIs !== 'received') continue;
      // Information this bridge sent itself (a looped link) never makes a root port.
      if (p.portPriority.designatedId.address === me.address) continue;
      const candidate: PriorityVector = { ...p.portPriority, rootPathCost: p.portPriority.rootPathCost + p.pathCost };
      // The root path priority vector's fifth component is the receiving port (§17.6).
      const order = compareVectors(candidate, best) || p.portId - bestPortId;
      if (order < 0) {
        best = candidate;
        bestPortId = p.portId;
        rootPort = p.index;
        rootTimes = { ...p.portTimes, messageAge: roundToSecond(p.portTimes.messageAge + ONE_SECOND) };
      }
    }
    this.rootPriority = best;
    this.rootPortIndex = rootPort;
    this.rootTimes = rootTimes;
    for (const p of this.ports) {
      p.designatedPriority = { rootId: best.rootId, rootPathCost: best.rootPathCost, designatedId: me, designatedPort: p.portId };
      p.designatedTimes = { ...rootTimes, helloTime: this.bridgeTimes.helloTime };
    }
    for (const p of this.ports) {
      switch (p.infoIs) {
        case 'disabled':
          p.selectedRole = 'disabled';
          break;
        case 'aged':
          p.updtInfo = true;
          p.selectedRole = 'designated';
          break;
        case 'mine':
          p.selectedRole = 'designated';
          if (compareVectors(p.portPriority, p.designatedPriority) !== 0 || !sameTimes(p.portTimes, p.designatedTimes)) p.updtInfo = true;
          break;
        case 'received':
          if (p.index === rootPort) {
            p.selectedRole = 'root';
            p.updtInfo = false;
          } else if (compareVectors(p.designatedPriority, p.portPriority) >= 0) {
            p.selectedRole = sameBridgeId(p.portPriority.designatedId, me) ? 'backup' : 'alternate';
            p.updtInfo = false;
          } else {
            p.selectedRole = 'designated';
            p.updtInfo = true;
          }
          break;
      }
    }
  }

  // ---- Port Information (§17.27) ----

  private enterPimDisabled(p: RstpPort): void {
    p.pim = 'disabled';
    p.rcvdMsg = false;
    p.proposing = p.proposed = p.agree = p.agreed = false;
    p.rcvdInfoWhile.clear();
    p.infoIs = 'disabled';
    p.reselect = true;
    p.selected = false;
  }

  private enterAged(p: RstpPort): void {
    p.pim = 'aged';
    p.infoIs = 'aged';
    p.reselect = true;
    p.selected = false;
  }

  private enterUpdate(p: RstpPort): void {
    p.proposing = p.proposed = false;
    p.agreed = p.agreed && this.betterOrSameInfo(p, 'mine');
    p.synced = p.synced && p.agreed;
    p.portPriority = p.designatedPriority;
    p.portTimes = p.designatedTimes;
    p.updtInfo = false;
    p.infoIs = 'mine';
    p.newInfo = true;
    p.pim = 'current';
  }

  private portInformation(p: RstpPort): boolean {
    if (!p.enabled && p.infoIs !== 'disabled') {
      this.enterPimDisabled(p);
      return true;
    }
    switch (p.pim) {
      case 'disabled':
        if (p.enabled) {
          this.enterAged(p);
          return true;
        }
        if (p.rcvdMsg) {
          this.enterPimDisabled(p);
          return true;
        }
        return false;
      case 'aged':
        if (p.selected && p.updtInfo) {
          this.enterUpdate(p);
          return true;
        }
        return false;
      case 'current':
        if (p.rcvdMsg && !p.updtInfo) {
          this.receiveMessage(p);
          return true;
        }
        if (p.selected && p.updtInfo) {
          this.enterUpdate(p);
          return true;
        }
        if (p.infoIs === 'received' && p.rcvdInfoWhile.zero(this.now) && !p.updtInfo && !p.rcvdMsg) {
          this.enterAged(p);
          return true;
        }
        return false;
    }
  }

  /** RECEIVE and the state it leads to, then back to CURRENT. */
  private receiveMessage(p: RstpPort): void {
    const bpdu = p.rcvd!;
    switch (this.rcvInfo(p, bpdu)) {
      case 'superior-designated':
        p.agreed = p.proposing = false;
        this.recordProposal(p, bpdu);
        this.setTcFlags(p, bpdu);
        p.agree = p.agree && this.betterOrSameInfo(p, 'received');
        p.portPriority = p.msgPriority;
        p.portTimes = { ...p.msgTimes, helloTime: Math.max(p.msgTimes.helloTime, ONE_SECOND) };
        this.updtRcvdInfoWhile(p);
        p.infoIs = 'received';
        p.reselect = true;
        p.selected = false;
        break;
      case 'repeated-designated':
        this.recordProposal(p, bpdu);
        this.setTcFlags(p, bpdu);
        this.updtRcvdInfoWhile(p);
        break;
      case 'inferior-designated':
        // §17.21.10 as corrected in 802.1Q-2005: a designated port hearing another that is learning disputes it.
        if (bpdu.type === 'rst' && (bpdu.flags & BPDU_FLAG_LEARNING) !== 0) {
          p.disputed = true;
          p.agreed = false;
        }
        break;
      case 'inferior-root-alternate':
        // NOT_DESIGNATED: recordAgreement() (links are point-to-point), setTcFlags().
        if (bpdu.type === 'rst' && (bpdu.flags & BPDU_FLAG_AGREEMENT) !== 0) {
          p.agreed = true;
          p.proposing = false;
        } else {
          p.agreed = false;
        }
        this.setTcFlags(p, bpdu);
        break;
      case 'other':
        break;
    }
    p.rcvdMsg = false;
    p.rcvd = null;
    p.pim = 'current';
  }

  /** §17.21.8 rcvInfo(). */
  private rcvInfo(p: RstpPort, bpdu: Bpdu): RcvdInfo {
    if (bpdu.type === 'tcn') {
      p.rcvdTcn = true;
      return 'other';
    }
    p.msgPriority = { rootId: bpdu.rootId, rootPathCost: bpdu.rootPathCost, designatedId: bpdu.bridgeId, designatedPort: bpdu.portId };
    p.msgTimes = {
      messageAge: fromBpduTime(bpdu.messageAge),
      maxAge: fromBpduTime(bpdu.maxAge),
      helloTime: fromBpduTime(bpdu.helloTime),
      forwardDelay: fromBpduTime(bpdu.forwardDelay),
    };
    // A configuration BPDU, or an RST BPDU with the unknown role (§9.2.9), conveys a designated port.
    const roleBits = bpdu.type === 'rst' ? bpduPortRole(bpdu.flags) : BPDU_ROLE_DESIGNATED;
    const relation = relateMessage(p.msgPriority, p.portPriority);
    if (roleBits === BPDU_ROLE_DESIGNATED || roleBits === 0) {
      if (relation === 'superior' || (relation === 'same' && !sameTimes(p.msgTimes, p.portTimes))) return 'superior-designated';
      if (relation === 'same') return 'repeated-designated';
      return 'inferior-designated';
    }
    if (relation !== 'superior') return 'inferior-root-alternate';
    return 'other';
  }

  private betterOrSameInfo(p: RstpPort, newInfoIs: 'received' | 'mine'): boolean {
    if (newInfoIs === 'received') return p.infoIs === 'received' && compareVectors(p.msgPriority, p.portPriority) <= 0;
    return p.infoIs === 'mine' && compareVectors(p.designatedPriority, p.portPriority) <= 0;
  }

  private recordProposal(p: RstpPort, bpdu: Bpdu): void {
    if (bpdu.type === 'rst' && bpduPortRole(bpdu.flags) === BPDU_ROLE_DESIGNATED && (bpdu.flags & BPDU_FLAG_PROPOSAL) !== 0) p.proposed = true;
  }

  private setTcFlags(p: RstpPort, bpdu: Bpdu): void {
    if (bpdu.type === 'tcn') {
      p.rcvdTcn = true;
      return;
    }
    if ((bpdu.flags & BPDU_FLAG_TOPOLOGY_CHANGE) !== 0) p.rcvdTc = true;
    if (bpdu.type === 'config' && (bpdu.flags & BPDU_FLAG_TOPOLOGY_CHANGE_ACK) !== 0) p.rcvdTcAck = true;
  }

  /** §17.21.23: 3 × hello, unless the message age rounded up by a second exceeds max age. */
  private updtRcvdInfoWhile(p: RstpPort): void {
    if (roundToSecond(p.portTimes.messageAge + ONE_SECOND) <= p.portTimes.maxAge) p.rcvdInfoWhile.set(this.now, 3 * p.portTimes.helloTime);
    else p.rcvdInfoWhile.clear();
  }

  // ---- Port Role Transitions (§17.29) ----

  private allSynced(): boolean {
    return this.ports.every((q) => q.selected && q.role === q.selectedRole && (q.role === 'root' || q.synced));
  }

  private reRooted(p: RstpPort): boolean {
    const now = this.now;
    return this.ports.every((q) => q === p || q.rrWhile.zero(now));
  }

  private enterDisablePort(p: RstpPort): void {
    p.prt = 'disable-port';
    p.role = p.selectedRole;
    p.learn = p.forward = false;
  }

  private enterDisabledPort(p: RstpPort): void {
    p.prt = 'disabled-port';
    p.fdWhile.hold(p.maxAge, ['disabled']);
    p.synced = true;
    p.rrWhile.clear();
    p.sync = p.reRoot = false;
  }

  private enterRootPort(p: RstpPort): void {
    p.prt = 'root-port';
    p.role = 'root';
    p.rrWhile.hold(p.fwdDelay, ['root']);
  }

  private enterDesignatedPort(p: RstpPort): void {
    p.prt = 'designated-port';
    p.role = 'designated';
  }

  private enterBlockPort(p: RstpPort): void {
    p.prt = 'block-port';
    p.role = p.selectedRole;
    p.learn = p.forward = false;
  }

  private enterAlternatePort(p: RstpPort): void {
    p.prt = 'alternate-port';
    p.fdWhile.hold(p.forwardDelay, ['alternate', 'backup']);
    p.synced = true;
    p.rrWhile.clear();
    p.sync = p.reRoot = false;
  }

  private portRoleTransitions(p: RstpPort): boolean {
    const moved = this.roleTransition(p);
    if (moved) {
      const now = this.now;
      p.rrWhile.release(p.role, now);
      p.fdWhile.release(p.role, now);
      p.rbWhile.release(p.role, now);
    }
    return moved;
  }

  private roleTransition(p: RstpPort): boolean {
    if (!p.selected || p.updtInfo) return false;
    if (p.selectedRole !== p.role) {
      switch (p.selectedRole) {
        case 'disabled':
          this.enterDisablePort(p);
          break;
        case 'root':
          this.enterRootPort(p);
          break;
        case 'designated':
          this.enterDesignatedPort(p);
          break;
        case 'alternate':
        case 'backup':
          this.enterBlockPort(p);
          break;
      }
      return true;
    }
    const now = this.now;
    switch (p.prt) {
      case 'disable-port':
        if (!p.learning && !p.forwarding) {
          this.enterDisabledPort(p);
          return true;
        }
        return false;
      case 'disabled-port':
        if (!p.fdWhile.heldAt(p.maxAge) || p.sync || p.reRoot || !p.synced) {
          this.enterDisabledPort(p);
          return true;
        }
        return false;
      case 'block-port':
        if (!p.learning && !p.forwarding) {
          this.enterAlternatePort(p);
          return true;
        }
        return false;
      case 'root-port':
        return this.rootPortTransitions(p, now);
      case 'designated-port':
        return this.designatedPortTransitions(p, now);
      case 'alternate-port':
        return this.alternatePortTransitions(p);
    }
  }

  private rootPortTransitions(p: RstpPort, now: number): boolean {
    if (!p.rrWhile.heldAt(p.fwdDelay)) {
      this.enterRootPort(p);
      return true;
    }
    if (p.reRoot && p.forward) {
      // REROOTED
      p.reRoot = false;
      this.enterRootPort(p);
      return true;
    }
    const mayProceed = p.fdWhile.zero(now) || (this.reRooted(p) && p.rbWhile.zero(now));
    if (mayProceed && !p.learn) {
      // ROOT_LEARN
      p.fdWhile.set(now, p.forwardDelay);
      p.learn = true;
      this.enterRootPort(p);
      return true;
    }
    if (mayProceed && p.learn && !p.forward) {
      // ROOT_FORWARD
      p.fdWhile.clear();
      p.forward = true;
      this.enterRootPort(p);
      return true;
    }
    if (p.proposed && !p.agree) {
      // ROOT_PROPOSED
      for (const q of this.ports) q.sync = true;
      p.proposed = false;
      this.enterRootPort(p);
      return true;
    }
    if ((this.allSynced() && !p.agree) || (p.proposed && p.agree)) {
      // ROOT_AGREED
      p.proposed = p.sync = false;
      p.agree = true;
      p.newInfo = true;
      this.enterRootPort(p);
      return true;
    }
    if (!p.forward && !p.reRoot) {
      // REROOT
      for (const q of this.ports) q.reRoot = true;
      this.enterRootPort(p);
      return true;
    }
    return false;
  }

  private designatedPortTransitions(p: RstpPort, now: number): boolean {
    if (((p.sync && !p.synced) || (p.reRoot && !p.rrWhile.zero(now)) || p.disputed) && !p.operEdge && (p.learn || p.forward)) {
      // DESIGNATED_DISCARD
      p.learn = p.forward = p.disputed = false;
      p.fdWhile.set(now, p.forwardDelay);
      this.enterDesignatedPort(p);
      return true;
    }
    const mayProceed = (p.fdWhile.zero(now) || p.agreed || p.operEdge) && (p.rrWhile.zero(now) || !p.reRoot) && !p.sync;
    if (mayProceed && !p.learn) {
      // DESIGNATED_LEARN
      p.learn = true;
      p.fdWhile.set(now, p.forwardDelay);
      this.enterDesignatedPort(p);
      return true;
    }
    if (mayProceed && p.learn && !p.forward) {
      // DESIGNATED_FORWARD
      p.forward = true;
      p.fdWhile.clear();
      p.agreed = true; // sendRSTP
      this.enterDesignatedPort(p);
      return true;
    }
    if (!p.forward && !p.agreed && !p.proposing && !p.operEdge) {
      // DESIGNATED_PROPOSE
      p.proposing = true;
      p.newInfo = true;
      this.enterDesignatedPort(p);
      return true;
    }
    if ((!p.learning && !p.forwarding && !p.synced) || (p.agreed && !p.synced) || (p.operEdge && !p.synced) || (p.sync && p.synced)) {
      // DESIGNATED_SYNCED
      p.rrWhile.clear();
      p.synced = true;
      p.sync = false;
      this.enterDesignatedPort(p);
      return true;
    }
    if (p.rrWhile.zero(now) && p.reRoot) {
      // DESIGNATED_RETIRED
      p.reRoot = false;
      this.enterDesignatedPort(p);
      return true;
    }
    return false;
  }

  private alternatePortTransitions(p: RstpPort): boolean {
    if (p.role === 'backup' && !p.rbWhile.heldAt(2 * p.helloTime)) {
      // BACKUP_PORT
      p.rbWhile.hold(2 * p.helloTime, ['backup']);
      this.enterAlternatePort(p);
      return true;
    }
    if (!p.fdWhile.heldAt(p.forwardDelay) || p.sync || p.reRoot || !p.synced) {
      this.enterAlternatePort(p);
      return true;
    }
    if (p.proposed && !p.agree) {
      // ALTERNATE_PROPOSED
      for (const q of this.ports) q.sync = true;
      p.proposed = false;
      this.enterAlternatePort(p);
      return true;
    }
    if ((this.allSynced() && !p.agree) || (p.proposed && p.agree)) {
      // ALTERNATE_AGREED
      p.proposed = false;
      p.agree = true;
      p.newInfo = true;
      this.enterAlternatePort(p);
      return true;
    }
    return false;
  }

  // ---- Port State Transition (§17.30) ----

  private portStateTransition(p: RstpPort): boolean {
    switch (p.pst) {
      case 'discarding':
        if (p.learn) {
          p.pst = 'learning';
          p.learning = true;
          return true;
        }
        return false;
      case 'learning':
        if (!p.learn) {
          p.pst = 'discarding';
          p.learning = p.forwarding = false;
          return true;
        }
        if (p.forward) {
          p.pst = 'forwarding';
          p.forwarding = true;
          return true;
        }
        return false;
      case 'forwarding':
        if (!p.forward) {
          p.pst = 'discarding';
          p.learning = p.forwarding = false;
          return true;
        }
        return false;
    }
  }

  // ---- Topology Change (§17.31) ----

  private enterTcmInactive(p: RstpPort): void {
    p.tcm = 'inactive';
    this.fdbFlush(p, 'rstp-port-inactive');
    p.tcWhile.clear();
    p.tcAck = false;
  }

  private enterTcmLearning(p: RstpPort): void {
    p.tcm = 'learning';
    p.rcvdTc = p.rcvdTcn = p.rcvdTcAck = p.tcProp = false;
  }

  /** fdbFlush = TRUE: the bridge removes the entries learned on the port at once (802.1D-2004 §17.19.7). */
  private fdbFlush(p: RstpPort, cause: string): void {
    this.host.flushPort(p.index, cause);
  }

  /** §17.21.7, with Cisco's 2 × hello time (see the module comment). */
  private newTcWhile(p: RstpPort): void {
    if (!p.tcWhile.zero(this.now)) return;
    p.tcWhile.set(this.now, 2 * p.helloTime);
    p.newInfo = true;
  }

  private setTcPropTree(p: RstpPort): void {
    for (const q of this.ports) if (q !== p) q.tcProp = true;
  }

  private topologyChangeMachine(p: RstpPort): boolean {
    const rootOrDesignated = p.role === 'root' || p.role === 'designated';
    switch (p.tcm) {
      case 'inactive':
        if (p.learn) {
          this.enterTcmLearning(p);
          return true;
        }
        return false;
      case 'learning': {
        const notified = p.rcvdTc || p.rcvdTcn || p.rcvdTcAck || p.tcProp;
        if (!rootOrDesignated && !(p.learn || p.learning) && !notified) {
          this.enterTcmInactive(p);
          return true;
        }
        if (notified) {
          this.enterTcmLearning(p);
          return true;
        }
        if (rootOrDesignated && p.forward && !p.operEdge) {
          // DETECTED: a non-edge port reached forwarding.
          this.newTcWhile(p);
          this.setTcPropTree(p);
          p.newInfo = true;
          p.tcm = 'active';
          this.host.noteTopologyChangeDetected();
          return true;
        }
        return false;
      }
      case 'active':
        if (!rootOrDesignated || p.operEdge) {
          this.enterTcmLearning(p);
          return true;
        }
        if (p.rcvdTcn) {
          // NOTIFIED_TCN, then NOTIFIED_TC.
          this.newTcWhile(p);
          this.notifiedTc(p);
          return true;
        }
        if (p.rcvdTc) {
          this.notifiedTc(p);
          return true;
        }
        if (p.tcProp && !p.operEdge) {
          // PROPAGATING
          this.newTcWhile(p);
          this.fdbFlush(p, 'rstp-topology-change');
          p.tcProp = false;
          return true;
        }
        if (p.rcvdTcAck) {
          // ACKNOWLEDGED
          p.tcWhile.clear();
          p.rcvdTcAck = false;
          return true;
        }
        return false;
    }
  }

  private notifiedTc(p: RstpPort): void {
    p.rcvdTcn = p.rcvdTc = false;
    if (p.role === 'designated') p.tcAck = true;
    this.setTcPropTree(p);
  }

  // ---- Port Transmit (§17.26) ----

  private enterTransmitInit(p: RstpPort): void {
    p.ptxIdle = false;
    p.newInfo = true;
    p.txCount = 0;
  }

  private enterIdle(p: RstpPort): void {
    p.ptxIdle = true;
    p.helloWhen.set(this.now, p.helloTime);
  }

  private tickIndex(now: number): number {
    return Math.floor((now - this.tickOrigin) / ONE_SECOND);
  }

  /** txCount as the Port Timers machine leaves it: decremented once per elapsed one-second tick. */
  private txCount(p: RstpPort, now: number): number {
    const tick = this.tickIndex(now);
    if (tick > p.txTick) {
      p.txCount = Math.max(0, p.txCount - (tick - p.txTick));
      p.txTick = tick;
    }
    return p.txCount;
  }

  private portTransmit(p: RstpPort): boolean {
    if (!p.enabled) {
      if (p.ptxIdle) {
        this.enterTransmitInit(p);
        return true;
      }
      return false;
    }
    if (!p.ptxIdle) {
      this.enterIdle(p);
      return true;
    }
    if (p.role === 'disabled' || !p.selected || p.updtInfo) return false;
    const now = this.now;
    if (p.helloWhen.zero(now)) {
      // TRANSMIT_PERIODIC
      p.newInfo = p.newInfo || p.role === 'designated' || (p.role === 'root' && !p.tcWhile.zero(now));
      this.enterIdle(p);
      return true;
    }
    if (p.newInfo && this.txCount(p, now) < RSTP_TX_HOLD_COUNT) {
      // TRANSMIT_RSTP
      p.newInfo = false;
      this.txRstp(p, now);
      p.txCount++;
      p.tcAck = false;
      this.enterIdle(p);
      return true;
    }
    return false;
  }

  /** §17.21.20 txRstp(). */
  private txRstp(p: RstpPort, now: number): void {
    const d = p.designatedPriority;
    const t = p.designatedTimes;
    let flags = ROLE_FLAGS[p.role];
    if (p.agree) flags |= BPDU_FLAG_AGREEMENT;
    if (p.proposing) flags |= BPDU_FLAG_PROPOSAL;
    if (!p.tcWhile.zero(now)) flags |= BPDU_FLAG_TOPOLOGY_CHANGE;
    if (p.learning) flags |= BPDU_FLAG_LEARNING;
    if (p.forwarding) flags |= BPDU_FLAG_FORWARDING;
    const bpdu: RstBpdu = {
      kind: 'bpdu',
      type: 'rst',
      protocolId: 0,
      version: 2,
      flags,
      rootId: d.rootId,
      rootPathCost: d.rootPathCost,
      bridgeId: d.designatedId,
      portId: d.designatedPort,
      messageAge: toBpduTime(t.messageAge),
      maxAge: toBpduTime(t.maxAge),
      helloTime: toBpduTime(t.helloTime),
      forwardDelay: toBpduTime(t.forwardDelay),
      version1Length: 0,
      extension: EMPTY,
    };
    this.host.send(p.index, bpdu);
  }
}

const EMPTY = new Uint8Array(0);
