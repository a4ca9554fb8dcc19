/**
 * What came of each contention case (a second host claiming a VM's addresses), observed from the
 * trace:
 *
 * - who noticed: a host's conflict detection (`address-conflict` for a claimed address: RFC 5227
 *   probing or defence, RFC 4862 DAD), and switch security features refusing frames the claimant sent
 *   or, from when it appeared, frames the VM sent (a switch that sided with the claimant, as FCFS SAVI
 *   does when the source copy of a migration answers its probes); the claimant's frames are followed
 *   by id from its port, so a claimant with the VM's own MAC is told apart, and the VM's are the
 *   others from its MAC; err-disabled drops are not detection;
 * - who could have and did not (`missedBy`): the VM, the claimant, and the switches with security
 *   the claimant is plugged into (its hypervisor's edge switch, and its virtual switch when that
 *   enforces); a switch's DAD NS confinement (FCFS SAVI forwarding a DAD NS to trusted ports only) is
 *   its normal procedure, not a detection;
 * - how long each gateway node's neighbor entry for a claimed address held the claimant's MAC (null
 *   when the claimant has the VM's MAC: the entry cannot tell them apart, the switches' tables decide);
 * - IP packets for the claimed addresses the claimant received (delivered to the wrong holder), and
 *   those the VM received, from when the claimant appeared.
 */
import type { Model } from '../scenario/index.js';
import { formatIpv4 } from '../wire/index.js';
import { ms } from './summary.js';

/** One detection. */
export interface Detection {
  /** A host name, or a switch name. */
  readonly by: string;
  /** `conflict-probing` / `conflict-in-use` (a host), or `<feature>/<reason>` (a switch). */
  readonly how: string;
  /** For a switch: whose frames it refused (the claimant's, or the VM's); null for a host. */
  readonly refused: string | null;
  readonly firstS: number;
  readonly count: number;
}

/** One contention case's outcome. */
export interface ContentionResult {
  readonly kind: string;
  readonly claimant: string;
  readonly vm: string;
  readonly hypervisor: string;
  readonly atS: number;
  readonly addresses: readonly string[];
  readonly detected: readonly Detection[];
  readonly missedBy: readonly string[];
  /** Per gateway node, how long its entry for a claimed address held the claimant's MAC, ms; null for a claimant with the VM's MAC. */
  readonly gatewayEntryWrongMs: Readonly<Record<string, number>> | null;
  readonly packetsToClaimant: number;
  readonly packetsToVm: number;
}

interface CaseState {
  readonly detections: Map<string, { by: string; how: string; refused: string | null; first: number; count: number }>;
  readonly frames: Set<number>;
  readonly wrongSince: Map<string, number>;
  readonly wrongNs: Map<string, number>;
  toClaimant: number;
  toVm: number;
}

/** See the module comment. */
export class ContentionOutcome {
  private readonly model: Model;
  private readonly states: CaseState[];

