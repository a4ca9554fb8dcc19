/**
 * What the agent does to the gateway's neighbour table, in the namespace it runs in:
 *
 * - read an entry: `ip -j neigh show to ADDR dev IF` (iproute2 over rtnetlink RTM_GETNEIGH);
 * - replace it when the VM's MAC changed: `ip neigh replace ADDR lladdr MAC dev IF nud reachable`
 *   (RTM_NEWNEIGH with NLM_F_CREATE | NLM_F_REPLACE, NUD_REACHABLE: the kernel then ages it as any
 *   confirmed entry, net/core/neighbour.c `neigh_add`);
 * - re-resolve it when the MAC did not change: a broadcast ARP request (RFC 826) or a multicast
 *   Neighbor Solicitation with SLLAO to the solicited-node group (RFC 4861 §7.2.2), built here and
 *   sent now through a raw socket on the interface. It reaches the VM wherever it is, and its answer,
 *   sent from the new place, re-teaches every switch on the way and confirms the gateway's entry
 *   (arp_process: a reply to us makes the entry REACHABLE; ndisc_recv_na: a solicited NA). Marking the
 *   entry STALE instead would wait out DELAY and send unicast probes along the stale path first.
 */
import ipaddr from 'ipaddr.js';
import type { NeighborRow } from '../emu/index.js';
import { RawSocket, parseNeighborJson } from '../emu/index.js';
import type { Ipv4Address, Ipv6Address, MacAddress } from '../wire/index.js';
import { formatMac, ipv4InSubnet, isLinkLocalIpv6, parseFrame, parseIpv4, parseIpv6, parseMac } from '../wire/index.js';
import { DeployError } from './errors.js';
import { arpRequestFrame, neighborSolicitationFrame } from './frames.js';
import type { InterfaceAddress } from './link.js';
import { interfaceAddresses, ip, readLink } from './link.js';

/** A neighbour entry, as far as an answer tells it. */
export interface EntryState {
  readonly lladdr: string | null;
  readonly state: string;
}

/** Reads the entry for `address` on `device`, or null when there is none. */
export async function readNeighbor(address: string, device: string): Promise<EntryState | null> {
  const rows: NeighborRow[] = parseNeighborJson(await ip(['-j', 'neigh', 'show', 'to', address, 'dev', device]));
  const row = rows.find((r) => r.address === address) ?? rows[0];
  return row === undefined ? null : { lladdr: row.lladdr, state: row.state };
}

/** Replaces the entry for `address` on `device` with `mac`, REACHABLE. */
export async function replaceNeighbor(address: string, mac: string, device: string): Promise<void> {
  await ip(['neigh', 'replace', address, 'lladdr', mac, 'dev', device, 'nud', 'reachable']);
}

/** A resolution waiting for its answer on the shared socket. */
interface Waiter {
  readonly match: (bytes: Uint8Array) => MacAddress | null;
  readonly deadline: number;
  readonly done: (mac: string | null) => void;
}

/**
 * The raw socket and own addresses of one interface, opened on first use. Several resolutions may
 * run at once: each registers what answers it before its request goes out, and one receive loop on
 * the socket hands every frame to each resolution it answers (two resolutions of the same address
 * share its answer).
 */
export class Resolver {
  readonly device: string;
  private socket: RawSocket | null = null;
  private addresses: { at: number; list: Promise<InterfaceAddress[]> } | null = null;
  private readonly waiters = new Set<Waiter>();
  private receiving = false;

  constructor(device: string) {
    this.device = device;
  }

  /**
   * Sends a broadcast ARP request (IPv4) or a multicast NS (IPv6) for `address` now, and waits up to
   * `timeoutMs` for the answer; returns what was sent and the MAC that answered (null: none in time).
   */
  async resolve(address: string, timeoutMs: number): Promise<{ sent: 'arp-request' | 'neighbor-solicitation'; answeredBy: string | null }> {
    const link = readLink(this.device);
    if (link === null) throw new DeployError(`no interface ${this.device}`);
    const mac = parseMac(link.mac);
    if (mac === undefined) throw new DeployError(`${this.device} has no MAC address`);
    const own = await this.ownAddresses();
    const v4 = parseIpv4(address);
    if (v4 !== undefined) {
      const sources = own.filter((a) => a.family === 'ipv4');
      const source = sources.find((a) => ipv4InSubnet(v4, parseIpv4(a.address)!, a.prefixLength)) ?? sources[0];
      if (source === undefined) throw new DeployError(`${this.device} has no IPv4 address to ask from`);
      const answer = this.expect((b) => arpAnswer(b, v4), timeoutMs);
      this.socket!.send(arpRequestFrame(mac, parseIpv4(source.address)!, v4).bytes);
      return { sent: 'arp-request', answeredBy: await answer };
    }
    const v6 = parseIpv6(address);
    if (v6 === undefined) throw new DeployError(`${address} is not an IP address`);
    const sources = own.filter((a) => a.family === 'ipv6').map((a) => ({ ...a, parsed: parseIpv6(a.address)! }));
    // A global address of the same prefix where there is one (as the kernel would choose), else link-local.
    const source = sources.find((a) => !isLinkLocalIpv6(a.parsed) && samePrefix(a.parsed, v6, a.prefixLength)) ?? sources.find((a) => isLinkLocalIpv6(a.parsed)) ?? sources[0];
    if (source === undefined) throw new DeployError(`${this.device} has no IPv6 address to ask from`);
    const answer = this.expect((b) => naAnswer(b, v6), timeoutMs);
    this.socket!.send(neighborSolicitationFrame(mac, source.parsed, v6).bytes);
    return { sent: 'neighbor-solicitation', answeredBy: await answer };
  }

