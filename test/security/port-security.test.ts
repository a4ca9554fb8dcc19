/**
 * Port security (MAC locking) as the Cisco Catalyst IOS port security chapter defines it: maximum 1,
 * violation mode shutdown, sticky and aging off by default; both violation rules; the four modes; and
 * what a live migration meets: a sticky MAC on the source port rejecting the moved VM, and a
 * hypervisor port err-disabled by one VM too many, cutting off the VM already behind it.
 */
import { describe, expect, it } from 'vitest';
import { PORT_SECURITY_DEFAULTS, PortSecurity } from '../../src/security/index.js';
import { MS, S, accessLayer, vmMac } from '../helpers/security.js';

const GUEST_GARP = { kind: 'guest-garp', form: 'request', count: 3, interval: 100 * MS } as const;

describe('port security decisions (pure)', () => {
  it('defaults: maximum 1, shutdown, no sticky, no aging (IOS)', () => {
    expect(PORT_SECURITY_DEFAULTS).toEqual({ maximum: 1, violation: 'shutdown', sticky: false, agingTime: 0, agingType: 'absolute' });
  });

  it('rule (a): one MAC more than the maximum is a violation; protect does not count it, restrict does', () => {
    for (const [mode, counted] of [['protect', 0], ['restrict', 1]] as const) {
      const ps = new PortSecurity({ groups: [{ ports: [1], maximum: 2, violation: mode }] });
      expect(ps.check(1, 1, vmMac(1), 0).kind).toBe('learned');
      expect(ps.check(1, 1, vmMac(2), 0).kind).toBe('learned');
      expect(ps.check(1, 1, vmMac(1), 1).kind).toBe('pass');
      expect(ps.check(1, 1, vmMac(3), 2)).toEqual({ kind: 'violation', rule: 'maximum-exceeded', mode, securedOn: 1 });
      expect(ps.counters.violations).toBe(counted);
      expect(ps.counters.violationEvents).toBe(1);
    }
  });

  it('rule (b): a MAC secured on one secure port seen on another secure port in the same VLAN; another VLAN is another address', () => {
    const ps = new PortSecurity({ groups: [{ ports: [1, 2], maximum: 4 }] });
    ps.check(1, 1, vmMac(1), 0);
    expect(ps.check(2, 1, vmMac(1), 1)).toEqual({ kind: 'violation', rule: 'secured-elsewhere', mode: 'shutdown', securedOn: 1 });
    expect(ps.check(2, 2, vmMac(1), 1).kind).toBe('learned');
    // A port that is not secure learns nothing and never violates.
    expect(ps.check(3, 1, vmMac(1), 1).kind).toBe('pass');
  });

  it('aging: absolute from learning, inactivity from the last frame; sticky addresses do not age', () => {
    const T = 60 * S;
    const absolute = new PortSecurity({ groups: [{ ports: [1], agingTime: T, agingType: 'absolute' }] });
    absolute.check(1, 1, vmMac(1), 0);
    absolute.check(1, 1, vmMac(1), T - 1);
    expect(absolute.secureMacs(1, T - 1).length).toBe(1);
    expect(absolute.secureMacs(1, T).length).toBe(0);
    const inactivity = new PortSecurity({ groups: [{ ports: [1], agingTime: T, agingType: 'inactivity' }] });
    inactivity.check(1, 1, vmMac(1), 0);
    inactivity.check(1, 1, vmMac(1), T - 1);
    expect(inactivity.secureMacs(1, T).length).toBe(1);
    expect(inactivity.secureMacs(1, 2 * T - 1).length).toBe(0);
    const sticky = new PortSecurity({ groups: [{ ports: [1], agingTime: T, sticky: true }] });
    sticky.check(1, 1, vmMac(1), 0);
    expect(sticky.secureMacs(1, 100 * T).length).toBe(1);
  });

  it('link down removes dynamic secure MACs, not sticky ones; clear removes either', () => {
    const ps = new PortSecurity({ groups: [{ ports: [1] }, { ports: [2], sticky: true }] });
    ps.check(1, 1, vmMac(1), 0);
    ps.check(2, 1, vmMac(2), 0);
    expect(ps.portDown(1)).toBe(1);
    expect(ps.portDown(2)).toBe(0);
    expect(ps.clear(1, vmMac(2), 2)).toBe(true);
    expect(ps.secureMacs(2, 0)).toEqual([]);
  });

  it('refuses a maximum below 1 and a negative aging time', () => {
    expect(() => new PortSecurity({ groups: [{ ports: [1], maximum: 0 }] })).toThrow(RangeError);
    expect(() => new PortSecurity({ groups: [{ ports: [1], agingTime: -1 }] })).toThrow(RangeError);
  });
});

