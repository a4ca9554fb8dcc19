/**
 * One live migration of one VM, from plug-in to announcements (the pre-copy phases of Clark et al., "Live Migration of Virtual
 * Machines", NSDI 2005, as QEMU runs them): pre-copy while the
 * VM runs at the source; then stop-and-copy: the VM is paused (it neither sends nor receives); then
 * the VM is unplugged from the source vSwitch, optionally given a new MAC, plugged into the
 * destination vSwitch and resumed, and the remedies that act after resume run. Timing comes from the
 * pre-copy model (pre-copy.ts) or is given explicitly.
 *
 * The destination port can be made to forward only `portReadyAfter` after the plug (flows not yet
 * installed, an OVN port binding not yet claimed: openvswitch/ovs-issues #230, kubeovn/kube-ovn #3472): announcements sent before then
 * are dropped at the port, which is why late re-announcement exists. A guest whose interface is
 * re-plugged (`guestLink: replug`) brings it up at the destination (Host.replug: arp_notify,
 * ndisc_notify after DAD), and on a virtual switch that enables such a port only after the guest's
 * link-up (a Linux bridge, vswitch.ts) what the guest sends from its link-up notifier is dropped.
 */
import type { LearningSwitch, Network } from '../net/index.js';
import type { Kernel, Rng } from '../sim/index.js';
import type { DhcpClient, Host } from '../stack/index.js';
import type { MacAddress } from '../wire/index.js';
import { MAC_BROADCAST, MAC_ZERO, arpRequest, ethernetFrame, rarpAnnounce } from '../wire/index.js';
import { pushMacLocation, pushNeighbor, reResolveNeighbor, withdrawMac } from './control-plane.js';
import type { Hypervisor } from './hypervisor.js';
import type { PreCopyParams } from './pre-copy.js';
import { preCopyPlan } from './pre-copy.js';
import type { RemedySpec } from './remedies.js';
import { qemuAnnounceTimes } from './remedies.js';
import type { SecurityMove, SecurityPlane } from './security-plane.js';

declare module '../sim/trace.js' {
  interface TraceEventMap {
    /** A migration reached a phase. */
    'migration-phase': { readonly vm: string; readonly phase: 'start' | 'pause' | 'resume'; readonly from: string; readonly to: string };
  }
}

/** How long the migration takes. */
export type MigrationTiming =
  | { readonly kind: 'pre-copy'; readonly params: PreCopyParams }
  | { readonly kind: 'explicit'; readonly precopyTime: number; readonly downtime: number };

/** What to migrate, where and when. */
export interface MigrationSpec {
  readonly vm: Host;
  readonly from: Hypervisor;
  readonly to: Hypervisor;
  /** When the migration starts (pre-copy begins), ns. */
  readonly start: number;
  readonly timing: MigrationTiming;
  /** A new MAC for the VM at the destination (a binding change every cache must learn). */
  readonly newMac?: MacAddress;
  readonly remedies: readonly RemedySpec[];
  /** The destination vSwitch port forwards only this long after the plug, ns (default 0). */
  readonly portReadyAfter?: number;
  /**
   * What the guest sees of the move: `resume` (default; QEMU's live migration: the guest's NIC never
   * goes down) or `replug` (the guest's interface is re-created at the destination and brought up, as
   * container moves and veth-based labs do: Host.replug, and the destination port comes up as its
   * virtual switch's kind says).
   */
  readonly guestLink?: 'resume' | 'replug';
  /** VLAN of the VM (for pushed entries), default 1. */
  readonly vlan?: number;
  /**
   * Puts a phase on the clock (default: the kernel's `scheduleAt`, under the VM's name, or the
   * destination's for `port-ready`). A scenario passes its own clock, which runs the phases first at
   * their instant, before anything else due then.
   */
  readonly schedulePhase?: (kind: MigrationPhase, time: number, action: () => void) => void;
}

/** The timed phases of a migration: start (pre-copy begins), pause, resume, and the destination port becoming ready. */
export type MigrationPhase = 'migration-start' | 'migration-pause' | 'migration-resume' | 'port-ready';

/** The switches and gateways a migration's control-plane remedies act on. */
export interface MigrationWorld {
  readonly network: Network;
  readonly switches: readonly LearningSwitch[];
  readonly gateways: readonly Host[];
  /** The switches' security state, when some switch has security features (security-plane.ts). */
  readonly security?: SecurityPlane;
  /** The DHCP clients of VMs that take their addresses from DHCP (for `guest-renew`). */
  readonly dhcpClients?: ReadonlyMap<Host, DhcpClient>;
}

/** When things happen, ns. */
export interface MigrationSchedule {
  readonly start: number;
  readonly pauseAt: number;
  readonly resumeAt: number;
  readonly precopyTime: number;
  readonly downtime: number;
  readonly converged: boolean;
}

