/**
 * The dhcp, security and contention sections: port classes resolved onto the built switches' ports;
 * contradictory or impossible settings reported at their own line and column (through the security
 * layer's `securityConfigProblems` for what a switch's configuration cannot be), and by the CLI with
 * exit 2; the remedies that need those sections refused without them. Positions come from the test's
 * own YAML text; port names from the layout rules (host ports first, in the order gateway,
 * hypervisors, hosts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, loadScenario, planPorts, scenarioLayout } from '../../src/scenario/index.js';
import { PORT_SECURITY_DEFAULTS } from '../../src/security/index.js';
import { issueAt, issuesOf, positionOf } from './helpers.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arpshift-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two leaves, the gateway on leaf-1, four hypervisors (hv-1, hv-3 on leaf-1), 8 VMs, 2 hosts on edge ports. */
const BASE = [
  'name: s',
  'fabric: { kind: leaf-spine, leaves: 2, spines: 1, hostPortsPerEdge: 8 }',
  'subnet: { ipv4: 198.18.0.0/24, ipv6: "2001:db8::/64" }',
  'gateway: { attach: leaf-1 }',
  'hypervisors: { count: 4 }',
  'hosts:',
  '  - { name: vm, count: 8, on: hypervisors }',
  '  - { name: pc, count: 2 }',
  'migrations: [{ vm: vm-1, to: hv-2, at: 10s }]',
];

const yaml = (...lines: string[]): string => `${[...BASE, ...lines].join('\n')}\n`;

describe('port classes, names and switches', () => {
  it('each port is classed by what is plugged into it, in the builder\'s order', () => {
    const s = loadScenario(yaml(), 's.yaml');
    const views = planPorts(s);
    const hostPorts = s.fabric.hostPortsPerEdge;
    const leaf1 = views.find((v) => v.name === 'leaf-1')!;
    const leaf2 = views.find((v) => v.name === 'leaf-2')!;
    // leaf-1: the gateway, then hv-1 and hv-3 (hypervisors round-robin over the edges), then pc-1.
    expect(leaf1.ports.slice(0, 4).map((p) => [p.cls, p.node])).toEqual([
      ['gateway-facing', 'gateway'], ['hypervisor-facing', 'hv-1'], ['hypervisor-facing', 'hv-3'], ['host-facing', 'pc-1'],
    ]);
    // leaf-2: hv-2, hv-4, pc-2; the rest of the host ports are free (host-facing), then the uplink.
    expect(leaf2.ports.slice(0, 3).map((p) => [p.cls, p.node])).toEqual([['hypervisor-facing', 'hv-2'], ['hypervisor-facing', 'hv-4'], ['host-facing', 'pc-2']]);
    expect(leaf2.ports.slice(3, hostPorts).every((p) => p.cls === 'host-facing' && p.node === null)).toBe(true);
    expect(leaf2.ports.slice(hostPorts).map((p) => [p.cls, p.node])).toEqual([['fabric', 'spine-1']]);
    expect(views.find((v) => v.name === 'spine-1')!.ports.every((p) => p.cls === 'fabric')).toBe(true);
    // The builder's switches have the same ports.
    const model = buildModel(s);
    for (const v of views) expect(model.topology.switch(v.name).ports.map((p) => p.name)).toEqual(v.ports.map((p) => p.name));
  });

  it('features run on the edge switches by default, with the trusted and secure ports the classes name', () => {
    const s = loadScenario(yaml('security:', '  portSecurity: [{ ports: [hypervisor-facing, pc-2] }]', '  dhcpSnooping: {}', '  arpInspection: { switches: [leaf-2] }'), 's.yaml');
    const model = buildModel(s);
    const names = [...model.security!.switches.keys()].map((sw) => sw.name);
    expect(names).toEqual(['leaf-1', 'leaf-2']);
    const [l1, l2] = [...model.security!.switches.values()];
    const index = (node: string, sw: typeof l1): number => sw!.sw.ports.find((p) => p.peer?.owner.name === node)!.index;
    // Secure: hypervisor-facing ports, and pc-2's port on leaf-2 (the IOS default maximum of 1).
    expect(l1!.portSecurity!.secures(index('hv-1', l1))).toBe(true);
    expect(l1!.portSecurity!.secures(index('pc-1', l1))).toBe(false);
    expect(l2!.portSecurity!.secures(index('pc-2', l2))).toBe(true);
    expect(l2!.portSecurity!.settingsOf(index('pc-2', l2))!.maximum).toBe(PORT_SECURITY_DEFAULTS.maximum);
    // Trusted by default: the gateway's port and the uplinks, nothing else.
    expect(l1!.snooping.isTrusted(index('gateway', l1))).toBe(true);
    expect(l1!.snooping.isTrusted(index('spine-1', l1))).toBe(true);
    expect(l1!.snooping.isTrusted(index('hv-1', l1))).toBe(false);
    // DAI only where it was asked for.
    expect(l1!.arpInspection).toBeNull();
    expect(l2!.arpInspection).not.toBeNull();
  });

  it('vswitch-enforcement trusts the hypervisor ports and guards every VM port of every virtual switch', () => {
    const s = loadScenario(yaml('security: { portSecurity: [{ ports: hypervisor-facing, maximum: 4 }], arpInspection: {} }', 'remedies: [{ kind: vswitch-enforcement }]'), 's.yaml');
    const model = buildModel(s);
    for (const sec of model.security!.switches.values()) {
      for (const p of sec.sw.ports) {
        const hv = [...model.hypervisors.values()].find((h) => h.uplink.peer === p);
        if (hv === undefined) continue;
        expect(sec.arpInspection!.isTrusted(p.index), p.name).toBe(true);
        expect(sec.portSecurity?.secures(p.index) ?? false, p.name).toBe(false);
      }
    }
    const layout = scenarioLayout(s);
    for (const h of layout.hosts()) {
      if (h.hypervisor === null) continue;
      const hv = model.hypervisors.get(h.hypervisor)!;
      const guard = model.security!.vswitches.get(hv)!.vnicGuard!;
      const port = hv.portOf(model.hosts.get(h.name)!)!;
      expect(guard.addressesOf(port.index)?.ipv4.length, h.name).toBe(1);
    }
  });
});

