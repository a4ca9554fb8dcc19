/**
 * Raw Ethernet frames on one Linux interface inside a network namespace, from Node, with no other
 * language at run time: an AF_PACKET socket (packet(7)) opened through libc (libc.ts).
 *
 * The socket is created inside the namespace by switching the calling thread into it with setns(2)
 * for the duration of the socket(2) call and back at once (a socket stays in the namespace it was
 * made in); nothing else runs on the thread meanwhile, since the calls are synchronous. It is bound to
 * the interface, does not see the frames it sends itself (PACKET_IGNORE_OUTGOING), and never blocks:
 * `receive` polls with MSG_DONTWAIT between short sleeps of the event loop until its timeout. The
 * EtherType filter runs in JS. Each frame read carries the kernel's receive time (SIOCGSTAMPNS), so
 * timings do not depend on how often the event loop polls.
 */
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmuError } from './errors.js';
import {
  AF_PACKET,
  CLONE_NEWNET,
  EAGAIN,
  EINTR,
  ETH_P_ALL_BE,
  MSG_DONTWAIT,
  PACKET_IGNORE_OUTGOING,
  SIOCGSTAMPNS,
  SOCK_RAW_NONBLOCK_CLOEXEC,
  SOL_PACKET,
  libc,
} from './libc.js';

/** A frame read from the interface. */
export interface ReceivedFrame {
  /** The whole Ethernet frame as received (no FCS). */
  readonly bytes: Uint8Array;
  /** Kernel receive time, nanoseconds since the Unix epoch (CLOCK_REALTIME), as a bigint. */
  readonly timeNs: bigint;
  /** The frame's EtherType (after any 802.1Q tags), or its 802.3 length field. */
  readonly etherType: number;
}

/** Options of {@link RawSocket.receive}. */
export interface ReceiveOptions {
  /** Give up after this many milliseconds (0: only what is already queued). */
  readonly timeoutMs: number;
  /** Only frames with one of these EtherTypes; others are read and discarded. Default: every frame. */
  readonly etherTypes?: readonly number[];
}

const MAX_FRAME = 65_536;
/** How long the event loop sleeps between polls of an empty socket, at most. */
const MAX_POLL_INTERVAL_MS = 4;

function etherTypeOf(bytes: Uint8Array): number {
  let offset = 12;
  let type = (bytes[offset]! << 8) | bytes[offset + 1]!;
  // 802.1Q, 802.1ad and the legacy Q-in-Q TPID.
  while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && bytes.length >= offset + 6) {
    offset += 4;
    type = (bytes[offset]! << 8) | bytes[offset + 1]!;
  }
  return type;
}

/** Runs `action` with the calling thread inside the network namespace at `nsPath`. */
export function inNamespace<T>(nsPath: string, action: () => T): T {
  const c = libc();
  const home = openSync('/proc/thread-self/ns/net', 'r');
  let target: number | undefined;
  try {
    target = openSync(nsPath, 'r');
    if (c.setns(target, CLONE_NEWNET) !== 0) throw new EmuError(`cannot enter network namespace ${nsPath} (errno ${c.errno()})`);
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: action() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    // Returning home must not fail: a thread left in a foreign namespace would be a hazard.
    if (c.setns(home, CLONE_NEWNET) !== 0) throw new Error(`could not return to the original network namespace (errno ${c.errno()})`);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  } finally {
    if (target !== undefined) closeSync(target);
    closeSync(home);
  }
}

/** See the module comment. */
export class RawSocket {
  /** The interface it is bound to. */
  readonly interfaceName: string;
  /** The interface's index inside its namespace. */
  readonly interfaceIndex: number;
  private fd: number;
  private readonly buffer = new Uint8Array(MAX_FRAME);
  private readonly address = new Uint8Array(20);
  private readonly addressLength = new Int32Array(1);
  private readonly stamp = new BigInt64Array(2);

  private constructor(fd: number, interfaceName: string, interfaceIndex: number) {
    this.fd = fd;
    this.interfaceName = interfaceName;
    this.interfaceIndex = interfaceIndex;
  }

