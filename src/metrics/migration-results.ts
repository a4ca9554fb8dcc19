/**
 * Per-migration results of a run: for each migration, the outage of the VM's flows in each direction
 * (gateway→VM, VM→gateway, peer→VM: the first flow of each kind in the scenario's order), the packets
 * of all the VM's flows lost in their outage, by cause, and how long each switch and gateway kept
 * stale state about the VM after the resume (tracked from the resume on).
 *
 * A flow's outage around a migration is the packets it sent from the migration's start up to the
 * first one delivered after the VM resumed (or to the VM's next move, or the end of the run, when
 * none was): losses after that belong to whatever caused them (a gateway failing over later, say),
 * not to the move. A packet lost because the VM itself was paused counts as `downtime`; one lost
 * because another node was down (a gateway restarting) as `node-down`.
 */
import type { LiveMigration } from '../migration/index.js';
import type { LearningSwitch } from '../net/index.js';
import type { BuiltFlowRecord, BuiltTraffic } from '../scenario/index.js';
import type { TraceBus } from '../sim/index.js';
import type { FlowRecord, Host } from '../stack/index.js';
import type { Fate, FlowFates, MigrationWindow, Outage } from './flow-fates.js';
import { StalenessTracker } from './migration-outcome.js';
import type { MigrationResult, PerDirection } from './summary.js';
import { ms } from './summary.js';

/**
 * The keys of a migration's `lostPackets`, in their fixed order (the JSON's): `downtime` (lost while
 * the VM was paused), `node-down` (another end point was down), `old-location` (reached a station
 * other than the addressee: the old hypervisor's other VMs, or floods while nobody knew where the VM
 * was; or died at a switch with no port to leave by, the old hypervisor's virtual switch once the VM
 * had left it: a flow's `not-for-me` and `no-egress`), and the other causes as flows name them.
 */
export const MIGRATION_LOSS_KEYS: readonly string[] = [
  'downtime', 'node-down', 'resolution-failed', 'queue-or-link', 'link-down', 'security', 'blocked-port', 'old-location', 'no-route', 'other', 'pending', 'unknown',
];

/** A fate as a migration's `lostPackets` names it (see {@link MIGRATION_LOSS_KEYS}). */
export function migrationCause(fate: Fate): string {
  return fate === 'vm-paused' ? 'downtime' : fate === 'not-for-me' || fate === 'no-egress' ? 'old-location' : fate;
}

/** The migration windows of `migrations` (for {@link FlowFates}), in their order. */
export function migrationWindows(migrations: readonly LiveMigration[]): MigrationWindow[] {
  return migrations.map((m) => ({ vm: m.spec.vm.name, start: m.schedule.start, pauseAt: m.schedule.pauseAt, resumeAt: m.schedule.resumeAt }));
}

/** What the collector needs from the model. */
export interface MigrationContext {
  readonly trace: TraceBus;
  readonly switches: readonly LearningSwitch[];
  readonly gateways: readonly Host[];
  readonly traffic: readonly BuiltTraffic[];
  /** True for names that denote the gateway (the logical `gateway` and every gateway node). */
  isGateway(name: string): boolean;
}

/** Watches migrations during a run and computes their results at the end. */
export class MigrationCollector {
  private readonly context: MigrationContext;
  private readonly trackers = new Map<LiveMigration, StalenessTracker>();
  private readonly migrations: LiveMigration[] = [];

  constructor(context: MigrationContext, migrations: readonly LiveMigration[]) {
    this.context = context;
    this.migrations.push(...migrations);
    const byVm = new Map<string, LiveMigration[]>();
    for (const m of migrations) {
      const list = byVm.get(m.spec.vm.name) ?? [];
      list.push(m);
      byVm.set(m.spec.vm.name, list);
    }
    context.trace.on('migration-phase', (e) => {
      if (e.phase !== 'resume') return;
      const m = byVm.get(e.vm)?.find((x) => x.schedule.resumeAt === e.time);
      if (m === undefined) return;
      const vm = m.spec.vm;
      const port = m.spec.to.portOf(vm);
      if (port === undefined) return;
      this.trackers.set(m, new StalenessTracker(
        context.trace, e.time, context.switches, m.spec.to.vswitch, port.index, m.spec.vlan ?? 1, vm.mac, context.gateways, m.oldMac, vm.ipv4.map((a) => a.address),
      ));
    });
  }

