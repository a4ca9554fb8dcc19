/**
 * A synthetic capture of the size the analysis benchmark needs, as a gateway-side mirror port of a
 * busy subnet would record it: 200 VMs each receiving a 50 packets/s UDP stream (160-byte frames)
 * and answering a 1/s ping, two TCP transfers of 500 segments/s (1,514 bytes, one ACK per two), ARP
 * refreshes, and every 30 s one VM that live-migrates: its stream and pings stop for 300 ms, then it
 * sends three gratuitous ARPs (every third move a new MAC, every fifth a QEMU RARP round instead).
 * Frames are built once per flow and only their changing fields (IP identification, ICMP sequence,
 * TCP sequence) are rewritten per packet, so writing is fast; checksums are left as built (the
 * analysis does not verify data checksums, and tshark does not by default).
 */
import type { Ipv4Address, MacAddress } from '../src/wire/index.js';
import {
  AtomicFileSink,
  MAC_BROADCAST,
  PcapWriter,
  arpAnnouncement,
  arpReply,
  arpRequest,
  emitFrame,
  ethernetFrame,
  icmpv4Echo,
  rarpAnnounce,
} from '../src/wire/index.js';

const GATEWAY_MAC = 0x02005e0000fe as MacAddress;
const GATEWAY_IP = 0xc6120001 as Ipv4Address;
const VMS = 200;
const vmMac = (i: number): MacAddress => (0x020000000100 + i) as MacAddress;
const vmIp = (i: number): Ipv4Address => (0xc6120000 + 10 + i) as Ipv4Address;

function udpFrame(src: MacAddress, dst: MacAddress, from: Ipv4Address, to: Ipv4Address, size: number): Uint8Array {
  return emitFrame(ethernetFrame(dst, src, {
    kind: 'ipv4', typeOfService: 0, identification: 0, flags: 2, fragmentOffset: 0, timeToLive: 64, protocol: 17,
    source: from, destination: to, options: new Uint8Array(0),
    payload: { kind: 'udp', sourcePort: 43000, destinationPort: 43000, payload: { kind: 'raw', bytes: new Uint8Array(size) } },
  }));
}

function tcpFrame(src: MacAddress, dst: MacAddress, from: Ipv4Address, to: Ipv4Address, sport: number, dport: number, payload: number): Uint8Array {
  const tcp = new Uint8Array(20 + payload);
  tcp[0] = sport >>> 8; tcp[1] = sport & 0xff; tcp[2] = dport >>> 8; tcp[3] = dport & 0xff;
  tcp[12] = 5 << 4; tcp[13] = 0x10;
  return emitFrame(ethernetFrame(dst, src, {
    kind: 'ipv4', typeOfService: 0, identification: 0, flags: 2, fragmentOffset: 0, timeToLive: 64, protocol: 6,
    source: from, destination: to, options: new Uint8Array(0), payload: { kind: 'raw', bytes: tcp },
  }));
}

function echoFrame(src: MacAddress, dst: MacAddress, from: Ipv4Address, to: Ipv4Address, type: 0 | 8, id: number): Uint8Array {
  return emitFrame(ethernetFrame(dst, src, {
    kind: 'ipv4', typeOfService: 0, identification: 0, flags: 2, fragmentOffset: 0, timeToLive: 64, protocol: 1,
    source: from, destination: to, options: new Uint8Array(0), payload: icmpv4Echo(type, id, 0, new Uint8Array(56)),
  }));
}

/** A time-ordered queue of packet writes (binary heap by time, then by insertion). */
class Schedule {
  private readonly times: number[] = [];
  private readonly order: number[] = [];
  private readonly actions: Array<(t: number) => void> = [];
  private added = 0;

  at(t: number, action: (t: number) => void): void {
    this.times.push(t);
    this.order.push(this.added++);
    this.actions.push(action);
    let i = this.times.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Runs the earliest action; false when empty. */
  runNext(): boolean {
    const n = this.times.length;
    if (n === 0) return false;
    const t = this.times[0]!;
    const action = this.actions[0]!;
    this.swap(0, n - 1);
    this.times.pop();
    this.order.pop();
    this.actions.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.times.length && this.before(l, m)) m = l;
      if (r < this.times.length && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    action(t);
    return true;
  }

  private before(a: number, b: number): boolean {
    return this.times[a]! < this.times[b]! || (this.times[a] === this.times[b] && this.order[a]! < this.order[b]!);
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.order[a], this.order[b]] = [this.order[b]!, this.order[a]!];
    [this.actions[a], this.actions[b]] = [this.actions[b]!, this.actions[a]!];
  }
}

function macBytes(mac: number): number[] {
  return [0, 1, 2, 3, 4, 5].map((k) => Math.floor(mac / 2 ** (8 * (5 - k))) % 256);
}

