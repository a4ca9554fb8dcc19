/**
 * What a migration does to the switches' security state, when someone who knows the move acts on it
 * (the remedies that need a management plane, an orchestrator that tells the switches):
 *
 * - the vNIC's configuration follows the VM (`moved`, at every migration): with per-vNIC enforcement
 *   in the virtual switches (src/security vnic-guard.ts), the destination port is configured with the
 *   VM's MAC and addresses before it resumes, and the source port forgets them, as an orchestrator
 *   moves a Neutron port's binding;
 * - the controller moves the VM's bindings (`moveBindings`, the `controller` remedy with
 *   `moveBindings`): on the switch the source hypervisor hangs off, the VM's secure MAC is cleared from
 *   that port (IOS `clear port-security dynamic address`) and its DHCP snooping, SAVI-DHCP, FCFS SAVI
 *   and ND inspection bindings are removed; on the destination's switch they are installed on the
 *   destination hypervisor's port (a static snooping binding keeps the source binding's lease end;
 *   FCFS SAVI and ND inspection bindings start VALID / fresh). A push to a switch may be lost.
 *
 * Where a hypervisor hangs off is read from its uplink's link at the time of the move.
 */
import type { LearningSwitch, Port } from '../net/index.js';
import type { SwitchSecurity, VnicAddresses } from '../security/index.js';
import type { Host } from '../stack/index.js';
import type { MacAddress } from '../wire/index.js';
import type { Hypervisor } from './hypervisor.js';

/** One move, as the security plane needs it. */
export interface SecurityMove {
  readonly vm: Host;
  readonly from: Hypervisor;
  readonly to: Hypervisor;
  /** The VM's vSwitch port index at the source (before it was unplugged). */
  readonly fromPort: number;
  /** Its vSwitch port at the destination. */
  readonly toPort: Port;
  readonly vlan: number;
  /** The VM's MAC before the move (its bindings name it). */
  readonly oldMac: MacAddress;
}

/** Counters: plain integers. */
export class SecurityPlaneCounters {
  vnicMoves = 0;
  secureMacsCleared = 0;
  bindingsMoved = 0;
  pushesLost = 0;
}

/** See the module comment. */
export class SecurityPlane {
  readonly counters = new SecurityPlaneCounters();
  /** The security of each fabric switch that has some, in a fixed order. */
  private readonly fabric: ReadonlyMap<LearningSwitch, SwitchSecurity>;
  /** The security of each hypervisor's virtual switch that has some. */
  private readonly vswitches: ReadonlyMap<Hypervisor, SwitchSecurity>;

  constructor(fabric: ReadonlyMap<LearningSwitch, SwitchSecurity>, vswitches: ReadonlyMap<Hypervisor, SwitchSecurity>) {
    this.fabric = fabric;
    this.vswitches = vswitches;
  }

  /**
   * Configures `vm`'s vSwitch port on `hv` (per-vNIC enforcement) with `addresses`, what the
   * orchestrator knows of the vNIC (default: the MAC and addresses the guest has now).
   */
  vmPlugged(vm: Host, hv: Hypervisor, port: Port, addresses?: VnicAddresses): void {
    this.vswitches.get(hv)?.vnicGuard?.allow(port.index, addresses ?? { mac: vm.mac, ipv4: vm.ipv4.map((a) => a.address), ipv6: vm.ipv6.map((a) => a.address) });
  }

  /** The VM was unplugged from `fromPort` of `move.from` and plugged into `move.toPort`: its vNIC configuration follows. */
  moved(move: SecurityMove): void {
    const src = this.vswitches.get(move.from)?.vnicGuard;
    const dst = this.vswitches.get(move.to)?.vnicGuard;
    const config = src?.addressesOf(move.fromPort);
    src?.forget(move.fromPort);
    if (dst === undefined || dst === null) return;
    const vm = move.vm;
    dst.allow(move.toPort.index, { mac: vm.mac, ipv4: config?.ipv4 ?? vm.ipv4.map((a) => a.address), ipv6: config?.ipv6 ?? vm.ipv6.map((a) => a.address) });
    this.counters.vnicMoves++;
  }

  /** The controller's push of the VM's security state (see the module comment); `lost` says whether a push to a switch was lost. */
  moveBindings(move: SecurityMove, now: number, lost: (sw: LearningSwitch) => boolean = () => false): void {
    const srcPort = move.from.uplink.peer;
    const dstPort = move.to.uplink.peer;
    const srcSecurity = srcPort === null ? undefined : this.fabric.get(srcPort.owner as LearningSwitch);
    const dstSecurity = dstPort === null ? undefined : this.fabric.get(dstPort.owner as LearningSwitch);
    const vm = move.vm;
    const v4 = vm.ipv4.map((a) => a.address);
    const v6 = vm.ipv6.map((a) => a.address);
    const vlan = move.vlan;
    const ends: number[] = v4.map(() => Infinity);
    if (srcSecurity !== undefined && srcPort !== null) {
      if (lost(srcSecurity.sw)) this.counters.pushesLost++;
      else {
        const s = srcSecurity;
        if (s.portSecurity?.clear(vlan, move.oldMac, srcPort.index) === true) this.counters.secureMacsCleared++;
        v4.forEach((a, i) => {
          const b = s.snooping.binding(a, now);
          if (b !== undefined && b.type !== 'synced') {
            if (b.type === 'dynamic') ends[i] = b.expires;
            s.snooping.remove(a);
          }
          s.saviDhcp?.unbind(a, srcPort.index);
        });
        for (const a of v6) {
          if (s.fcfsSavi?.entry(vlan, a)?.port === srcPort.index) s.fcfsSavi.unbind(vlan, a);
          if (s.ndInspection?.binding(vlan, a, now)?.port === srcPort.index) s.ndInspection.unbind(vlan, a);
        }
      }
    }
    if (dstSecurity === undefined || dstPort === null) return;
    if (lost(dstSecurity.sw)) {
      this.counters.pushesLost++;
      return;
    }
    const d = dstSecurity;
    const port = dstPort.index;
    v4.forEach((a, i) => {
      const expires = ends[i]!;
      d.snooping.addStatic({ address: a, mac: vm.mac, vlan, port, ...(Number.isFinite(expires) ? { expires } : {}) });
      d.saviDhcp?.bind(port, vlan, a, vm.mac, expires);
      this.counters.bindingsMoved++;
    });
    for (const a of v6) {
      d.fcfsSavi?.bind(vlan, a, port, now);
      d.ndInspection?.bind(vlan, a, vm.mac, port, now);
      this.counters.bindingsMoved++;
    }
  }
}
