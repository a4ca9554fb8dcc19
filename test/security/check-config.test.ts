/** Contradictory or impossible security settings are all reported, each with its path in the config. */
import { describe, expect, it } from 'vitest';
import { securityConfigProblems } from '../../src/security/index.js';

describe('securityConfigProblems', () => {
  it('a valid config has none', () => {
    expect(securityConfigProblems({ portSecurity: { groups: [{ ports: [1, 2], maximum: 8 }] }, arpInspection: { trustedPorts: [0] }, dhcpSnooping: { trustedPorts: [0] } }, 3)).toEqual([]);
  });

  it('lists every problem at once, with paths', () => {
    const problems = securityConfigProblems({
      portSecurity: { groups: [{ ports: [1, 7], maximum: 0 }, { ports: [1], agingTime: -1 }] },
      dhcpSnooping: { trustedPorts: [1], rateLimit: 0 },
      arpInspection: { rateLimit: -15, portRateLimits: new Map([[2, 0]]) },
      raGuard: { routerPorts: [2], offPorts: [2] },
      fcfsSavi: { tentLt: 100, tWait: 200 },
      errDisableRecovery: { interval: -1 },
    }, 3);
    expect(problems.map((p) => p.path)).toEqual([
      'portSecurity.groups.0.ports.1',
      'portSecurity.groups.0.maximum',
      'portSecurity.groups.1.agingTime',
      'portSecurity.groups.1.ports',
      'dhcpSnooping.trustedPorts.0',
      'dhcpSnooping.rateLimit',
      'arpInspection.rateLimit',
      'arpInspection.portRateLimits.2',
      'raGuard.routerPorts.0',
      'fcfsSavi.tWait',
      'errDisableRecovery.interval',
    ]);
    expect(problems[4]!.message).toBe('port 1 is trusted for DHCP snooping but is a secure (host-facing) port in portSecurity.groups.0');
  });
});
