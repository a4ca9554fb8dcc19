/**
 * DHCP snooping, with DAI and IP Source Guard reading its bindings (Cisco Catalyst IOS DHCP snooping,
 * DAI and IPSG chapters; Dell manuals for the interface check on RELEASE/DECLINE and for bindings not
 * following a moved station). A VM that took its address by DHCP on one hypervisor port moves to
 * another port of the same switch: its binding still names the old port.
 */
import { describe, expect, it } from 'vitest';
import { DhcpSnooping } from '../../src/security/index.js';
import type { SwitchSecurityConfig } from '../../src/security/index.js';
import { DhcpClient, DhcpServer, dhcpMessage } from '../../src/stack/index.js';
import type { Ipv4Address } from '../../src/wire/index.js';
import { DHCP_ACK, DHCP_DISCOVER, DHCP_NAK, DHCP_OFFER, DHCP_RELEASE, DHCP_REQUEST } from '../../src/wire/index.js';
import { MS, S, accessLayer, v4, vmMac } from '../helpers/security.js';

const LEASE = 3600 * S;
const GARP = { kind: 'guest-garp', form: 'request', count: 3, interval: 100 * MS } as const;

/** A VM on hv-1 (leaf port 1) that takes its address from the gateway's DHCP server, then moves to hv-2 (port 2). */
function movedDhcpVm(config: SwitchSecurityConfig) {
  const layer = accessLayer(2);
  const server = new DhcpServer(layer.gw, { poolStart: v4(100), poolEnd: v4(150), prefixLength: 24, router: v4(1), leaseTime: LEASE });
  const vm = layer.vm(1, 0, undefined, { ipv4: false });
  const client = new DhcpClient(vm, layer.kernel, { startDelay: [1 * S, 1 * S] });
  const security = layer.secure(config);
  client.start();
  const resume = 10 * S;
  layer.migrate(vm, 1, resume, [GARP]);
  return { layer, server, vm, client, security, resume };
}

describe('a moved VM meets its DHCP snooping binding on the old port', () => {
  const snooping = { trustedPorts: [0] };

  it("the binding made from the ACK names hv-1's port, with the lease", () => {
    const { layer, client, security } = movedDhcpVm({ dhcpSnooping: snooping });
    layer.kernel.run({ until: 5 * S });
    const b = security.snooping.bindings(layer.kernel.now);
    expect(b.map((x) => ({ address: x.address, mac: x.mac, vlan: x.vlan, port: x.port, type: x.type }))).toEqual([
      { address: client.address, mac: vmMac(1), vlan: 1, port: 1, type: 'dynamic' },
    ]);
    expect(b[0]!.expires - layer.kernel.now).toBeGreaterThan(LEASE - 5 * S);
  });

  it("DAI checking the port (H3C) drops the VM's GARPs and ARP requests at the new port: it cannot resolve its gateway; Cisco-style DAI (IP/MAC only) lets them through", () => {
    for (const matchPort of [true, false]) {
      const { layer, vm, security, resume } = movedDhcpVm({ dhcpSnooping: snooping, arpInspection: { trustedPorts: [0], matchPort } });
      layer.kernel.scheduleAt(resume + 1 * S, 'test', 'forget-gw', () => vm.arp.remove(v4(1)));
      const replies: string[] = [];
      vm.onEchoReply((r) => replies.push(r.source));
      layer.kernel.scheduleAt(resume + 2 * S, 'test', 'ping-gw', () => vm.ping(v4(1), 1, 1));
      layer.kernel.run({ until: resume + 10 * S });
      const dropped = security.drops.get('arp-inspection')!.byReason.get('wrong-port') ?? 0;
      if (matchPort) {
        // The three GARPs and the three resolution attempts for the gateway (Linux mcast_solicit 3).
        expect(dropped).toBe(GARP.count + vm.profile.arpTimers.multicastSolicit.value);
        expect(replies).toEqual([]);
        expect(vm.arp.get(v4(1))?.state ?? 'none').not.toBe('reachable');
      } else {
        expect(dropped).toBe(0);
        expect(replies).toEqual(['198.18.0.1']);
      }
    }
  });

  it("IP Source Guard drops the VM's IPv4 at the new port (wrong port) until a renew from there moves the binding", () => {
    const { layer, vm, client, security, resume } = movedDhcpVm({ dhcpSnooping: snooping, sourceGuard: { ports: [1, 2] } });
    const replies: number[] = [];
    vm.onEchoReply((r) => replies.push(r.sequence));
    layer.kernel.scheduleAt(resume + 1 * S, 'test', 'ping-1', () => vm.ping(v4(1), 1, 1));
    layer.kernel.scheduleAt(resume + 2 * S, 'test', 'bounce', () => client.linkBounced());
    layer.kernel.scheduleAt(resume + 3 * S, 'test', 'ping-2', () => vm.ping(v4(1), 1, 2));
    layer.kernel.run({ until: resume + 5 * S });
    expect(security.drops.get('ip-source-guard')!.byReason.get('wrong-port')).toBe(1);
    expect(replies).toEqual([2]);
    expect(security.snooping.binding(client.address!, layer.kernel.now)!.port).toBe(2);
  });

  it('a RELEASE from the new port is dropped as coming from the wrong interface; the server keeps the lease', () => {
    const { layer, server, client, security, resume } = movedDhcpVm({ dhcpSnooping: snooping });
    layer.kernel.scheduleAt(resume + 1 * S, 'test', 'release', () => client.release());
    layer.kernel.run({ until: resume + 2 * S });
    expect(security.drops.get('dhcp-snooping')!.byReason.get('release-wrong-interface')).toBe(1);
    expect(server.leases.lease(v4(100))!.state).toBe('leased');
    expect(security.snooping.binding(v4(100), layer.kernel.now)!.port).toBe(1);
  });
});

