/**
 * The client side of the agent's HTTP API: one migration event POSTed to `/v1/migrations` with a
 * bearer token (RFC 6750 §2.1), over HTTP, HTTPS, or a local Unix socket (`unix:/path/to.sock`).
 */
import type { IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DeployError } from './errors.js';

/** A migration event as the agent takes it (see the agent's schema for the rules). */
export interface MigrationEvent {
  /** Makes the event idempotent across retries; default: the event's content. */
  readonly id?: string;
  /** The VM's addresses (IPv4 and IPv6 text). */
  readonly addresses: readonly string[];
  /** The VM's MAC before the move. */
  readonly mac: string;
  /** Its MAC after the move, when it changed. */
  readonly newMac?: string;
  /** Old and new location (hypervisor names, for the audit log). */
  readonly from?: string;
  readonly to?: string;
  /** The gateway interface the VM is on (checked against the agent's configuration). */
  readonly interface?: string;
}

/** The agent's answer. */
export interface NotifyResult {
  readonly status: number;
  readonly body: unknown;
}

/** The path of the event endpoint. */
export const EVENTS_PATH = '/v1/migrations';

/** POSTs `event` to the agent at `url` (http://, https:// or unix:/path); rejects (exit 1) unless it answers 200. */
export function notifyAgent(url: string, token: string, event: MigrationEvent, timeoutMs = 5000): Promise<NotifyResult> {
  const body = JSON.stringify(event);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), authorization: `Bearer ${token}` };
  let options: RequestOptions;
  let request = httpRequest;
  if (url.startsWith('unix:')) {
    options = { socketPath: url.slice('unix:'.length), path: EVENTS_PATH, method: 'POST', headers };
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return Promise.reject(new DeployError(`--notify ${url}: not a URL (http://host:port, https://host:port or unix:/path)`, 2));
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return Promise.reject(new DeployError(`--notify ${url}: only http, https and unix: are supported`, 2));
    if (parsed.protocol === 'https:') request = httpsRequest;
    options = { hostname: parsed.hostname, port: parsed.port, path: parsed.pathname === '/' ? EVENTS_PATH : parsed.pathname, method: 'POST', headers };
  }
  return new Promise((resolve, reject) => {
    const req = request({ ...options, timeout: timeoutMs }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (text.length < 65_536) text += chunk; });
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON: kept as text.
        }
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          const why = typeof parsed === 'object' && parsed !== null && 'message' in parsed ? String((parsed as { message: unknown }).message) : text.split('\n')[0];
          reject(new DeployError(`the agent at ${url} refused the event: ${status} ${why}`));
          return;
        }
        resolve({ status, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new DeployError(`could not notify the agent at ${url}: ${e.message}`)));
    req.end(body);
  });
}
