/**
 * A live migration on real kernels, on the run's wall clock: the VM pauses for the downtime and comes
 * back behind the destination hypervisor's bridge, in one of two ways.
 *
 * - `qemu` (QEMU/KVM's resume): the guest's interface never goes down. At the pause its tap (`v<n>`,
 *   the peer of the guest's `eth0`) leaves the old hypervisor's bridge, which forgets every MAC learnt
 *   on it (net/bridge/br_if.c del_nbp → br_fdb_delete_by_port), and the VM's own traffic stops; at
 *   the resume (plus the destination port's readiness delay) the tap joins the new bridge. What
 *   announces the VM afterwards is the remedies': the hypervisor's RARPs (QEMU net/announce.c
 *   qemu_announce_self_iter) and the guest's GARPs and NAs (virtio GUEST_ANNOUNCE → the guest's
 *   netdev_notify_peers → inetdev_send_gratuitous_arp: request form, target MAC zero; ndisc_send_unsol_na:
 *   to all-nodes, override set) are written as raw frames into the tap from the guest's side, as QEMU
 *   writes its own into the tap.
 * - `re-plug` (a container's or veth lab's move, a migration with `guestLink: replug`): the guest's
 *   link goes down at the pause and comes up at the resume, after its tap has joined the new bridge
 *   (with `portReadyAfter`, the tap joins once the port is ready); the guest kernel itself then
 *   sends what its sysctls say (arp_notify, ndisc_notify, from the NETDEV_UP notifier), and the
 *   bridge enables the port only when it handles the carrier change afterwards (linkwatch), so that
 *   announcement can be lost, as on any Linux bridge.
 *
 * The controller remedy writes the destination into every bridge's forwarding table (`bridge fdb
 * replace … dynamic`, along the active tree towards the destination) and the VM's binding into every
 * gateway's neighbour table (`ip neigh replace … nud reachable`), over netlink; with
 * `neighborUpdate: agent` each gateway instead re-resolves the VM as arpshift's agent does for an
 * unchanged MAC: a broadcast ARP request and a multicast NS sent at the push (the agent's own frames,
 * src/deploy/frames.ts), whose answer from the new port re-teaches the bridges.
 */
import { arpRequestFrame, neighborSolicitationFrame } from '../deploy/index.js';
import type { Namespace, RawSocket } from '../emu/index.js';
import { qemuAnnounceTimes } from '../migration/index.js';
import type { Migration } from '../scenario/index.js';
import { Rng } from '../sim/index.js';
import {
  IPV6_ALL_NODES,
  MAC_BROADCAST,
  arpAnnouncement,
  emitFrame,
  ethernetFrame,
  gratuitousArp,
  ipv6MulticastMac,
  neighborAdvertisement,
  parseIpv4,
  parseIpv6,
  parseMac,
  rarpAnnounce,
} from '../wire/index.js';
import type { LabPlan, PlanHost } from './plan.js';
import { HV_NS } from './plan.js';

/** How a migration moves the VM (see the module comment). */
export type MigrationMechanism = 'qemu' | 're-plug';

/**
 * How a migration moves its VM: as the scenario says, by its `guestLink` (`replug` → `re-plug`,
 * `resume` → `qemu`). Which virtual switch kinds a re-plug can be emulated onto is decided before
 * (support.ts scenarioIssues).
 */
export function defaultMechanism(migration: Migration): MigrationMechanism {
  return migration.guestLink === 'replug' ? 're-plug' : 'qemu';
}

