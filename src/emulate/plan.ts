/**
 * The lab a scenario becomes, as data: which namespace stands for which node, which veth pair for
 * which link, with the names, MACs, addresses, sysctls and tc shaping each gets. Made from the
 * simulator's own model of the run (`buildModel`), so the switches, links, hosts and addresses are
 * exactly the simulated ones.
 *
 * Conventions (interface names are at most 15 characters):
 * - every fabric switch is a namespace `s<i>` holding one Linux bridge `br0` whose ports are `p<k>`;
 * - every host and gateway is a namespace (`h<n>`, `g<i>`) with one interface `eth0`, its MAC and
 *   addresses, plugged into a host port of its edge switch;
 * - every hypervisor's virtual switch is a bridge `hv<i>` in one shared namespace `hv`, with an uplink
 *   `u<i>` to its edge switch; a VM's `eth0` is the peer of `v<n>` there. Keeping every virtual switch
 *   in one namespace lets a migration move `v<n>` from one bridge to another without the VM's link ever
 *   going down (QEMU's resume: the guest sees no carrier change), or take it down on purpose (re-plug).
 */
import type { Model, Scenario } from '../scenario/index.js';
import { TIER_PRIORITY } from '../net/index.js';
import type { ProfileMapping } from './support.js';
import { mapProfile } from './support.js';

/** An end of a veth pair. */
export interface PlanEnd {
  readonly ns: string;
  readonly ifname: string;
  /** The bridge it is a port of, if any. */
  readonly bridge: string | null;
  readonly mac?: string;
}

/** A veth pair, shaped by tc in both directions when it has a delay or a rate limit worth shaping. */
export interface PlanLink {
  readonly name: string;
  readonly a: PlanEnd;
  readonly b: PlanEnd;
  /** One-way delay, ns; 0 for none. */
  readonly delayNs: number;
  /** Bits per second, or null for no limit. */
  readonly rateBps: number | null;
}

/** A Linux bridge. */
export interface PlanBridge {
  /** The scenario's switch name (leaf-1, hv-3). */
  readonly node: string;
  readonly ns: string;
  readonly name: string;
  readonly stp: boolean;
  /** Bridge priority (802.1D), as the simulator's generator gives the switch. */
  readonly priority: number;
  readonly ageingS: number;
}

/** A host, VM or gateway. */
export interface PlanHost {
  readonly node: string;
  readonly kind: 'gateway' | 'host' | 'vm';
  readonly ns: string;
  readonly mac: string;
  /** Addresses with their prefix length (`198.18.0.5/24`). */
  readonly ipv4: string | null;
  readonly ipv6: string | null;
  /** For a VM: its port in the `hv` namespace and the bridge it starts on. */
  readonly vport: string | null;
  readonly hypervisor: string | null;
  /** sysctl name → value, in the node's namespace. */
  readonly sysctls: Readonly<Record<string, number | string>>;
}

/** The whole lab. */
export interface LabPlan {
  readonly bridges: readonly PlanBridge[];
  readonly links: readonly PlanLink[];
  readonly hosts: readonly PlanHost[];
  /** Namespaces in creation order (`hv` first when there are hypervisors). */
  readonly namespaces: readonly string[];
  /** Hypervisor name → its bridge in `hv`. */
  readonly hypervisorBridge: ReadonlyMap<string, string>;
  /** Switch adjacency: for each bridge node, its neighbour nodes and the port leading there. */
  readonly adjacency: ReadonlyMap<string, ReadonlyArray<{ readonly node: string; readonly port: string }>>;
  /** The node (switch or hypervisor) each host hangs off, with its port there. */
  readonly attachment: ReadonlyMap<string, { readonly node: string; readonly port: string }>;
  /** Whether any link is shaped (needs netem). */
  readonly shaped: boolean;
}

/** Below this one-way delay a link is not shaped: a veth and a bridge already take a few µs. */
const SHAPE_DELAY_NS = 20_000;
/** Above this rate a link is not limited: a veth pair on this machine moves less than this anyway. */
const SHAPE_RATE_BPS = 1e9;

/** The namespace of the hypervisors' virtual switches. */
export const HV_NS = 'hv';

/**
 * The sysctls the node's profile and settings imply (see support.ts for the mapping), on its
 * interface `eth0`: set once `eth0` exists and before it goes up. Per-interface names throughout,
 * since a namespace other than the first has no `neigh/default` directory (net/core/neighbour.c
 * neigh_sysctl_register registers the table defaults in init_net only).
 */