describe('contradictory and impossible settings: located, all at once', () => {
  const text = yaml(
    'security:',
    '  portSecurity:',
    '    - ports: hypervisor-facing',
    '      maximum: 0                # MAXIMUM',
    '  dhcpSnooping:',
    '    trusted: [fabric, hypervisor-facing]   # TRUSTED',
    '    rateLimit: 0               # DHCPRATE',
    '  arpInspection:',
    '    rateLimit: -2pps           # ARPRATE',
    '  fcfsSavi: { tWait: 600ms }   # TWAIT',
    '  errDisableRecovery: { interval: -5s }   # RECOVERY',
  );
  const issues = issuesOf(text);

  it('a MAC limit of 0, a trusted port that is also a secure one, a rate limit of 0, T_WAIT after TENT_LT, recovery shorter than zero', () => {
    const at = (path: string, marker: string, token: string): void => {
      const issue = issueAt(issues, path);
      expect({ line: issue.line, column: issue.column }, `${path}: ${issue.message}`).toEqual(positionOf(text, marker, token));
    };
    at('security.portSecurity[0].maximum', '# MAXIMUM', '0');
    at('security.dhcpSnooping.trusted[1]', '# TRUSTED', 'hypervisor-facing');
    at('security.dhcpSnooping.rateLimit', '# DHCPRATE', '0');
    at('security.arpInspection.rateLimit', '# ARPRATE', '-2pps');
    at('security.fcfsSavi.tWait', '# TWAIT', '600ms');
    at('security.errDisableRecovery.interval', '# RECOVERY', '-5s');
    expect(issueAt(issues, 'security.portSecurity[0].maximum').message).toBe('expected the maximum of secure MACs to be a whole number of at least 1, found 0');
    expect(issueAt(issues, 'security.dhcpSnooping.rateLimit').message).toBe('expected the DHCP rate limit to be positive, found 0');
    expect(issueAt(issues, 'security.arpInspection.rateLimit').message).toBe('expected the ARP rate limit to be positive, found -2');
    // The contradiction names the port (hv-1's, the first hypervisor port of leaf-1) and the group, in the file's words.
    const trusted = issueAt(issues, 'security.dhcpSnooping.trusted[1]');
    expect(trusted.message).toMatch(/^expected settings that agree: port leaf-1:p2 is trusted for DHCP snooping but is a secure \(host-facing\) port in security\.portSecurity\[0\] \(and 3 more alike, on other ports or switches\), found "hypervisor-facing"$/);
    expect(issueAt(issues, 'security.fcfsSavi.tWait').message).toMatch(/T_WAIT \(600000000\) must be shorter than TENT_LT \(500000000\)/);
    expect(issues).toHaveLength(6);
  });

  it('the CLI prints each as one line at its place and exits 2', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const r = spawnSync(process.execPath, [CLI, 'validate', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`arpshift: invalid scenario ${file} (6 problems):`);
    const maximum = positionOf(text, '# MAXIMUM', '0');
    expect(lines).toContain(`${file}:${maximum.line}:${maximum.column}: security.portSecurity[0].maximum: expected the maximum of secure MACs to be a whole number of at least 1, found 0`);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const run = spawnSync(process.execPath, [CLI, 'run', file], { encoding: 'utf8' });
    expect(run.status).toBe(2);
  });

  it('a router group advertising more often than RFC 4861 allows (4 s), or with a Router Lifetime over 9000 s', () => {
    const bad = [...BASE.slice(0, -1), '  - name: vr', '    on: hv-3', '    routerAdvertisements: { interval: 2s, lifetime: 10000s }   # RA', BASE.at(-1)!].join('\n');
    const found = issuesOf(bad);
    const at = (path: string, token: string): void => {
      const issue = issueAt(found, path);
      expect({ line: issue.line, column: issue.column }, path).toEqual(positionOf(bad, '# RA', token));
    };
    at('hosts[2].routerAdvertisements.interval', '2s');
    at('hosts[2].routerAdvertisements.lifetime', '10000s');
    expect(issueAt(found, 'hosts[2].routerAdvertisements.interval').expected).toBe('a duration of at least 4s');
    expect(issueAt(found, 'hosts[2].routerAdvertisements.lifetime').expected).toBe('a duration of at most 9000s (RFC 4861 §6.2.1)');
    expect(found).toHaveLength(2);
  });

  it('ports and switches that name nothing, with what they could be', () => {
    const bad = yaml(
      'security:',
      '  switches: [leaf-1, leaf1]   # SWITCH',
      '  sourceGuard: { ports: [hypervisor-facin, leaf-1:p99, vm-3] }   # PORTS',
    );
    const found = issuesOf(bad);
    expect(issueAt(found, 'security.switches[1]').suggestion).toBe('leaf-1');
    expect(issueAt(found, 'security.sourceGuard.ports[0]').expected).toMatch(/^a port class \(host-facing, hypervisor-facing, gateway-facing, fabric\)/);
    // hostPortsPerEdge 8 and one uplink: leaf-1 has 9 ports.
    expect(issueAt(found, 'security.sourceGuard.ports[1]').expected).toBe('a port of leaf-1: p1 to p9');
    // A VM is behind its hypervisor's port, not on a port of its own.
    expect(issueAt(found, 'security.sourceGuard.ports[2]').expected).toMatch(/a VM is behind its hypervisor's port/);
    expect(found).toHaveLength(4);
  });
});

describe('the sections the remedies and contention cases need', () => {
  it('remedies refused without DHCP, security or hypervisors to act on', () => {
    const found = issuesOf(yaml(
      'remedies:',
      '  - { kind: controller, moveBindings: true }',
      '  - { kind: leasequery }',
      '  - { kind: guest-renew }',
      '  - { kind: binding-sync }',
      '  - { kind: vswitch-enforcement }',
    ));
    expect(issueAt(found, 'remedies[0].moveBindings').expected).toMatch(/no security section/);
    expect(issueAt(found, 'remedies[1].kind').expected).toMatch(/a dhcp section/);
    expect(issueAt(found, 'remedies[2].kind').expected).toMatch(/take their address from DHCP/);
    expect(issueAt(found, 'remedies[3].kind').expected).toMatch(/a security section with dhcpSnooping/);
    expect(issueAt(found, 'remedies[4].kind').expected).toMatch(/a security section/);
    expect(found).toHaveLength(5);
  });

  it('DHCP for a group without IPv4, a server that is no gateway, T1 after T2', () => {
    const found = issuesOf([...BASE.map((l) => l.replace('{ name: pc, count: 2 }', '{ name: pc, count: 2, ipv4: none }')),
      'dhcp: { groups: [vm, pc, db], server: vm-1, leaseTime: 1h, renewalTime: 58min }'].join('\n'));
    expect(issueAt(found, 'dhcp.groups[1]').expected).toMatch(/a group with IPv4 addresses/);
    expect(issueAt(found, 'dhcp.groups[2]').code).toBe('reference');
    expect(issueAt(found, 'dhcp.server').code).toBe('reference');
    // T2 defaults to 0.875 × 1 h = 52.5 min: T1 of 58 min comes after it.
    expect(issueAt(found, 'dhcp.renewalTime').expected).toBe('T1 before T2 (52.5min, RFC 2131 §4.4.5)');
  });

  it('contention cases that name no VM, no hypervisor, no migration, or a taken name', () => {
    const found = issuesOf(yaml(
      'contention:',
      '  - { kind: clone, vm: pc-1, on: hv-3, at: 5s }',
      '  - { kind: malicious, vm: vm-2 }',
      '  - { kind: source-copy, vm: vm-3 }',
      '  - { kind: misconfigured, vm: vm-2, on: hv-9, at: 5s, name: vm-4 }',
    ));
    expect(issueAt(found, 'contention[0].vm').expected).toBe('a VM (a host of a group on hypervisors)');
    expect(issueAt(found, 'contention[1].on').code).toBe('missing');
    expect(issueAt(found, 'contention[1].at').code).toBe('missing');
    expect(issueAt(found, 'contention[2].kind').expected).toMatch(/vm-3 has none/);
    expect(issueAt(found, 'contention[3].on').code).toBe('reference');
    expect(issueAt(found, 'contention[3].name').code).toBe('duplicate');
  });
});
