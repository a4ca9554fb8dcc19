/**
 * Where every switch's filtering-database entry and every gateway's neighbour entry for one migrating
 * VM point over a run, as segments of constant state (for the report's timeline).
 *
 * Switch entries are looked at whenever the trace shows something about them (learned, refreshed,
 * flushed, learned from the fabric) and when the VM resumes; between two looks an entry can only
 * age out, at its deadline (last seen + the ageing time, 802.1D-2004 §7.9.2), which is read at each
 * look, so the timeline needs no polling and schedules nothing. Gateway entries follow the
 * `neighbor-changed` events of the VM's addresses. Which port is "towards the old place" or "the new
 * place" is taken from the forwarding ports (the active topology) at the migration's start and at
 * its resume.
 */
import type { LiveMigration } from '../migration/index.js';
import type { LearningSwitch, MacEntry } from '../net/index.js';
import { REMOTE_PORT_BASE, fdbPortsTowards } from '../net/index.js';
import type { Host, NeighborState } from '../stack/index.js';
import type { MacAddress } from '../wire/index.js';
import { formatIpv4, formatMac } from '../wire/index.js';
import type { Model } from '../scenario/index.js';
import type { EntryPoints, EntrySegment } from './series-types.js';
import { seconds } from './series-types.js';

/** A change of one lane: from `at` (ns) on, the entry is `port` (−1: none) or, for a gateway, `state`/`mac`. */
interface Change {
  readonly at: number;
  readonly port: number;
  readonly state: NeighborState | 'none';
  readonly mac: MacAddress | null;
}

interface SwitchLane {
  readonly s: LearningSwitch;
  readonly changes: Change[];
  /** When the current entry ages out unless refreshed (Infinity: none, or static). */
  deadline: number;
}

interface GatewayLane {
  readonly name: string;
  readonly changes: Change[];
}

function expired(s: LearningSwitch, e: MacEntry, now: number): boolean {
  return e.origin !== 'static' && now - e.lastSeen >= s.fdb.agingTime;
}

/** See the module comment. */
export class EntryTimeline {
  private readonly migration: LiveMigration;
  private readonly vm: Host;
  private readonly vlan: number;
  private readonly switchLanes = new Map<string, SwitchLane>();
  private readonly gatewayLanes = new Map<string, GatewayLane>();
  private readonly switches: readonly LearningSwitch[];
  private mac: MacAddress;
  private towardsOld: ReadonlyMap<LearningSwitch, number> | null = null;
  private towardsNew: ReadonlyMap<LearningSwitch, number> | null = null;
  private oldVmPort = -1;
  private newVmPort = -1;

  /** Starts following `migration`'s VM in `model` (before its first event). */
  constructor(model: Model, migration: LiveMigration) {
    this.migration = migration;
    this.vm = migration.spec.vm;
    this.vlan = migration.spec.vlan ?? 1;
    this.mac = migration.oldMac;
    this.switches = model.switches;
    const now = model.kernel.now;
    for (const s of model.switches) {
      const lane: SwitchLane = { s, changes: [], deadline: Infinity };
      this.switchLanes.set(s.name, lane);
      this.look(lane, now);
    }
    const v4 = new Map(this.vm.ipv4.map((a) => [formatIpv4(a.address), a.address]));
    const v6 = new Set(this.vm.ipv6.map((a) => a.address as string));
    for (const g of model.gateways) {
      for (const [text, address] of v4) {
        const e = g.arp.get(address);
        this.gatewayLanes.set(`${g.name} ARP ${text}`, { name: `${g.name} ${v4.size > 1 ? `ARP ${text}` : 'ARP'}`, changes: [{ at: now, port: -1, state: e?.state ?? 'none', mac: e?.lladdr ?? null }] });
      }
      for (const text of v6) {
        const e = g.nd.get(text as never);
        this.gatewayLanes.set(`${g.name} ND ${text}`, { name: `${g.name} ${v6.size > 1 ? `ND ${text}` : 'ND'}`, changes: [{ at: now, port: -1, state: e?.state ?? 'none', mac: e?.lladdr ?? null }] });
      }
    }
    const trace = model.kernel.trace;
    const gatewayNames = new Set(model.gateways.map((g) => g.name));
    trace.on('neighbor-changed', (e) => {
      if (!gatewayNames.has(e.node)) return;
      const lane = this.gatewayLanes.get(`${e.node} ${e.family === 'ipv4' ? 'ARP' : 'ND'} ${e.address}`);
      if (lane === undefined) return;
      lane.changes.push({ at: e.time, port: -1, state: e.to, mac: e.to === 'none' ? null : e.lladdr });
    });
    const byName = (node: string, time: number): void => {
      const lane = this.switchLanes.get(node);
      if (lane !== undefined) this.look(lane, time);
    };
    trace.on('fdb-learned', (e) => { if (e.mac === this.mac) byName(e.node, e.time); });
    trace.on('fdb-refreshed', (e) => { if (e.mac === this.mac) byName(e.node, e.time); });
    trace.on('fdb-flushed', (e) => byName(e.node, e.time));
    trace.on('fabric-learned', (e) => { if (e.mac === this.mac) byName(e.node, e.time); });
    trace.on('migration-phase', (e) => {
      if (e.vm !== this.vm.name) return;
      if (e.phase === 'start' && e.time === migration.schedule.start) {
        this.towardsOld = fdbPortsTowards(this.switches, migration.spec.from.vswitch);
        this.oldVmPort = migration.spec.from.portOf(this.vm)?.index ?? -1;
      } else if (e.phase === 'resume' && e.time === migration.schedule.resumeAt) {
        this.towardsNew = fdbPortsTowards(this.switches, migration.spec.to.vswitch);
        this.newVmPort = migration.spec.to.portOf(this.vm)?.index ?? -1;
        // From the resume on, the VM's entries are those of the MAC it has now.
        this.mac = this.vm.mac;
        for (const lane of this.switchLanes.values()) this.look(lane, e.time);
      }
    });
  }

