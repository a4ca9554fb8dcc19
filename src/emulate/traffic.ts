/**
 * The scenario's traffic, sent by arpshift through the namespaces' own kernel stacks: a UDP flow is
 * a datagram socket in the sender's namespace (and a bound socket in the receiver's, so its kernel
 * takes the datagrams rather than answering port unreachable, as the simulator's receivers stay
 * silent); a ping flow is a raw ICMP / ICMPv6 socket sending echo requests, answered by the
 * receiver's kernel (unless icmp_echo_ignore_all). Each packet leaves at the flow's start plus
 * k / rate on the run's clock, before its stop and for k below its `packets`; a sender whose node
 * is paused (a VM in stop-and-copy) skips its packets meanwhile, as the simulator's paused VM sends
 * nothing.
 */
import type { IpSocket, Namespace } from '../emu/index.js';
import type { Model, Scenario } from '../scenario/index.js';
import { icmpv4Codec, icmpv4Echo } from '../wire/index.js';

/** ICMPv6 echo request (RFC 4443 §4.1). */
const ICMPV6_ECHO_REQUEST = 128;
/** First UDP port; flow i uses this + i. */
const UDP_BASE_PORT = 40_000;
/** First ICMP echo identifier; flow i's pair j uses this + 16 i + j. */
const ECHO_BASE_ID = 0x4100;

/**
 * When a flow of the scenario sends its last packet (ns, on the run's clock), by its own settings:
 * the k-th packet leaves at start + k / rate, while that is before its `stop` and k is below its
 * `packets`; -Infinity when it sends none.
 */
export function lastSendNs(flow: Scenario['traffic'][number]): number {
  const interval = 1e9 / flow.rate;
  const sends = Math.min(Math.ceil((flow.stop - flow.start) / interval), flow.packets ?? Infinity);
  return sends > 0 ? flow.start + (sends - 1) * interval : -Infinity;
}

/** One sender of one flow. */
interface Sender {
  readonly flow: string;
  readonly from: string;
  readonly socket: IpSocket;
  readonly address: string;
  readonly port: number;
  readonly kind: 'udp' | 'ping';
  readonly identifier: number;
  readonly payload: Uint8Array;
  readonly startMs: number;
  readonly stopMs: number;
  readonly intervalMs: number;
  /** Packets the flow sends at most (its `packets`; Infinity when only its stop ends it). */
  readonly packets: number;
  sent: number;
}

/** The running traffic of a run. */
export class Traffic {
  private readonly senders: Sender[] = [];
  private readonly paused = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private t0 = 0;

  /**
   * Opens every flow's sockets (senders and receivers) in `namespaceOf(node)`, which returns null for
   * a receiver that is no node (an address nobody has: nothing receives there).
   */
  constructor(scenario: Scenario, model: Model, namespaceOf: (node: string) => Namespace | null) {
    scenario.traffic.forEach((t, i) => {
      const built = model.traffic[i]!;
      if (t.kind === 'request-response') return;
      built.records.forEach((r, j) => {
        const family = r.address.includes(':') ? 'ipv6' : 'ipv4';
        const port = UDP_BASE_PORT + i;
        if (t.kind === 'udp') namespaceOf(r.to)?.ipSocket({ family, kind: 'udp', bindPort: port });
        const sender = namespaceOf(r.from);
        if (sender === null) throw new RangeError(`flow ${built.name}: no sender ${r.from} in the lab`);
        const socket = sender.ipSocket({ family, kind: t.kind === 'udp' ? 'udp' : 'icmp' });
        this.senders.push({
          flow: built.name, from: r.from, socket, address: r.address, port, kind: t.kind, identifier: ECHO_BASE_ID + 16 * i + j,
          payload: new Uint8Array(t.size), startMs: t.start / 1e6, stopMs: t.stop / 1e6, intervalMs: 1000 / t.rate, packets: t.packets ?? Infinity, sent: 0,
        });
      });
    });
  }

  /** Starts sending, with the run's clock at 0 at `t0` (performance.now() ms). */
  start(t0: number): void {
    this.t0 = t0;
    const tick = (): void => {
      const now = performance.now() - this.t0;
      let next = Infinity;
      for (const s of this.senders) {
        for (;;) {
          const due = s.startMs + s.sent * s.intervalMs;
          if (due >= s.stopMs || s.sent >= s.packets) break;
          if (due > now) {
            next = Math.min(next, due);
            break;
          }
          if (!this.paused.has(s.from)) this.send(s);
          s.sent++;
        }
      }
      if (next !== Infinity) this.timer = setTimeout(tick, Math.max(0, next - (performance.now() - this.t0)));
      else this.timer = null;
    };
    tick();
  }

  /** Pauses or resumes every sender on `node`. */
  setPaused(node: string, paused: boolean): void {
    if (paused) this.paused.add(node);
    else this.paused.delete(node);
  }

  /** Stops sending (sockets are closed with the lab). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Packets each flow handed to its kernel, and those the kernel refused (queue full, unreachable). */
  counts(): Array<{ flow: string; sent: number; refused: number }> {
    return this.senders.map((s) => ({ flow: s.flow, sent: s.sent, refused: s.socket.dropped }));
  }

  private send(s: Sender): void {
    if (s.kind === 'udp') {
      s.socket.sendTo(s.payload, s.address, s.port);
      return;
    }
    const sequence = s.sent & 0xffff;
    if (s.socket.family === 'ipv4') {
      const message = icmpv4Echo(8, s.identifier, sequence, s.payload);
      const out = new Uint8Array(icmpv4Codec.encodedLength(message));
      icmpv4Codec.emit(message, out, 0, undefined);
      s.socket.sendTo(out, s.address);
    } else {
      // The kernel fills in the checksum of a raw ICMPv6 socket's messages (RFC 3542 §3.1).
      const out = new Uint8Array(8 + s.payload.length);
      out[0] = ICMPV6_ECHO_REQUEST;
      out[4] = s.identifier >> 8;
      out[5] = s.identifier & 0xff;
      out[6] = sequence >> 8;
      out[7] = sequence & 0xff;
      out.set(s.payload, 8);
      s.socket.sendTo(out, s.address);
    }
  }
}
