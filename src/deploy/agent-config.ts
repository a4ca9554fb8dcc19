/**
 * The agent's configuration: a YAML or JSON file (YAML 1.2 is a superset of JSON) checked against one
 * zod schema, with a few fields that flags may override. Every problem is reported at once, each with
 * its path in the file, on one line (exit code 2).
 */
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DeployError } from './errors.js';
import { validInterfaceName } from './link.js';

/** The schema of the configuration file. */
export const agentConfigSchema = z.object({
  listen: z.string().min(1).default('127.0.0.1:8740')
    .describe('Where to listen: HOST:PORT ([v6]:PORT for IPv6) or unix:/path/to.sock (default 127.0.0.1:8740).'),
  tokenFile: z.string().min(1).describe('A file holding the bearer token clients must send (RFC 6750 §2.1); keep it mode 0600.'),
  tls: z.object({
    cert: z.string().min(1).describe('PEM certificate chain file.'),
    key: z.string().min(1).describe('PEM private key file.'),
  }).strict().optional().describe('Serve HTTPS with this certificate and key (default plain HTTP: then listen on loopback or a Unix socket only).'),
  networks: z.array(z.object({
    prefix: z.string().describe('An IPv4 or IPv6 prefix (CIDR) whose addresses the agent may repair.'),
    interface: z.string().describe('The gateway interface those addresses are on.'),
  }).strict()).min(1).describe('The prefixes the agent acts on, each with its interface; events for other addresses are refused.'),
  maxBodyBytes: z.number().int().min(256).max(1_048_576).default(16_384).describe('Largest request body (default 16384 bytes); larger ones are refused with 413.'),
  rateLimit: z.object({
    events: z.number().int().min(1).max(1_000_000).describe('Events allowed in a burst.'),
    perSeconds: z.number().positive().max(86_400).describe('…refilled over this many seconds.'),
  }).strict().default({ events: 20, perSeconds: 1 }).describe('A token bucket over accepted requests (default 20 per second); beyond it, 429.'),
  idempotencyWindowS: z.number().positive().max(86_400).default(600).describe('How long an event (by id, or by content) is remembered: a repeat within it changes nothing and gets the first answer (default 600 s).'),
  resolveTimeoutMs: z.number().int().min(0).max(10_000).default(500).describe('How long to wait for the answer to a re-resolution request before answering (default 500 ms).'),
  allowPlainHttp: z.boolean().default(false).describe('Allow plain HTTP on an address other than loopback (the token then crosses the network in clear; default false).'),
}).strict();

/** A parsed configuration, with its token and TLS material read. */
export interface AgentConfig {
  readonly listen: string;
  readonly token: string;
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | null;
  readonly networks: ReadonlyArray<{ readonly prefix: string; readonly interface: string; readonly range: [ipaddr.IPv4 | ipaddr.IPv6, number] }>;
  readonly maxBodyBytes: number;
  readonly rateLimit: { readonly events: number; readonly perSeconds: number };
  readonly idempotencyWindowS: number;
  readonly resolveTimeoutMs: number;
}

/** Flags that override the file. */
export interface AgentOverrides {
  readonly listen?: string;
  readonly tokenFile?: string;
}

function readSecret(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DeployError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`, 2);
  }
}

/** Parses and checks configuration text (`file` names it in messages), then reads the files it names. */
export function parseAgentConfig(text: string, file: string, overrides: AgentOverrides = {}): AgentConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new DeployError(`${file}: not YAML or JSON: ${(e as Error).message.split('\n')[0]}`, 2);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new DeployError(`${file}: expected a mapping of settings`, 2);
  const merged = { ...(raw as Record<string, unknown>), ...(overrides.listen !== undefined ? { listen: overrides.listen } : {}), ...(overrides.tokenFile !== undefined ? { tokenFile: overrides.tokenFile } : {}) };
  const parsed = agentConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length === 0 ? '(top)' : i.path.join('.')}: ${i.message}`);
    throw new DeployError(`${file}: ${problems.join('; ')}`, 2);
  }
  const c = parsed.data;
  const networks = c.networks.map((n, i) => {
    let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      range = ipaddr.parseCIDR(n.prefix);
    } catch {
      throw new DeployError(`${file}: networks.${i}.prefix: ${JSON.stringify(n.prefix)} is not an IPv4 or IPv6 prefix (CIDR)`, 2);
    }
    if (!validInterfaceName(n.interface)) throw new DeployError(`${file}: networks.${i}.interface: bad interface name ${JSON.stringify(n.interface)}`, 2);
    return { prefix: n.prefix, interface: n.interface, range };
  });
  checkListen(c.listen, file);
  const where = parseListen(c.listen)!;
  if (c.tls === undefined && !c.allowPlainHttp && where.kind === 'tcp' && !isLoopback(where.host)) {
    throw new DeployError(`${file}: listen ${c.listen} without tls would take the bearer token in clear from the network: configure tls, listen on loopback or unix:/path, or set allowPlainHttp: true`, 2);
  }
  const token = readSecret('tokenFile', c.tokenFile).toString('utf8').trim();
  if (token.length < 16) throw new DeployError(`tokenFile ${c.tokenFile}: the token must be at least 16 characters`, 2);
  const tls = c.tls === undefined ? null : { cert: readSecret('tls.cert', c.tls.cert), key: readSecret('tls.key', c.tls.key) };
  return {
    listen: c.listen, token, tls, networks, maxBodyBytes: c.maxBodyBytes, rateLimit: c.rateLimit,
    idempotencyWindowS: c.idempotencyWindowS, resolveTimeoutMs: c.resolveTimeoutMs,
  };
}

/** Reads and checks the configuration file at `path`. */
export function loadAgentConfig(path: string, overrides: AgentOverrides = {}): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DeployError(`--config ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, 2);
  }
  return parseAgentConfig(text, path, overrides);
}

/** Where to listen, parsed. */
export type ListenAddress = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** Parses `listen` (HOST:PORT, [V6]:PORT, unix:/path). */
export function parseListen(listen: string): ListenAddress | null {
  if (listen.startsWith('unix:')) {
    const path = listen.slice('unix:'.length);
    return path.startsWith('/') ? { kind: 'unix', path } : null;
  }
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  if (m === null) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65_535) return null;
  return { kind: 'tcp', host: m[1] ?? m[2]!, port };
}

function checkListen(listen: string, file: string): void {
  if (parseListen(listen) === null) throw new DeployError(`${file}: listen: expected HOST:PORT, [IPv6]:PORT or unix:/absolute/path, got ${JSON.stringify(listen)}`, 2);
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  try {
    return ipaddr.parse(host).range() === 'loopback';
  } catch {
    return false;
  }
}
