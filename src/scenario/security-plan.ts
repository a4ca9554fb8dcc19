/**
 * From a scenario's `security` section to what the security layer takes: one `SwitchSecurityConfig`
 * per switch with port indexes resolved from port classes, port names and node names (the ports of
 * build/ports.ts), and, for every setting of each config, the scenario field it came from, so that
 * the security layer's own check (`securityConfigProblems`) reports a problem where it is written.
 * The builder and the cross-field check use this one resolution, so they cannot disagree.
 *
 * With `trustHypervisors` (the `vswitch-enforcement` remedy), hypervisor-facing ports are trusted by
 * every feature that has trusted ports, and are no secure or guarded ports.
 */
import type { ArpInspectionConfig, SwitchSecurityConfig } from '../security/index.js';
import type { Ipv4Address, MacAddress } from '../wire/index.js';
import { parseIpv4, parseMac } from '../wire/index.js';
import type { SwitchView } from './build/ports.js';
import type { PortClass, SecuritySettings } from './sections/security.js';
import { PORT_CLASSES } from './sections/security.js';

/** A field path from the document root. */
export type FieldPath = readonly (string | number)[];

/** One switch's features, as the security layer takes them, with the origin of each setting. */
export interface PlannedSwitch {
  readonly name: string;
  readonly config: SwitchSecurityConfig;
  /** Config path (dots and indexes, as `securityConfigProblems` names settings) → scenario field. */
  readonly origins: ReadonlyMap<string, FieldPath>;
  /** Port names by index. */
  readonly portNames: readonly string[];
}

/** A port entry that names nothing, at its field. */
export interface PortEntryProblem {
  readonly path: FieldPath;
  readonly entry: string;
  readonly expected: string;
}

/** The plan of one security section. */
export interface SecurityPlan {
  readonly switches: readonly PlannedSwitch[];
  readonly problems: readonly PortEntryProblem[];
}

/** What the plan needs to know of the scenario's names. */
export interface PlanNames {
  /** True for `gateway` and the gateway nodes' names. */
  isGateway(node: string): boolean;
  /** The host group of a host's name, if it is one. */
  groupOf(node: string): string | undefined;
}

const FEATURES_WITH_TRUST = ['dhcpSnooping', 'arpInspection', 'ndInspection', 'fcfsSavi', 'saviDhcp'] as const;

/** The switches a `switches` setting selects. */
export function selectSwitches(spec: string | readonly string[], views: readonly SwitchView[]): SwitchView[] {
  if (spec === 'edge') return views.filter((v) => v.edge);
  if (spec === 'all') return [...views];
  const names = new Set(typeof spec === 'string' ? [spec] : spec);
  return views.filter((v) => names.has(v.name));
}

/** The entries of a ports setting, each with its field path. */
function entries(spec: string | readonly string[], path: FieldPath): Array<{ entry: string; path: FieldPath }> {
  return typeof spec === 'string' ? [{ entry: spec, path }] : spec.map((entry, j) => ({ entry, path: [...path, j] }));
}

const PORT_NAME = /^(.+):p([1-9]\d*)$/;

/** The ports of `view` one entry names. */
function match(entry: string, view: SwitchView, names: PlanNames): number[] {
  if ((PORT_CLASSES as readonly string[]).includes(entry)) return view.ports.filter((p) => p.cls === (entry as PortClass)).map((p) => p.index);
  const m = PORT_NAME.exec(entry);
  if (m !== null) return m[1] === view.name && Number(m[2]) <= view.ports.length ? [Number(m[2]) - 1] : [];
  return view.ports
    .filter((p) => p.node !== null && (p.node === entry || (entry === 'gateway' && names.isGateway(p.node)) || names.groupOf(p.node) === entry))
    .map((p) => p.index);
}

/** What is wrong with an entry that names no port of any switch, or undefined when it names some. */
function entryProblem(entry: string, views: readonly SwitchView[], names: PlanNames): string | undefined {
  if ((PORT_CLASSES as readonly string[]).includes(entry)) return undefined;
  if (views.some((v) => match(entry, v, names).length > 0)) return undefined;
  const m = PORT_NAME.exec(entry);
  if (m !== null) {
    const v = views.find((x) => x.name === m[1]);
    if (v !== undefined) return `a port of ${v.name}: p1 to p${v.ports.length}`;
  }
  return `a port class (${PORT_CLASSES.join(', ')}), a port name (leaf-2:p3) or the name of a node plugged into a fabric switch (a hypervisor, a gateway, a host on an edge port; a VM is behind its hypervisor's port)`;
}

/** Resolves a ports setting on one switch: port indexes (first mention wins) with the field each came from. */
function resolvePorts(spec: string | readonly string[], path: FieldPath, view: SwitchView, names: PlanNames): Array<{ port: number; path: FieldPath }> {
  const out: Array<{ port: number; path: FieldPath }> = [];
  const seen = new Set<number>();
  for (const e of entries(spec, path)) {
    for (const port of match(e.entry, view, names)) {
      if (seen.has(port)) continue;
      seen.add(port);
      out.push({ port, path: e.path });
    }
  }
  return out;
}

