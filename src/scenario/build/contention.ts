/**
 * The contention cases: one claimant host per case, a VM on a hypervisor (see sections/contention.ts
 * for what each kind does). Claimants with the VM's MAC (clone, source copy) share it; the others get
 * `06:00:` followed by the case's number (1-based) as 32 bits, a locally administered range the MAC
 * plan never uses (layout/mac-plan.ts hands out `02:…`). A claimant that appears later is built at
 * once but paused until then (it neither sends nor receives), so the run's nodes do not change while
 * it runs; a source copy is plugged into the source hypervisor when its migration resumes, after the
 * VM has left. Build it after the migrations, so that at the resume the VM moves first.
 */
import type { Hypervisor, SecurityPlane } from '../../migration/index.js';
import type { Host } from '../../stack/index.js';
import { AddressClaim, Host as HostClass } from '../../stack/index.js';
import type { MacAddress } from '../../wire/index.js';
import { formatIpv4 } from '../../wire/index.js';
import type { ContentionKind } from '../sections/contention.js';
import type { BuildContext } from './context.js';
import { profileFor } from './context.js';
import type { BuiltGateways } from './gateways.js';
import type { PlannedAddresses } from './security.js';

/** One claimant as built. */
export interface BuiltClaimant {
  readonly kind: ContentionKind;
  readonly name: string;
  /** The VM whose addresses are claimed. */
  readonly vm: string;
  readonly host: Host;
  readonly hypervisor: string;
  /** When it appears, ns. */
  readonly at: number;
  /** True when it has the VM's MAC. */
  readonly sameMac: boolean;
  /** The addresses it claims (canonical text: dotted IPv4, RFC 5952 IPv6). */
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly claims: AddressClaim;
}

/** The first MAC of claimants with their own: 06:00:00:00:00:00 (+ the case's number). */
const CLAIMANT_MAC_BASE = 0x0600_0000_0000;

/** Builds the claimants of the scenario's contention cases. */
export function buildContention(
  c: BuildContext,
  gateways: BuiltGateways,
  hosts: ReadonlyMap<string, Host>,
  hypervisors: ReadonlyMap<string, Hypervisor>,
  addresses: ReadonlyMap<string, PlannedAddresses>,
  plane: SecurityPlane | null,
): BuiltClaimant[] {
  const { kernel, scenario, run } = c;
  const out: BuiltClaimant[] = [];
  const gatewayMac = gateways.virtualMac ?? gateways.nodes[0]?.mac;
  (scenario.contention ?? []).forEach((k, i) => {
    const victim = hosts.get(k.vm)!;
    const planned = addresses.get(k.vm)!;
    const group = run.hosts.find((h) => h.name === k.vm.replace(/-\d+$/, ''))!;
    const profile = profileFor(k.profile ?? group.profile, k.profile === undefined ? group.sysctls as Record<string, number | undefined> : {});
    const sameMac = k.kind === 'clone' || k.kind === 'source-copy';
    const mac = sameMac ? planned.mac : ((CLAIMANT_MAC_BASE + i + 1) as MacAddress);
    const name = k.name ?? `${k.kind}-${k.vm}`;
    const host = new HostClass(c.network, name, {
      mac, profile,
      ...(victim.gateway4 === undefined ? {} : { gateway4: victim.gateway4 }),
      ...(victim.gateway6 === undefined ? {} : { gateway6: victim.gateway6 }),
    });
    const v4 = k.family === 'ipv6' ? [] : planned.ipv4;
    const v6 = k.family === 'ipv4' ? [] : planned.ipv6;
    const migration = k.kind === 'source-copy' ? (k.migration === undefined ? run.migrations.find((m) => m.vm === k.vm) : run.migrations[k.migration])! : undefined;
    const at = k.at ?? migration!.schedule.resumeAt;
    const hv = hypervisors.get(migration === undefined ? k.on! : migration.from)!;
    const configure = (dad: boolean): void => {
      for (const a of v4) host.addIpv4(a, c.v4Prefix, { skipDad: !dad });
      for (const a of v6) host.addIpv6(a, c.v6Prefix, { skipDad: !dad });
    };
    // What the orchestrator configured for the claimant's vNIC: a copy of the VM has the VM's port
    // configuration; another VM only its own MAC (the addresses were set inside the guest).
    const vnic = { mac, ipv4: sameMac ? planned.ipv4 : [], ipv6: sameMac ? planned.ipv6 : [] };
    const plug = (): void => {
      const port = hv.plug(host);
      plane?.vmPlugged(host, hv, port, vnic);
    };
    if (k.kind === 'misconfigured') {
      // Plugged in and running from the start; the mistake is made at `at`, checked as its profile checks.
      plug();
      kernel.scheduleAt(at, name, 'contention-configure', () => configure(true));
    } else if (k.kind === 'source-copy') {
      configure(false);
      host.pause();
      kernel.scheduleAt(at, name, 'contention-appear', () => {
        plug();
        host.resume();
      });
    } else {
      configure(false);
      plug();
      host.pause();
      kernel.scheduleAt(at, name, 'contention-appear', () => host.resume());
    }
    const defaults = { clone: 1, misconfigured: 0, 'source-copy': 0, malicious: Infinity } as const;
    const count = k.announce.count === undefined ? defaults[k.kind] : k.announce.count === 'until-end' ? Infinity : k.announce.count;
    const to = k.announce.to ?? (k.kind === 'malicious' ? 'gateway' : 'broadcast');
    const claims = new AddressClaim(kernel, host, {
      start: at, count, interval: k.announce.interval ?? 2e9, stop: scenario.duration,
      ...(to === 'gateway' && gatewayMac !== undefined ? { to: { mac: gatewayMac, ...(gateways.ipv4 === undefined ? {} : { ipv4: gateways.ipv4 }), ...(gateways.ipv6 === undefined ? {} : { ipv6: gateways.ipv6 }) } } : {}),
    });
    out.push({
      kind: k.kind, name, vm: k.vm, host, hypervisor: hv.name, at, sameMac,
      ipv4: v4.map((a) => formatIpv4(a)), ipv6: [...v6], claims,
    });
  });
  return out;
}