function nodeSysctls(mapping: ProfileMapping, settings: Readonly<Record<string, unknown>>, ipv6: boolean): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  if (ipv6) {
    // No router advertisements are modelled: no autoconfiguration, no router solicitations; no
    // link-local address either (the simulator's hosts have only their scenario addresses), so no
    // DAD or MLD of its own at link-up.
    out['net.ipv6.conf.eth0.accept_ra'] = 0;
    out['net.ipv6.conf.eth0.autoconf'] = 0;
    out['net.ipv6.conf.eth0.addr_gen_mode'] = 1;
    // The address survives a re-plug's link down (the simulator's VM keeps it).
    out['net.ipv6.conf.eth0.keep_addr_on_down'] = 1;
  }
  if (mapping.router) {
    out['net.ipv4.ip_forward'] = 1;
    if (ipv6) out['net.ipv6.conf.all.forwarding'] = 1;
  }
  if (mapping.reachableMs !== null) {
    out['net.ipv4.neigh.eth0.base_reachable_time_ms'] = mapping.reachableMs;
    if (ipv6) out['net.ipv6.neigh.eth0.base_reachable_time_ms'] = mapping.reachableMs;
  }
  const neigh = ['base_reachable_time_ms', 'retrans_time_ms', 'gc_stale_time', 'delay_first_probe_time', 'ucast_solicit', 'mcast_solicit', 'app_solicit', 'mcast_resolicit', 'unres_qlen'];
  const conf4 = ['arp_accept', 'drop_gratuitous_arp', 'arp_notify'];
  const conf6 = ['ndisc_notify', 'accept_untracked_na', 'drop_unsolicited_na', 'dad_transmits', 'optimistic_dad'];
  for (const [k, v] of Object.entries(settings)) {
    if (typeof v !== 'number') continue;
    if (k === 'locktime') out['net.ipv4.neigh.eth0.locktime'] = v;
    else if (neigh.includes(k)) {
      out[`net.ipv4.neigh.eth0.${k}`] = v;
      if (ipv6) out[`net.ipv6.neigh.eth0.${k}`] = v;
    } else if (conf4.includes(k)) {
      // The kernel reads these as max(all, interface) or from the interface (IN_DEV_* macros, include/linux/inetdevice.h).
      out[`net.ipv4.conf.all.${k}`] = v;
      out[`net.ipv4.conf.eth0.${k}`] = v;
    } else if (conf6.includes(k) && ipv6) {
      out[`net.ipv6.conf.all.${k}`] = v;
      out[`net.ipv6.conf.eth0.${k}`] = v;
    } else if (k === 'forwarding') {
      out['net.ipv4.ip_forward'] = v;
      if (ipv6) out['net.ipv6.conf.all.forwarding'] = v;
    } else if (k === 'icmp_echo_ignore_all') out['net.ipv4.icmp_echo_ignore_all'] = v;
    else if (k === 'echo_ignore_all' && ipv6) out['net.ipv6.icmp.echo_ignore_all'] = v;
  }
  return out;
}

function prefixLength(subnet: string | undefined): number {
  return subnet === undefined ? 0 : Number(subnet.split('/')[1]);
}