/** What a migration acts on. */
export interface MigrationWorld {
  readonly plan: LabPlan;
  readonly namespaceOf: (planName: string) => Namespace;
  /** A raw socket on the VM's `eth0`, for the frames QEMU and the guest send on its behalf. */
  readonly vmSocket: (vm: string) => RawSocket;
  /** A raw socket on a gateway's eth0 (for a controller push with the agent's semantics). */
  readonly gatewaySocket: (gateway: string) => RawSocket;
  readonly setPaused: (vm: string, paused: boolean) => void;
  /** Bridge ports not forwarding (`node:port`), read when the controller pushes. */
  readonly blockedPorts: () => Promise<Set<string>>;
  /**
   * A running `ip -force -batch -` (or `bridge …`) in a namespace of the plan, fed one command per
   * line: a change at a migration's instant costs a netlink message, not a process start (tens of
   * milliseconds on a loaded machine).
   */
  readonly commands: (planName: string, tool: 'ip' | 'bridge') => (line: string) => void;
  /** Records something that went wrong without stopping the run (a frame the kernel would not send). */
  readonly warn: (message: string) => void;
  readonly seed: number;
}

/** One action of a migration at a time of the run (ms). */
export interface TimedAction {
  readonly atMs: number;
  readonly what: string;
  readonly run: () => Promise<void>;
}

const ns2ms = (ns: number): number => ns / 1e6;

function announcementFrames(host: PlanHost, kind: 'garp' | 'garp-broadcast' | 'garp-reply' | 'na' | 'na-no-override' | 'rarp'): Uint8Array[] {
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new RangeError(`${host.node}: bad ${what}`);
    return value;
  };
  const mac = must(parseMac(host.mac), 'MAC');
  const v4 = host.ipv4 === null ? null : must(parseIpv4(host.ipv4.split('/')[0]!), 'IPv4 address');
  const v6 = host.ipv6 === null ? null : must(parseIpv6(host.ipv6.split('/')[0]!), 'IPv6 address');
  switch (kind) {
    case 'rarp':
      return [emitFrame(ethernetFrame(MAC_BROADCAST, mac, rarpAnnounce(mac)))];
    case 'garp':
      return v4 === null ? [] : [emitFrame(ethernetFrame(MAC_BROADCAST, mac, arpAnnouncement(mac, v4)))];
    case 'garp-broadcast':
      return v4 === null ? [] : [emitFrame(ethernetFrame(MAC_BROADCAST, mac, gratuitousArp(mac, v4, 'request')))];
    case 'garp-reply':
      return v4 === null ? [] : [emitFrame(ethernetFrame(MAC_BROADCAST, mac, gratuitousArp(mac, v4, 'reply')))];
    case 'na':
    case 'na-no-override':
      return v6 === null ? [] : [emitFrame(ethernetFrame(ipv6MulticastMac(IPV6_ALL_NODES), mac, neighborAdvertisement(v6, v6, mac, { solicited: false, override: kind === 'na' })))];
  }
}

/** The node (switch or hypervisor) → port towards `target`, along ports that forward (breadth first). */
export function portsTowards(plan: LabPlan, target: string, blocked: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set([target]);
  let frontier = [target];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const n of plan.adjacency.get(node) ?? []) {
        if (seen.has(n.node) || blocked.has(`${node}:${n.port}`)) continue;
        // The neighbour's port back to `node`.
        const back = (plan.adjacency.get(n.node) ?? []).find((x) => x.node === node);
        if (back === undefined || blocked.has(`${n.node}:${back.port}`)) continue;
        seen.add(n.node);
        out.set(n.node, back.port);
        next.push(n.node);
      }
    }
    frontier = next;
  }
  return out;
}

