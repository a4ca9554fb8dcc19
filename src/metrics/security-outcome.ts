/**
 * What the switches' security features did in one run, observed from the trace: frames dropped by
 * each feature and reason; ports (or VLANs on a port) error-disabled, for how long, the frame that
 * tripped each and the VMs behind the port that went dark with it; and, per migration, how long after
 * the resume the VM was admitted at its new port: until the first of its frames to pass there after
 * the last one refused there (a frame refused later, before its next move, resets the count; none
 * passing: never admitted). The new port is the destination hypervisor's uplink port on its switch
 * and the VM's port on the destination virtual switch; a frame passes if neither refuses it. A new
 * port err-disabled after the resume counts as a refusal of the VM there (it is cut off even if it
 * sends nothing meanwhile): it is admitted only by a frame that passes after the port came back. A frame
 * is refused, if at all, within microseconds of reaching the first of them, so frames seen more than
 * a second ago are settled and only the candidate is kept of them (memory stays small whatever the
 * VM's rate).
 *
 * Drops are read from `frame-dropped` events with reason `security`, err-disable from `security-port`
 * events; which VMs sit behind a port is read from the hypervisors when the port goes down.
 */
import type { LiveMigration } from '../migration/index.js';
import type { Model } from '../scenario/index.js';
import type { SecurityFeature } from '../security/index.js';
import { SECURITY_FEATURES } from '../security/index.js';
import type { MacAddress } from '../wire/index.js';
import { ms } from './summary.js';

/** Drops of one feature. */
export interface FeatureDrops {
  readonly total: number;
  /** By reason, in the order the reasons first happened. */
  readonly byReason: Readonly<Record<string, number>>;
}

/** One error-disabled port (or VLAN on a port). */
export interface ErrDisabledResult {
  readonly switch: string;
  readonly port: string;
  /** The VLAN disabled on the port, or null for the whole port. */
  readonly vlan: number | null;
  readonly cause: string;
  readonly atS: number;
  /** How long it stayed disabled (until its recovery, or the end of the run), ms. */
  readonly durationMs: number;
  readonly recovered: boolean;
  /** The node whose frame tripped it, when known. */
  readonly trigger: string | null;
  /** The VMs behind the port (on the hypervisor plugged into it) when it went down. */
  readonly vmsBehind: readonly string[];
  /** Those of them that did not trip it: cut off because they share the port. */
  readonly cutOff: readonly string[];
}

/** When a migrated VM was admitted at its new port. */
export interface AdmissionResult {
  readonly vm: string;
  /** The destination hypervisor, and its uplink's port on the fabric. */
  readonly to: string;
  readonly port: string | null;
  readonly resumeS: number;
  /** From the resume until admitted (see the module comment), ms; null: not admitted before its next move or the end. */
  readonly admittedMs: number | null;
  /** Frames of the VM refused at its new port, by feature and reason (`arp-inspection/no-binding`). */
  readonly refused: Readonly<Record<string, number>>;
}

/** The security part of a run's result. */
export interface SecurityResult {
  /** Every feature, in a fixed order, with its drops. */
  readonly drops: Readonly<Record<SecurityFeature, FeatureDrops>>;
  readonly errDisabled: readonly ErrDisabledResult[];
  /** Distinct VMs cut off by a port another VM's frame err-disabled. */
  readonly vmsCutOff: number;
  readonly migrations: readonly AdmissionResult[];
}

interface OpenDisable {
  readonly sw: string;
  readonly port: string;
  readonly vlan: number;
  readonly cause: string;
  readonly at: number;
  end: number;
  recovered: boolean;
  trigger: string | null;
  readonly vmsBehind: readonly string[];
}

/** Frames seen more than this long ago can no longer be refused (see the module comment). */
const SETTLED = 1e9;

interface Seen {
  readonly id: number;
  readonly time: number;
}

interface Watch {
  readonly m: LiveMigration;
  readonly resume: number;
  until: number;
  mac: MacAddress;
  readonly ports: ReadonlySet<string>;
  /** The first frame seen after the last refusal: the admission, unless it is refused itself. */
  head: Seen | null;
  /** Frames seen after `head` within the last {@link SETTLED}, in order. */
  recent: Seen[];
  readonly refused: Map<string, number>;
  readonly edgePort: string | null;
}

/** See the module comment. */
export class SecurityOutcome {
  private readonly model: Model;
  private readonly drops = new Map<SecurityFeature, Map<string, number>>(SECURITY_FEATURES.map((f) => [f, new Map()]));
  private readonly disables: OpenDisable[] = [];
  private readonly watches: Watch[] = [];
  /** Every port some watch looks at (a frame elsewhere costs one lookup). */
  private readonly watched = new Set<string>();
  /** Node names by MAC (hosts and claimants; gateways too), for triggers. */
  private readonly byMac = new Map<number, string>();

