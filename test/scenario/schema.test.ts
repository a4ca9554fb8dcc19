/**
 * The schema as the one source of truth: defaults applied (from the smallest file), normalisation
 * (defaults that depend on other fields), and the JSON Schema generated from the same definitions
 * (every field described, strict objects, defaults as a file writes them).
 */
import { describe, expect, it } from 'vitest';
import { LINUX_SYSCTL_NAMES, PROFILE_NAMES } from '../../src/stack/profiles/index.js';
import {
  GENERIC_OVERRIDE_NAMES,
  SCENARIO_SYSCTL_NAMES,
  checkScenario,
  loadScenario,
  scenarioJsonSchema,
  scenarioSchema,
} from '../../src/scenario/index.js';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: unknown;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
};

describe('defaults', () => {
  it('the smallest scenario is a name; everything else has a default', () => {
    const s = loadScenario('name: minimal\n', 'minimal.yaml');
    const gateway = {
      placement: 'core',
      profile: 'linux-router',
      sysctls: {},
      ipv4: '198.18.0.1',
      ipv6: null,
      mac: 'auto',
      virtualMac: null,
      attach: ['leaf-1'],
    };
    expect(s).toEqual({
      name: 'minimal',
      seed: 1,
      duration: 60e9,
      fabric: {
        kind: 'leaf-spine',
        leaves: 4,
        spines: 2,
        hostPortsPerEdge: 48,
        bridging: 'rstp',
        macAgingTime: 300e9,
        macTableCapacity: 65_536,
        links: {
          access: { rate: 10e9, delay: 1_000, queue: 1 << 20 },
          fabric: { rate: 40e9, delay: 1_000, queue: 4 << 20 },
        },
      },
      subnet: { ipv4: '198.18.0.0/16' },
      gateway,
      hypervisors: null,
      hosts: [],
      traffic: [],
      events: [],
      loss: [],
      remedies: [],
      migrations: [],
      // No DHCP, no security features, no contention: the sections are absent or empty.
      contention: [],
      // Without variants, the scenario is its only run, named after it.
      runs: [{ name: 'minimal', description: null, seed: 1, gateway, hosts: [], loss: [], events: [], remedies: [], migrations: [], security: null }],
      output: { pcap: 'gateway' },
    });
  });

  it('fills the defaults of list items and of fields that depend on others', () => {
    const s = loadScenario(
      [
        'name: d',
        'duration: 2min',
        'subnet: { ipv6: "2001:DB8:0:0::/64" }',
        'gateway: { placement: pair }',
        'hosts: [{ name: vm, count: 3 }]',
        'traffic:',
        '  - { from: gateway, to: vm-1 }',
        '  - { kind: ping, from: vm-2, to: "2001:db8::00ff", start: 5s }',
        'events: [{ at: 30s, kind: gateway-restart }]',
        'loss: [{ links: "leaf-1:*", model: { kind: gilbert-elliott, lossRate: 0.2, meanBurstLength: 4 } }]',
      ].join('\n'),
      'd.yaml',
    );
    expect(s.subnet).toEqual({ ipv6: '2001:db8::/64' });
    expect(s.gateway).toMatchObject({ ipv4: null, ipv6: '2001:db8::1', virtualMac: '00:00:5e:00:01:01', attach: ['leaf-1', 'leaf-2'] });
    expect(s.hosts[0]).toEqual({
      name: 'vm', count: 3, profile: 'linux', sysctls: {}, on: 'edge', placement: 'spread', ipv4: 'none', ipv6: 'auto', mac: 'auto', allowAddressConflict: false,
    });
    expect(s.traffic[0]).toEqual({ kind: 'udp', name: 'udp-gateway-vm-1', from: 'gateway', to: 'vm-1', family: 'ipv6', start: 0, stop: 120e9, rate: 100, size: 64 });
    expect(s.traffic[1]).toMatchObject({ kind: 'ping', name: 'ping-vm-2-2001:db8::ff', to: '2001:db8::ff', family: 'ipv6', start: 5e9, rate: 1, size: 56 });
    expect(s.events[0]).toEqual({ at: 30e9, kind: 'gateway-restart', target: 'gateway', duration: 5e9 });
    // A loss rate of 0.2 in bursts of 4: r = 1/4, p = 0.2 × r / 0.8.
    expect(s.loss[0]).toEqual({
      links: 'leaf-1:*',
      direction: 'both',
      model: { kind: 'gilbert-elliott', pGoodToBad: (0.2 * 0.25) / 0.8, pBadToGood: 0.25, lossGood: 0, lossBad: 1 },
      congestion: [],
    });
    expect(s.output.pcap).toBe('gateway-1');
  });

  it('checkScenario takes a plain value and returns issues with field paths', () => {
    const good = checkScenario({ name: 'plain', hosts: [{ name: 'vm' }] });
    expect(good.ok).toBe(true);
    const bad = checkScenario({ name: 'plain', hosts: [{ name: 'vm', count: -1 }], fabric: { leaves: 0 } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues.map((i) => i.path)).toEqual([['fabric', 'leaves'], ['hosts', 0, 'count']]);
  });

  it('the sysctls the schema knows are exactly the stack\'s, and the profiles are the catalogue', () => {
    expect([...SCENARIO_SYSCTL_NAMES]).toEqual([...LINUX_SYSCTL_NAMES]);
    const sysctls = scenarioSchema.shape.gateway.unwrap().shape.sysctls.unwrap().shape;
    expect(Object.keys(sysctls)).toEqual([...LINUX_SYSCTL_NAMES, ...GENERIC_OVERRIDE_NAMES]);
    const profile = scenarioSchema.shape.gateway.unwrap().shape.profile.unwrap();
    expect(profile.options).toEqual([...PROFILE_NAMES]);
  });
});

describe('the JSON Schema', () => {
  const schema = scenarioJsonSchema() as JsonSchema & { $schema: string; title: string };

  it('is draft-07 with a title, and a fresh object on every call', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.title).toBe('arpshift scenario');
    expect(scenarioJsonSchema()).not.toBe(schema);
    expect(scenarioJsonSchema()).toEqual(schema);
  });

  it('has every top-level field, each with a description; only name is required', () => {
    expect(Object.keys(schema.properties!)).toEqual(Object.keys(scenarioSchema.shape));
    expect(Object.keys(schema.properties!)).toEqual([
      'name', 'description', 'seed', 'duration', 'fabric', 'subnet', 'gateway', 'hypervisors', 'hosts', 'traffic', 'events', 'loss',
      'remedies', 'migrations', 'dhcp', 'security', 'contention', 'variants', 'output',
    ]);
    for (const [key, field] of Object.entries(schema.properties!)) expect(field.description, key).toMatch(/\w/);
    expect(schema.required).toEqual(['name']);
  });

  it('describes every field of every object, and refuses unknown fields everywhere', () => {
    let objects = 0;
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const s = node as JsonSchema;
      if (s.properties !== undefined) {
        objects++;
        expect(s.additionalProperties, where).toBe(false);
        for (const [key, field] of Object.entries(s.properties)) expect(field.description, `${where}.${key}`).toMatch(/\w/);
      }
      for (const [k, v] of Object.entries(s)) walk(v, `${where}/${k}`);
    };
    walk(schema, '');
    expect(objects).toBeGreaterThan(20);
  });

  it('gives defaults as a file writes them (units, not nanoseconds)', () => {
    const p = schema.properties!;
    expect(p.duration!.default).toBe('60s');
    expect(p.seed!.default).toBe(1);
    const leafSpine = p.fabric!.oneOf!.find((o) => o.properties!.kind!.const === 'leaf-spine')!;
    expect(leafSpine.properties!.leaves!.default).toBe(4);
    expect(leafSpine.properties!.macAgingTime!.default).toBe('300s');
    expect(leafSpine.properties!.links!.properties!.access!.properties!.rate!.default).toBe('10Gbps');
    expect(leafSpine.properties!.links!.properties!.fabric!.properties!.queue!.default).toBe('4MiB');
    expect(p.gateway!.properties!.profile!.enum).toEqual([...PROFILE_NAMES]);
    expect(p.subnet!.default).toEqual({ ipv4: '198.18.0.0/16' });
    const kinds = p.events!.items!.oneOf!.map((o) => o.properties!.kind!.const);
    expect(kinds).toEqual(['gateway-restart', 'link-down', 'link-up', 'host-down', 'host-up', 'flush-neighbors']);
  });
});
