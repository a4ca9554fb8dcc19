/**
 * `announce`: a migration announcement sent on a real interface as raw frames (AF_PACKET), on QEMU's
 * schedule or a custom one, optionally only once the path can carry it, and optionally with a
 * notification of the move to an `agent`.
 *
 * Why wait: a frame sent the moment a link comes up can reach a bridge port that is not forwarding
 * yet and be dropped. The Linux bridge enables a port only when it handles the carrier change
 * (`br_port_carrier_check` from the NETDEV_CHANGE notifier, run by linkwatch), after the NETDEV_UP
 * notifiers (where `arp_notify` sends its GARP, net/ipv4/devinet.c) have run; with STP on, a port
 * passes listening and learning first (IEEE 802.1D §8.4). So with `waitForwarding` the first round goes
 * out only once the interface is up with carrier and every bridge port in play reads `forwarding` in
 * sysfs (`brport/state`), then after `delayMs` (for ports that cannot be read from here, such as the
 * far end of a veth or a physical switch port).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RawSocket } from '../emu/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';
import { formatIpv4, formatMac, isGroupMac, parseIpv4, parseIpv6, parseMac } from '../wire/index.js';
import { DeployError } from './errors.js';
import type { AnnouncementKind, OutgoingFrame } from './frames.js';
import { announcementFrames } from './frames.js';
import type { LinkState } from './link.js';
import { interfaceAddresses, linkReady, notReadyReason, readLink, validInterfaceName } from './link.js';
import type { MigrationEvent, NotifyResult } from './notify.js';
import { notifyAgent } from './notify.js';
import type { CustomTiming, QemuTiming } from './schedule.js';
import { QEMU_TIMING, customTimesMs, qemuTimesMs } from './schedule.js';

/** The schedules: what each round sends and when rounds go out. */
export const ANNOUNCE_SCHEDULES = ['qemu', 'garp', 'rarp', 'na', 'custom'] as const;
/** One of {@link ANNOUNCE_SCHEDULES}. */
export type AnnounceSchedule = (typeof ANNOUNCE_SCHEDULES)[number];

/** What each schedule sends per round. */
const KINDS: Record<AnnounceSchedule, readonly AnnouncementKind[]> = {
  // QEMU's RARP plus what a guest that negotiated virtio GUEST_ANNOUNCE sends each round (one GARP
  // per IPv4 address, one unsolicited NA per IPv6 address: netdev_notify_peers).
  qemu: ['rarp', 'garp', 'na'],
  garp: ['garp'],
  rarp: ['rarp'],
  na: ['na'],
  custom: ['rarp', 'garp', 'na'],
};

/** Options of {@link announce}. Addresses and MACs are text, checked here. */
export interface AnnounceOptions {
  /** The interface the frames are sent on. */
  readonly iface: string;
  /** The addresses to announce (IPv4 and IPv6). */
  readonly ips: readonly string[];
  /**
   * The MAC to announce. Default: the interface's own, and then every address must be on the
   * interface. When given (announcing for another station, such as a VM behind this host's bridge),
   * the addresses are not looked for on the interface.
   */
  readonly mac?: string;
  readonly schedule: AnnounceSchedule;
  /** QEMU timing (every schedule but custom); default QEMU's. */
  readonly qemu?: QemuTiming;
  /** Timing of the custom schedule. */
  readonly custom?: CustomTiming;
  readonly garpForm?: 'request' | 'reply';
  readonly garpTarget?: 'zero' | 'broadcast';
  /** Wait until the interface (and `port`) can carry the frames before the first round. */
  readonly waitForwarding?: boolean;
  /** Another bridge port to wait for (the VM's port when sending on the bridge); it may not exist yet. */
  readonly port?: string;
  /** Give up waiting after this long (default 30 s). */
  readonly maxWaitMs?: number;
  /** Wait this long before the first round (after the interface is ready, with waitForwarding). */
  readonly delayMs?: number;
  /** Tell an agent about the move, at the first round. */
  readonly notify?: { readonly url: string; readonly token: string; readonly from?: string; readonly to?: string; readonly newMac?: string };
  /** Called once when it has to wait for an interface, with what it waits for (for the CLI's log). */
  readonly onWait?: (what: string) => void;
  /** Called for every round sent (for the CLI's log). */
  readonly onRound?: (round: AnnounceRound) => void;
}