describe('a VM moving between hypervisor ports of one switch with port security', () => {
  it('a sticky MAC on the source port rejects the moved VM (rule b, restrict): dropped, counted, and not repaired by a link flap at the source', () => {
    const layer = accessLayer(2);
    const vm = layer.vm(1, 0);
    const security = layer.secure({ portSecurity: { groups: [{ ports: [1, 2], maximum: 8, sticky: true, violation: 'restrict' }] } });
    layer.kernel.scheduleAt(1 * S, 'test', 'talk', () => vm.announceArp(vm.ipv4[0]!, 'request'));
    layer.migrate(vm, 1, 10 * S, [GUEST_GARP]);
    // The source hypervisor's uplink flaps after the move: sticky addresses survive it (IOS).
    layer.kernel.scheduleAt(12 * S, 'test', 'flap-down', () => layer.hvs[0]!.uplink.link!.setUp(false));
    layer.kernel.scheduleAt(13 * S, 'test', 'flap-up', () => layer.hvs[0]!.uplink.link!.setUp(true));
    layer.kernel.scheduleAt(15 * S, 'test', 'talk-again', () => vm.announceArp(vm.ipv4[0]!, 'request'));
    const violations: string[] = [];
    layer.kernel.trace.on('security-event', (e) => violations.push(`${e.port} ${e.event}`));
    layer.kernel.run({ until: 20 * S });
    const drops = security.drops.get('port-security')!.byReason.get('secured-elsewhere');
    // Three GARPs after the resume and one more after the flap, all refused at the new port.
    expect(drops).toBe(GUEST_GARP.count + 1);
    expect(security.portSecurity!.counters.violations).toBe(GUEST_GARP.count + 1);
    expect(new Set(violations)).toEqual(new Set([`${layer.leaf.ports[2]!.name} violation-restrict`]));
    expect(security.portSecurity!.secureMacs(1, layer.kernel.now).map((e) => e.mac)).toEqual([vm.mac]);
    expect(security.errDisabled.list()).toEqual([]);
  });

  it("dynamic (not sticky): the same move is refused while the source port keeps the MAC, and admitted once the source port's link went down", () => {
    const layer = accessLayer(2);
    const vm = layer.vm(1, 0);
    const security = layer.secure({ portSecurity: { groups: [{ ports: [1, 2], maximum: 8, violation: 'restrict' }] } });
    layer.kernel.scheduleAt(1 * S, 'test', 'talk', () => vm.announceArp(vm.ipv4[0]!, 'request'));
    layer.migrate(vm, 1, 10 * S, [GUEST_GARP]);
    layer.kernel.scheduleAt(12 * S, 'test', 'source-down', () => layer.hvs[0]!.uplink.link!.setUp(false));
    layer.kernel.scheduleAt(15 * S, 'test', 'talk-again', () => vm.announceArp(vm.ipv4[0]!, 'request'));
    layer.kernel.run({ until: 20 * S });
    expect(security.drops.get('port-security')!.byReason.get('secured-elsewhere')).toBe(GUEST_GARP.count);
    expect(security.portSecurity!.secureMacs(2, layer.kernel.now).map((e) => e.mac)).toEqual([vm.mac]);
  });

  it('shutdown: one VM too many on a hypervisor port err-disables it, and the VM already there goes dark', () => {
    const layer = accessLayer(2);
    const moving = layer.vm(1, 0);
    const resident = layer.vm(2, 1);
    const security = layer.secure({ portSecurity: { groups: [{ ports: [1, 2], maximum: 1 }] } });
    layer.kernel.scheduleAt(1 * S, 'test', 'talk', () => {
      moving.announceArp(moving.ipv4[0]!, 'request');
      resident.announceArp(resident.ipv4[0]!, 'request');
    });
    const events: Array<{ port: string; state: string }> = [];
    layer.kernel.trace.on('security-port', (e) => events.push({ port: e.port, state: e.state }));
    layer.migrate(moving, 1, 10 * S, [GUEST_GARP]);
    layer.kernel.run({ until: 11 * S });
    // Rule (b) fires first: the moving VM's MAC is still secured on hv-1's port.
    expect(security.portSecurity!.counters.securedElsewhere).toBe(1);
    expect(events).toEqual([{ port: layer.leaf.ports[2]!.name, state: 'err-disabled' }]);
    const replies: string[] = [];
    layer.gw.onEchoReply((r) => replies.push(r.source));
    layer.gw.ping(resident.ipv4[0]!.address, 9, 1);
    layer.kernel.run({ until: 15 * S });
    expect(replies).toEqual([]);
    expect(security.drops.get('err-disabled')!.total).toBeGreaterThan(0);
  });

  it('shutdown-vlan err-disables only the VLAN on the port', () => {
    const layer = accessLayer(2);
    const vm = layer.vm(1, 0);
    const security = layer.secure({ portSecurity: { groups: [{ ports: [1, 2], maximum: 1, violation: 'shutdown-vlan' }] } });
    layer.kernel.scheduleAt(1 * S, 'test', 'talk', () => vm.announceArp(vm.ipv4[0]!, 'request'));
    layer.migrate(vm, 1, 10 * S, [GUEST_GARP]);
    layer.kernel.run({ until: 11 * S });
    expect(security.errDisabled.list().map((e) => [e.port, e.vlan, e.cause])).toEqual([[2, 1, 'psecure-violation']]);
    expect(security.errDisabled.blocks(2, 1)).toBeDefined();
    expect(security.errDisabled.blocks(2, 7)).toBeUndefined();
  });
});