/**
 * The plan of `security` on `views`; `base` is where the section is in the file (`['security']`, or
 * `['variants', 2, 'security']`).
 */
export function planSecurity(security: SecuritySettings, views: readonly SwitchView[], base: FieldPath, names: PlanNames, options: { trustHypervisors: boolean }): SecurityPlan {
  const problems: PortEntryProblem[] = [];
  const at = (...rest: (string | number)[]): FieldPath => [...base, ...rest];
  const checkEntries = (spec: string | readonly string[], path: FieldPath): void => {
    for (const e of entries(spec, path)) {
      const expected = entryProblem(e.entry, views, names);
      if (expected !== undefined) problems.push({ path: e.path, entry: e.entry, expected });
    }
  };
  security.portSecurity?.forEach((g, i) => checkEntries(g.ports, at('portSecurity', i, 'ports')));
  for (const f of FEATURES_WITH_TRUST) {
    const s = security[f];
    if (s !== undefined) checkEntries(s.trusted, at(f, 'trusted'));
  }
  security.arpInspection?.portRateLimits.forEach((r, j) => checkEntries(r.ports, at('arpInspection', 'portRateLimits', j, 'ports')));
  if (security.sourceGuard !== undefined) checkEntries(security.sourceGuard.ports, at('sourceGuard', 'ports'));
  if (security.raGuard !== undefined) {
    checkEntries(security.raGuard.routerPorts, at('raGuard', 'routerPorts'));
    checkEntries(security.raGuard.offPorts, at('raGuard', 'offPorts'));
  }

  const on = (spec: string | readonly string[] | undefined, view: SwitchView): boolean =>
    selectSwitches(spec ?? security.switches, views).some((v) => v.name === view.name);
  const chosen = new Set<string>();
  const features: Array<{ spec: string | readonly string[] | undefined }> = [
    ...(security.portSecurity ?? []).map((g) => ({ spec: g.switches })),
    ...[security.dhcpSnooping, security.arpInspection, security.sourceGuard, security.ndInspection, security.raGuard, security.fcfsSavi, security.saviDhcp]
      .filter((x) => x !== undefined).map((x) => ({ spec: x.switches })),
  ];
  for (const v of views) if (features.some((f) => on(f.spec, v))) chosen.add(v.name);

  const switches: PlannedSwitch[] = [];
  for (const view of views) {
    if (!chosen.has(view.name)) continue;
    const origins = new Map<string, FieldPath>();
    const hv = new Set(view.ports.filter((p) => p.cls === 'hypervisor-facing').map((p) => p.index));
    const exempt = (list: Array<{ port: number; path: FieldPath }>): Array<{ port: number; path: FieldPath }> =>
      options.trustHypervisors ? list.filter((x) => !hv.has(x.port)) : list;
    const trustedOf = (feature: string, spec: string | readonly string[]): number[] => {
      const list = resolvePorts(spec, at(feature, 'trusted'), view, names);
      const out: number[] = [];
      list.forEach((x, i) => {
        out.push(x.port);
        origins.set(`${feature}.trustedPorts.${i}`, x.path);
      });
      if (options.trustHypervisors) {
        for (const p of hv) if (!out.includes(p)) out.push(p);
      }
      origins.set(`${feature}.trustedPorts`, at(feature, 'trusted'));
      return out;
    };
    const config: { -readonly [K in keyof SwitchSecurityConfig]: SwitchSecurityConfig[K] } = {};

    const groups = (security.portSecurity ?? []).map((g, i) => {
      const included = on(g.switches, view);
      const ports = included ? exempt(resolvePorts(g.ports, at('portSecurity', i, 'ports'), view, names)).map((x) => x.port) : [];
      for (const k of ['maximum', 'violation', 'sticky', 'agingTime', 'agingType', 'ports']) origins.set(`portSecurity.groups.${i}.${k}`, at('portSecurity', i, k));
      return { ports, maximum: g.maximum, violation: g.violation, sticky: g.sticky, agingTime: g.agingTime, agingType: g.agingType };
    });
    if (groups.some((g) => g.ports.length > 0)) config.portSecurity = { groups };

    const ds = security.dhcpSnooping;
    if (ds !== undefined && on(ds.switches, view)) {
      config.dhcpSnooping = { vlans: ds.vlans, trustedPorts: trustedOf('dhcpSnooping', ds.trusted), verifyMacAddress: ds.verifyMacAddress, rateLimit: ds.rateLimit };
      origins.set('dhcpSnooping.rateLimit', at('dhcpSnooping', 'rateLimit'));
    }

    const dai = security.arpInspection;
    if (dai !== undefined && on(dai.switches, view)) {
      const portRateLimits = new Map<number, number | null>();
      dai.portRateLimits.forEach((r, j) => {
        for (const x of resolvePorts(r.ports, at('arpInspection', 'portRateLimits', j, 'ports'), view, names)) {
          if (portRateLimits.has(x.port)) continue;
          portRateLimits.set(x.port, r.rateLimit);
          origins.set(`arpInspection.portRateLimits.${x.port}`, at('arpInspection', 'portRateLimits', j, 'rateLimit'));
        }
      });
      const acl = dai.acl.map((e) => ({ address: parseIpv4(e.ipv4) as Ipv4Address, mac: parseMac(e.mac) as MacAddress, ...(e.vlan === undefined ? {} : { vlan: e.vlan }) }));
      const c: ArpInspectionConfig = {
        vlans: dai.vlans, trustedPorts: trustedOf('arpInspection', dai.trusted), rateLimit: dai.rateLimit, burstInterval: dai.burstInterval, portRateLimits,
        validate: dai.validate, acl, aclStatic: dai.aclStatic, matchPort: dai.matchPort, permitProbes: dai.permitProbes, inspectRarp: dai.inspectRarp,
      };
      config.arpInspection = c;
      origins.set('arpInspection.rateLimit', at('arpInspection', 'rateLimit'));
      origins.set('arpInspection.burstInterval', at('arpInspection', 'burstInterval'));
    }

    const sg = security.sourceGuard;
    if (sg !== undefined && on(sg.switches, view)) {
      const list = exempt(resolvePorts(sg.ports, at('sourceGuard', 'ports'), view, names));
      list.forEach((x, i) => origins.set(`sourceGuard.ports.${i}`, x.path));
      config.sourceGuard = { ports: list.map((x) => x.port), mode: sg.mode };
    }

    const nd = security.ndInspection;
    if (nd !== undefined && on(nd.switches, view)) {
      config.ndInspection = {
        vlans: nd.vlans, trustedPorts: trustedOf('ndInspection', nd.trusted), onConflict: nd.onConflict,
        reachableLifetime: nd.reachableLifetime, staleLifetime: nd.staleLifetime, probeTimeout: nd.probeTimeout, gleanFromData: nd.gleanFromData,
      };
      for (const k of ['reachableLifetime', 'staleLifetime', 'probeTimeout']) origins.set(`ndInspection.${k}`, at('ndInspection', k));
    }

    const ra = security.raGuard;
    if (ra !== undefined && on(ra.switches, view)) {
      const routerPorts = resolvePorts(ra.routerPorts, at('raGuard', 'routerPorts'), view, names);
      const offPorts = resolvePorts(ra.offPorts, at('raGuard', 'offPorts'), view, names);
      routerPorts.forEach((x, i) => origins.set(`raGuard.routerPorts.${i}`, x.path));
      offPorts.forEach((x, i) => origins.set(`raGuard.offPorts.${i}`, x.path));
      origins.set('raGuard.stateful.learningPeriod', at('raGuard', 'stateful', 'learningPeriod'));
      config.raGuard = {
        routerPorts: routerPorts.map((x) => x.port), offPorts: offPorts.map((x) => x.port),
        ...(ra.stateful === undefined ? {} : { stateful: { learningPeriod: ra.stateful.learningPeriod, forwardWhileLearning: ra.stateful.forwardWhileLearning } }),
        dropUnknownNextHeader: ra.dropUnknownNextHeader, blockRedirects: ra.blockRedirects,
      };
    }

    const savi = security.fcfsSavi;
    if (savi !== undefined && on(savi.switches, view)) {
      config.fcfsSavi = { vlans: savi.vlans, trustedPorts: trustedOf('fcfsSavi', savi.trusted), tentLt: savi.tentLt, defaultLt: savi.defaultLt, tWait: savi.tWait };
      for (const k of ['tentLt', 'defaultLt', 'tWait']) origins.set(`fcfsSavi.${k}`, at('fcfsSavi', k));
    }

    const sd = security.saviDhcp;
    if (sd !== undefined && on(sd.switches, view)) {
      config.saviDhcp = { vlans: sd.vlans, trustedPorts: trustedOf('saviDhcp', sd.trusted), dataSnooping: sd.dataSnooping };
    }

    config.errDisableRecovery = { causes: security.errDisableRecovery.causes, interval: security.errDisableRecovery.interval };
    origins.set('errDisableRecovery.interval', at('errDisableRecovery', 'interval'));
    switches.push({ name: view.name, config, origins, portNames: view.ports.map((p) => p.name) });
  }
  return { switches, problems };
}

/**
 * The scenario field of a problem `securityConfigProblems` found at `path` in switch `s`'s config:
 * the setting's own origin, else the longest recorded prefix, else the section.
 */
export function originOf(s: PlannedSwitch, path: string, base: FieldPath): FieldPath {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const o = s.origins.get(parts.slice(0, n).join('.'));
    if (o !== undefined) return o;
  }
  return base;
}

/** A problem's message in the scenario's words: port numbers as port names, config paths as fields. */
export function scenarioWords(s: PlannedSwitch, message: string, base: FieldPath): string {
  const section = base.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return message
    .replace(/\bport (\d+)\b/g, (all, n: string) => `port ${s.portNames[Number(n)] ?? all}`)
    .replace(/\bportSecurity\.groups\.(\d+)/g, (_, g: string) => `${section}.portSecurity[${g}]`)
    .replace(/\bin group (\d+)\b/g, (_, g: string) => `in ${section}.portSecurity[${g}]`);
}
