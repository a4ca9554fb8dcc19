/**
 * `arpshift agent` on this machine's kernel (root, as CI runs), run through the built CLI inside a
 * gateway namespace and reached over a Unix socket: every refusal (bad or missing token, bad JSON, an
 * invalid event, a foreign prefix or interface, an oversized body, a flood beyond the rate limit, a
 * reused id) is answered with its HTTP error and leaves `ip -j neigh` exactly as it was, with one audit
 * line each; a repeated event changes nothing more; a new MAC replaces the entry; the same MAC is
 * re-resolved by a broadcast request / multicast NS sent now, as tshark reads it; TLS when configured;
 * SIGTERM stops it cleanly. And in the move lab, the agent notified at the resume brings the gateway's
 * black hole down to about the downtime plus one round trip. Nothing of the test is left behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lab, Namespace } from '../../src/emu/index.js';
import { withLab as labWith } from '../../src/emu/index.js';
import { openCapture } from '../../src/wire/index.js';
import { alive, namespaceNames, rootLinks } from '../helpers/namespaces.js';
import { GW_MAC, MOVE_PAUSE_MS, PING_INTERVAL_MS, VM_IP, VM_MAC, buildMoveLab, cliIn, moveVm, saying, startCapture, stopCapture } from '../helpers/move-lab.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** Labs of this file: a prefix of their own, so that other tests' checks for leftover `arpshift-` namespaces never see them. */
const withLab = <T>(body: (lab: Lab) => Promise<T>): Promise<T> => labWith(body, { prefix: 'asdeploy' });
const dir = mkdtempSync(join(tmpdir(), 'arpshift-agent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'test-token-0123456789abcdef';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** One HTTP(S) request to the agent's Unix socket. */
function call(socketPath: string, options: { method?: string; path?: string; body?: string; token?: string | null; tls?: boolean; ca?: Buffer }): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  const request = options.tls === true ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath, path: options.path ?? '/v1/migrations', method: options.method ?? 'POST', headers,
      ...(options.tls === true ? { ca: options.ca, servername: 'localhost' } : {}),
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Starts the agent CLI in `ns` with `config` (YAML text); resolves once it listens. */
async function startAgent(ns: Namespace, name: string, config: string): Promise<ReturnType<typeof cliIn>> {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, config);
  const agent = cliIn(ns, ['agent', '--config', path], CLI);
  await saying(agent.child, '"type":"start"');
  return agent;
}

async function stopAgent(agent: ReturnType<typeof cliIn>): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; stderr: string }> {
  agent.child.kill('SIGTERM');
  const r = await agent.done;
  return { code: r.code, stderr: r.stderr, lines: r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });

describe('the agent\'s refusals and changes, on a gateway namespace', () => {
  it('refuses bad tokens, bad JSON, foreign prefixes, oversized bodies and floods, changing nothing; repeats change nothing more', async () => {
    const before = rootLinks();
    let names: readonly string[] = [];
    let agentPid: number | undefined;
    const socket = join(dir, 'refusals.sock');
    await withLab(async (lab) => {
      const gw = await lab.namespace('gw');
      const vm = await lab.namespace('vm');
      names = lab.namespaceNames;
      await lab.veth(gw, 'g0', vm, 'eth0', { aMac: GW_MAC, bMac: VM_MAC });
      await gw.ip(['link', 'add', 'g1', 'type', 'veth', 'peer', 'name', 'g1p']);
      await gw.ip(['addr', 'add', '198.18.0.1/24', 'dev', 'g0']);
      await gw.ip(['addr', 'add', '198.18.2.1/24', 'dev', 'g1']);
      // Entries that keep their state while the test runs (STALE waits for traffic).
      for (const n of [10, 11, 12, 13, 14]) await gw.ip(['neigh', 'replace', `198.18.0.${n}`, 'lladdr', `02:00:00:00:01:${n}`, 'dev', 'g0', 'nud', 'stale']);
      const neigh = (): Promise<string> => gw.ip(['-j', 'neigh', 'show']);
      const agent = await startAgent(gw, 'refusals', [
        `listen: unix:${socket}`,
        `tokenFile: ${tokenFile}`,
        'networks:',
        '  - { prefix: 198.18.0.0/24, interface: g0 }',
        '  - { prefix: 198.18.2.0/24, interface: g1 }',
        'maxBodyBytes: 1024',
        'rateLimit: { events: 4, perSeconds: 3600 }',
        'resolveTimeoutMs: 100',
      ].join('\n'));
      agentPid = agent.child.pid;
      const valid = (n: number): string => JSON.stringify({ addresses: [`198.18.0.${n}`], mac: `02:00:00:00:01:${n}`, newMac: '02:00:00:00:02:00', from: 'hv1', to: 'hv2' });

      const refusals: Array<[string, () => Promise<Answer>, number, string]> = [
        ['a wrong token', () => call(socket, { body: valid(10), token: 'not-the-token-at-all' }), 401, 'bad-token'],
        ['a token one character short', () => call(socket, { body: valid(10), token: TOKEN.slice(0, -1) }), 401, 'bad-token'],
        ['no token', () => call(socket, { body: valid(10), token: null }), 401, 'bad-token'],
        ['bad JSON', () => call(socket, { body: '{"addresses": ["198.18.0.10"], "mac": ' }), 400, 'bad-json'],
        ['an invalid event', () => call(socket, { body: JSON.stringify({ addresses: ['198.18.0.10'], mac: 'not-a-mac' }) }), 400, 'invalid-event'],
        ['an unknown field', () => call(socket, { body: JSON.stringify({ addresses: ['198.18.0.10'], mac: '02:00:00:00:01:10', vlan: 7 }) }), 400, 'invalid-event'],
        ['a foreign prefix', () => call(socket, { body: JSON.stringify({ addresses: ['198.18.0.10', '198.18.1.10'], mac: '02:00:00:00:01:10', newMac: '02:00:00:00:02:00' }) }), 403, 'foreign-address'],
        ['a foreign interface', () => call(socket, { body: JSON.stringify({ addresses: ['198.18.0.10'], mac: '02:00:00:00:01:10', newMac: '02:00:00:00:02:00', interface: 'g1' }) }), 403, 'foreign-interface'],
        ['an oversized body', () => call(socket, { body: `${valid(10)}${' '.repeat(2000)}` }), 413, 'too-large'],
        ['a wrong method', () => call(socket, { method: 'PUT', body: valid(10) }), 405, 'method-not-allowed'],
        ['a wrong path', () => call(socket, { path: '/v1/other', body: valid(10) }), 404, 'not-found'],
      ];
      for (const [what, send, status, code] of refusals) {
        const snapshot = await neigh();
        const answer = await send();
        expect([answer.status, answer.body.error], what).toEqual([status, code]);
        expect(typeof answer.body.message, what).toBe('string');
        expect(await neigh(), `${what} changed the neighbour table`).toBe(snapshot);
      }
      expect((await call(socket, { body: valid(10), token: 'x' })).headers['www-authenticate']).toBe('Bearer realm="arpshift-agent"');

      // Accepted: a new MAC replaces the entry; the same event again changes nothing more.
      const first = await call(socket, { body: valid(11) });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ duplicate: false, changes: [{ address: '198.18.0.11', interface: 'g0', action: 'replaced', before: { lladdr: '02:00:00:00:01:11', state: 'stale' }, after: { lladdr: '02:00:00:00:02:00', state: 'reachable' } }] });
      const afterFirst = await neigh();
      const again = await call(socket, { body: valid(11) });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: first.body.id, duplicate: true });
      expect(await neigh()).toBe(afterFirst);
      // The same id with another event: refused.
      const withId = (n: number): string => JSON.stringify({ id: 'move-1', addresses: [`198.18.0.${n}`], mac: `02:00:00:00:01:${n}`, newMac: '02:00:00:00:02:00' });
      expect((await call(socket, { body: withId(12) })).body).toMatchObject({ id: 'move-1', changes: [{ action: 'replaced' }] });
      const snapshot = await neigh();
      const reused = await call(socket, { body: withId(13) });
      expect([reused.status, reused.body.error]).toEqual([409, 'id-reused']);
      expect(await neigh()).toBe(snapshot);

      // The bucket holds 4 accepted events. The six requests refused above after the token check and
      // the reused id took none; the two accepted events and the duplicate took three: one more event
      // is accepted, and the next is refused.
      const fourth = await call(socket, { body: valid(14) });
      expect(fourth.body).toMatchObject({ changes: [{ address: '198.18.0.14', action: 'replaced' }] });
      const full = await neigh();
      const flood = await call(socket, { body: valid(10) });
      expect([flood.status, flood.body.error]).toEqual([429, 'rate-limited']);
      expect(Number(flood.headers['retry-after'])).toBeGreaterThan(0);
      expect(await neigh()).toBe(full);
      const rows = JSON.parse(full) as Array<{ dst: string; lladdr: string }>;
      expect(rows.find((r) => r.dst === '198.18.0.10')?.lladdr).toBe('02:00:00:00:01:10');
      expect(rows.find((r) => r.dst === '198.18.0.13')?.lladdr).toBe('02:00:00:00:01:13');

      const stopped = await stopAgent(agent);
      expect(stopped.code).toBe(0);
      expect(stopped.stderr).toBe('');
      const byType = (t: string): Array<Record<string, unknown>> => stopped.lines.filter((l) => l.type === t);
      // One audit line per refusal (the refusals above, the WWW-Authenticate check, the reused id, the flood) and per change.
      expect(byType('refusal')).toHaveLength(refusals.length + 3);
      expect(byType('refusal').map((l) => l.status)).toEqual([...refusals.map((r) => r[2]), 401, 409, 429]);
      expect(byType('change')).toHaveLength(3);
      expect(byType('change')[0]).toMatchObject({ address: '198.18.0.11', action: 'replaced', from: 'hv1', to: 'hv2' });
      expect(byType('duplicate')).toHaveLength(1);
      expect(stopped.lines.at(-1)).toMatchObject({ type: 'stop' });
      for (const l of stopped.lines) expect(typeof l.time).toBe('string');
      expect(existsSync(socket)).toBe(false);
    });
    for (const n of names) expect(namespaceNames()).not.toContain(n);
    expect(alive(agentPid!)).toBe(false);
    expect(rootLinks()).toEqual(before);
  });

  it('re-resolves the addresses of one event at once, answering and auditing them in the event\'s order', async () => {
    const socket = join(dir, 'many.sock');
    await withLab(async (lab) => {
      const gw = await lab.namespace('gw');
      const vm = await lab.namespace('vm');
      await lab.veth(gw, 'g0', vm, 'eth0', { aMac: GW_MAC, bMac: VM_MAC });
      await gw.ip(['addr', 'add', '198.18.0.1/24', 'dev', 'g0']);
      // The VM answers for three of the eight addresses; the others stay unanswered for the whole timeout.
      const addresses = [20, 21, 22, 23, 24, 25, 26, 27].map((n) => `198.18.0.${n}`);
      const answering = new Set(['198.18.0.21', '198.18.0.24', '198.18.0.27']);
      for (const a of answering) await vm.ip(['addr', 'add', `${a}/24`, 'dev', 'eth0']);
      const pcap = join(dir, 'many.pcap');
      const capture = await startCapture(vm, 'eth0', pcap, ['arp']);
      const timeoutMs = 1000;
      const agent = await startAgent(gw, 'many', [`listen: unix:${socket}`, `tokenFile: ${tokenFile}`, 'networks:', '  - { prefix: 198.18.0.0/24, interface: g0 }', `resolveTimeoutMs: ${timeoutMs}`].join('\n'));
      const answer = await call(socket, { body: JSON.stringify({ id: 'many', addresses, mac: VM_MAC }) });
      await stopCapture(capture);
      const stopped = await stopAgent(agent);
      expect(answer.status).toBe(200);
      const expected = addresses.map((address) => ({ address, action: 're-resolved', sent: 'arp-request', answeredBy: answering.has(address) ? VM_MAC : null }));
      expect((answer.body.changes as Array<Record<string, unknown>>).map((c) => ({ address: c.address, action: c.action, sent: c.sent, answeredBy: c.answeredBy }))).toEqual(expected);
      // One audit line per address, in the event's order.
      expect(stopped.lines.filter((l) => l.type === 'change').map((l) => [l.address, l.answeredBy])).toEqual(expected.map((c) => [c.address, c.answeredBy]));
      // Every request went out before the first one's wait for its answer ran out: one after another,
      // the five unanswered would have spaced them at least one timeout apart.
      const sent: number[] = [];
      const reader = openCapture(pcap);
      try {
        for (const r of reader) {
          // ARP requests (EtherType 0x0806, operation 1) from the gateway.
          if (r.data[12] === 0x08 && r.data[13] === 0x06 && r.data[21] === 1) sent.push(r.seconds * 1000 + r.nanoseconds / 1e6);
        }
      } finally {
        reader.close();
      }
      expect(sent).toHaveLength(addresses.length);
      expect(Math.max(...sent) - Math.min(...sent)).toBeLessThan(timeoutMs);
    });
  });

  it('re-resolves an unchanged MAC with a broadcast ARP request and a multicast NS sent now (as tshark reads them), over TLS', async () => {
    const socket = join(dir, 'tls.sock');
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    await withLab(async (lab) => {
      const gw = await lab.namespace('gw');
      const vm = await lab.namespace('vm');
      await lab.veth(gw, 'g0', vm, 'eth0', { aMac: GW_MAC, bMac: VM_MAC });
      await gw.ip(['addr', 'add', '198.18.0.1/24', 'dev', 'g0']);
      await gw.ip(['addr', 'add', '2001:db8::1/64', 'dev', 'g0', 'nodad']);
      await vm.ip(['addr', 'add', '198.18.0.10/24', 'dev', 'eth0']);
      await vm.ip(['addr', 'add', '2001:db8::10/64', 'dev', 'eth0', 'nodad']);
      const pcap = join(dir, 'resolve.pcap');
      const capture = await startCapture(vm, 'eth0', pcap, ['arp', 'or', 'icmp6[0] == 135', 'or', 'icmp6[0] == 136']);
      const agent = await startAgent(gw, 'tls', [`listen: unix:${socket}`, `tokenFile: ${tokenFile}`, `tls: { cert: ${cert}, key: ${key} }`, 'networks:', '  - { prefix: 198.18.0.0/24, interface: g0 }', '  - { prefix: "2001:db8::/64", interface: g0 }'].join('\n'));
      const ca = readFileSync(cert);
      // Plain HTTP to a TLS agent gets no answer it can read.
      await expect(call(socket, { body: '{}' })).rejects.toThrow();
      const answer = await call(socket, { tls: true, ca, body: JSON.stringify({ addresses: [VM_IP, '2001:db8::10'], mac: VM_MAC }) });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        duplicate: false,
        changes: [
          { address: VM_IP, action: 're-resolved', sent: 'arp-request', answeredBy: VM_MAC },
          { address: '2001:db8::10', action: 're-resolved', sent: 'neighbor-solicitation', answeredBy: VM_MAC },
        ],
      });
      await stopCapture(capture);
      expect((await stopAgent(agent)).code).toBe(0);
      const frames = tsharkFields(pcap);
      for (const f of frames) expect(tsharkProblems(f)).toEqual([]);
      const get = (f: Map<string, string[]>, k: string): string | undefined => f.get(k)?.[0];
      const request = frames.find((f) => get(f, 'arp.opcode') === '1');
      expect(request && [get(request, 'eth.dst'), get(request, 'eth.src'), get(request, 'arp.src.hw_mac'), get(request, 'arp.src.proto_ipv4'), get(request, 'arp.dst.hw_mac'), get(request, 'arp.dst.proto_ipv4')])
        .toEqual(['ff:ff:ff:ff:ff:ff', GW_MAC, GW_MAC, '198.18.0.1', '00:00:00:00:00:00', VM_IP]);
      const ns = frames.find((f) => get(f, 'icmpv6.type') === '135' && get(f, 'icmpv6.nd.ns.target_address') === '2001:db8::10');
      expect(ns && [get(ns, 'eth.dst'), get(ns, 'ipv6.src'), get(ns, 'ipv6.dst'), get(ns, 'ipv6.hlim'), get(ns, 'icmpv6.nd.ns.target_address'), get(ns, 'icmpv6.opt.linkaddr')])
        .toEqual(['33:33:ff:00:00:10', '2001:db8::1', 'ff02::1:ff00:10', '255', '2001:db8::10', GW_MAC]);
      // The VM answered both (its kernel: an ARP reply, a solicited NA).
      expect(frames.some((f) => get(f, 'arp.opcode') === '2' && get(f, 'arp.src.hw_mac') === VM_MAC)).toBe(true);
      expect(frames.some((f) => get(f, 'icmpv6.type') === '136' && get(f, 'icmpv6.nd.na.flag.s') === '1')).toBe(true);
    });
  });
});