/** Writes about `bytes` bytes of capture to `path`; returns frames written, the moves made and the span. */
export function writeMigrationCapture(path: string, bytes: number): { frames: number; moves: number; seconds: number } {
  const writer = new PcapWriter(new AtomicFileSink(path));
  const schedule = new Schedule();
  let written = 0;
  let frames = 0;
  let last = 0;
  const base = 1_800_000_000;
  const put = (t: number, frame: Uint8Array): void => {
    writer.write(base + Math.floor(t / 1e9), t % 1e9, frame);
    written += 16 + frame.length;
    frames++;
    last = t;
  };
  const every = (first: number, interval: number, action: (t: number) => void): void => {
    const run = (t: number): void => {
      action(t);
      schedule.at(t + interval, run);
    };
    schedule.at(first, run);
  };
  const setU16 = (b: Uint8Array, o: number, v: number): void => { b[o] = (v >>> 8) & 0xff; b[o + 1] = v & 0xff; };
  const setU32 = (b: Uint8Array, o: number, v: number): void => { setU16(b, o, v >>> 16); setU16(b, o + 2, v & 0xffff); };
  const macs = Array.from({ length: VMS }, (_, i) => vmMac(i));
  const pausedUntil = new Float64Array(VMS).fill(-1);
  for (let i = 0; i < VMS; i++) {
    const stream = udpFrame(GATEWAY_MAC, macs[i]!, GATEWAY_IP, vmIp(i), 114);
    let id = 0;
    every(1e9 + i * 97_000, 20e6, (t) => {
      setU16(stream, 18, id++ & 0xffff);
      // A capture at the gateway side sees the stream whatever happens to it further on; one on the
      // VM's side (which this imitates) sees nothing while the VM moves.
      if (t < pausedUntil[i]!) return;
      stream.set(macBytes(macs[i]!), 0);
      put(t, stream);
    });
    const request = echoFrame(GATEWAY_MAC, macs[i]!, GATEWAY_IP, vmIp(i), 8, i);
    const reply = echoFrame(macs[i]!, GATEWAY_MAC, vmIp(i), GATEWAY_IP, 0, i);
    let seq = 0;
    every(1e9 + i * 4_999_000, 1e9, (t) => {
      setU16(request, 40, seq);
      const s = seq;
      seq = (seq + 1) & 0xffff;
      request.set(macBytes(macs[i]!), 0);
      put(t, request);
      if (t < pausedUntil[i]!) return;
      schedule.at(t + 150_000, (u) => {
        setU16(reply, 40, s);
        reply.set(macBytes(macs[i]!), 6);
        put(u, reply);
      });
    });
    every(2e9 + i * 149_000_000, 30e9, (t) => {
      put(t, emitFrame(ethernetFrame(macs[i]!, GATEWAY_MAC, arpRequest(GATEWAY_MAC, GATEWAY_IP, vmIp(i)))));
      schedule.at(t + 40_000, (u) => put(u, emitFrame(ethernetFrame(GATEWAY_MAC, macs[i]!, arpReply(macs[i]!, vmIp(i), GATEWAY_MAC, GATEWAY_IP)))));
    });
  }
  for (let k = 0; k < 2; k++) {
    const host = (0xc6120000 + 240 + k) as Ipv4Address;
    const hostMac = (0x020000000f00 + k) as MacAddress;
    const data = tcpFrame(hostMac, GATEWAY_MAC, host, GATEWAY_IP, 50000 + k, 443, 1460);
    const ack = tcpFrame(GATEWAY_MAC, hostMac, GATEWAY_IP, host, 443, 50000 + k, 0);
    let sequence = 0;
    let segments = 0;
    every(1e9 + k * 31_000, 2e6, (t) => {
      setU32(data, 38, sequence);
      sequence = (sequence + 1460) >>> 0;
      put(t, data);
      if (++segments % 2 === 0) {
        const acked = sequence;
        schedule.at(t + 30_000, (u) => {
          setU32(ack, 42, acked);
          put(u, ack);
        });
      }
    });
  }
  let moves = 0;
  every(20e9, 30e9, (t) => {
    const i = (moves * 37) % VMS;
    const resume = t + 300e6;
    pausedUntil[i] = resume;
    if (moves % 3 === 2) macs[i] = (macs[i]! + 0x010000000000) as MacAddress;
    const rarp = moves % 5 === 4;
    for (let r = 0; r < 3; r++) {
      const frame = emitFrame(ethernetFrame(MAC_BROADCAST, macs[i]!, rarp ? rarpAnnounce(macs[i]!) : arpAnnouncement(macs[i]!, vmIp(i))));
      schedule.at(resume + r * 100e6, (u) => put(u, frame));
    }
    moves++;
  });
  while (written < bytes && schedule.runNext()) { /* writes in time order */ }
  writer.close();
  return { frames, moves, seconds: last / 1e9 };
}
