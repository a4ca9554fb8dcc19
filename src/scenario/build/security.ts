/**
 * The run's security: the features of each fabric switch, as security-plan.ts resolves the run's
 * `security` section on the built ports; what the tables hold when the run starts (`bindings:
 * at-start`); and the remedies that configure the switches rather than act after a move: per-vNIC
 * enforcement in the virtual switches (`vswitch-enforcement`), synchronised bindings
 * (`binding-sync`), and leasequeries to the scenario's DHCP server (`leasequery`). The security plane
 * it returns is what migrations act on (src/migration security-plane.ts).
 */
import type { LearningSwitch } from '../../net/index.js';
import type { Hypervisor, RemedySpec } from '../../migration/index.js';
import { SecurityPlane } from '../../migration/index.js';
import type { LeaseQueryService, SwitchSecurity, SwitchSecurityConfig } from '../../security/index.js';
import { BindingSync, attachSecurity } from '../../security/index.js';
import type { DhcpServer, Host } from '../../stack/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../../wire/index.js';
import { parseIpv4, parseIpv6, parseMac } from '../../wire/index.js';
import { planSecurity } from '../security-plan.js';
import type { BuildContext } from './context.js';
import type { BuiltGateways } from './gateways.js';
import { switchPorts } from './ports.js';

/** The run's security as built. */
export interface BuiltSecurity {
  /** Each fabric switch with features, in the fabric's order. */
  readonly switches: ReadonlyMap<LearningSwitch, SwitchSecurity>;
  /** Each hypervisor's virtual switch enforcement (`vswitch-enforcement`), by hypervisor. */
  readonly vswitches: ReadonlyMap<Hypervisor, SwitchSecurity>;
  readonly plane: SecurityPlane;
  readonly sync: BindingSync | null;
}

/** Every remedy of the run. */
export function runRemedies(c: BuildContext): RemedySpec[] {
  return [...c.run.remedies, ...c.run.migrations.flatMap((m) => m.remedies)];
}

/** A host's planned addresses (a DHCP host's IPv4 address is the one reserved for it). */
export interface PlannedAddresses {
  readonly mac: MacAddress;
  readonly ipv4: readonly Ipv4Address[];
  readonly ipv6: readonly Ipv6Address[];
  /** True when its IPv4 address comes from DHCP (then snooping binds it, not the operator). */
  readonly dhcp: boolean;
}

/**
 * Builds the run's security (null when the run has no security section); `addresses` are the planned
 * addresses of every host and gateway node, `server` the scenario's DHCP server.
 */
export function buildSecurity(
  c: BuildContext,
  gateways: BuiltGateways,
  hosts: ReadonlyMap<string, Host>,
  hypervisors: ReadonlyMap<string, Hypervisor>,
  addresses: ReadonlyMap<string, PlannedAddresses>,
  server: DhcpServer | null,
): BuiltSecurity | null {
  const security = c.run.security;
  if (security === null) return null;
  const remedies = runRemedies(c);
  const enforce = remedies.some((r) => r.kind === 'vswitch-enforcement');
  const leasequery = remedies.find((r) => r.kind === 'leasequery');
  const sync = remedies.find((r) => r.kind === 'binding-sync');
  const gatewayNames = new Set(gateways.nodes.map((g) => g.name));
  const groupOf = new Map<string, string>();
  for (const h of c.layout.hosts()) groupOf.set(h.name, c.scenario.hosts[h.group]!.name);
  const views = switchPorts(c.topology, gateways.nodes, hypervisors);
  const plan = planSecurity(security, views, ['security'], { isGateway: (n) => n === 'gateway' || gatewayNames.has(n), groupOf: (n) => groupOf.get(n) }, { trustHypervisors: enforce });
  const service: LeaseQueryService | undefined = server === null ? undefined : {
    query: (a) => server.leaseQuery(a),
    ...(leasequery?.kind === 'leasequery' ? { roundTrip: leasequery.roundTrip } : {}),
  };
  const switches = new Map<LearningSwitch, SwitchSecurity>();
  for (const p of plan.switches) {
    const sw = c.topology.switch(p.name);
    let config: SwitchSecurityConfig = p.config;
    if (service !== undefined) config = { ...config, leaseQuery: service };
    if (leasequery !== undefined) {
      config = { ...config, leaseQueryRecovery: true, ...(config.saviDhcp === undefined ? {} : { saviDhcp: { ...config.saviDhcp, dataSnooping: true } }) };
    }
    switches.set(sw, attachSecurity(c.network, sw, config));
  }
  const vswitches = new Map<Hypervisor, SwitchSecurity>();
  if (enforce) {
    for (const hv of hypervisors.values()) vswitches.set(hv, attachSecurity(c.network, hv.vswitch, { vnicGuard: true }));
    for (const [name, host] of hosts) {
      const a = addresses.get(name);
      if (a === undefined) continue;
      for (const [hv, s] of vswitches) {
        const port = hv.portOf(host);
        if (port !== undefined) s.vnicGuard!.allow(port.index, { mac: a.mac, ipv4: a.ipv4, ipv6: a.ipv6 });
      }
    }
  }
  if (security.bindings === 'at-start') bindAtStart(c, switches, hypervisors, [...gateways.nodes, ...hosts.values()], addresses);
  const built: BuiltSecurity = {
    switches,
    vswitches,
    plane: new SecurityPlane(switches, vswitches),
    sync: sync?.kind === 'binding-sync' && switches.size > 0 ? new BindingSync(c.kernel, [...switches.values()], sync.interval) : null,
  };
  return built;
}