  /** Looks at a switch's entry at `now`: records an ageing that happened before, and any change. */
  private look(lane: SwitchLane, now: number): void {
    const current = lane.changes.at(-1)?.port ?? -1;
    if (current >= 0 && lane.deadline <= now) this.push(lane, lane.deadline, -1);
    const e = lane.s.fdb.peek(this.vlan, this.mac);
    const port = e === undefined || expired(lane.s, e, now) ? -1 : e.port;
    lane.deadline = e === undefined || port < 0 || e.origin === 'static' ? Infinity : e.lastSeen + lane.s.fdb.agingTime;
    this.push(lane, now, port);
  }

  private push(lane: SwitchLane, at: number, port: number): void {
    const last = lane.changes.at(-1);
    if (last === undefined ? port < 0 : last.port === port) return;
    if (last !== undefined && last.at === at) lane.changes.pop();
    lane.changes.push({ at, port, state: 'none', mac: null });
  }

  private portName(s: LearningSwitch, port: number): string {
    if (port < 0) return '-';
    if (port >= REMOTE_PORT_BASE) return `fabric edge ${port - REMOTE_PORT_BASE + 1}`;
    return s.ports[port]?.name ?? `port ${port}`;
  }

  private switchPoints(s: LearningSwitch, port: number): EntryPoints {
    if (port < 0) return 'none';
    const from = this.migration.spec.from.vswitch;
    const to = this.migration.spec.to.vswitch;
    const old = s === from ? this.oldVmPort : this.towardsOld?.get(s);
    const neu = s === to ? this.newVmPort : this.towardsNew?.get(s);
    if (port === old && port === neu) return 'both';
    if (port === old) return 'old';
    if (port === neu) return 'new';
    return 'other';
  }

  private gatewayPoints(state: NeighborState | 'none', mac: MacAddress | null): EntryPoints {
    if (mac === null || state === 'none' || state === 'incomplete' || state === 'failed') return 'none';
    const old = this.migration.oldMac;
    const neu = this.migration.spec.newMac ?? old;
    if (mac === old && mac === neu) return 'both';
    if (mac === old) return 'old';
    if (mac === neu) return 'new';
    return 'other';
  }

  /** The segments up to `end` (ns): switches in the model's order, then gateways; lanes that never held an entry are left out. */
  finish(end: number): EntrySegment[] {
    const out: EntrySegment[] = [];
    for (const lane of this.switchLanes.values()) {
      const current = lane.changes.at(-1)?.port ?? -1;
      if (current >= 0 && lane.deadline < end) this.push(lane, lane.deadline, -1);
      const changes = lane.changes;
      if (!changes.some((c) => c.port >= 0)) continue;
      changes.forEach((c, i) => {
        const until = changes[i + 1]?.at ?? end;
        if (until <= c.at && i < changes.length - 1) return;
        out.push({ node: lane.s.name, kind: 'switch', fromS: seconds(c.at), toS: seconds(until), points: this.switchPoints(lane.s, c.port), detail: this.portName(lane.s, c.port) });
      });
    }
    for (const lane of this.gatewayLanes.values()) {
      const changes = lane.changes;
      if (!changes.some((c) => c.mac !== null)) continue;
      changes.forEach((c, i) => {
        const until = changes[i + 1]?.at ?? end;
        if (until <= c.at && i < changes.length - 1) return;
        const detail = c.state === 'none' ? '-' : `${c.state.toUpperCase()}${c.mac === null ? '' : ` ${formatMac(c.mac)}`}`;
        out.push({ node: lane.name, kind: 'gateway', fromS: seconds(c.at), toS: seconds(until), points: this.gatewayPoints(c.state, c.mac), detail });
      });
    }
    return out;
  }
}
