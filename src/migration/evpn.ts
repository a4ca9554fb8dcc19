/**
 * EVPN-style MAC mobility (RFC 7432 §15) over the simulated fabric. Edge switches watch their
 * host-facing ports: when one learns a MAC there that another edge advertised before (a move), it
 * advertises the MAC with the next sequence number; after the control-plane latency every switch
 * points the MAC towards the advertising edge (control-plane.ts). Duplicate MAC detection (§15.1):
 * `duplicateMoves` moves within `duplicateWindow` freeze the MAC — further advertisements are ignored
 * and the operator is alerted (trace) — with FRR's defaults 5 moves in 180 s.
 */
import type { LearningSwitch } from '../net/index.js';
import { FabricSwitch } from '../net/index.js';
import type { Kernel } from '../sim/index.js';
import type { MacAddress } from '../wire/index.js';
import { pushMacLocation } from './control-plane.js';

declare module '../sim/trace.js' {
  interface TraceEventMap {
    /** An edge advertised a MAC (EVPN MAC/IP route) with a sequence number. */
    'evpn-advertised': { readonly mac: MacAddress; readonly sequence: number };
    /** Duplicate MAC detection froze a MAC. */
    'evpn-frozen': { readonly mac: MacAddress; readonly moves: number };
  }
}

/** An edge switch and its host-facing ports. */
export interface Edge {
  readonly switch: LearningSwitch;
  readonly hostPorts: ReadonlySet<number>;
}

/** Settings of the EVPN control plane. */
export interface EvpnConfig {
  readonly latency: number;
  readonly duplicateMoves: number;
  readonly duplicateWindow: number;
}

interface MacState {
  sequence: number;
  edge: LearningSwitch;
  moves: number[];
  frozen: boolean;
}

/** See the module comment. */
export class EvpnControlPlane {
  readonly counters = { advertisements: 0, frozen: 0 };
  private readonly kernel: Kernel;
  private readonly routeTargets: readonly LearningSwitch[];
  private readonly config: EvpnConfig;
  private readonly macs = new Map<number, MacState>();

  constructor(kernel: Kernel, switches: readonly LearningSwitch[], edges: readonly Edge[], config: EvpnConfig) {
    this.kernel = kernel;
    // A route programs the fabric's own switches (the VTEPs), not the hypervisors' virtual switches;
    // without a shortest-path fabric, every switch.
    const fabric = switches.filter((s) => s instanceof FabricSwitch);
    this.routeTargets = fabric.length > 0 ? fabric : switches;
    this.config = config;
    const byPortName = new Map<string, { edge: Edge; index: number }>();
    for (const edge of edges) for (const index of edge.hostPorts) byPortName.set(edge.switch.ports[index]!.name, { edge, index });
    kernel.trace.on('fdb-learned', (e) => {
      const local = byPortName.get(e.port);
      if (local === undefined) return;
      this.localLearn(local.edge.switch, local.index, e.vlan, e.mac);
    });
  }

  private localLearn(edge: LearningSwitch, port: number, vlan: number, mac: MacAddress): void {
    const now = this.kernel.now;
    let state = this.macs.get(mac);
    if (state !== undefined && state.edge === edge) return;
    if (state === undefined) {
      // First advertisement: sequence 0 (no MAC Mobility community).
      this.macs.set(mac, (state = { sequence: 0, edge, moves: [], frozen: false }));
    } else {
      if (state.frozen) return;
      state.moves = state.moves.filter((t) => now - t < this.config.duplicateWindow);
      state.moves.push(now);
      if (state.moves.length >= this.config.duplicateMoves) {
        state.frozen = true;
        this.counters.frozen++;
        if (this.kernel.trace.wants('evpn-frozen')) {
          this.kernel.trace.emit({ type: 'evpn-frozen', time: now, node: edge.name, mac, moves: state.moves.length });
        }
        return;
      }
      state.sequence++;
      state.edge = edge;
    }
    this.counters.advertisements++;
    const sequence = state.sequence;
    if (this.kernel.trace.wants('evpn-advertised')) this.kernel.trace.emit({ type: 'evpn-advertised', time: now, node: edge.name, mac, sequence });
    this.kernel.schedule(this.config.latency, edge.name, 'evpn-route', () => {
      // A newer advertisement overtook this one: it does nothing (sequence numbers, §15.1).
      if (this.macs.get(mac)?.sequence !== sequence || state.frozen) return;
      pushMacLocation(this.routeTargets.filter((s) => s !== edge), vlan, mac, edge, port, this.kernel.now);
    });
  }
}
