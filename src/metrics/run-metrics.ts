/**
 * The built-in observers of one run, attached together: messages by form, broadcast load, flow
 * fates, DAD conflicts and the migrations' outcomes; and, only in runs that have them, DHCP, the
 * switches' security features and the contention cases. They subscribe to the model's trace bus when
 * made, before the first event runs, and read the model's end-of-run state (switch counters, packets
 * still waiting in neighbor tables) when the run is over; they schedule nothing and change nothing.
 */
import type { BuiltTraffic, Model } from '../scenario/index.js';
import { BroadcastLoad } from './broadcast-load.js';
import type { LossCause } from './flow-fates.js';
import { FlowFates, LOSS_CAUSES } from './flow-fates.js';
import { MessageCounter } from './messages.js';
import { MigrationCollector, migrationWindows } from './migration-results.js';
import { ContentionOutcome } from './contention-outcome.js';
import { SecurityOutcome } from './security-outcome.js';
import type { DhcpResult, FlowResult, RunMeasures } from './summary.js';

function flowResult(t: BuiltTraffic, fates: FlowFates): FlowResult {
  const lost = Object.fromEntries(LOSS_CAUSES.map((c) => [c, 0])) as Record<LossCause, number>;
  let sent = 0;
  let delivered = 0;
  for (const r of t.records) {
    for (const rec of r.responses === undefined ? [r.record] : [r.record, r.responses]) {
      sent += rec.sent;
      delivered += rec.delivered;
      const byCause = fates.lostByCause(rec);
      for (const c of LOSS_CAUSES) lost[c] += byCause[c];
    }
  }
  return { name: t.name, kind: t.kind, pairs: t.records.length, sent, delivered, lost };
}

/** See the module comment. */
export class RunMetrics {
  private readonly model: Model;
  private readonly messages: MessageCounter;
  private readonly broadcast: BroadcastLoad;
  private readonly fates: FlowFates;
  private readonly migrations: MigrationCollector;
  private readonly security: SecurityOutcome | null;
  private readonly contention: ContentionOutcome | null;
  private conflicts = 0;

  /** Attaches the observers to `model` (before its first event). */
  constructor(model: Model) {
    this.model = model;
    const kernel = model.kernel;
    this.migrations = new MigrationCollector(
      { trace: kernel.trace, switches: model.switches, gateways: model.gateways, traffic: model.traffic, isGateway: (n) => model.isGateway(n) },
      model.migrations,
    );
    const isEnd = (n: string): boolean => model.endStations.has(n);
    this.messages = new MessageCounter(kernel, isEnd);
    this.broadcast = new BroadcastLoad(kernel, isEnd);
    this.fates = new FlowFates(kernel, migrationWindows(model.migrations));
    kernel.trace.on('address-conflict', () => this.conflicts++);
    this.security = model.security === null ? null : new SecurityOutcome(model);
    this.contention = model.contention.length === 0 ? null : new ContentionOutcome(model);
  }

  private dhcp(): DhcpResult | null {
    const d = this.model.dhcp;
    if (d === null) return null;
    const c = d.server.counters;
    let bound = 0;
    for (const client of d.clients.values()) if (client.address !== null) bound++;
    return {
      server: { discovers: c.discovers, offers: c.offers, requests: c.requests, acks: c.acks, naks: c.naks, declines: c.declines, releases: c.releases, leaseQueries: c.leaseQueries },
      clients: d.clients.size,
      bound,
    };
  }

  /** What was measured, once the run is over (`end` is when it ended, ns). */
  finish(end: number): RunMeasures {
    const model = this.model;
    const dhcp = this.dhcp();
    this.fates.notePending([...model.gateways, ...model.hosts.values()]);
    let flooded = 0;
    let unknown = 0;
    for (const sw of model.switches) {
      flooded += sw.counters.broadcastFloods + sw.counters.multicastFloods + sw.counters.unknownUnicastFloods;
      unknown += sw.counters.unknownUnicastFloods;
    }
    return {
      arp: { ...this.messages.arp },
      nd: { ...this.messages.nd },
      broadcastFramesReceived: this.broadcast.total,
      broadcastPerHostPeakPps: this.broadcast.peakPerHostPerSecond,
      floodedFrames: flooded,
      unknownUnicastFloods: unknown,
      dadConflicts: this.conflicts,
      flows: model.traffic.map((t) => flowResult(t, this.fates)),
      migrations: this.migrations.results(this.fates, end),
      ...(dhcp === null ? {} : { dhcp }),
      ...(this.security === null ? {} : { security: this.security.finish(end) }),
      ...(this.contention === null ? {} : { contention: this.contention.finish(end) }),
    };
  }
}
