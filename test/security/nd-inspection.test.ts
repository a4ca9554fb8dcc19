/**
 * IPv6 snooping / ND inspection: bindings gleaned from DAD NS, NS and NA; a moved VM's unsolicited NA
 * from its new port claims an address bound elsewhere and is treated as theft, or, in probe mode, the
 * old location is probed with a DAD NS and the binding moves when nobody answers there.
 */
import { describe, expect, it } from 'vitest';
import { NdInspection } from '../../src/security/index.js';
import { echo6 } from '../../src/stack/index.js';
import type { Ipv6Address, MacAddress } from '../../src/wire/index.js';
import { IPV6_UNSPECIFIED, neighborAdvertisement, neighborSolicitation } from '../../src/wire/index.js';
import { S, accessLayer, v6, vmMac } from '../helpers/security.js';

const X = v6(11);

function driven(config: ConstructorParameters<typeof NdInspection>[0] = {}) {
  const probes: Array<{ address: Ipv6Address; port: number }> = [];
  let wake = Infinity;
  const nd = new NdInspection({ trustedPorts: [0], ...config }, { sendDadNs: (address, _v, port) => probes.push({ address, port }), arm: (at) => { wake = Math.min(wake, at); } });
  const na = (mac: MacAddress) => neighborAdvertisement(X, X, mac, { solicited: false, override: true });
  return { nd, probes, na, wake: () => wake };
}

describe('ND inspection decisions (pure)', () => {
  it('gleans from DAD NS (frame source MAC), NS with SLLAO and NA with TLLAO; not from trusted ports', () => {
    const { nd } = driven();
    expect(nd.check(1, 1, vmMac(1), neighborSolicitation(IPV6_UNSPECIFIED, X, vmMac(1)), 0)).toBeNull();
    expect(nd.binding(1, X, 0)).toMatchObject({ mac: vmMac(1), port: 1 });
    expect(nd.check(2, 1, vmMac(2), neighborSolicitation(v6(12), v6(1), vmMac(2)), 0)).toBeNull();
    expect(nd.binding(1, v6(12), 0)).toMatchObject({ mac: vmMac(2), port: 2 });
    expect(nd.check(0, 1, vmMac(3), neighborAdvertisement(v6(13), v6(13), vmMac(3), { solicited: false, override: true }), 0)).toBeNull();
    expect(nd.binding(1, v6(13), 0)).toBeUndefined();
  });

  it('drop mode: an NA claiming a fresh binding from another port is theft; after the reachable lifetime the binding moves', () => {
    const { nd, na } = driven({ reachableLifetime: 300 * S });
    nd.check(1, 1, vmMac(1), na(vmMac(1)), 0);
    expect(nd.check(2, 1, vmMac(1), na(vmMac(1)), 10 * S)).toBe('address-theft');
    expect(nd.check(2, 1, vmMac(1), na(vmMac(1)), 300 * S)).toBeNull();
    expect(nd.binding(1, X, 300 * S)).toMatchObject({ port: 2 });
    // Data is never dropped here.
    expect(nd.check(1, 1, vmMac(1), echo6(X, v6(1), 128, new Uint8Array(4)), 301 * S)).toBeNull();
  });

  it('probe mode: the old port gets a DAD NS; silence for the probe timeout moves the binding, an answer keeps it', () => {
    for (const answers of [false, true]) {
      const { nd, probes, na, wake } = driven({ onConflict: 'probe', probeTimeout: 1 * S });
      nd.check(1, 1, vmMac(1), na(vmMac(1)), 0);
      expect(nd.check(2, 1, vmMac(9), na(vmMac(9)), 5 * S)).toBe('address-theft');
      expect(probes).toEqual([{ address: X, port: 1 }]);
      expect(wake()).toBe(6 * S);
      if (answers) nd.check(1, 1, vmMac(1), na(vmMac(1)), 5.5 * S);
      nd.timers(6 * S);
      expect(nd.binding(1, X, 6 * S)).toMatchObject(answers ? { port: 1, mac: vmMac(1) } : { port: 2, mac: vmMac(9) });
    }
  });
});

describe("a migrated VM's unsolicited NA at a switch with ND inspection", () => {
  it('drop mode drops its NA from the new port; probe mode admits its next NA once the old port stayed silent', () => {
    for (const onConflict of ['drop', 'probe'] as const) {
      const layer = accessLayer(2);
      const vm = layer.vm(1, 0, undefined, { ipv4: false, ipv6: true });
      const security = layer.secure({ ndInspection: { trustedPorts: [0], onConflict } });
      layer.kernel.scheduleAt(1 * S, 'test', 'na', () => vm.announceNa(vm.ipv6[0]!, true));
      const NA = { kind: 'guest-na', count: 3, interval: 1 * S, override: true } as const;
      layer.migrate(vm, 1, 10 * S, [NA]);
      layer.kernel.run({ until: 15 * S });
      const theft = security.drops.get('nd-inspection')!.byReason.get('address-theft');
      if (onConflict === 'drop') {
        expect(theft).toBe(NA.count);
        expect(security.ndInspection!.binding(1, X, layer.kernel.now)!.port).toBe(1);
      } else {
        // The first NA is dropped and starts the probe; 1 s later (default timeout) the binding has moved.
        expect(theft).toBe(1);
        expect(security.ndInspection!.binding(1, X, layer.kernel.now)!.port).toBe(2);
        expect(security.counters.framesSent).toBe(1);
      }
    }
  });
});
