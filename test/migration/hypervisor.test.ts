/**
 * What a hypervisor knows about its VMs, read from the links themselves: which VMs are plugged, in
 * the order they were plugged, and on which vSwitch port; a VM unplugged and plugged again comes
 * last, on a new port, and a VM is on one hypervisor at a time.
 */
import { describe, expect, it } from 'vitest';
import { Hypervisor } from '../../src/migration/index.js';
import { Network } from '../../src/net/index.js';
import { Kernel } from '../../src/sim/index.js';
import { Host, linuxProfile } from '../../src/stack/index.js';
import type { MacAddress } from '../../src/wire/index.js';

function setup(vmCount: number) {
  const network = new Network(new Kernel({ seed: 1 }));
  const hv = [new Hypervisor(network, 'hv-1'), new Hypervisor(network, 'hv-2')];
  const vms = Array.from({ length: vmCount }, (_, i) => new Host(network, `vm-${i + 1}`, { mac: (0x0200_0000_0001 + i) as MacAddress, profile: linuxProfile() }));
  return { network, hv, vms };
}

describe('hypervisor', () => {
  it('lists its VMs in the order they were plugged, each on the port plug gave it', () => {
    const { hv, vms } = setup(4);
    const ports = [vms[2]!, vms[0]!, vms[3]!].map((vm) => hv[0]!.plug(vm));
    expect([...hv[0]!.vms()].map((v) => v.name)).toEqual(['vm-3', 'vm-1', 'vm-4']);
    expect([vms[2]!, vms[0]!, vms[3]!].map((vm) => hv[0]!.portOf(vm))).toEqual(ports);
    // Ports after the uplink (index 0), one per plug.
    expect(ports.map((p) => p.index)).toEqual([1, 2, 3]);
    expect(vms.map((vm) => hv[0]!.hosts(vm))).toEqual([true, false, true, true]);
    expect(hv[0]!.portOf(vms[1]!)).toBeUndefined();
    expect([...hv[1]!.vms()]).toEqual([]);
  });

  it('an unplugged VM is gone; plugged again it comes last, on a new port; moved, it is on the other hypervisor only', () => {
    const { hv, vms } = setup(3);
    for (const vm of vms) hv[0]!.plug(vm);
    hv[0]!.unplug(vms[0]!);
    expect(hv[0]!.hosts(vms[0]!)).toBe(false);
    expect([...hv[0]!.vms()].map((v) => v.name)).toEqual(['vm-2', 'vm-3']);
    const again = hv[0]!.plug(vms[0]!);
    expect(again.index).toBe(4);
    expect([...hv[0]!.vms()].map((v) => v.name)).toEqual(['vm-2', 'vm-3', 'vm-1']);
    hv[0]!.unplug(vms[1]!);
    const moved = hv[1]!.plug(vms[1]!);
    expect(hv[1]!.portOf(vms[1]!)).toBe(moved);
    expect(hv[0]!.hosts(vms[1]!)).toBe(false);
    expect([...hv[1]!.vms()].map((v) => v.name)).toEqual(['vm-2']);
  });

  it('refuses to plug a VM twice or unplug one that is not there', () => {
    const { hv, vms } = setup(2);
    hv[0]!.plug(vms[0]!);
    expect(() => hv[0]!.plug(vms[0]!)).toThrow('vm-1 is already on hv-1');
    expect(() => hv[0]!.unplug(vms[1]!)).toThrow('vm-2 is not on hv-1');
    expect(() => hv[1]!.unplug(vms[0]!)).toThrow('vm-1 is not on hv-2');
  });
});
