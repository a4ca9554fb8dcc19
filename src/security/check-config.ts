/**
 * Checks a {@link SwitchSecurityConfig} before it is attached: every problem at once, each with the
 * path of the setting inside the config (for a scenario loader to locate in its file) and what is
 * wrong. The feature constructors throw on the first bad value; this lists them all, and also the
 * settings that contradict each other.
 */
import type { SwitchSecurityConfig } from './switch-security.js';

/** One problem: the setting's path in the config (dots and list indexes) and a message. */
export interface SecurityConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Every problem of `config` for a switch with `portCount` ports (indexes 0 .. portCount - 1). */
export function securityConfigProblems(config: SwitchSecurityConfig, portCount: number): SecurityConfigProblem[] {
  const out: SecurityConfigProblem[] = [];
  const ports = (path: string, list: readonly number[] | undefined): void => {
    list?.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 0 || p >= portCount) out.push({ path: `${path}.${i}`, message: `port ${p} is not a port of the switch (0 to ${portCount - 1})` });
    });
  };
  const positive = (path: string, v: number | null | undefined, what: string): void => {
    if (v !== undefined && v !== null && !(v > 0 && Number.isFinite(v))) out.push({ path, message: `${what} must be positive, found ${v}` });
  };
  const ps = config.portSecurity;
  const secure = new Map<number, number>();
  ps?.groups.forEach((g, i) => {
    ports(`portSecurity.groups.${i}.ports`, g.ports);
    if (g.maximum !== undefined && !(Number.isInteger(g.maximum) && g.maximum >= 1)) {
      out.push({ path: `portSecurity.groups.${i}.maximum`, message: `the maximum of secure MACs must be a whole number of at least 1, found ${g.maximum}` });
    }
    if (g.agingTime !== undefined && !(g.agingTime >= 0)) out.push({ path: `portSecurity.groups.${i}.agingTime`, message: `aging time must not be negative, found ${g.agingTime}` });
    for (const p of g.ports) {
      if (secure.has(p)) out.push({ path: `portSecurity.groups.${i}.ports`, message: `port ${p} is already in group ${secure.get(p)}` });
      else secure.set(p, i);
    }
  });
  const trustedSecure = (path: string, list: readonly number[] | undefined, feature: string): void => {
    list?.forEach((p, i) => {
      if (secure.has(p)) out.push({ path: `${path}.${i}`, message: `port ${p} is trusted for ${feature} but is a secure (host-facing) port in portSecurity.groups.${secure.get(p)}` });
    });
  };
  const ds = config.dhcpSnooping;
  if (ds !== undefined) {
    ports('dhcpSnooping.trustedPorts', ds.trustedPorts);
    trustedSecure('dhcpSnooping.trustedPorts', ds.trustedPorts, 'DHCP snooping');
    positive('dhcpSnooping.rateLimit', ds.rateLimit, 'the DHCP rate limit');
  }
  const dai = config.arpInspection;
  if (dai !== undefined) {
    ports('arpInspection.trustedPorts', dai.trustedPorts);
    trustedSecure('arpInspection.trustedPorts', dai.trustedPorts, 'ARP inspection');
    positive('arpInspection.rateLimit', dai.rateLimit, 'the ARP rate limit');
    positive('arpInspection.burstInterval', dai.burstInterval, 'the burst interval');
    for (const [p, r] of dai.portRateLimits ?? []) {
      ports('arpInspection.portRateLimits', [p]);
      positive(`arpInspection.portRateLimits.${p}`, r, 'the ARP rate limit');
    }
  }
  if (config.sourceGuard !== undefined) ports('sourceGuard.ports', config.sourceGuard.ports);
  const nd = config.ndInspection;
  if (nd !== undefined) {
    ports('ndInspection.trustedPorts', nd.trustedPorts);
    positive('ndInspection.reachableLifetime', nd.reachableLifetime, 'the reachable lifetime');
    positive('ndInspection.staleLifetime', nd.staleLifetime, 'the stale lifetime');
    positive('ndInspection.probeTimeout', nd.probeTimeout, 'the probe timeout');
    if (nd.reachableLifetime !== undefined && nd.staleLifetime !== undefined && nd.staleLifetime < nd.reachableLifetime) {
      out.push({ path: 'ndInspection.staleLifetime', message: `the stale lifetime (${nd.staleLifetime}) is shorter than the reachable lifetime (${nd.reachableLifetime})` });
    }
  }
  const ra = config.raGuard;
  if (ra !== undefined) {
    ports('raGuard.routerPorts', ra.routerPorts);
    ports('raGuard.offPorts', ra.offPorts);
    ra.routerPorts?.forEach((p, i) => {
      if (ra.offPorts?.includes(p)) out.push({ path: `raGuard.routerPorts.${i}`, message: `port ${p} is both a router port and an unguarded (off) port` });
    });
    if (ra.stateful !== undefined && !(ra.stateful.learningPeriod >= 0)) out.push({ path: 'raGuard.stateful.learningPeriod', message: `the learning period must not be negative, found ${ra.stateful.learningPeriod}` });
  }
  const savi = config.fcfsSavi;
  if (savi !== undefined) {
    ports('fcfsSavi.trustedPorts', savi.trustedPorts);
    trustedSecure('fcfsSavi.trustedPorts', savi.trustedPorts, 'FCFS SAVI');
    positive('fcfsSavi.tentLt', savi.tentLt, 'TENT_LT');
    positive('fcfsSavi.defaultLt', savi.defaultLt, 'DEFAULT_LT');
    positive('fcfsSavi.tWait', savi.tWait, 'T_WAIT');
    if (savi.tWait !== undefined && savi.tentLt !== undefined && savi.tWait >= savi.tentLt) {
      out.push({ path: 'fcfsSavi.tWait', message: `T_WAIT (${savi.tWait}) must be shorter than TENT_LT (${savi.tentLt}), or the second DAD NS comes after the decision` });
    }
  }
  if (config.saviDhcp !== undefined) {
    ports('saviDhcp.trustedPorts', config.saviDhcp.trustedPorts);
    trustedSecure('saviDhcp.trustedPorts', config.saviDhcp.trustedPorts, 'SAVI-DHCP');
  }
  const rec = config.errDisableRecovery;
  if (rec?.interval !== undefined && !(rec.interval >= 0)) out.push({ path: 'errDisableRecovery.interval', message: `the recovery interval must not be negative, found ${rec.interval}` });
  if (config.leaseQuery?.roundTrip !== undefined && !(config.leaseQuery.roundTrip >= 0)) {
    out.push({ path: 'leaseQuery.roundTrip', message: `the leasequery round trip must not be negative, found ${config.leaseQuery.roundTrip}` });
  }
  return out;
}