  /**
   * Opens a raw socket on interface `interfaceName` of the network namespace whose file is `nsPath`
   * (`/run/netns/NAME` for a namespace made by `ip netns add`), or of the calling process's own
   * namespace when `nsPath` is null. Needs CAP_NET_RAW, and CAP_SYS_ADMIN to enter another namespace.
   */
  static open(nsPath: string | null, interfaceName: string): RawSocket {
    const c = libc();
    const body = (): RawSocket => {
      const index = c.ifNameToIndex(interfaceName);
      if (index === 0) throw new EmuError(`no interface ${interfaceName}${nsPath === null ? '' : ` in ${nsPath}`}`, nsPath === null ? 2 : 1);
      const fd = c.socket(AF_PACKET, SOCK_RAW_NONBLOCK_CLOEXEC, ETH_P_ALL_BE);
      if (fd < 0) {
        const errno = c.errno();
        // EPERM (1), EACCES (13): no CAP_NET_RAW.
        throw new EmuError(errno === 1 || errno === 13 ? 'no permission to open a raw socket: it needs CAP_NET_RAW (run as root)' : `socket(AF_PACKET) failed (errno ${errno}): raw sockets need root`, 2);
      }
      try {
        // struct sockaddr_ll: family, protocol (big-endian), ifindex, hatype, pkttype, halen, addr[8].
        const sll = new Uint8Array(20);
        const view = new DataView(sll.buffer);
        view.setUint16(0, AF_PACKET, true);
        view.setUint16(2, 0x0003, false);
        view.setInt32(4, index, true);
        if (c.bind(fd, sll, sll.length) !== 0) throw new EmuError(`bind to ${interfaceName} failed (errno ${c.errno()})`);
        if (c.setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, new Int32Array([1]), 4) !== 0) {
          throw new EmuError(`PACKET_IGNORE_OUTGOING failed (errno ${c.errno()}): the kernel is older than 4.20`);
        }
        // The first SIOCGSTAMPNS switches on receive timestamps for this socket (sock_gettstamp).
        c.ioctlTimespec(fd, SIOCGSTAMPNS, new BigInt64Array(2));
        return new RawSocket(fd, interfaceName, index);
      } catch (e) {
        c.close(fd);
        throw e;
      }
    };
    return nsPath === null ? body() : inNamespace(nsPath, body);
  }

  /** Whether the socket is open. */
  get open(): boolean {
    return this.fd >= 0;
  }

  /** Sends one whole Ethernet frame (destination MAC first, no FCS; the kernel does not pad it). */
  send(frame: Uint8Array): void {
    if (this.fd < 0) throw new EmuError('send on a closed raw socket');
    const c = libc();
    const n = c.send(this.fd, frame, frame.length, 0);
    if (n !== frame.length) throw new EmuError(`send on ${this.interfaceName} failed (errno ${c.errno()})`);
  }

  /** Reads one frame if one is queued now (no waiting), whatever its EtherType. */
  poll(): ReceivedFrame | null {
    if (this.fd < 0) throw new EmuError('receive on a closed raw socket');
    const c = libc();
    for (;;) {
      this.addressLength[0] = this.address.length;
      const n = c.recvfrom(this.fd, this.buffer, this.buffer.length, MSG_DONTWAIT, this.address, this.addressLength);
      if (n < 0) {
        const errno = c.errno();
        if (errno === EINTR) continue;
        if (errno === EAGAIN) return null;
        throw new EmuError(`receive on ${this.interfaceName} failed (errno ${errno})`);
      }
      if (n < 14) continue;
      const bytes = this.buffer.slice(0, n);
      const timeNs = c.ioctlTimespec(this.fd, SIOCGSTAMPNS, this.stamp) === 0
        ? this.stamp[0]! * 1_000_000_000n + this.stamp[1]!
        : BigInt(Date.now()) * 1_000_000n;
      return { bytes, timeNs, etherType: etherTypeOf(bytes) };
    }
  }

  /**
   * The next frame with one of `options.etherTypes` (any frame when not given), waiting up to
   * `options.timeoutMs`; null when none came in time.
   */
  async receive(options: ReceiveOptions): Promise<ReceivedFrame | null> {
    const deadline = Date.now() + options.timeoutMs;
    const wanted = options.etherTypes;
    let interval = 0.5;
    for (;;) {
      const frame = this.poll();
      if (frame !== null) {
        if (wanted === undefined || wanted.includes(frame.etherType)) return frame;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await sleep(Math.min(interval, left));
      interval = Math.min(MAX_POLL_INTERVAL_MS, interval * 2);
    }
  }

  /** Every frame already queued (optionally only some EtherTypes), without waiting. */
  drain(etherTypes?: readonly number[]): ReceivedFrame[] {
    const out: ReceivedFrame[] = [];
    for (let f = this.poll(); f !== null; f = this.poll()) if (etherTypes === undefined || etherTypes.includes(f.etherType)) out.push(f);
    return out;
  }

  /** Closes the socket (idempotent). */
  close(): void {
    if (this.fd < 0) return;
    libc().close(this.fd);
    this.fd = -1;
  }
}