/**
 * What long operation put in the tables before the run: for every end station, on the switch port it
 * (or its hypervisor) is plugged into, static bindings of its static IPv4 addresses (DHCP snooping,
 * SAVI-DHCP) and bindings of its IPv6 addresses (FCFS SAVI VALID, ND inspection).
 */
function bindAtStart(
  c: BuildContext,
  switches: ReadonlyMap<LearningSwitch, SwitchSecurity>,
  hypervisors: ReadonlyMap<string, Hypervisor>,
  nodes: readonly Host[],
  addresses: ReadonlyMap<string, PlannedAddresses>,
): void {
  // A VM's hypervisor: the owner of the vSwitch port its NIC is plugged into.
  const byVswitch = new Map<unknown, Hypervisor>([...hypervisors.values()].map((hv) => [hv.vswitch, hv]));
  const hvOf = (host: Host): Hypervisor | undefined => {
    const peer = host.port.peer;
    return peer === null ? undefined : byVswitch.get(peer.owner);
  };
  const vmVlan = c.scenario.hypervisors?.vlan ?? 1;
  for (const host of nodes) {
    const a = addresses.get(host.name);
    if (a === undefined) continue;
    const hv = hvOf(host);
    const edgePort = hv === undefined ? host.port.peer : hv.uplink.peer;
    if (edgePort === null) continue;
    const s = switches.get(edgePort.owner as LearningSwitch);
    if (s === undefined) continue;
    const port = edgePort.index;
    const vlan = hv === undefined ? 1 : vmVlan;
    if (!a.dhcp) {
      for (const ip of a.ipv4) {
        s.snooping.addStatic({ address: ip, mac: a.mac, vlan, port });
        s.saviDhcp?.bind(port, vlan, ip, a.mac, Infinity);
      }
    }
    for (const ip of a.ipv6) {
      s.fcfsSavi?.bind(vlan, ip, port, c.kernel.now);
      s.ndInspection?.bind(vlan, ip, a.mac, port, c.kernel.now);
    }
  }
}

/** The planned addresses of every host and gateway node (gateways: the addresses they answer for). */
export function plannedAddresses(c: BuildContext, gateways: BuiltGateways, dhcpGroups: ReadonlySet<string>): Map<string, PlannedAddresses> {
  const out = new Map<string, PlannedAddresses>();
  for (const g of gateways.nodes) {
    out.set(g.name, { mac: g.mac, ipv4: g.ipv4.map((a) => a.address), ipv6: g.ipv6.map((a) => a.address), dhcp: false });
  }
  for (const h of c.layout.hosts()) {
    const group = c.scenario.hosts[h.group]!;
    out.set(h.name, {
      mac: parseMac(h.mac)!,
      ipv4: h.ipv4 === null ? [] : [parseIpv4(h.ipv4)!],
      ipv6: h.ipv6 === null ? [] : [parseIpv6(h.ipv6)!],
      dhcp: dhcpGroups.has(group.name),
    });
  }
  return out;
}