describe('announce --notify', () => {
  it('tells the agent at its first round; a refused notification is one line and exit 1, after the frames went out', async () => {
    const socket = join(dir, 'notify.sock');
    await withLab(async (lab) => {
      const gw = await lab.namespace('gw');
      const vm = await lab.namespace('vm');
      await lab.veth(gw, 'g0', vm, 'eth0', { aMac: GW_MAC, bMac: VM_MAC });
      await gw.ip(['addr', 'add', '198.18.0.1/24', 'dev', 'g0']);
      await vm.ip(['addr', 'add', `${VM_IP}/24`, 'dev', 'eth0']);
      const agent = await startAgent(gw, 'notify', [`listen: unix:${socket}`, `tokenFile: ${tokenFile}`, 'networks:', '  - { prefix: 198.18.0.0/24, interface: g0 }', 'rateLimit: { events: 1, perSeconds: 3600 }'].join('\n'));
      const args = ['announce', '--iface', 'eth0', '--ip', VM_IP, '--schedule', 'garp', '--rounds', '1', '--wait-forwarding', '--notify', `unix:${socket}`, '--token-file', tokenFile, '--from', 'hv1', '--to', 'hv2'];
      const ok = await cliIn(vm, args, CLI).done;
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      const agentLine = ok.stdout.trim().split('\n').find((l) => l.startsWith('agent: '));
      expect(JSON.parse(agentLine!.slice('agent: '.length))).toMatchObject({ duplicate: false, changes: [{ address: VM_IP, action: 're-resolved', answeredBy: VM_MAC }] });
      const refused = await cliIn(vm, [...args, '--new-mac', '02:00:00:00:00:0b'], CLI).done;
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`arpshift: the agent at unix:${socket} refused the event: 429 more than 1 events in 3600 s\n`);
      expect(refused.stdout).toMatch(/ 0\.000 s {2}eth0 {2}GARP request /);
      const stopped = await stopAgent(agent);
      expect(stopped.lines.filter((l) => l.type === 'change')).toEqual([expect.objectContaining({ from: 'hv1', to: 'hv2', address: VM_IP })]);
      expect(stopped.lines.filter((l) => l.type === 'refusal')).toEqual([expect.objectContaining({ status: 429 })]);
    });
  });
});

