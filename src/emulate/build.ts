/**
 * Making a {@link LabPlan} real: namespaces with their sysctls, Linux bridges (the kernel's STP with
 * the shortest timers 802.1D allows when the scenario asks for a spanning tree), veth pairs with
 * their MACs, addresses, and tc netem on shaped links; then, with STP, a wait until every bridge
 * port has settled (forwarding or blocking) and no topology change is pending, so the run starts on
 * a converged tree, as the simulator's does.
 */
import type { Lab, Namespace } from '../emu/index.js';
import { EmuError } from '../emu/index.js';
import type { LabPlan, PlanEnd, PlanLink } from './plan.js';

/** 802.1D-2004 §17.14 lower bounds (the kernel accepts them, net/bridge/br_stp.c): hello 1 s, max age 6 s, forward delay 4 s. */
const STP_TIMERS = { hello_time: 100, max_age: 600, forward_delay: 400 } as const;
/** Longest wait for a spanning tree to settle: forward delay twice, max age, and slack. */
const STP_SETTLE_MS = 30_000;

/** The namespaces of a built lab, by the plan's short names. */
export type LabNamespaces = ReadonlyMap<string, Namespace>;

function tcArgs(dev: string, link: PlanLink): string[] {
  const args = ['qdisc', 'add', 'dev', dev, 'root', 'netem'];
  if (link.delayNs > 0) args.push('delay', `${Math.round(link.delayNs / 1000)}us`);
  if (link.rateBps !== null) args.push('rate', `${Math.round(link.rateBps)}bit`);
  return args;
}

/** Builds the plan in `lab`; `progress` is told after each step (done, total). */
export async function buildLab(lab: Lab, plan: LabPlan, progress: (done: number, total: number) => void = () => {}): Promise<LabNamespaces> {
  const namespaces = new Map<string, Namespace>();
  const total = plan.namespaces.length + plan.links.length + plan.bridges.length;
  let done = 0;
  const step = (): void => progress(++done, total);
  const v6Hosts = new Set(plan.hosts.filter((h) => h.ipv6 !== null).map((h) => h.ns));
  for (const name of plan.namespaces) {
    const ns = await lab.namespace(name);
    namespaces.set(name, ns);
    // Switch namespaces are Layer 2 only, and a scenario without IPv6 has none: no IPv6 on those
    // interfaces at all (no link-local address, DAD, MLD or RS of their own).
    if (!v6Hosts.has(name)) await ns.sysctl({ 'net.ipv6.conf.all.disable_ipv6': 1, 'net.ipv6.conf.default.disable_ipv6': 1 });
    step();
  }
  const nsOf = (name: string): Namespace => {
    const ns = namespaces.get(name);
    if (ns === undefined) throw new EmuError(`no namespace ${name} in the plan`);
    return ns;
  };
  for (const b of plan.bridges) {
    const ns = nsOf(b.ns);
    const args = ['link', 'add', b.name, 'type', 'bridge', 'stp_state', b.stp ? '1' : '0', 'ageing_time', String(Math.round(b.ageingS * 100)), 'priority', String(b.priority)];
    if (b.stp) for (const [k, v] of Object.entries(STP_TIMERS)) args.push(k, String(v));
    await ns.ip(args);
    step();
  }
  for (const link of plan.links) {
    const a = nsOf(link.a.ns);
    const b = nsOf(link.b.ns);
    await lab.veth(a, link.a.ifname, b, link.b.ifname, {
      ...(link.a.mac === undefined ? {} : { aMac: link.a.mac }),
      ...(link.b.mac === undefined ? {} : { bMac: link.b.mac }),
      up: false,
    });
    const enslave = async (end: PlanEnd, ns: Namespace): Promise<void> => {
      if (end.bridge !== null) await ns.ip(['link', 'set', end.ifname, 'master', end.bridge]);
      if (link.delayNs > 0 || link.rateBps !== null) await ns.exec('tc', tcArgs(end.ifname, link));
    };
    await enslave(link.a, a);
    await enslave(link.b, b);
    step();
  }
  for (const h of plan.hosts) {
    const ns = nsOf(h.ns);
    await ns.sysctl(h.sysctls);
    const commands: string[] = [];
    // nodad: the simulator's hosts start with their addresses in use, as after a DAD long past.
    if (h.ipv4 !== null) commands.push(`addr add ${h.ipv4} dev eth0`);
    if (h.ipv6 !== null) commands.push(`addr add ${h.ipv6} dev eth0 nodad`);
    await ns.batch(commands);
  }
  // Everything up at once, bridges first, so that no host's first frames meet a port still down.
  for (const [name, ns] of namespaces) {
    const ups = [
      ...plan.bridges.filter((b) => b.ns === name).map((b) => `link set ${b.name} up`),
      ...plan.links.flatMap((l) => [l.a, l.b]).filter((e) => e.ns === name).map((e) => `link set ${e.ifname} up`),
    ];
    await ns.batch(ups);
  }
  if (plan.bridges.some((b) => b.stp)) await settleSpanningTree(plan, namespaces);
  return namespaces;
}

interface BridgeLinkJson {
  readonly ifname: string;
  readonly master?: string;
  readonly state?: string;
}

/** Waits until every STP bridge's ports are forwarding or blocking and no topology change is flagged. */
async function settleSpanningTree(plan: LabPlan, namespaces: LabNamespaces): Promise<void> {
  const deadline = Date.now() + STP_SETTLE_MS;
  const stpBridges = plan.bridges.filter((b) => b.stp);
  for (;;) {
    let settled = true;
    for (const b of stpBridges) {
      const ns = namespaces.get(b.ns)!;
      const ports = JSON.parse(await ns.exec('bridge', ['-j', 'link', 'show'])) as BridgeLinkJson[];
      if (ports.some((p) => p.master === b.name && p.state !== 'forwarding' && p.state !== 'blocking')) settled = false;
      const detail = JSON.parse(await ns.ip(['-j', '-d', 'link', 'show', 'dev', b.name])) as Array<{ linkinfo?: { info_data?: { topology_change?: number; topology_change_detected?: number } } }>;
      const data = detail[0]?.linkinfo?.info_data;
      if ((data?.topology_change ?? 0) !== 0 || (data?.topology_change_detected ?? 0) !== 0) settled = false;
      if (!settled) break;
    }
    if (settled) return;
    if (Date.now() > deadline) throw new EmuError(`the spanning tree did not settle within ${STP_SETTLE_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The port states of every STP bridge (node → port → state), for the controller's path. */
export async function blockedPorts(plan: LabPlan, namespaces: LabNamespaces): Promise<Set<string>> {
  const out = new Set<string>();
  for (const b of plan.bridges.filter((x) => x.stp)) {
    const ports = JSON.parse(await namespaces.get(b.ns)!.exec('bridge', ['-j', 'link', 'show'])) as BridgeLinkJson[];
    for (const p of ports) if (p.master === b.name && p.state !== 'forwarding') out.add(`${b.node}:${p.ifname}`);
  }
  return out;
}
