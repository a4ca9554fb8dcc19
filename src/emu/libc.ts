/**
 * The few libc calls the raw-frame layer needs, bound at run time through koffi (an FFI library that
 * ships its compiled binding for each platform inside its npm packages, so nothing is built or
 * downloaded at install time). Loaded on first use only: nothing else in arpshift pays for it.
 *
 * Calls and constants (Linux UAPI, glibc or musl): socket(2) with AF_PACKET (packet(7)), bind(2) to a
 * `sockaddr_ll`, send(2), sendto(2) (IP datagram and raw sockets, ip-socket.ts), recvfrom(2) with MSG_DONTWAIT, setsockopt(2) PACKET_IGNORE_OUTGOING (Linux
 * 4.20), ioctl(2) SIOCGSTAMPNS (the kernel's receive time of the last frame read, socket(7)),
 * setns(2) with CLONE_NEWNET, close(2), if_nametoindex(3).
 */
import { createRequire } from 'node:module';

/** AF_PACKET, packet(7). */
export const AF_PACKET = 17;
/** SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC. */
export const SOCK_RAW_NONBLOCK_CLOEXEC = 3 | 0o4000 | 0o2000000;
/** ETH_P_ALL in network byte order (htons(0x0003)). */
export const ETH_P_ALL_BE = 0x0300;
/** recvfrom flag: do not block. */
export const MSG_DONTWAIT = 0x40;
/** SOL_PACKET and PACKET_IGNORE_OUTGOING (include/uapi/linux/if_packet.h). */
export const SOL_PACKET = 263;
export const PACKET_IGNORE_OUTGOING = 23;
/** SIOCGSTAMPNS (include/uapi/asm-generic/sockios.h). */
export const SIOCGSTAMPNS = 0x8907;
/** CLONE_NEWNET, for setns(2). */
export const CLONE_NEWNET = 0x40000000;
/** errno values that mean "try again". */
export const EAGAIN = 11;
export const EINTR = 4;
/** AF_INET, AF_INET6 (include/linux/socket.h). */
export const AF_INET = 2;
export const AF_INET6 = 10;
/** SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC and SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC. */
export const SOCK_DGRAM_NONBLOCK_CLOEXEC = 2 | 0o4000 | 0o2000000;
/** IPPROTO_ICMP, IPPROTO_UDP, IPPROTO_ICMPV6 (include/uapi/linux/in.h, in6.h). */
export const IPPROTO_ICMP = 1;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

/** The bound functions. */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, address: Uint8Array, length: number): number;
  send(fd: number, data: Uint8Array, length: number, flags: number): number;
  sendto(fd: number, data: Uint8Array, length: number, flags: number, address: Uint8Array, addressLength: number): number;
  recvfrom(fd: number, buffer: Uint8Array, length: number, flags: number, address: Uint8Array, addressLength: Int32Array): number;
  setsockopt(fd: number, level: number, name: number, value: Int32Array, length: number): number;
  ioctlTimespec(fd: number, request: number, out: BigInt64Array): number;
  setns(fd: number, nstype: number): number;
  close(fd: number): number;
  ifNameToIndex(name: string): number;
  /** The calling thread's errno after a failed call. */
  errno(): number;
}

let bound: Libc | undefined;

/** libc, bound on first use. Throws when koffi or libc cannot be loaded. */
export function libc(): Libc {
  if (bound !== undefined) return bound;
  const require = createRequire(import.meta.url);
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load('libc.so.6');
  const socket = lib.func('int socket(int, int, int)');
  const bind = lib.func('int bind(int, const uint8_t *, uint32_t)');
  const send = lib.func('intptr_t send(int, const uint8_t *, size_t, int)');
  const sendto = lib.func('intptr_t sendto(int, const uint8_t *, size_t, int, const uint8_t *, uint32_t)');
  const recvfrom = lib.func('intptr_t recvfrom(int, _Out_ uint8_t *, size_t, int, _Out_ uint8_t *, _Inout_ int32_t *)');
  const setsockopt = lib.func('int setsockopt(int, int, int, const int32_t *, uint32_t)');
  const ioctl = lib.func('int ioctl(int, unsigned long, _Out_ int64_t *)');
  const setns = lib.func('int setns(int, int)');
  const close = lib.func('int close(int)');
  const ifNameToIndex = lib.func('unsigned int if_nametoindex(const char *)');
  bound = {
    socket: (d, t, p) => socket(d, t, p) as number,
    bind: (fd, a, l) => bind(fd, a, l) as number,
    send: (fd, d, l, f) => Number(send(fd, d, l, f)),
    sendto: (fd, d, l, f, a, al) => Number(sendto(fd, d, l, f, a, al)),
    recvfrom: (fd, b, l, f, a, al) => Number(recvfrom(fd, b, l, f, a, al)),
    setsockopt: (fd, level, name, v, l) => setsockopt(fd, level, name, v, l) as number,
    ioctlTimespec: (fd, r, out) => ioctl(fd, r, out) as number,
    setns: (fd, t) => setns(fd, t) as number,
    close: (fd) => close(fd) as number,
    ifNameToIndex: (n) => ifNameToIndex(n) as number,
    errno: () => koffi.errno(),
  };
  return bound;
}
