/**
 * Dynamic ARP inspection on an access switch, checked against the facts of the Cisco Catalyst IOS
 * DAI chapter: 15 ARP packets/s per untrusted port over a 1 s burst interval, err-disable beyond it,
 * recovery after the errdisable recovery interval (300 s) when enabled; the optional validations;
 * ARP ACLs before bindings; and a migration meeting a binding on another port when the vendor checks
 * the port (H3C).
 */
import { describe, expect, it } from 'vitest';
import { QEMU_ANNOUNCE, qemuAnnounceTimes } from '../../src/migration/index.js';
import type { DhcpBinding } from '../../src/security/index.js';
import { ARP_INSPECTION_DEFAULTS, ArpInspection, ERR_DISABLE_DEFAULTS } from '../../src/security/index.js';
import type { Ipv4Address, MacAddress } from '../../src/wire/index.js';
import { arpAnnouncement, arpProbe, arpReply, arpRequest } from '../../src/wire/index.js';
import { MS, S, accessLayer, v4, vmMac } from '../helpers/security.js';

const QEMU = { kind: 'qemu-announce', ...QEMU_ANNOUNCE, guestAnnounce: true } as const;
const GW_PORT = 0;

/** ARP frames that reached the leaf on `port`, with their arrival times. */
function arpArrivals(layer: ReturnType<typeof accessLayer>, port: string): number[] {
  const times: number[] = [];
  layer.kernel.trace.on('frame-received', (e) => {
    if (e.port === port && e.frame.eth.etherType === 0x0806) times.push(e.time);
  });
  return times;
}

