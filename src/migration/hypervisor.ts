/**
 * A hypervisor host: a virtual switch (a learning bridge, like Open vSwitch or a Linux bridge with
 * 300 s aging, its kind saying how a re-plugged guest's port comes up: vswitch.ts) with one uplink to
 * the fabric and one port per VM. Plugging a VM connects its NIC to a
 * new vSwitch port; unplugging takes the port's link away, and the vSwitch forgets what it had learned
 * there (as OVS does when a port is deleted), so frames still arriving for the VM are flooded to the
 * remaining VM ports and die there.
 */
import type { LearningSwitch, LinkConfig, Network, Port, PortMode } from '../net/index.js';
import type { Host } from '../stack/index.js';
import type { VswitchBehaviour, VswitchKind } from './vswitch.js';
import { VSWITCHES } from './vswitch.js';

/** Settings of a hypervisor. */
export interface HypervisorConfig {
  /** vSwitch ageing time, ns (OVS default idle time 300 s). */
  readonly agingTime?: number;
  /** The link between a VM's virtual NIC and the vSwitch (default 100 Gbit/s, no delay). */
  readonly vnicLink?: LinkConfig;
  /** VLAN of VM ports (access) and of the uplink (trunk when not 1). */
  readonly vlan?: number;
  /** The kind of virtual switch (vswitch.ts; default `linux-bridge`): how a re-plugged guest's port comes up. */
  readonly kind?: VswitchKind;
}

const DEFAULT_VNIC: LinkConfig = { rate: 100e9, delay: 0 };

/** See the module comment. */
export class Hypervisor {
  readonly name: string;
  readonly vswitch: LearningSwitch;
  /** The vSwitch port that faces the fabric. */
  readonly uplink: Port;
  /** How its kind of virtual switch treats a re-plugged guest's port. */
  readonly behaviour: VswitchBehaviour;
  private readonly network: Network;
  private readonly vnic: LinkConfig;
  private readonly vmPortMode: PortMode;

  constructor(network: Network, name: string, config: HypervisorConfig = {}) {
    this.network = network;
    this.name = name;
    const vlan = config.vlan ?? 1;
    // The hypervisor's virtual switch carries the hypervisor's name (hv-3, its uplink hv-3:p1).
    this.vswitch = network.addSwitch(name, config.agingTime === undefined ? {} : { agingTime: config.agingTime });
    this.uplink = this.vswitch.addPort(vlan === 1 ? { kind: 'access', vlan: 1 } : { kind: 'trunk', vlans: [vlan] });
    this.vnic = config.vnicLink ?? DEFAULT_VNIC;
    this.vmPortMode = { kind: 'access', vlan };
    this.behaviour = VSWITCHES[config.kind ?? 'linux-bridge'];
  }

  // What is plugged where is read from the links themselves (a VM's NIC linked to a port of this
  // vSwitch), not kept in a map of its own: a domain of a million VMs would hold a million entries.

  /** Connects the VM's NIC to a new vSwitch port. */
  plug(vm: Host): Port {
    if (this.hosts(vm)) throw new Error(`${vm.name} is already on ${this.name}`);
    const port = this.vswitch.addPort(this.vmPortMode);
    this.network.connect(vm.port, port, this.vnic);
    return port;
  }

  /** Disconnects the VM: its port's link goes away and the vSwitch flushes what it learned there. */
  unplug(vm: Host): void {
    const port = this.portOf(vm);
    if (port === undefined) throw new Error(`${vm.name} is not on ${this.name}`);
    port.link!.detach();
  }

  /** True when `vm` is plugged here. */
  hosts(vm: Host): boolean {
    return this.portOf(vm) !== undefined;
  }

  /**
   * The VMs plugged here now, in the order they were plugged: each plug makes a new port, after the
   * others, and an unplugged VM's port keeps no link.
   */
  *vms(): IterableIterator<Host> {
    const ports = this.vswitch.ports;
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i]!;
      if (p !== this.uplink && p.link !== null) yield p.peer!.owner as Host;
    }
  }

  /** The vSwitch port of a plugged VM. */
  portOf(vm: Host): Port | undefined {
    const peer = vm.port.peer;
    return peer !== null && peer.owner === this.vswitch ? peer : undefined;
  }
}
