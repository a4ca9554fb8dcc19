/**
 * A small access layer for security tests: one access switch `leaf` with the gateway on port 0 and
 * hypervisors hv-1 .. hv-n on ports 1 .. n (their uplinks), VMs on the hypervisors, and the switch's
 * security features attached. Links: 10 Gbit/s, 1 µs.
 */
import type { LearningSwitch, Network } from '../../src/net/index.js';
import { Network as NetworkClass } from '../../src/net/index.js';
import { Hypervisor, LiveMigration } from '../../src/migration/index.js';
import type { RemedySpec } from '../../src/migration/index.js';
import type { SwitchSecurity, SwitchSecurityConfig } from '../../src/security/index.js';
import { attachSecurity } from '../../src/security/index.js';
import { Kernel } from '../../src/sim/index.js';
import type { ImplementationProfile } from '../../src/stack/index.js';
import { Host, PROFILES, linuxProfile } from '../../src/stack/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../../src/wire/index.js';
import { parseIpv4, parseIpv6 } from '../../src/wire/index.js';

export const S = 1e9;
export const MS = 1e6;
const LINK = { rate: 10e9, delay: 1000 };

/** 198.18.0.n */
export const v4 = (n: number): Ipv4Address => parseIpv4(`198.18.0.${n}`)!;
/** 2001:db8::n */
export const v6 = (n: number): Ipv6Address => parseIpv6(`2001:db8::${n.toString(16)}`)!;
/** 02:00:00:00:01:nn */
export const vmMac = (n: number): MacAddress => (0x0200_0000_0100 + n) as MacAddress;

export interface AccessLayer {
  readonly kernel: Kernel;
  readonly network: Network;
  readonly leaf: LearningSwitch;
  readonly gw: Host;
  readonly hvs: readonly Hypervisor[];
  security: SwitchSecurity | null;
  /** Adds VM number n (198.18.0.(10+n), 2001:db8::(10+n)) on hypervisor `hv` (0-based). */
  vm(n: number, hv: number, profile?: ImplementationProfile, options?: { ipv4?: boolean; ipv6?: boolean }): Host;
  /** Attaches the leaf's security features. */
  secure(config: SwitchSecurityConfig): SwitchSecurity;
  /** Migrates `vm` from its hypervisor to hypervisor `to`, resuming at `resumeAt` after a 100 ms downtime. */
  migrate(vm: Host, to: number, resumeAt: number, remedies: readonly RemedySpec[]): LiveMigration;
}

/** See the module comment; `hypervisors` uplinks on leaf ports 1..n. */
export function accessLayer(hypervisors = 2, seed = 1): AccessLayer {
  const kernel = new Kernel({ seed });
  const network = new NetworkClass(kernel);
  const leaf = network.addSwitch('leaf');
  const gw = new Host(network, 'gw', { mac: 0x0200_0000_0001 as MacAddress, profile: PROFILES['linux-router']! });
  gw.addIpv4(v4(1), 24, { skipDad: true });
  gw.addIpv6(v6(1), 64, { skipDad: true });
  network.connect(gw.port, leaf.addPort(), LINK);
  const hvs: Hypervisor[] = [];
  for (let i = 1; i <= hypervisors; i++) {
    const hv = new Hypervisor(network, `hv-${i}`);
    network.connect(hv.uplink, leaf.addPort(), LINK);
    hvs.push(hv);
  }
  const located = new Map<Host, Hypervisor>();
  const layer: AccessLayer = {
    kernel, network, leaf, gw, hvs, security: null,
    vm(n, hv, profile = linuxProfile(), options = {}) {
      const host = new Host(network, `vm-${n}`, { mac: vmMac(n), profile, gateway4: v4(1), gateway6: v6(1) });
      if (options.ipv4 ?? true) host.addIpv4(v4(10 + n), 24, { skipDad: true });
      if (options.ipv6 ?? false) host.addIpv6(v6(10 + n), 64, { skipDad: true });
      hvs[hv]!.plug(host);
      located.set(host, hvs[hv]!);
      return host;
    },
    secure(config) {
      layer.security = attachSecurity(network, leaf, config);
      return layer.security;
    },
    migrate(vm, to, resumeAt, remedies) {
      const from = located.get(vm)!;
      located.set(vm, hvs[to]!);
      const downtime = 100 * MS;
      return new LiveMigration({ network, switches: [leaf, ...hvs.map((h) => h.vswitch)], gateways: [gw] }, {
        vm, from, to: hvs[to]!, start: resumeAt - downtime - 1 * S, timing: { kind: 'explicit', precopyTime: 1 * S, downtime }, remedies,
      });
    },
  };
  return layer;
}