/** One round as sent. */
export interface AnnounceRound {
  /** Its index, from 0. */
  readonly index: number;
  /** When it went out, ms after the first round. */
  readonly atMs: number;
  /** What it held. */
  readonly frames: readonly string[];
}

/** What {@link announce} did. */
export interface AnnounceReport {
  readonly iface: string;
  readonly mac: string;
  /** How long it waited for the interface before the first round (ms). */
  readonly waitedMs: number;
  /** The first round's wall-clock time (ms since the Unix epoch). */
  readonly startedAtMs: number;
  readonly rounds: readonly AnnounceRound[];
  /** The agent's answer, when notified. */
  readonly notified: NotifyResult | null;
}

/** The checked input of a run. */
interface Plan {
  readonly mac: MacAddress;
  readonly ipv4: Ipv4Address[];
  readonly ipv6: Ipv6Address[];
  readonly frames: OutgoingFrame[];
  readonly timesMs: number[];
}

function checkNumber(name: string, value: number, min: number, max: number, integer = false): void {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new DeployError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${value}`, 2);
  }
}

/** Checks the options against each other and the interface; a DeployError (exit 2) names the first problem. */
async function plan(o: AnnounceOptions): Promise<Plan> {
  if (!validInterfaceName(o.iface)) throw new DeployError(`bad interface name ${JSON.stringify(o.iface)}`, 2);
  if (o.port !== undefined && !validInterfaceName(o.port)) throw new DeployError(`bad port name ${JSON.stringify(o.port)}`, 2);
  const link = readLink(o.iface);
  if (link === null) throw new DeployError(`no interface ${o.iface}`, 2);
  const ipv4: Ipv4Address[] = [];
  const ipv6: Ipv6Address[] = [];
  for (const text of o.ips) {
    const v4 = parseIpv4(text);
    const v6 = v4 === undefined ? parseIpv6(text) : undefined;
    if (v4 !== undefined) ipv4.push(v4);
    else if (v6 !== undefined) ipv6.push(v6);
    else throw new DeployError(`--ip ${text}: not an IPv4 or IPv6 address`, 2);
  }
  let mac: MacAddress;
  if (o.mac !== undefined) {
    const parsed = parseMac(o.mac);
    if (parsed === undefined || isGroupMac(parsed)) throw new DeployError(`--mac ${o.mac}: not a unicast MAC address`, 2);
    mac = parsed;
  } else {
    const own = parseMac(link.mac);
    if (own === undefined || own === 0) throw new DeployError(`${o.iface} has no Ethernet MAC address: give --mac`, 2);
    mac = own;
    const on = await interfaceAddresses(o.iface);
    const have = new Set(on.map((a) => a.family === 'ipv4' ? a.address : parseIpv6(a.address)));
    for (const text of o.ips) {
      const v4 = parseIpv4(text);
      const key = v4 !== undefined ? formatIpv4(v4) : parseIpv6(text);
      if (!have.has(key)) {
        throw new DeployError(`${text} is not an address of ${o.iface} (give --mac to announce for another station, such as a VM behind this host)`, 2);
      }
    }
  }
  const kinds = new Set(KINDS[o.schedule]);
  if (o.schedule === 'garp' && ipv4.length === 0) throw new DeployError('--schedule garp needs at least one IPv4 --ip', 2);
  if (o.schedule === 'na' && ipv6.length === 0) throw new DeployError('--schedule na needs at least one IPv6 --ip', 2);
  let timesMs: number[];
  if (o.schedule === 'custom') {
    const c = o.custom ?? { count: 3, intervalMs: 1000, jitterMs: 0 };
    checkNumber('--count', c.count, 1, 1000, true);
    checkNumber('--interval', c.intervalMs, 0, 3_600_000);
    checkNumber('--jitter', c.jitterMs, 0, 3_600_000);
    timesMs = customTimesMs(c);
  } else {
    const q = o.qemu ?? QEMU_TIMING;
    checkNumber('--rounds', q.rounds, 1, 1000, true);
    checkNumber('--initial', q.initialMs, 0, 3_600_000);
    checkNumber('--max', q.maxMs, 0, 3_600_000);
    checkNumber('--step', q.stepMs, 0, 3_600_000);
    timesMs = qemuTimesMs(q);
  }
  if (o.maxWaitMs !== undefined) checkNumber('--max-wait', o.maxWaitMs, 0, 86_400_000);
  if (o.delayMs !== undefined) checkNumber('--delay', o.delayMs, 0, 3_600_000);
  const frames = announcementFrames({ mac, ipv4, ipv6, kinds, garpForm: o.garpForm ?? 'request', garpTarget: o.garpTarget ?? 'zero' });
  return { mac, ipv4, ipv6, frames, timesMs };
}

/**
 * Waits until `iface` is up with carrier and forwarding (when it is a bridge port), and `port` (when
 * given) exists, has carrier and is forwarding; polls sysfs every 5 ms. Throws (exit 1) after `maxWaitMs`.
 */
export async function waitUntilForwarding(iface: string, port: string | undefined, maxWaitMs: number, onWait?: (what: string) => void): Promise<number> {
  const start = performance.now();
  let told = false;
  for (;;) {
    const links: Array<[string, LinkState | null]> = [[iface, readLink(iface)]];
    if (port !== undefined && port !== iface) links.push([port, readLink(port)]);
    const waiting = links.filter(([, l]) => !linkReady(l));
    if (waiting.length === 0) return performance.now() - start;
    if (!told) {
      told = true;
      onWait?.(waiting.map(([n, l]) => `${n} (${notReadyReason(l)})`).join(' and '));
    }
    if (links[0]![1] === null) throw new DeployError(`interface ${iface} went away while waiting for it`);
    if (performance.now() - start >= maxWaitMs) {
      throw new DeployError(`gave up after ${(maxWaitMs / 1000).toFixed(1)} s waiting for ${waiting.map(([n, l]) => `${n} (${notReadyReason(l)})`).join(' and ')} to forward`);
    }
    await sleep(5);
  }
}

/** See the module comment. Resolves when the last round is sent (and the agent has answered). */
export async function announce(o: AnnounceOptions): Promise<AnnounceReport> {
  const p = await plan(o);
  // Open the socket before waiting: no permission is said at once, not after the wait.
  const socket = RawSocket.open(null, o.iface);
  try {
    const waitStart = performance.now();
    if (o.waitForwarding === true) await waitUntilForwarding(o.iface, o.port, o.maxWaitMs ?? 30_000, o.onWait);
    if ((o.delayMs ?? 0) > 0) await sleep(o.delayMs);
    const waitedMs = performance.now() - waitStart;
    const rounds: AnnounceRound[] = [];
    const startedAtMs = Date.now();
    const t0 = performance.now();
    let notification: Promise<NotifyResult> | null = null;
    for (let i = 0; i < p.timesMs.length; i++) {
      const wait = t0 + p.timesMs[i]! - performance.now();
      if (wait > 0) await sleep(wait);
      const atMs = performance.now() - t0;
      for (const f of p.frames) {
        try {
          socket.send(f.bytes);
        } catch (e) {
          const link = readLink(o.iface);
          throw new DeployError(`sending on ${o.iface} failed (${notReadyReason(link) === 'ready' ? (e as Error).message : notReadyReason(link)})`);
        }
      }
      const round = { index: i, atMs, frames: p.frames.map((f) => f.text) };
      rounds.push(round);
      o.onRound?.(round);
      if (i === 0 && o.notify !== undefined) {
        const event: MigrationEvent = {
          addresses: [...o.ips],
          mac: formatMac(p.mac),
          ...(o.notify.newMac !== undefined ? { newMac: o.notify.newMac } : {}),
          ...(o.notify.from !== undefined ? { from: o.notify.from } : {}),
          ...(o.notify.to !== undefined ? { to: o.notify.to } : {}),
        };
        notification = notifyAgent(o.notify.url, o.notify.token, event);
        // Reported after the last round; never an unhandled rejection meanwhile.
        notification.catch(() => undefined);
      }
    }
    const notified = notification === null ? null : await notification;
    return { iface: o.iface, mac: formatMac(p.mac), waitedMs, startedAtMs, rounds, notified };
  } finally {
    socket.close();
  }
}