/** Computes when a migration pauses and resumes. */
export function migrationSchedule(spec: MigrationSpec): MigrationSchedule {
  if (spec.timing.kind === 'explicit') {
    const { precopyTime, downtime } = spec.timing;
    return { start: spec.start, pauseAt: spec.start + precopyTime, resumeAt: spec.start + precopyTime + downtime, precopyTime, downtime, converged: true };
  }
  const plan = preCopyPlan(spec.timing.params);
  return {
    start: spec.start, pauseAt: spec.start + plan.precopyTime, resumeAt: spec.start + plan.totalTime,
    precopyTime: plan.precopyTime, downtime: plan.downtime, converged: plan.converged,
  };
}

/** See the module comment. */
export class LiveMigration {
  readonly spec: MigrationSpec;
  readonly schedule: MigrationSchedule;
  /** The VM's MAC before the move. */
  readonly oldMac: MacAddress;
  private readonly kernel: Kernel;
  private readonly world: MigrationWorld;
  private readonly rng: Rng;
  /** The move as the security plane sees it, once the VM has resumed. */
  private move: SecurityMove | null = null;
  /** The destination port: enabled (a re-plugged guest's port on a Linux bridge waits), and ready (portReadyAfter). */
  private portEnabled = true;
  private portReady = true;

  constructor(world: MigrationWorld, spec: MigrationSpec) {
    this.kernel = world.network.kernel;
    this.world = world;
    this.spec = spec;
    this.schedule = migrationSchedule(spec);
    this.oldMac = spec.vm.mac;
    this.rng = this.kernel.rng.stream(`migration:${spec.vm.name}:${spec.start}`);
    const at = spec.schedulePhase ?? ((kind: MigrationPhase, time: number, action: () => void): void => {
      this.kernel.scheduleAt(time, kind === 'port-ready' ? spec.to.name : spec.vm.name, kind, action);
    });
    at('migration-start', this.schedule.start, () => this.phase('start'));
    at('migration-pause', this.schedule.pauseAt, () => {
      spec.vm.pause();
      this.phase('pause');
    });
    at('migration-resume', this.schedule.resumeAt, () => this.resume());
    const ready = spec.portReadyAfter ?? 0;
    if (ready > 0) {
      at('port-ready', this.schedule.resumeAt + ready, () => {
        this.portReady = true;
        this.applyPortState();
      });
    }
  }

  /** Sets the destination port's state: disabled until enabled, then blocking until ready, then forwarding. */
  private applyPortState(): void {
    const { to, vm } = this.spec;
    const port = to.portOf(vm);
    if (port !== undefined) to.vswitch.setState(port.index, !this.portEnabled ? 'disabled' : !this.portReady ? 'blocking' : 'forwarding');
  }

  private phase(phase: 'start' | 'pause' | 'resume'): void {
    const t = this.kernel.trace;
    if (t.wants('migration-phase')) {
      t.emit({ type: 'migration-phase', time: this.kernel.now, node: this.spec.vm.name, vm: this.spec.vm.name, phase, from: this.spec.from.name, to: this.spec.to.name });
    }
  }

  private resume(): void {
    const { vm, from, to } = this.spec;
    const fromPort = from.portOf(vm)?.index ?? -1;
    from.unplug(vm);
    if (this.spec.newMac !== undefined) vm.changeMac(this.spec.newMac);
    const port = to.plug(vm);
    this.move = { vm, from, to, fromPort, toPort: port, vlan: this.spec.vlan ?? 1, oldMac: this.oldMac };
    this.world.security?.moved(this.move);
    const replug = this.spec.guestLink === 'replug';
    const behaviour = to.behaviour;
    this.portEnabled = !(replug && behaviour.enablesAfterGuestLinkUp.value);
    this.portReady = (this.spec.portReadyAfter ?? 0) <= 0;
    this.applyPortState();
    vm.resume();
    if (replug) {
      vm.replug();
      if (!this.portEnabled) {
        this.kernel.schedule(behaviour.portEnableDelay.value, to.name, 'port-enable', () => {
          this.portEnabled = true;
          this.applyPortState();
        });
      }
    }
    this.phase('resume');
    for (const remedy of this.spec.remedies) this.afterResume(remedy);
  }

  private at(delay: number, kind: string, action: () => void): void {
    this.kernel.schedule(Math.max(0, Math.round(delay)), this.spec.vm.name, kind, action);
  }

  /** Sends the VM's announcements of one round (guest GARP request form per IPv4, NA per IPv6). */
  private guestRound(): void {
    const vm = this.spec.vm;
    for (const a of vm.ipv4) if (a.state === 'preferred') vm.announceArp(a, 'request');
    for (const a of vm.ipv6) if (a.state === 'preferred') vm.announceNa(a, true);
  }