  /** The first pair's record, in the scenario's order, that `predicate` accepts, with its traffic entry's name. */
  private firstFlow(predicate: (r: BuiltFlowRecord) => boolean): { record: FlowRecord; name: string } | null {
    for (const t of this.context.traffic) for (const r of t.records) if (predicate(r)) return { record: r.record, name: t.name };
    return null;
  }

  /** The results, in the order the migrations were given; `fates` had their windows in that order, and `end` is when the run ended. */
  results(fates: FlowFates, end: number): MigrationResult[] {
    const gw = (name: string): boolean => this.context.isGateway(name);
    return this.migrations.map((m, w) => {
      const vm = m.spec.vm.name;
      const { start, downtime } = m.schedule;
      // A VM's next move ends what this one is answerable for.
      let next: number | undefined;
      this.migrations.forEach((o, j) => {
        if (o.spec.vm === m.spec.vm && o.schedule.start > start && (next === undefined || o.schedule.start < this.migrations[next]!.schedule.start)) next = j;
      });
      const until = next === undefined ? end : this.migrations[next]!.schedule.start;
      const flows: PerDirection<{ record: FlowRecord; name: string }> = {
        gatewayToVm: this.firstFlow((r) => gw(r.from) && r.to === vm),
        vmToGateway: this.firstFlow((r) => r.from === vm && gw(r.to)),
        peerToVm: this.firstFlow((r) => !gw(r.from) && r.from !== vm && r.to === vm),
      };
      const outageOf = (flow: { record: FlowRecord } | null): Outage | null => (flow === null ? null : fates.outage(flow.record, w, until, next));
      const outages: PerDirection<Outage> = {
        gatewayToVm: outageOf(flows.gatewayToVm),
        vmToGateway: outageOf(flows.vmToGateway),
        peerToVm: outageOf(flows.peerToVm),
      };
      const lost = Object.fromEntries(MIGRATION_LOSS_KEYS.map((k) => [k, 0])) as Record<string, number>;
      for (const t of this.context.traffic) {
        for (const r of t.records) {
          if (r.from !== vm && r.to !== vm) continue;
          for (const rec of r.responses === undefined ? [r.record] : [r.record, r.responses]) {
            for (const [fate, n] of fates.outageLosses(rec, w, next)) lost[migrationCause(fate)]! += n;
          }
        }
      }
      const stale = this.trackers.get(m)?.finish(end) ?? new Map<string, number>();
      const staleMs: Record<string, number> = {};
      for (const name of [...stale.keys()].sort()) staleMs[name] = ms(stale.get(name)!);
      const pick = <T>(f: (o: Outage) => T): PerDirection<T> => ({
        gatewayToVm: outages.gatewayToVm === null ? null : f(outages.gatewayToVm),
        vmToGateway: outages.vmToGateway === null ? null : f(outages.vmToGateway),
        peerToVm: outages.peerToVm === null ? null : f(outages.peerToVm),
      });
      return {
        vm,
        from: m.spec.from.name,
        to: m.spec.to.name,
        startS: start / 1e9,
        downtimeMs: ms(downtime),
        measuredFlows: { gatewayToVm: flows.gatewayToVm?.name ?? null, vmToGateway: flows.vmToGateway?.name ?? null, peerToVm: flows.peerToVm?.name ?? null },
        blackHoleMs: pick((o) => ms(o.blackHole)),
        afterResumeMs: pick((o) => ms(o.afterResume)),
        repaired: pick((o) => o.repaired),
        lostPackets: lost,
        staleMs,
      };
    });
  }
}