  constructor(model: Model) {
    this.model = model;
    const trace = model.kernel.trace;
    const cases = model.contention;
    this.states = cases.map(() => ({ detections: new Map(), frames: new Set(), wrongSince: new Map(), wrongNs: new Map(), toClaimant: 0, toVm: 0 }));
    if (cases.length === 0) return;
    const gateways = new Set(model.gateways.map((g) => g.name));
    const claimed = cases.map((k) => new Set([...k.ipv4, ...k.ipv6]));
    const note = (i: number, by: string, how: string, refused: string | null, time: number): void => {
      const s = this.states[i]!;
      const key = `${by}\0${how}\0${refused ?? ''}`;
      const d = s.detections.get(key);
      if (d === undefined) s.detections.set(key, { by, how, refused, first: time, count: 1 });
      else d.count++;
    };
    trace.on('frames-sent', (e) => {
      cases.forEach((k, i) => {
        if (e.node === k.name) this.states[i]!.frames.add(e.frame.id);
      });
    });
    trace.on('frames-received', (e) => {
      const p = e.frame.eth.payload;
      if (p.kind !== 'ipv4' && p.kind !== 'ipv6') return;
      for (let i = e.from; i < e.to; i++) {
        const node = e.ports[i]!.owner.name;
        cases.forEach((k, i) => {
          const s = this.states[i]!;
          if (e.time < k.at) return;
          if (p.kind === 'ipv6' && p.payload.kind === 'icmpv6' && p.payload.type !== 'other') return;
          const dst = p.kind === 'ipv4' ? formatIpv4(p.destination) : p.destination;
          if (!claimed[i]!.has(dst)) return;
          // Delivered: the frame was addressed to the receiver's MAC (a flooded copy for another is not).
          if (node === k.name && e.frame.eth.destination === k.host.mac) s.toClaimant++;
          else if (node === k.vm && e.frame.eth.destination === model.hosts.get(k.vm)?.mac) s.toVm++;
        });
      }
    });
    trace.on('frame-dropped', (e) => {
      if (e.reason !== 'security' || e.filter === undefined || e.filter.filter === 'err-disabled' || e.filter.reason === 'dad-ns-confined') return;
      cases.forEach((k, i) => {
        const s = this.states[i]!;
        const vmFrame = e.time >= k.at && e.frame.eth.source === model.hosts.get(k.vm)?.mac;
        const who = s.frames.has(e.frame.id) ? k.name : vmFrame ? k.vm : null;
        if (who !== null) note(i, e.node, `${e.filter!.filter}/${e.filter!.reason}`, who, e.time);
      });
    });
    trace.on('address-conflict', (e) => {
      cases.forEach((_, i) => {
        if (claimed[i]!.has(e.address)) note(i, e.node, `conflict-${e.phase}`, null, e.time);
      });
    });
    trace.on('neighbor-changed', (e) => {
      if (!gateways.has(e.node)) return;
      cases.forEach((k, i) => {
        if (k.sameMac || !claimed[i]!.has(e.address)) return;
        this.entry(i, `${e.node}\0${e.address}`, e.to !== 'none' && e.to !== 'incomplete' && e.to !== 'failed' && e.lladdr === k.host.mac, e.time);
      });
    });
  }

  private entry(i: number, key: string, wrong: boolean, time: number): void {
    const s = this.states[i]!;
    const since = s.wrongSince.get(key);
    if (wrong && since === undefined) s.wrongSince.set(key, time);
    else if (!wrong && since !== undefined) {
      s.wrongSince.delete(key);
      s.wrongNs.set(key, (s.wrongNs.get(key) ?? 0) + time - since);
    }
  }

  /** The switches with security a claimant on hypervisor `hv` is plugged into: its edge switch, then its virtual switch. */
  private attachment(hv: string): string[] {
    const h = this.model.hypervisors.get(hv);
    const security = this.model.security;
    if (h === undefined || security === null) return [];
    const out: string[] = [];
    const edge = h.uplink.peer?.owner;
    for (const sw of security.switches.keys()) if (sw === edge) out.push(sw.name);
    if (security.vswitches.has(h)) out.push(h.vswitch.name);
    return out;
  }

  /** The results at the end of the run (`end`, ns), in the scenario's order. */
  finish(end: number): ContentionResult[] {
    return this.model.contention.map((k, i): ContentionResult => {
      const s = this.states[i]!;
      for (const key of [...s.wrongSince.keys()]) this.entry(i, key, false, end);
      const detected = [...s.detections.values()]
        .sort((a, b) => a.first - b.first || (a.by < b.by ? -1 : a.by > b.by ? 1 : 0) || (a.how < b.how ? -1 : 1))
        .map((d) => ({ by: d.by, how: d.how, refused: d.refused, firstS: d.first / 1e9, count: d.count }));
      const detectors = new Set(detected.map((d) => d.by));
      const candidates = [k.vm, k.name, ...this.attachment(k.hypervisor)];
      let wrong: Record<string, number> | null = null;
      if (!k.sameMac) {
        wrong = {};
        for (const g of this.model.gateways) {
          let total = 0;
          for (const [key, v] of s.wrongNs) if (key.startsWith(`${g.name}\0`)) total += v;
          wrong[g.name] = ms(total);
        }
      }
      return {
        kind: k.kind, claimant: k.name, vm: k.vm, hypervisor: k.hypervisor, atS: k.at / 1e9, addresses: [...k.ipv4, ...k.ipv6],
        detected, missedBy: candidates.filter((n) => !detectors.has(n)),
        gatewayEntryWrongMs: wrong, packetsToClaimant: s.toClaimant, packetsToVm: s.toVm,
      };
    });
  }
}
