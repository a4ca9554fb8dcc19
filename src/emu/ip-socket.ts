/**
 * IP sockets inside a network namespace, from Node, through libc (libc.ts): UDP datagram sockets
 * (udp(7)) and raw ICMP / ICMPv6 sockets (raw(7)) whose packets go through the namespace's own
 * kernel stack: its routing, its neighbour table (ARP, ND) and its queues, as any application's do.
 * That is the point of them: a frame sent on a raw AF_PACKET socket (raw-socket.ts) bypasses address
 * resolution, a datagram sent here waits for it.
 *
 * The socket is made inside the namespace as raw-socket.ts makes its own (setns(2) around socket(2)).
 * It never blocks: a send that finds the queue full (EAGAIN, e.g. while the kernel still resolves
 * the destination and its queue of unresolved packets, `unres_qlen`, is full) counts as a drop, as a
 * real application's lost datagram. For raw ICMPv6 the kernel computes the checksum (RFC 3542 §3.1,
 * Linux `rawv6_push_pending_frames`); for ICMPv4 the caller provides it.
 */
import { EmuError } from './errors.js';
import {
  AF_INET,
  AF_INET6,
  EAGAIN,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_UDP,
  SOCK_DGRAM_NONBLOCK_CLOEXEC,
  SOCK_RAW_NONBLOCK_CLOEXEC,
  libc,
} from './libc.js';
import { inNamespace } from './raw-socket.js';

/** What the socket carries. */
export type IpSocketKind = 'udp' | 'icmp';

/** Options of {@link IpSocket.open}. */
export interface IpSocketOptions {
  readonly family: 'ipv4' | 'ipv6';
  readonly kind: IpSocketKind;
  /** Bind to this UDP port (a receiver: the kernel then delivers the datagrams rather than answering port unreachable). */
  readonly bindPort?: number;
}

function parseIpv4Text(text: string): Uint8Array {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new EmuError(`bad IPv4 address ${text}`, 2);
  return Uint8Array.from(parts);
}

function parseIpv6Text(text: string): Uint8Array {
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const groups = (s: string | undefined): number[] => (s === undefined || s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (all.length !== 8 || all.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) throw new EmuError(`bad IPv6 address ${text}`, 2);
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** `struct sockaddr_in` / `sockaddr_in6` for `address` and `port` (family in host order, the rest in network order). */
export function socketAddress(family: 'ipv4' | 'ipv6', address: string, port: number): Uint8Array {
  if (family === 'ipv4') {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setUint16(0, AF_INET, true);
    view.setUint16(2, port, false);
    out.set(parseIpv4Text(address), 4);
    return out;
  }
  const out = new Uint8Array(28);
  const view = new DataView(out.buffer);
  view.setUint16(0, AF_INET6, true);
  view.setUint16(2, port, false);
  out.set(parseIpv6Text(address), 8);
  return out;
}

/** See the module comment. */
export class IpSocket {
  readonly family: 'ipv4' | 'ipv6';
  readonly kind: IpSocketKind;
  /** Sends the kernel refused because its queue was full (EAGAIN). */
  dropped = 0;
  private fd: number;

  private constructor(fd: number, family: 'ipv4' | 'ipv6', kind: IpSocketKind) {
    this.fd = fd;
    this.family = family;
    this.kind = kind;
  }

  /** Opens a socket in the namespace whose file is `nsPath`. Raw ICMP needs CAP_NET_RAW. */
  static open(nsPath: string, options: IpSocketOptions): IpSocket {
    const c = libc();
    const domain = options.family === 'ipv4' ? AF_INET : AF_INET6;
    const [type, protocol] = options.kind === 'udp'
      ? [SOCK_DGRAM_NONBLOCK_CLOEXEC, IPPROTO_UDP]
      : [SOCK_RAW_NONBLOCK_CLOEXEC, options.family === 'ipv4' ? IPPROTO_ICMP : IPPROTO_ICMPV6];
    return inNamespace(nsPath, () => {
      const fd = c.socket(domain, type, protocol);
      if (fd < 0) throw new EmuError(`socket(${options.family} ${options.kind}) failed (errno ${c.errno()})`, 2);
      if (options.bindPort !== undefined) {
        const any = socketAddress(options.family, options.family === 'ipv4' ? '0.0.0.0' : '::', options.bindPort);
        if (c.bind(fd, any, any.length) !== 0) {
          const errno = c.errno();
          c.close(fd);
          throw new EmuError(`bind to port ${options.bindPort} failed (errno ${errno})`);
        }
      }
      return new IpSocket(fd, options.family, options.kind);
    });
  }

  /** Sends `payload` (UDP payload, or a whole ICMP message) to `address` (`port` for UDP); false when the kernel's queue was full. */
  sendTo(payload: Uint8Array, address: string, port = 0): boolean {
    if (this.fd < 0) throw new EmuError('send on a closed IP socket');
    const c = libc();
    const to = socketAddress(this.family, address, this.kind === 'udp' ? port : 0);
    const n = c.sendto(this.fd, payload, payload.length, 0, to, to.length);
    if (n === payload.length) return true;
    const errno = c.errno();
    // EAGAIN: the queue is full; EHOSTUNREACH / ENETUNREACH after failed resolution (an ICMP error
    // queued on the socket): the datagram is lost, as an application's would be.
    if (errno === EAGAIN || errno === 113 || errno === 101 || errno === 111) {
      this.dropped++;
      return false;
    }
    throw new EmuError(`sendto ${address} failed (errno ${errno})`);
  }

  /** Closes the socket (idempotent). */
  close(): void {
    if (this.fd < 0) return;
    libc().close(this.fd);
    this.fd = -1;
  }
}
