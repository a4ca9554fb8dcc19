/**
 * `agent`: a small HTTP + JSON service on a Linux gateway that takes migration events from the
 * management plane (an orchestrator, or `announce --notify`) and repairs the gateway's neighbour
 * entries at once instead of waiting for its timers (neighbors.ts says how).
 *
 * API: `POST /v1/migrations` with `Authorization: Bearer TOKEN` (RFC 6750 §2.1) and a JSON event
 * (`eventSchema`); answers 200 with what it changed. `GET /v1/health` answers 200 without a token.
 * Refusals, each answered with `{ "error": CODE, "message": … }` and changing nothing: 401 bad or
 * missing token, 429 over the rate limit (with Retry-After), 413 body too large, 400 bad JSON or an
 * invalid event, 403 an address outside the configured prefixes or an interface not configured for
 * it, 409 an event id reused with another content, 404 / 405 unknown path or method.
 *
 * The rate limit bounds the events the agent acts on (neighbour writes and frames on the gateway's
 * links): a token bucket from which each accepted event takes one (a duplicate too, answered again);
 * requests refused after authentication (400, 403, 409, 413) take none. With the bucket empty, an
 * authenticated request is refused with 429 before its body is read.
 *
 * Guarantees: the token is compared in constant time (SHA-256 of both, then crypto.timingSafeEqual,
 * so neither the content nor the length leaks through timing); the body is never read past
 * `maxBodyBytes`; events are handled one at a time, in arrival order (the addresses of one event
 * at once, up to 16, answered and audited in the event's order); an event seen within the
 * idempotency window (same `id`, or same content when it has none) changes nothing more and gets the
 * first answer again; one JSON audit line is written per change and per refusal; `close()` stops
 * accepting, lets the event in hand finish, and closes the raw sockets.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { formatIpv4, formatMac, parseIpv4, parseIpv6, parseMac } from '../wire/index.js';
import type { AgentConfig } from './agent-config.js';
import { parseListen } from './agent-config.js';
import { DeployError } from './errors.js';
import type { EntryState } from './neighbors.js';
import { Resolver, readNeighbor, replaceNeighbor } from './neighbors.js';
import { EVENTS_PATH } from './notify.js';

const macText = z.string().refine((s) => parseMac(s) !== undefined, 'expected a MAC address (aa:bb:cc:dd:ee:ff)');
const addressText = z.string().refine((s) => parseIpv4(s) !== undefined || parseIpv6(s) !== undefined, 'expected an IPv4 or IPv6 address');

/** The body of `POST /v1/migrations`. */
export const eventSchema = z.object({
  id: z.string().min(1).max(200).optional().describe('Makes retries idempotent (default: the event\'s content).'),
  addresses: z.array(addressText).min(1).max(64).describe('The VM\'s addresses (IPv4 and IPv6).'),
  mac: macText.describe('The VM\'s MAC before the move.'),
  newMac: macText.optional().describe('Its MAC after the move, when the move changed it.'),
  from: z.string().max(200).optional().describe('The old location (for the audit log).'),
  to: z.string().max(200).optional().describe('The new location (for the audit log).'),
  interface: z.string().max(15).optional().describe('The gateway interface; must be the one configured for the addresses.'),
}).strict();

/** What the agent did for one address. */
export interface AddressChange {
  readonly address: string;
  readonly interface: string;
  /** replaced: the entry now holds the new MAC; re-resolved: a request was sent now; unchanged: nothing to do; failed: see reason. */
  readonly action: 'replaced' | 're-resolved' | 'unchanged' | 'failed';
  readonly before: EntryState | null;
  readonly after: EntryState | null;
  readonly sent: 'arp-request' | 'neighbor-solicitation' | null;
  readonly answeredBy: string | null;
  readonly reason?: string;
}

/** The answer to an accepted event. */
export interface EventAnswer {
  readonly id: string;
  readonly duplicate: boolean;
  readonly changes: readonly AddressChange[];
}

/** Options of {@link Agent.start}. */
export interface AgentOptions {
  /** Receives each audit line (one JSON object, no newline). */
  readonly audit: (line: string) => void;
}

class Refusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** A token bucket: `capacity` at most, refilled at `capacity / perSeconds` per second. */
class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(private readonly capacity: number, private readonly perSeconds: number) {
    this.tokens = capacity;
  }

  /** Takes a token; returns 0, or the seconds until one is available. */
  take(): number {
    const wait = this.waitS();
    if (wait === 0) this.tokens -= 1;
    return wait;
  }

  /** 0 when a token is available (none is taken), else the seconds until one is. */
  waitS(): number {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * (this.capacity / this.perSeconds));
    this.last = now;
    if (this.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - this.tokens) * this.perSeconds) / this.capacity));
  }
}

/** How many addresses of one event are worked on at once (each may hold a raw-socket wait and `ip` runs). */
const APPLY_CONCURRENCY = 16;