  /** The interface's own addresses, read again after 10 s (one `ip` run less on the path of an event; resolutions at once share one). */
  private ownAddresses(): Promise<InterfaceAddress[]> {
    const now = performance.now();
    if (this.addresses === null || now - this.addresses.at > 10_000) {
      const list = interfaceAddresses(this.device);
      this.addresses = { at: now, list };
      // A failed read is not kept for the next resolution.
      list.catch(() => { if (this.addresses?.list === list) this.addresses = null; });
    }
    return this.addresses.list;
  }

  /**
   * Registers an answer to wait for (before its request is sent, so a quick answer is not missed);
   * resolves with the MAC that answered, or null after `timeoutMs`. Frames that arrived while nothing
   * was waiting are old and dropped.
   */
  private expect(match: (bytes: Uint8Array) => MacAddress | null, timeoutMs: number): Promise<string | null> {
    this.socket ??= RawSocket.open(null, this.device);
    if (this.waiters.size === 0) this.socket.drain();
    const answer = new Promise<string | null>((resolve) => {
      this.waiters.add({ match, deadline: Date.now() + timeoutMs, done: resolve });
    });
    if (!this.receiving) void this.receive();
    return answer;
  }

  /** The one receive loop: runs while a resolution waits. */
  private async receive(): Promise<void> {
    this.receiving = true;
    try {
      while (this.waiters.size > 0) {
        const now = Date.now();
        for (const w of this.waiters) {
          if (w.deadline > now) continue;
          this.waiters.delete(w);
          w.done(null);
        }
        if (this.waiters.size === 0 || this.socket === null) break;
        const left = Math.min(...[...this.waiters].map((w) => w.deadline)) - now;
        const frame = await this.socket.receive({ timeoutMs: left, etherTypes: [0x0806, 0x86dd] });
        if (frame === null) continue;
        for (const w of this.waiters) {
          const who = w.match(frame.bytes);
          if (who === null) continue;
          this.waiters.delete(w);
          w.done(formatMac(who));
        }
      }
    } catch {
      // The socket failed or was closed: the resolutions waiting get no answer (below).
    } finally {
      this.receiving = false;
      // Closed while waiting: nobody is answered any more.
      for (const w of this.waiters) w.done(null);
      this.waiters.clear();
    }
  }

  /** Closes the socket. */
  close(): void {
    this.socket?.close();
    this.socket = null;
  }
}

function samePrefix(a: Ipv6Address, b: Ipv6Address, length: number): boolean {
  return ipaddr.IPv6.parse(a).match(ipaddr.IPv6.parse(b), length);
}

function arpAnswer(bytes: Uint8Array, target: Ipv4Address): MacAddress | null {
  try {
    const f = parseFrame(bytes);
    const p = f.payload;
    if (p.kind === 'arp' && p.operation === 2 && p.senderProtocolAddress === target) return p.senderHardwareAddress;
  } catch {
    // Not a frame we can read: not the answer.
  }
  return null;
}

function naAnswer(bytes: Uint8Array, target: Ipv6Address): MacAddress | null {
  try {
    const f = parseFrame(bytes);
    const p = f.payload;
    if (p.kind === 'ipv6' && p.payload.kind === 'icmpv6' && p.payload.type === 'na' && p.payload.targetAddress === target) {
      const o = p.payload.options.find((x) => x.kind === 'target-link-layer');
      return o !== undefined && o.kind === 'target-link-layer' ? o.address : f.source;
    }
  } catch {
    // Not a frame we can read: not the answer.
  }
  return null;
}