/** The plan of the lab for `model` (one run of `scenario`); the scenario passed {@link scenarioIssues}. */
export function planLab(scenario: Scenario, model: Model): LabPlan {
  const f = scenario.fabric;
  const v4 = prefixLength(scenario.subnet.ipv4);
  const v6 = prefixLength(scenario.subnet.ipv6);
  const hasV6 = scenario.subnet.ipv6 !== undefined;
  const stp = f.bridging === 'stp' || f.bridging === 'rstp';
  const bridges: PlanBridge[] = [];
  const links: PlanLink[] = [];
  const hosts: PlanHost[] = [];
  const namespaces: string[] = [];
  const portCount = new Map<string, number>();
  const adjacency = new Map<string, Array<{ node: string; port: string }>>();
  const attachment = new Map<string, { node: string; port: string }>();
  const switchNs = new Map<string, string>();
  const hypervisorBridge = new Map<string, string>();
  const nextPort = (node: string): string => {
    const n = (portCount.get(node) ?? 0) + 1;
    portCount.set(node, n);
    return `p${n}`;
  };
  const shaping = (link: { rate: number; delay: number }): { delayNs: number; rateBps: number | null } => ({
    delayNs: link.delay >= SHAPE_DELAY_NS ? link.delay : 0,
    rateBps: link.rate < SHAPE_RATE_BPS ? link.rate : null,
  });

  if (model.layout.hypervisors.length > 0) namespaces.push(HV_NS);
  let firstTop = true;
  model.layout.switches.forEach((s, i) => {
    const ns = `s${i + 1}`;
    namespaces.push(ns);
    switchNs.set(s.name, ns);
    adjacency.set(s.name, []);
    const role = s.edge && model.layout.switches.length > 1 ? 'edge' : s.tier === 'spine' || s.tier === 'core' || model.layout.switches.length === 1 ? 'top' : 'middle';
    const priority = role === 'top' && firstTop ? TIER_PRIORITY.root : TIER_PRIORITY[role];
    if (role === 'top') firstTop = false;
    bridges.push({ node: s.name, ns, name: 'br0', stp, priority, ageingS: f.macAgingTime / 1e9 });
  });
  for (const link of model.topology.links.values()) {
    const a = link.a.owner.name;
    const b = link.b.owner.name;
    const pa = nextPort(a);
    const pb = nextPort(b);
    links.push({ name: `${a}~${b}`, a: { ns: switchNs.get(a)!, ifname: pa, bridge: 'br0' }, b: { ns: switchNs.get(b)!, ifname: pb, bridge: 'br0' }, ...shaping(f.links.fabric) });
    adjacency.get(a)!.push({ node: b, port: pa });
    adjacency.get(b)!.push({ node: a, port: pb });
  }
  const access = shaping(f.links.access);
  for (const hv of model.layout.hypervisors) {
    const bridge = `hv${hv.index + 1}`;
    hypervisorBridge.set(hv.name, bridge);
    bridges.push({ node: hv.name, ns: HV_NS, name: bridge, stp: false, priority: TIER_PRIORITY.edge, ageingS: (scenario.hypervisors?.vswitchAgingTime ?? 300e9) / 1e9 });
    const port = nextPort(hv.edge);
    links.push({ name: `${hv.name}~${hv.edge}`, a: { ns: HV_NS, ifname: `u${hv.index + 1}`, bridge }, b: { ns: switchNs.get(hv.edge)!, ifname: port, bridge: 'br0' }, ...access });
    adjacency.set(hv.name, [{ node: hv.edge, port: `u${hv.index + 1}` }]);
    adjacency.get(hv.edge)!.push({ node: hv.name, port });
  }
  model.layout.gateways.forEach((g, i) => {
    const ns = `g${i + 1}`;
    namespaces.push(ns);
    const mapping = mapProfile(scenario.gateway.profile, scenario.gateway.sysctls.arpTimeout, scenario.duration);
    if (typeof mapping === 'string') throw new RangeError(mapping);
    const port = nextPort(g.edge);
    links.push({ name: `${g.name}~${g.edge}`, a: { ns, ifname: 'eth0', bridge: null, mac: g.mac }, b: { ns: switchNs.get(g.edge)!, ifname: port, bridge: 'br0' }, ...access });
    attachment.set(g.name, { node: g.edge, port });
    hosts.push({
      node: g.name, kind: 'gateway', ns, mac: g.mac,
      ipv4: g.ownIpv4 === null ? null : `${g.ownIpv4}/${v4}`, ipv6: g.ownIpv6 === null ? null : `${g.ownIpv6}/${v6}`,
      vport: null, hypervisor: null, sysctls: nodeSysctls(mapping, scenario.gateway.sysctls, hasV6),
    });
  });
  for (const h of model.layout.hosts()) {
    const ns = `h${h.number}`;
    namespaces.push(ns);
    const group = scenario.hosts[h.group]!;
    const mapping = mapProfile(group.profile, group.sysctls.arpTimeout, scenario.duration);
    if (typeof mapping === 'string') throw new RangeError(mapping);
    const common = {
      node: h.name, ns, mac: h.mac,
      ipv4: h.ipv4 === null ? null : `${h.ipv4}/${v4}`, ipv6: h.ipv6 === null ? null : `${h.ipv6}/${v6}`,
      sysctls: nodeSysctls(mapping, group.sysctls, hasV6),
    };
    if (h.hypervisor !== null) {
      const vport = `v${h.number}`;
      const bridge = hypervisorBridge.get(h.hypervisor)!;
      links.push({ name: `${h.name}~${h.hypervisor}`, a: { ns, ifname: 'eth0', bridge: null, mac: h.mac }, b: { ns: HV_NS, ifname: vport, bridge }, delayNs: 0, rateBps: null });
      attachment.set(h.name, { node: h.hypervisor, port: vport });
      hosts.push({ ...common, kind: 'vm', vport, hypervisor: h.hypervisor });
    } else {
      const port = nextPort(h.edge);
      links.push({ name: `${h.name}~${h.edge}`, a: { ns, ifname: 'eth0', bridge: null, mac: h.mac }, b: { ns: switchNs.get(h.edge)!, ifname: port, bridge: 'br0' }, ...access });
      attachment.set(h.name, { node: h.edge, port });
      hosts.push({ ...common, kind: 'host', vport: null, hypervisor: null });
    }
  }
  return {
    bridges, links, hosts, namespaces, hypervisorBridge, adjacency, attachment,
    shaped: links.some((l) => l.delayNs > 0 || l.rateBps !== null),
  };
}