/** `work` on every item, at most `limit` at a time; the results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** See the module comment. */
export class Agent {
  /** Where it listens (as configured). */
  readonly listen: string;
  private readonly server: Server;
  private readonly tokenHash: Buffer;
  private readonly bucket: TokenBucket;
  private readonly seen = new Map<string, { at: number; content: string; answer: EventAnswer }>();
  private readonly resolvers = new Map<string, Resolver>();
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;

  private constructor(private readonly config: AgentConfig, private readonly options: AgentOptions) {
    this.listen = config.listen;
    this.tokenHash = sha256(config.token);
    this.bucket = new TokenBucket(config.rateLimit.events, config.rateLimit.perSeconds);
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.handle(req, res).catch((e: unknown) => this.reply(req, res, 500, { error: 'internal', message: e instanceof Error ? e.message : String(e) }));
    };
    this.server = config.tls === null ? createHttpServer(handler) : createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, handler);
    // Slow or idle clients do not hold the agent: headers within 10 s, a whole request within 30 s.
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
  }

  /** Starts an agent listening as `config` says; rejects (exit 2) when it cannot listen there. */
  static async start(config: AgentConfig, options: AgentOptions): Promise<Agent> {
    const agent = new Agent(config, options);
    const where = parseListen(config.listen);
    if (where === null) throw new DeployError(`cannot listen on ${config.listen}`, 2);
    await new Promise<void>((resolve, reject) => {
      agent.server.once('error', (e: NodeJS.ErrnoException) => reject(new DeployError(`cannot listen on ${config.listen}: ${e.code === 'EADDRINUSE' ? 'address in use' : e.code === 'EACCES' ? 'permission denied' : e.message}`, 2)));
      if (where.kind === 'unix') agent.server.listen(where.path, () => resolve());
      else agent.server.listen(where.port, where.host, () => resolve());
    });
    agent.audit({ type: 'start', listen: config.listen, tls: config.tls !== null, networks: config.networks.map((n) => `${n.prefix} ${n.interface}`) });
    return agent;
  }

  /** The TCP port it listens on (null on a Unix socket). */
  get port(): number | null {
    const a = this.server.address();
    return a !== null && typeof a === 'object' ? a.port : null;
  }

  /** Stops accepting, finishes the event in hand, closes sockets (idempotent). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      await this.queue.catch(() => undefined);
      await closed;
      for (const r of this.resolvers.values()) r.close();
      this.audit({ type: 'stop' });
    })();
    return this.closing;
  }

  private audit(fields: Record<string, unknown>): void {
    this.options.audit(JSON.stringify({ time: new Date().toISOString(), ...fields }));
  }

  private reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
    res.end(text);
    // A refused body that was not read: do not keep the connection to read the rest.
    if (status === 413) req.socket.destroySoon();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const remote = req.socket.remoteAddress ?? 'local';
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/v1/health') {
        if (req.method !== 'GET') throw new Refusal(405, 'method-not-allowed', 'use GET', { allow: 'GET' });
        this.reply(req, res, 200, { status: 'ok' });
        return;
      }
      if (path !== EVENTS_PATH) throw new Refusal(404, 'not-found', `no such path ${path}; events go to POST ${EVENTS_PATH}`);
      if (req.method !== 'POST') throw new Refusal(405, 'method-not-allowed', `use POST ${EVENTS_PATH}`, { allow: 'POST' });
      this.authenticate(req);
      // The limit is on events acted on (see the module comment): an empty bucket refuses at once,
      // before the body is read; a token is taken only once the event is accepted.
      const wait = this.bucket.waitS();
      if (wait > 0) throw new Refusal(429, 'rate-limited', `more than ${this.config.rateLimit.events} events in ${this.config.rateLimit.perSeconds} s`, { 'retry-after': String(wait) });
      const text = await this.body(req);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new Refusal(400, 'bad-json', `the body is not JSON: ${(e as Error).message}`);
      }
      const parsed = eventSchema.safeParse(json);
      if (!parsed.success) {
        throw new Refusal(400, 'invalid-event', parsed.error.issues.map((i) => `${i.path.length === 0 ? '(body)' : i.path.join('.')}: ${i.message}`).join('; '));
      }
      const event = parsed.data;
      const targets = this.targets(event);
      const content = JSON.stringify({ ...event, id: undefined, mac: formatMac(parseMac(event.mac)!), newMac: event.newMac === undefined ? undefined : formatMac(parseMac(event.newMac)!) });
      const id = event.id ?? createHash('sha256').update(content).digest('hex').slice(0, 32);
      // One event at a time: the idempotency check and the changes see each other's effects.
      const answer = await this.serialized(async () => {
        this.forget();
        const known = this.seen.get(id);
        if (known !== undefined) {
          if (known.content !== content) throw new Refusal(409, 'id-reused', `event id ${id} was used for another event within the last ${this.config.idempotencyWindowS} s`);
          const wait = this.bucket.take();
          if (wait > 0) throw new Refusal(429, 'rate-limited', `more than ${this.config.rateLimit.events} events in ${this.config.rateLimit.perSeconds} s`, { 'retry-after': String(wait) });
          this.audit({ type: 'duplicate', remote, id });
          return { ...known.answer, duplicate: true };
        }
        const wait = this.bucket.take();
        if (wait > 0) throw new Refusal(429, 'rate-limited', `more than ${this.config.rateLimit.events} events in ${this.config.rateLimit.perSeconds} s`, { 'retry-after': String(wait) });
        // The addresses at once (a re-resolution waits up to resolveTimeoutMs for its answer), at most
        // APPLY_CONCURRENCY of them; the changes, and their audit lines, in the event's order.
        const changes = await mapBounded(targets, APPLY_CONCURRENCY, (t) => this.apply(t.address, t.device, event.mac, event.newMac));
        const result: EventAnswer = { id, duplicate: false, changes };
        this.seen.set(id, { at: performance.now(), content, answer: result });
        for (const c of changes) this.audit({ type: 'change', remote, id, from: event.from ?? null, to: event.to ?? null, ...c });
        return result;
      });
      this.reply(req, res, 200, answer);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      this.audit({ type: 'refusal', remote, method: req.method, path, status: e.status, error: e.code, message: e.message });
      this.reply(req, res, e.status, { error: e.code, message: e.message }, e.status === 401 ? { 'www-authenticate': 'Bearer realm="arpshift-agent"', ...e.headers } : e.headers);
    }
  }

  private authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    // The scheme name is case-insensitive (RFC 7235 §2.1).
    const m = /^Bearer ([\x21-\x7e]+)$/i.exec(header);
    // Hash both sides: equal lengths for timingSafeEqual, and nothing learnt from how long a comparison takes.
    const given = sha256(m === null ? '' : m[1]!);
    if (!timingSafeEqual(given, this.tokenHash) || m === null) throw new Refusal(401, 'bad-token', 'a valid bearer token is required');
  }

  private body(req: IncomingMessage): Promise<string> {
    const limit = this.config.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) return Promise.reject(new Refusal(413, 'too-large', `the body is larger than ${limit} bytes`));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > limit) {
          done = true;
          req.pause();
          reject(new Refusal(413, 'too-large', `the body is larger than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      req.on('error', (e) => {
        if (done) return;
        done = true;
        reject(new Refusal(400, 'bad-request', e.message));
      });
    });
  }

  /** Each address with its interface; a Refusal (403) when one is outside every configured prefix. */
  private targets(event: z.output<typeof eventSchema>): Array<{ address: string; device: string }> {
    const out: Array<{ address: string; device: string }> = [];
    const foreign: string[] = [];
    for (const text of event.addresses) {
      const v4 = parseIpv4(text);
      const canonical = v4 !== undefined ? formatIpv4(v4) : parseIpv6(text)!;
      const parsed = ipaddr.parse(canonical);
      const network = this.config.networks.find((n) => n.range[0].kind() === parsed.kind() && parsed.match(n.range));
      if (network === undefined) {
        foreign.push(canonical);
        continue;
      }
      if (event.interface !== undefined && event.interface !== network.interface) {
        throw new Refusal(403, 'foreign-interface', `${canonical} is served on ${network.interface} here, not ${event.interface}`);
      }
      out.push({ address: canonical, device: network.interface });
    }
    if (foreign.length > 0) throw new Refusal(403, 'foreign-address', `not in a configured prefix: ${foreign.join(', ')}`);
    return out;
  }

  private async apply(address: string, device: string, mac: string, newMac: string | undefined): Promise<AddressChange> {
    const oldMac = formatMac(parseMac(mac)!);
    const target = newMac === undefined ? oldMac : formatMac(parseMac(newMac)!);
    const base = { address, interface: device };
    let before: EntryState | null = null;
    try {
      before = await readNeighbor(address, device);
      if (target !== oldMac) {
        if (before !== null && before.lladdr === target && before.state !== 'failed' && before.state !== 'incomplete') {
          return { ...base, action: 'unchanged', before, after: before, sent: null, answeredBy: null };
        }
        await replaceNeighbor(address, target, device);
        return { ...base, action: 'replaced', before, after: await readNeighbor(address, device), sent: null, answeredBy: null };
      }
      let resolver = this.resolvers.get(device);
      if (resolver === undefined) {
        resolver = new Resolver(device);
        this.resolvers.set(device, resolver);
      }
      const { sent, answeredBy } = await resolver.resolve(address, this.config.resolveTimeoutMs);
      return { ...base, action: 're-resolved', before, after: await readNeighbor(address, device), sent, answeredBy };
    } catch (e) {
      return { ...base, action: 'failed', before, after: null, sent: null, answeredBy: null, reason: e instanceof Error ? e.message : String(e) };
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private forget(): void {
    const horizon = performance.now() - this.config.idempotencyWindowS * 1000;
    for (const [id, entry] of this.seen) {
      if (entry.at >= horizon) break;
      this.seen.delete(id);
    }
    // Bounded memory even under a flood of distinct events (the rate limit bounds it too).
    while (this.seen.size > 100_000) this.seen.delete(this.seen.keys().next().value!);
  }
}