describe('the agent notified at the resume of a move, measured at the gateway', () => {
  it('brings the black hole down to about the downtime plus one round trip (the MAC did not change: a broadcast re-resolution)', async () => {
    const socket = join(dir, 'move.sock');
    let names: readonly string[] = [];
    await withLab(async (lab) => {
      const l = await buildMoveLab(lab);
      names = lab.namespaceNames;
      const agent = await startAgent(l.gw, 'move', [`listen: unix:${socket}`, `tokenFile: ${tokenFile}`, 'networks:', '  - { prefix: 198.18.0.0/24, interface: g0 }'].join('\n'));
      let answer: Answer | undefined;
      let notifyMs = 0;
      const pcap = join(dir, 'agent-move.pcap');
      const m = await moveVm(l, pcap, {
        afterMs: 1500,
        atResume: async () => {
          const sent = Date.now();
          answer = await call(socket, { body: JSON.stringify({ id: 'vm-1-move', addresses: [VM_IP], mac: VM_MAC, from: 'hv1', to: 'hv2' }) });
          notifyMs = Date.now() - sent;
        },
      });
      expect((await stopAgent(agent)).code).toBe(0);
      expect(answer?.status).toBe(200);
      expect(answer?.body).toMatchObject({ changes: [{ address: VM_IP, action: 're-resolved', sent: 'arp-request', answeredBy: VM_MAC }] });
      expect(m.move, 'the gap is found').toBeDefined();
      expect(m.move!.repaired.gatewayToVm).toBe(true);
      const gap = m.move!.blackHoleMs.gatewayToVm!;
      expect(gap, JSON.stringify(m)).toBeGreaterThanOrEqual(MOVE_PAUSE_MS);
      // The downtime, rounded up to the next ping, plus the round trip and the notification itself
      // (the HTTP call until the agent answered, which includes its request and the VM's reply);
      // 100 ms more for a loaded machine.
      expect(gap, JSON.stringify({ m, notifyMs })).toBeLessThanOrEqual(m.downtimeMs + notifyMs + PING_INTERVAL_MS + m.rttMs + 100);
      // The request the agent sent, as the gateway's capture shows it.
      const requests = tsharkFields(pcap).filter((f) => f.get('arp.opcode')?.[0] === '1' && f.get('eth.dst')?.[0] === 'ff:ff:ff:ff:ff:ff' && f.get('arp.dst.proto_ipv4')?.[0] === VM_IP);
      expect(requests.length).toBeGreaterThanOrEqual(1);
    });
    for (const n of names) expect(namespaceNames()).not.toContain(n);
  });
});
