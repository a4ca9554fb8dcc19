/**
 * Per-migration results of a run: for each migration, the black hole of the VM's flows in each
 * direction (gateway→VM, VM→gateway, peer→VM: the first flow of each kind in the scenario's order),
 * the packets of all the VM's flows lost from the start of the migration to the start of the VM's next
 * one (or the end of the run), by cause, and how long each
 * switch and gateway kept stale state about the VM after the resume (tracked from the resume on).
 */
import type { LiveMigration } from '../migration/index.js';
import type { LearningSwitch } from '../net/index.js';
import type { BuiltFlowRecord, BuiltTraffic } from '../scenario/index.js';
import type { TraceBus } from '../sim/index.js';
import type { FlowRecord, Host } from '../stack/index.js';
import type { FlowFates, LossCause } from './flow-fates.js';
import { LOSS_CAUSES } from './flow-fates.js';
import { StalenessTracker, outage } from './migration-outcome.js';
import type { MigrationResult, PerDirection } from './summary.js';
import { ms } from './summary.js';

/**
 * Loss causes as a migration names them: a packet that met the VM (or its peer) paused was lost to the
 * `downtime`; one that reached a station other than its addressee went to the `old-location` (the old
 * hypervisor's other VMs, or flooded copies while nobody knew where the VM was). The rest keep the
 * names of flow-fates.ts.
 */
export function migrationCause(cause: LossCause): string {
  return cause === 'node-down' ? 'downtime' : cause === 'not-for-me' ? 'old-location' : cause;
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

  private firstFlow(predicate: (r: BuiltFlowRecord) => boolean): FlowRecord | null {
    for (const t of this.context.traffic) for (const r of t.records) if (predicate(r)) return r.record;
    return null;
  }

  /** The results, in the order the migrations were given; `end` is when the run ended. */
  results(fates: FlowFates, end: number): MigrationResult[] {
    const gw = (name: string): boolean => this.context.isGateway(name);
    return this.migrations.map((m) => {
      const vm = m.spec.vm.name;
      const { start, resumeAt, downtime } = m.schedule;
      // A VM's next move ends what this one is answerable for.
      const until = Math.min(end, ...this.migrations.filter((o) => o.spec.vm === m.spec.vm && o.schedule.start > start).map((o) => o.schedule.start));
      const directions: PerDirection<FlowRecord> = {
        gatewayToVm: this.firstFlow((r) => gw(r.from) && r.to === vm),
        vmToGateway: this.firstFlow((r) => r.from === vm && gw(r.to)),
        peerToVm: this.firstFlow((r) => !gw(r.from) && r.from !== vm && r.to === vm),
      };
      const outages = {
        gatewayToVm: directions.gatewayToVm === null ? null : outage(directions.gatewayToVm, start, resumeAt, until),
        vmToGateway: directions.vmToGateway === null ? null : outage(directions.vmToGateway, start, resumeAt, until),
        peerToVm: directions.peerToVm === null ? null : outage(directions.peerToVm, start, resumeAt, until),
      };
      const lost = Object.fromEntries(LOSS_CAUSES.map((c) => [migrationCause(c), 0])) as Record<string, number>;
      for (const t of this.context.traffic) {
        for (const r of t.records) {
          if (r.from !== vm && r.to !== vm) continue;
          for (const rec of r.responses === undefined ? [r.record] : [r.record, r.responses]) {
            for (let seq = 0; seq < rec.sentAt.length; seq++) {
              if (rec.sentAt[seq]! < start || rec.sentAt[seq]! >= until || rec.deliveredAt[seq]! >= 0) continue;
              const cause = migrationCause(fates.causeOf(rec.id, seq) ?? 'unknown');
              lost[cause] = (lost[cause] ?? 0) + 1;
            }
          }
        }
      }
      const stale = this.trackers.get(m)?.finish(end) ?? new Map<string, number>();
      const staleMs: Record<string, number> = {};
      for (const name of [...stale.keys()].sort()) staleMs[name] = ms(stale.get(name)!);
      const pick = <T>(f: (o: NonNullable<(typeof outages)['gatewayToVm']>) => T): PerDirection<T> => ({
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
        blackHoleMs: pick((o) => ms(o.blackHole)),
        afterResumeMs: pick((o) => ms(o.afterResume)),
        repaired: pick((o) => o.repaired),
        lostPackets: lost,
        staleMs,
      };
    });
  }
}