describe('DAI rate limit against guests resuming together behind one hypervisor port', () => {
  const limit = ARP_INSPECTION_DEFAULTS.rateLimit * (ARP_INSPECTION_DEFAULTS.burstInterval / S);
  const rounds = qemuAnnounceTimes(QEMU_ANNOUNCE.initial, QEMU_ANNOUNCE.max, QEMU_ANNOUNCE.rounds, QEMU_ANNOUNCE.step);

  function evacuate(guests: number, recovery: boolean) {
    const layer = accessLayer(2);
    const vms = Array.from({ length: guests }, (_, k) => layer.vm(k + 1, 0));
    const security = layer.secure({
      arpInspection: { trustedPorts: [GW_PORT] },
      errDisableRecovery: recovery ? { causes: ['arp-inspection'] } : {},
    });
    // Every VM is legitimately bound: only the rate matters here.
    for (const [k, vm] of vms.entries()) security.snooping.addStatic({ address: v4(11 + k), mac: vm.mac, vlan: 1, port: 2 });
    const events: Array<{ time: number; state: string; duration: number }> = [];
    layer.kernel.trace.on('security-port', (e) => events.push({ time: e.time, state: e.state, duration: e.duration }));
    const arrivals = arpArrivals(layer, layer.leaf.ports[2]!.name);
    // Parallel evacuation: the guests resume 100 ms apart, all within one second.
    const first = 5 * S;
    const resumes = vms.map((_, k) => first + k * 100 * MS);
    vms.forEach((vm, k) => layer.migrate(vm, 1, resumes[k]!, [QEMU]));
    // One GARP per round per guest (one IPv4 address each), at the QEMU schedule after its resume.
    const sends = resumes.flatMap((r) => rounds.map((t) => r + t)).sort((a, b) => a - b);
    return { layer, vms, security, events, arrivals, first, resumes, sends };
  }

  it(`4 Linux guests x ${rounds.length} GARP rounds exceed ${limit} ARP/s: the port is err-disabled at the ${limit + 1}th and every VM behind it goes dark`, () => {
    const { layer, vms, security, events, arrivals, first, resumes, sends } = evacuate(4, false);
    const arpDroppedDisabled: number[] = [];
    layer.kernel.trace.on('frame-dropped', (e) => {
      if (e.filter?.filter === 'err-disabled' && e.frame.eth.etherType === 0x0806 && e.port === layer.leaf.ports[2]!.name) arpDroppedDisabled.push(e.time);
    });
    layer.kernel.run({ until: first + 2 * S });
    expect(resumes.at(-1)! - resumes[0]!).toBeLessThan(1 * S);
    // More ARPs than the limit fall within the first burst interval (QEMU's 0/50/200/450/800 ms rounds).
    expect(sends.filter((t) => t < sends[0]! + ARP_INSPECTION_DEFAULTS.burstInterval).length).toBeGreaterThan(limit);
    expect(events.map((e) => e.state)).toEqual(['err-disabled']);
    // The (limit + 1)th ARP to arrive err-disables the port (and is dropped itself).
    expect(events[0]!.time).toBe(arrivals[limit]);
    expect(security.drops.get('arp-inspection')!.byReason.get('rate-exceeded')).toBe(1);
    // The remaining announcements still arrive and die at the disabled port.
    expect(arrivals.length).toBe(sends.length);
    expect(arpDroppedDisabled).toEqual(arrivals.slice(limit + 1));
    // Nothing reaches any of the four VMs through the disabled port: pings from the gateway are lost.
    const replies: string[] = [];
    layer.gw.onEchoReply((r) => replies.push(r.source));
    layer.kernel.scheduleAt(first + 3 * S, 'test', 'ping', () => vms.forEach((vm) => layer.gw.ping(vm.ipv4[0]!.address, 1, 1)));
    layer.kernel.run({ until: first + 10 * S });
    expect(replies).toEqual([]);
  });

  it(`3 guests send ${3 * rounds.length} ARPs, no more than ${limit} in any interval: nothing is err-disabled`, () => {
    const { layer, events, arrivals } = evacuate(3, false);
    layer.kernel.run({ until: 10 * S });
    expect(arrivals.length).toBe(3 * rounds.length);
    expect(3 * rounds.length).toBeLessThanOrEqual(limit);
    expect(events).toEqual([]);
  });

  it(`with errdisable recovery the port comes back after ${ERR_DISABLE_DEFAULTS.interval / S} s and the VMs answer again`, () => {
    const { layer, vms, events } = evacuate(4, true);
    layer.kernel.run({ until: 400 * S });
    expect(events.map((e) => e.state)).toEqual(['err-disabled', 'recovered']);
    expect(events[1]!.time - events[0]!.time).toBe(ERR_DISABLE_DEFAULTS.interval);
    expect(events[1]!.duration).toBe(ERR_DISABLE_DEFAULTS.interval);
    const replies: string[] = [];
    layer.gw.onEchoReply((r) => replies.push(r.source));
    vms.forEach((vm) => layer.gw.ping(vm.ipv4[0]!.address, 1, 2));
    layer.kernel.run({ until: 410 * S });
    expect(replies.sort()).toEqual(vms.map((vm) => vm.ipv4[0]!.address).map((a) => `198.18.0.${a & 0xff}`).sort());
  });
});