  constructor(model: Model) {
    this.model = model;
    const trace = model.kernel.trace;
    for (const [name, h] of model.hosts) if (!this.byMac.has(h.mac)) this.byMac.set(h.mac, name);
    for (const g of model.gateways) if (!this.byMac.has(g.mac)) this.byMac.set(g.mac, g.name);
    for (const k of model.contention) if (!this.byMac.has(k.host.mac)) this.byMac.set(k.host.mac, k.name);
    const resumes = new Map<string, LiveMigration[]>();
    for (const m of model.migrations) resumes.set(m.spec.vm.name, [...(resumes.get(m.spec.vm.name) ?? []), m]);
    trace.on('migration-phase', (e) => {
      if (e.phase !== 'resume') return;
      const m = resumes.get(e.vm)?.find((x) => x.schedule.resumeAt === e.time);
      if (m === undefined) return;
      for (const w of this.watches) if (w.m.spec.vm === m.spec.vm && w.until > e.time) w.until = e.time;
      const vm = m.spec.vm;
      const vport = m.spec.to.portOf(vm);
      const edge = m.spec.to.uplink.peer;
      const ports = new Set<string>([...(vport === undefined ? [] : [vport.name]), ...(edge === null ? [] : [edge.name])]);
      this.watches.push({ m, resume: e.time, until: Infinity, mac: vm.mac, ports, head: null, recent: [], refused: new Map(), edgePort: edge?.name ?? null });
      for (const p of ports) this.watched.add(p);
    });
    trace.on('frames-received', (e) => {
      if (this.watched.size === 0) return;
      for (let i = e.from; i < e.to; i++) {
        const port = e.ports[i]!;
        if (!this.watched.has(port.name)) continue;
        for (const w of this.watches) {
          if (e.time >= w.until || !w.ports.has(port.name) || e.frame.eth.source !== w.mac) continue;
          seen(w, e.frame.id, e.time);
        }
      }
    });
    trace.on('frame-dropped', (e) => {
      if (e.reason !== 'security' || e.filter === undefined) return;
      const byReason = this.drops.get(e.filter.filter as SecurityFeature);
      if (byReason !== undefined) byReason.set(e.filter.reason, (byReason.get(e.filter.reason) ?? 0) + 1);
      const open = this.disables.at(-1);
      if (open !== undefined && open.trigger === null && open.at === e.time && open.port === e.port && e.filter.filter !== 'err-disabled') {
        open.trigger = this.byMac.get(e.frame.eth.source) ?? null;
      }
      for (const w of this.watches) {
        if (e.time >= w.until || !w.ports.has(e.port) || e.frame.eth.source !== w.mac) continue;
        refused(w, e.frame.id);
        const key = `${e.filter.filter}/${e.filter.reason}`;
        w.refused.set(key, (w.refused.get(key) ?? 0) + 1);
      }
    });
    trace.on('security-port', (e) => {
      if (e.state === 'err-disabled') {
        for (const w of this.watches) {
          if (e.time < w.until && w.ports.has(e.port)) {
            w.head = null;
            w.recent = [];
          }
        }
        this.disables.push({ sw: e.node, port: e.port, vlan: e.vlan, cause: e.cause, at: e.time, end: -1, recovered: false, trigger: null, vmsBehind: this.vmsBehind(e.port) });
        return;
      }
      const d = this.disables.find((x) => x.port === e.port && x.vlan === e.vlan && x.cause === e.cause && x.end < 0 && x.at === e.time - e.duration);
      if (d !== undefined) {
        d.end = e.time;
        d.recovered = true;
      }
    });
  }

  /** The VMs (and claimants) on the hypervisor plugged into `port` now. */
  private vmsBehind(port: string): string[] {
    const out: string[] = [];
    for (const hv of this.model.hypervisors.values()) {
      if (hv.uplink.peer?.name !== port) continue;
      for (const [name, h] of this.model.hosts) if (hv.hosts(h)) out.push(name);
      for (const k of this.model.contention) if (hv.hosts(k.host)) out.push(k.name);
    }
    return out;
  }

  /** The result at the end of the run (`end`, ns). */
  finish(end: number): SecurityResult {
    const drops = {} as Record<SecurityFeature, FeatureDrops>;
    for (const f of SECURITY_FEATURES) {
      const byReason = this.drops.get(f)!;
      let total = 0;
      for (const n of byReason.values()) total += n;
      drops[f] = { total, byReason: Object.fromEntries(byReason) };
    }
    const errDisabled = this.disables.map((d): ErrDisabledResult => {
      const until = d.end < 0 ? end : d.end;
      return {
        switch: d.sw, port: d.port, vlan: d.vlan < 0 ? null : d.vlan, cause: d.cause, atS: d.at / 1e9, durationMs: ms(until - d.at), recovered: d.recovered,
        trigger: d.trigger, vmsBehind: d.vmsBehind, cutOff: d.vmsBehind.filter((v) => v !== d.trigger),
      };
    });
    const cut = new Set(errDisabled.flatMap((d) => d.cutOff));
    const migrations = this.model.migrations.map((m): AdmissionResult => {
      const w = this.watches.find((x) => x.m === m);
      if (w === undefined) return { vm: m.spec.vm.name, to: m.spec.to.name, port: null, resumeS: m.schedule.resumeAt / 1e9, admittedMs: null, refused: {} };
      return {
        vm: m.spec.vm.name, to: m.spec.to.name, port: w.edgePort, resumeS: w.resume / 1e9,
        admittedMs: w.head === null ? null : ms(w.head.time - w.resume), refused: Object.fromEntries(w.refused),
      };
    });
    return { drops, errDisabled, vmsCutOff: cut.size, migrations };
  }
}

/** A frame of the VM reached a watched port at `time` (a frame reaching both is noted once). */
function seen(w: Watch, id: number, time: number): void {
  if (w.head?.id === id || w.recent.some((x) => x.id === id)) return;
  if (w.head === null) w.head = { id, time };
  else w.recent.push({ id, time });
  let settled = 0;
  while (settled < w.recent.length && w.recent[settled]!.time < time - SETTLED) settled++;
  if (settled > 0) w.recent.splice(0, settled);
}

/** Frame `id` was refused at a watched port: nothing seen up to it counts; the next frame is the candidate. */
function refused(w: Watch, id: number): void {
  if (w.head?.id === id) {
    w.head = w.recent.shift() ?? null;
    return;
  }
  const i = w.recent.findIndex((x) => x.id === id);
  if (i < 0) return;
  w.head = w.recent[i + 1] ?? null;
  w.recent.splice(0, i + 2);
}
