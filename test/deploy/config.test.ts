/**
 * The pure parts of the deployable remedies, without root: the agent's configuration (every problem
 * located on one line, exit code 2), the listen address forms, the event schema, the announcement
 * schedules (QEMU's from net/announce.c, a custom one with its jitter bounds), and how the CLI reports
 * a DeployError.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/errors.js';
import { DeployError, QEMU_TIMING, customTimesMs, eventSchema, parseAgentConfig, parseListen, qemuTimesMs } from '../../src/deploy/index.js';

const dir = mkdtempSync(join(tmpdir(), 'arpshift-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const token = join(dir, 'token');
writeFileSync(token, 'a-token-long-enough-1234\n');

const refusal = (text: string): DeployError => {
  try {
    parseAgentConfig(text, 'agent.yaml');
  } catch (e) {
    return e as DeployError;
  }
  throw new Error('accepted');
};

describe('the agent\'s configuration', () => {
  it('takes YAML and JSON, fills the defaults, reads the token', () => {
    const yaml = parseAgentConfig(`tokenFile: ${token}\nnetworks:\n  - { prefix: 198.18.0.0/24, interface: eth0 }\n  - { prefix: "2001:db8::/64", interface: eth0 }\n`, 'agent.yaml');
    expect(yaml).toMatchObject({ listen: '127.0.0.1:8740', token: 'a-token-long-enough-1234', tls: null, maxBodyBytes: 16384, rateLimit: { events: 20, perSeconds: 1 }, idempotencyWindowS: 600, resolveTimeoutMs: 500 });
    expect(yaml.networks.map((n) => [n.prefix, n.interface, n.range[1]])).toEqual([['198.18.0.0/24', 'eth0', 24], ['2001:db8::/64', 'eth0', 64]]);
    const json = parseAgentConfig(JSON.stringify({ listen: '[::1]:9000', tokenFile: token, networks: [{ prefix: '198.18.0.0/16', interface: 'br0' }] }), 'agent.json', { listen: 'unix:/run/a.sock' });
    expect(json.listen).toBe('unix:/run/a.sock');
    // Plain HTTP beyond loopback only when asked for.
    expect(parseAgentConfig(`tokenFile: ${token}\nlisten: 0.0.0.0:8740\nallowPlainHttp: true\nnetworks: [{ prefix: 198.18.0.0/24, interface: eth0 }]`, 'agent.yaml').listen).toBe('0.0.0.0:8740');
  });

  it('refuses with every problem located, on one line, exit code 2', () => {
    const cases: Array<[string, RegExp]> = [
      ['networks: [', /^agent\.yaml: not YAML or JSON: /],
      ['- a list', /^agent\.yaml: expected a mapping of settings$/],
      [`tokenFile: ${token}\nnetworks: []\nport: 80`, /^agent\.yaml: (networks: .*; \(top\): .*port|\(top\): .*port.*; networks: )/],
      [`tokenFile: ${token}\nnetworks: [{ prefix: 198.18.0.0/24, interface: eth0 }]\nmaxBodyBytes: 10`, /^agent\.yaml: maxBodyBytes: /],
      [`tokenFile: ${token}\nnetworks: [{ prefix: 198.18.0.0/33, interface: eth0 }]`, /^agent\.yaml: networks\.0\.prefix: "198\.18\.0\.0\/33" is not an IPv4 or IPv6 prefix/],
      [`tokenFile: ${token}\nnetworks: [{ prefix: 198.18.0.0/24, interface: "a/b" }]`, /^agent\.yaml: networks\.0\.interface: bad interface name/],
      [`tokenFile: ${token}\nlisten: localhost\nnetworks: [{ prefix: 198.18.0.0/24, interface: eth0 }]`, /^agent\.yaml: listen: expected HOST:PORT/],
      [`tokenFile: ${token}\nlisten: 0.0.0.0:8740\nnetworks: [{ prefix: 198.18.0.0/24, interface: eth0 }]`, /^agent\.yaml: listen 0\.0\.0\.0:8740 without tls would take the bearer token in clear/],
      [`tokenFile: ${join(dir, 'missing')}\nnetworks: [{ prefix: 198.18.0.0/24, interface: eth0 }]`, /^tokenFile .*missing: no such file$/],
      [`tokenFile: ${token}\ntls: { cert: ${join(dir, 'no.crt')}, key: ${token} }\nnetworks: [{ prefix: 198.18.0.0/24, interface: eth0 }]`, /^tls\.cert .*no\.crt: no such file$/],
    ];
    for (const [text, message] of cases) {
      const e = refusal(text);
      expect(e, text).toBeInstanceOf(DeployError);
      expect(e.exitCode, text).toBe(2);
      expect(e.message, text).toMatch(message);
      expect(e.message, text).not.toContain('\n');
      expect(describeFailure(e)).toEqual({ message: e.message, exitCode: 2 });
    }
    const short = join(dir, 'short');
    writeFileSync(short, 'abc\n');
    expect(refusal(`tokenFile: ${short}\nnetworks: [{ prefix: 198.18.0.0/24, interface: eth0 }]`).message).toMatch(/at least 16 characters/);
  });

  it('listen addresses: HOST:PORT, [IPv6]:PORT, unix:/path', () => {
    expect(parseListen('0.0.0.0:8740')).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8740 });
    expect(parseListen('[::1]:443')).toEqual({ kind: 'tcp', host: '::1', port: 443 });
    expect(parseListen('unix:/run/arpshift.sock')).toEqual({ kind: 'unix', path: '/run/arpshift.sock' });
    for (const bad of ['8740', 'host:0', 'host:70000', 'unix:relative.sock', '::1:80']) expect(parseListen(bad), bad).toBeNull();
  });

  it('events: addresses and a MAC required, nothing unknown', () => {
    expect(eventSchema.safeParse({ addresses: ['198.18.0.10', '2001:db8::10'], mac: '02:00:00:00:00:0a' }).success).toBe(true);
    for (const bad of [{ addresses: [], mac: '02:00:00:00:00:0a' }, { addresses: ['198.18.0.300'], mac: '02:00:00:00:00:0a' }, { addresses: ['198.18.0.10'] }, { addresses: ['198.18.0.10'], mac: '02:00:00:00:00:0a', extra: 1 }]) {
      expect(eventSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('announcement schedules', () => {
  it('QEMU\'s: round 1 at once, then gaps initial + k × step capped at max (net/announce.c)', () => {
    expect(qemuTimesMs(QEMU_TIMING)).toEqual([0, 50, 200, 450, 800]);
    // A cap below the growing gaps: 50, 150, then 200 each.
    expect(qemuTimesMs({ initialMs: 50, maxMs: 200, rounds: 5, stepMs: 100 })).toEqual([0, 50, 200, 400, 600]);
    expect(qemuTimesMs({ ...QEMU_TIMING, rounds: 1 })).toEqual([0]);
  });

  it('custom: count sends, each gap interval plus a random share of the jitter', () => {
    expect(customTimesMs({ count: 3, intervalMs: 1000, jitterMs: 0 })).toEqual([0, 1000, 2000]);
    // The random source at its bounds: no jitter, then the whole jitter.
    expect(customTimesMs({ count: 3, intervalMs: 100, jitterMs: 50 }, () => 0)).toEqual([0, 100, 200]);
    expect(customTimesMs({ count: 3, intervalMs: 100, jitterMs: 50 }, (n) => n - 1)).toEqual([0, 150, 300]);
    const drawn = customTimesMs({ count: 50, intervalMs: 10, jitterMs: 5 });
    for (let i = 1; i < drawn.length; i++) {
      expect(drawn[i]! - drawn[i - 1]!).toBeGreaterThanOrEqual(10);
      expect(drawn[i]! - drawn[i - 1]!).toBeLessThanOrEqual(15);
    }
  });
});