describe('DAI decisions (pure)', () => {
  const mac = vmMac(1);
  const other = vmMac(2);
  const binding = (address: Ipv4Address, m: MacAddress = mac, port = 1): DhcpBinding => ({ address, mac: m, vlan: 1, port, expires: Infinity, type: 'static' });
  const table = new Map<number, DhcpBinding>([[v4(11), binding(v4(11))]]);
  const lookup = (a: Ipv4Address) => table.get(a);
  const run = (dai: ArpInspection, p: ReturnType<typeof arpRequest>, port = 1, src: MacAddress = p.senderHardwareAddress, dst = 0xffff_ffff_ffff as MacAddress) =>
    dai.inspect(port, 1, src, dst, p, false, lookup, 0);

  it('passes a bound sender, drops an unbound one (DHCP_SNOOPING_DENY) and a bound IP with another MAC', () => {
    const dai = new ArpInspection({ rateLimit: null });
    expect(run(dai, arpAnnouncement(mac, v4(11)))).toEqual({ kind: 'pass' });
    expect(run(dai, arpAnnouncement(mac, v4(12)))).toEqual({ kind: 'drop', reason: 'no-binding' });
    expect(run(dai, arpAnnouncement(other, v4(11)))).toEqual({ kind: 'drop', reason: 'binding-mismatch' });
  });

  it('trusted ports and uninspected VLANs are not checked', () => {
    const dai = new ArpInspection({ trustedPorts: [0], vlans: [7] });
    expect(dai.inspect(0, 7, other, other, arpAnnouncement(other, v4(99)), false, lookup, 0)).toEqual({ kind: 'pass' });
    expect(dai.inspect(1, 1, other, other, arpAnnouncement(other, v4(99)), false, lookup, 0)).toEqual({ kind: 'pass' });
  });

  it('the port check is a vendor setting: off (Cisco, Dell) the binding port does not matter, on (H3C) it does', () => {
    expect(run(new ArpInspection(), arpAnnouncement(mac, v4(11)), 2)).toEqual({ kind: 'pass' });
    expect(run(new ArpInspection({ matchPort: true }), arpAnnouncement(mac, v4(11)), 2)).toEqual({ kind: 'drop', reason: 'wrong-port' });
  });

  it('validate src-mac, dst-mac and ip; ip rejects RFC 5227 probes, which pass otherwise', () => {
    const all = new ArpInspection({ validate: { srcMac: true, dstMac: true, ip: true } });
    expect(run(all, arpAnnouncement(mac, v4(11)), 1, other)).toEqual({ kind: 'drop', reason: 'invalid-src-mac' });
    expect(run(all, arpReply(mac, v4(11), other, v4(1)), 1, mac, mac)).toEqual({ kind: 'drop', reason: 'invalid-dst-mac' });
    expect(run(all, arpProbe(mac, v4(11)))).toEqual({ kind: 'drop', reason: 'invalid-ip' });
    expect(run(all, arpReply(mac, v4(11), other, 0xffff_ffff as Ipv4Address), 1, mac, other)).toEqual({ kind: 'drop', reason: 'invalid-ip' });
    expect(run(new ArpInspection(), arpProbe(mac, v4(11)))).toEqual({ kind: 'pass' });
    expect(run(new ArpInspection({ permitProbes: false }), arpProbe(mac, v4(11)))).toEqual({ kind: 'drop', reason: 'no-binding' });
  });

  it('ARP ACLs are checked before bindings; with `static` an ACL miss is final', () => {
    const acl = [{ address: v4(50), mac: other }];
    expect(run(new ArpInspection({ acl }), arpRequest(other, v4(50), v4(1)))).toEqual({ kind: 'pass' });
    expect(run(new ArpInspection({ acl }), arpAnnouncement(mac, v4(11)))).toEqual({ kind: 'pass' });
    expect(run(new ArpInspection({ acl, aclStatic: true }), arpAnnouncement(mac, v4(11)))).toEqual({ kind: 'drop', reason: 'acl-deny' });
  });

  it('RARP is not counted or inspected unless asked (whether platforms do is unverified)', () => {
    const dai = new ArpInspection({ rateLimit: 1 });
    const rarp = { ...arpAnnouncement(other, v4(99)), operation: 3 };
    for (let i = 0; i < 5; i++) expect(dai.inspect(1, 1, other, other, rarp, true, lookup, i)).toEqual({ kind: 'pass' });
    expect(new ArpInspection({ inspectRarp: true }).inspect(1, 1, other, other, rarp, true, lookup, 0)).toEqual({ kind: 'drop', reason: 'no-binding' });
  });

  it('rate: more than rate x burst interval in one interval; a per-port limit overrides; none means none', () => {
    const dai = new ArpInspection({ rateLimit: 2, burstInterval: 3 * S, portRateLimits: new Map([[5, null]]) });
    const p = arpAnnouncement(mac, v4(11));
    const at = (t: number, port = 1) => dai.inspect(port, 1, mac, mac, p, false, lookup, t).kind;
    expect([0, 1, 2, 3, 4, 5].map((i) => at(i * 0.5 * S))).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(at(2.9 * S)).toBe('rate-exceeded');
    expect(at(3 * S)).toBe('pass');
    for (let i = 0; i < 100; i++) expect(at(i, 5)).toBe('pass');
    expect(() => new ArpInspection({ rateLimit: 0 })).toThrow(RangeError);
  });
});