describe('DHCP snooping decisions (pure)', () => {
  const mac = vmMac(1);
  const msg = (type: number, extra: Partial<Parameters<typeof dhcpMessage>[0]> = {}) =>
    dhcpMessage({ op: type === DHCP_OFFER || type === DHCP_ACK || type === DHCP_NAK ? 2 : 1, messageType: type, transactionId: 7, clientMac: mac, ...extra });

  it('server messages on an untrusted port are dropped; on a trusted port the ACK completes the tentative binding', () => {
    const s = new DhcpSnooping({ trustedPorts: [0] });
    expect(s.inspect(3, 1, mac, msg(DHCP_DISCOVER), 0)).toEqual({ kind: 'pass' });
    expect(s.inspect(3, 1, 0x0200_0000_0001 as never, msg(DHCP_OFFER, { yourAddress: v4(9) }), 0)).toEqual({ kind: 'drop', reason: 'server-message-untrusted' });
    expect(s.inspect(0, 1, 0x0200_0000_0001 as never, msg(DHCP_ACK, { yourAddress: v4(9), leaseTime: 60 }), 10)).toEqual({ kind: 'pass' });
    expect(s.binding(v4(9), 10)).toMatchObject({ mac, port: 3, vlan: 1, expires: 10 + 60 * S });
    expect(s.binding(v4(9), 10 + 60 * S)).toBeUndefined();
    expect(s.counters.bindingsExpired).toBe(1);
  });

  it('verify mac-address (on by default) drops a client message whose source is not chaddr', () => {
    expect(new DhcpSnooping().inspect(3, 1, vmMac(2), msg(DHCP_REQUEST), 0)).toEqual({ kind: 'drop', reason: 'chaddr-mismatch' });
    expect(new DhcpSnooping({ verifyMacAddress: false }).inspect(3, 1, vmMac(2), msg(DHCP_REQUEST), 0)).toEqual({ kind: 'pass' });
  });

  it("a NAK removes the client's binding; a RELEASE on the bound interface removes it", () => {
    const s = new DhcpSnooping({ trustedPorts: [0] });
    s.inspect(3, 1, mac, msg(DHCP_REQUEST), 0);
    s.inspect(0, 1, mac, msg(DHCP_ACK, { yourAddress: v4(9), leaseTime: 60 }), 0);
    s.inspect(0, 1, mac, msg(DHCP_NAK), 1);
    expect(s.binding(v4(9), 1)).toBeUndefined();
    s.inspect(0, 1, mac, msg(DHCP_ACK, { yourAddress: v4(9), leaseTime: 60 }), 2);
    expect(s.inspect(3, 1, mac, msg(DHCP_RELEASE, { clientAddress: v4(9) }), 3)).toEqual({ kind: 'pass' });
    expect(s.binding(v4(9), 3)).toBeUndefined();
  });

  it('a rate limit: more DHCP packets in one second than the limit on an untrusted port', () => {
    const s = new DhcpSnooping({ rateLimit: 3 });
    const kinds = [0, 1, 2, 3].map((i) => s.inspect(3, 1, mac, msg(DHCP_DISCOVER), i * 100 * MS).kind);
    expect(kinds).toEqual(['pass', 'pass', 'pass', 'rate-exceeded']);
    expect(s.inspect(3, 1, mac, msg(DHCP_DISCOVER), 1 * S).kind).toBe('pass');
    expect(() => new DhcpSnooping({ rateLimit: 0 })).toThrow(RangeError);
  });

  it("static bindings (an orchestrator's push) never expire until removed", () => {
    const s = new DhcpSnooping();
    s.addStatic({ address: v4(20) as Ipv4Address, mac, vlan: 1, port: 2 });
    expect(s.binding(v4(20), 1e18)).toMatchObject({ type: 'static', port: 2 });
    expect(s.remove(v4(20))).toBe(true);
    expect(s.bindings(0)).toEqual([]);
  });
});