/** Sends, from gateway `g`, a broadcast ARP request for `vm`'s IPv4 address and a multicast NS for its IPv6 one. */
function resolveAgain(world: MigrationWorld, g: PlanHost, vm: PlanHost): void {
  const socket = world.gatewaySocket(g.node);
  const mac = parseMac(g.mac);
  const frames: Uint8Array[] = [];
  const own4 = g.ipv4 === null ? undefined : parseIpv4(g.ipv4.split('/')[0]!);
  const vm4 = vm.ipv4 === null ? undefined : parseIpv4(vm.ipv4.split('/')[0]!);
  if (mac !== undefined && own4 !== undefined && vm4 !== undefined) frames.push(arpRequestFrame(mac, own4, vm4).bytes);
  const own6 = g.ipv6 === null ? undefined : parseIpv6(g.ipv6.split('/')[0]!);
  const vm6 = vm.ipv6 === null ? undefined : parseIpv6(vm.ipv6.split('/')[0]!);
  if (mac !== undefined && own6 !== undefined && vm6 !== undefined) frames.push(neighborSolicitationFrame(mac, own6, vm6).bytes);
  for (const f of frames) {
    try {
      socket.send(f);
    } catch (e) {
      world.warn(`${g.node}: re-resolution of ${vm.node} not sent: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** The timed actions of `migration` (its pause, resume and remedies), for mechanism `mechanism`. */
export function migrationActions(world: MigrationWorld, migration: Migration, mechanism: MigrationMechanism): TimedAction[] {
  const { plan } = world;
  const vm = plan.hosts.find((h) => h.node === migration.vm);
  if (vm === undefined || vm.vport === null) throw new RangeError(`${migration.vm} is not a VM of the lab`);
  const vport = vm.vport;
  const hv = world.namespaceOf(HV_NS);
  const guest = world.namespaceOf(vm.ns);
  const toBridge = plan.hypervisorBridge.get(migration.to)!;
  const pause = ns2ms(migration.schedule.pauseAt);
  const resume = ns2ms(migration.schedule.resumeAt);
  const ready = resume + ns2ms(migration.portReadyAfter);
  const out: TimedAction[] = [];
  const send = (kinds: Parameters<typeof announcementFrames>[1][]) => async (): Promise<void> => {
    const socket = world.vmSocket(vm.node);
    for (const k of kinds) {
      for (const f of announcementFrames(vm, k)) {
        // A packet socket whose interface went down reports ENETDOWN once (net/packet/af_packet.c
        // packet_notifier sets sk_err), even after the link is up again: the frame is tried again once.
        try {
          socket.send(f);
        } catch {
          try {
            socket.send(f);
          } catch (e) {
            world.warn(`${vm.node}: ${k} not sent: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }
    }
  };

  if (mechanism === 'qemu') {
    const hvIp = world.commands(HV_NS, 'ip');
    out.push({ atMs: pause, what: `${vm.node} pauses`, run: async () => {
      world.setPaused(vm.node, true);
      hvIp(`link set ${vport} nomaster`);
    } });
    out.push({ atMs: resume, what: `${vm.node} resumes on ${migration.to}`, run: async () => world.setPaused(vm.node, false) });
    // Awaited: the announcements due at the same instant must find the port in its bridge, as the
    // simulator's resume runs before them.
    out.push({ atMs: ready, what: `${migration.to}'s port for ${vm.node} forwards`, run: async () => {
      await hv.ip(['link', 'set', vport, 'master', toBridge]);
    } });
  } else {
    // Two namespaces in a fixed order (the tap joins before the guest's link comes up): awaited
    // one-shot commands, since two command streams would not keep that order.
    out.push({ atMs: pause, what: `${vm.node}'s link goes down`, run: async () => {
      world.setPaused(vm.node, true);
      await guest.ip(['link', 'set', 'eth0', 'down']);
      await hv.ip(['link', 'set', vport, 'nomaster']);
    } });
    if (ready <= resume) {
      out.push({ atMs: resume, what: `${vm.node} is re-plugged into ${migration.to}`, run: async () => {
        await hv.ip(['link', 'set', vport, 'master', toBridge]);
        await guest.ip(['link', 'set', 'eth0', 'up']);
        world.setPaused(vm.node, false);
      } });
    } else {
      // A port that forwards only `portReadyAfter` after the plug: the guest's link comes up at the
      // resume with its tap in no bridge (what it sends is lost there, as at a port not yet ready),
      // and the tap joins the bridge once ready; its carrier is on by then, so the bridge enables the
      // port as it joins (net/bridge/br_if.c br_add_if → br_stp_enable_port, STP off).
      out.push({ atMs: resume, what: `${vm.node}'s link comes up at ${migration.to}`, run: async () => {
        await guest.ip(['link', 'set', 'eth0', 'up']);
        world.setPaused(vm.node, false);
      } });
      out.push({ atMs: ready, what: `${migration.to}'s port for ${vm.node} forwards`, run: async () => {
        await hv.ip(['link', 'set', vport, 'master', toBridge]);
      } });
    }
  }

  for (const r of migration.remedies) {
    const delay = 'delay' in r ? ns2ms(r.delay ?? 0) : 0;
    switch (r.kind) {
      case 'guest-garp': {
        const kind = r.form === 'reply' ? 'garp-reply' : r.targetMac === 'broadcast' ? 'garp-broadcast' : 'garp';
        for (let i = 0; i < r.count; i++) out.push({ atMs: resume + delay + i * ns2ms(r.interval), what: `${vm.node}: guest GARP ${i + 1}`, run: send([kind]) });
        break;
      }
      case 'guest-na':
        for (let i = 0; i < r.count; i++) out.push({ atMs: resume + delay + i * ns2ms(r.interval), what: `${vm.node}: guest NA ${i + 1}`, run: send([r.override ? 'na' : 'na-no-override']) });
        break;
      case 'rarp':
        for (let i = 0; i < r.count; i++) out.push({ atMs: resume + delay + i * ns2ms(r.interval), what: `${vm.node}: RARP ${i + 1}`, run: send(['rarp']) });
        break;
      case 'qemu-announce':
        qemuAnnounceTimes(r.initial, r.max, r.rounds, r.step).forEach((t, i) => {
          out.push({ atMs: resume + delay + ns2ms(t), what: `${vm.node}: QEMU announce round ${i + 1}`, run: send(r.guestAnnounce ? ['rarp', 'garp', 'na'] : ['rarp']) });
        });
        break;
      case 'controller': {
        const rng = Rng.fromSeed(world.seed).stream(`emulate:controller:${vm.node}:${migration.at}`);
        const lost = (): boolean => r.lossRate > 0 && rng.nextFloat() < r.lossRate;
        // The streams start now, before the run, so the push itself costs no process start.
        const bridges = plan.bridges.map((b) => ({ b, send: world.commands(b.ns, 'bridge') }));
        const gateways = plan.hosts.filter((h) => h.kind === 'gateway').map((g) => ({ g, send: world.commands(g.ns, 'ip') }));
        // The active tree is read before the run too (it does not change during one).
        let blocked: Promise<Set<string>> | null = null;
        out.push({ atMs: Math.max(0, pause - 500), what: 'controller reads the active tree', run: async () => { blocked = world.blockedPorts(); } });
        out.push({ atMs: resume + ns2ms(r.latency), what: `controller pushes ${vm.node}`, run: async () => {
          if (r.pushFdb) {
            const towards = portsTowards(plan, migration.to, await (blocked ?? world.blockedPorts()));
            for (const { b, send } of bridges) {
              const port = b.node === migration.to ? vport : towards.get(b.node);
              // The destination's own port may not be in its bridge yet (portReadyAfter): that write fails, as the simulated one finds no port.
              if (port !== undefined && !lost()) send(`fdb replace ${vm.mac} dev ${port} master dynamic`);
            }
          }
          if (r.pushNeighbors) {
            for (const { g, send } of gateways) {
              if (lost()) continue;
              if (r.neighborUpdate === 'agent') {
                // What `arpshift agent` does when the VM kept its MAC (an emulated move never changes
                // it): a broadcast request (and a multicast NS) sent now from the gateway, the same
                // frames the agent builds; the answer from the new place updates the entry.
                resolveAgain(world, g, vm);
                continue;
              }
              if (vm.ipv4 !== null) send(`neigh replace ${vm.ipv4.split('/')[0]!} lladdr ${vm.mac} dev eth0 nud reachable`);
              if (vm.ipv6 !== null && g.ipv6 !== null) send(`neigh replace ${vm.ipv6.split('/')[0]!} lladdr ${vm.mac} dev eth0 nud reachable`);
            }
          }
        } });
        break;
      }
      default:
        break;
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
