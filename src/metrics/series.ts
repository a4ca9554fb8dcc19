/**
 * The time series of one run, for the report (see series-types.ts for what each holds): the entries,
 * deliveries and messages around the run's first migration, the load over the whole run, and the
 * fabric with the migration's path. Like every observer it subscribes before the first event and
 * only observes.
 */
import type { Model } from '../scenario/index.js';
import { formatIpv4, formatMac } from '../wire/index.js';
import { DeliveryTimeline } from './delivery-timeline.js';
import { EntryTimeline } from './entry-timeline.js';
import { FabricRecorder } from './fabric-picture.js';
import { LoadTimeline } from './load-timeline.js';
import type { RunSeries, SeriesMigration } from './series-types.js';
import { seconds } from './series-types.js';

/** See the module comment. */
export class SeriesRecorder {
  private readonly migration: SeriesMigration | null;
  private readonly entries: EntryTimeline | null;
  private readonly deliveries: DeliveryTimeline | null;
  private readonly load: LoadTimeline;
  private readonly fabric: FabricRecorder;

  /** Attaches to `model` before its first event. */
  constructor(model: Model) {
    const m = model.migrations[0] ?? null;
    if (m === null) {
      this.migration = null;
      this.entries = null;
      this.deliveries = null;
      this.load = new LoadTimeline(model, null);
      this.fabric = new FabricRecorder(model, null);
      return;
    }
    const vm = m.spec.vm;
    const newMac = m.spec.newMac ?? m.oldMac;
    this.migration = {
      vm: vm.name,
      mac: formatMac(m.oldMac),
      newMac: formatMac(newMac),
      ipv4: vm.ipv4.map((a) => formatIpv4(a.address)),
      ipv6: vm.ipv6.map((a) => a.address),
      from: m.spec.from.name,
      to: m.spec.to.name,
      startS: seconds(m.schedule.start),
      pauseS: seconds(m.schedule.pauseAt),
      resumeS: seconds(m.schedule.resumeAt),
    };
    this.entries = new EntryTimeline(model, m);
    this.deliveries = new DeliveryTimeline(model, vm.name);
    this.load = new LoadTimeline(model, {
      ipv4: new Set(vm.ipv4.map((a) => a.address as number)),
      ipv6: new Set(vm.ipv6.map((a) => a.address as string)),
      macs: new Set([m.oldMac as number, newMac as number]),
    });
    this.fabric = new FabricRecorder(model, m);
  }

  /** The series of the run that ended at `end` (ns). */
  finish(end: number): RunSeries {
    return {
      migration: this.migration,
      entries: this.entries?.finish(end) ?? [],
      deliveries: this.deliveries?.finish() ?? [],
      messages: this.load.marks,
      messagesLeftOut: this.load.leftOut,
      load: this.load.finish(),
      fabric: this.fabric.finish(),
    };
  }
}