  /** A RARP from the VM's port (sent by the hypervisor, not the guest). */
  private rarp(): void {
    const vm = this.spec.vm;
    vm.port.send(this.world.network.frame(ethernetFrame(MAC_BROADCAST, vm.mac, rarpAnnounce(vm.mac))));
  }

  private afterResume(r: RemedySpec): void {
    const vm = this.spec.vm;
    switch (r.kind) {
      case 'none':
      case 'keepalive':
      case 'evpn':
      case 'binding-sync':
      case 'leasequery':
      case 'vswitch-enforcement':
        return;
      case 'guest-renew': {
        const client = this.world.dhcpClients?.get(vm);
        const link = vm.port.link;
        if (r.carrierDown > 0 && link !== null) {
          link.setUp(false);
          this.at(r.carrierDown, 'guest-carrier-up', () => {
            link.setUp(true);
            client?.linkBounced();
          });
        } else {
          this.at(0, 'guest-renew', () => client?.linkBounced());
        }
        return;
      }
      case 'guest-garp': {
        const target = r.form === 'request' && r.targetMac === 'broadcast' ? MAC_BROADCAST : undefined;
        for (let i = 0; i < r.count; i++) {
          this.at((r.delay ?? 0) + i * r.interval, 'guest-garp', () => {
            for (const a of vm.ipv4) if (a.state === 'preferred') vm.announceArp(a, r.form, target);
          });
        }
        return;
      }
      case 'guest-na':
        for (let i = 0; i < r.count; i++) {
          this.at((r.delay ?? 0) + i * r.interval, 'guest-na', () => {
            for (const a of vm.ipv6) if (a.state === 'preferred') vm.announceNa(a, r.override);
          });
        }
        return;
      case 'rarp':
        for (let i = 0; i < r.count; i++) this.at((r.delay ?? 0) + i * r.interval, 'rarp', () => this.rarp());
        return;
      case 'qemu-announce':
        for (const t of qemuAnnounceTimes(r.initial, r.max, r.rounds, r.step)) {
          this.at((r.delay ?? 0) + t, 'qemu-announce', () => {
            this.rarp();
            if (r.guestAnnounce) this.guestRound();
          });
        }
        return;
      case 'deregistration':
        this.at(r.latency, 'deregistration', () => {
          withdrawMac(this.world.switches, this.spec.vlan ?? 1, this.oldMac);
        });
        return;
      case 'controller':
        this.at(r.latency, 'controller-push', () => {
          const now = this.kernel.now;
          const lost = (): boolean => r.lossRate > 0 && this.rng.nextFloat() < r.lossRate;
          if (r.pushFdb) {
            const port = this.spec.to.portOf(vm);
            if (port !== undefined) pushMacLocation(this.world.switches, this.spec.vlan ?? 1, vm.mac, this.spec.to.vswitch, port.index, now, lost);
          }
          if (r.pushNeighbors) {
            const v4 = vm.ipv4.map((a) => a.address);
            const v6 = vm.ipv6.map((a) => a.address);
            // The agent's semantics: an unchanged MAC is re-resolved, a new one replaced.
            const reResolve = r.neighborUpdate === 'agent' && vm.mac === this.oldMac;
            for (const g of this.world.gateways) {
              if (lost()) continue;
              if (reResolve) reResolveNeighbor(g, v4, v6);
              else pushNeighbor(g, v4, v6, vm.mac, now);
            }
          }
          if (r.moveBindings && this.move !== null) this.world.security?.moveBindings(this.move, now, lost);
        });
        return;
    }
  }
}

/**
 * Runs the remedies that act all along the run rather than after one migration: VM keepalive GARPs
 * and gateway probing, every `interval` from `start` until `stop`.
 */
export function startKeepalive(kernel: Kernel, remedy: Extract<RemedySpec, { kind: 'keepalive' }>, vms: readonly Host[], gateways: readonly Host[], start: number, stop: number): void {
  for (let t = start + remedy.interval; t < stop; t += remedy.interval) {
    kernel.scheduleAt(t, 'keepalive', 'keepalive', () => {
      if (remedy.mode === 'vm-garp') {
        for (const vm of vms) for (const a of vm.ipv4) if (a.state === 'preferred') vm.announceArp(a, 'request');
        return;
      }
      for (const g of gateways) {
        for (const vm of vms) {
          for (const a of vm.ipv4) {
            const src = g.sourceIpv4(a.address);
            if (src === undefined) continue;
            const cached = g.arp.get(a.address)?.lladdr ?? null;
            g.sendFrame(ethernetFrame(cached ?? MAC_BROADCAST, src.mac, { ...arpRequest(src.mac, src.address, a.address), targetHardwareAddress: MAC_ZERO }));
          }
        }
      }
    });
  }
}
