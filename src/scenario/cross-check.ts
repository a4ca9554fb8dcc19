/**
 * Rules that relate settings to each other, run after the schema: addresses inside their subnet and
 * not shared, MACs not shared, names that must exist (switches, hosts, groups, gateways, hypervisors, links), names
 * defined twice, and values the types cannot refuse alone (start after stop, more hosts than host
 * ports, a burst model that cannot reach its loss rate, overrides that do not belong to the node's
 * profile). The rules of migrations and remedies are in cross-check-migrations.ts, those of DHCP,
 * security and contention in cross-check-security.ts; variants are
 * checked here with the same rules as the top level, at their own paths.
 *
 * Every rule reports into one list, with the path of the setting at fault, so that all problems of a
 * file are reported together with the schema's own. When the schema refused part of the file, the
 * checks run on what remains; `tainted` tells which settings were dropped or replaced by a default,
 * and a rule that depends on one of them is skipped rather than risk reporting a problem that is only
 * an echo of the first (a host "attached to a switch that does not exist" because the fabric's size
 * was unreadable).
 */
import { PROFILES } from '../stack/index.js';
import { MAX_PORT_NUMBER, gilbertElliottFor } from '../net/index.js';
import type { Family } from './addresses.js';
import { addressFamily, addressToBigInt, prefixContains, prefixOf } from './addresses.js';
import type { Path, TaintQuery } from './checker.js';
import { Checker, EDGE_SHAPE, FABRIC_SHAPE } from './checker.js';
import { checkMigrations, checkRemedyList, checkVariantMigrations } from './cross-check-migrations.js';
import { checkSecurity } from './cross-check-security.js';
import type { PathIssue } from './issues.js';
import { formatPath, renderFound } from './issues.js';
import { MAX_HOST_NUMBER, busiestSwitch, fabricHasLoops, gatewayNodes, isVmGroup, macNumber, macOfNumber, macOwner, macRangeUnicast, macRanges, placeHosts, planAddresses } from './layout/index.js';
import type { LossRule, Scenario, ScenarioEvent } from './normalise.js';
import type { ParsedScenario } from './schema.js';
import type { LossRuleSettings } from './sections/loss.js';
import { GENERIC_OVERRIDE_NAMES, LINUX_BASED_PROFILES, SCENARIO_SYSCTL_NAMES } from './sections/profiles.js';
import type { Sysctls } from './sections/profiles.js';
import { MAX_PAYLOAD_IPV4, MAX_PAYLOAD_IPV6 } from './sections/traffic.js';
import { suggest } from './suggest.js';
import { formatBitRate, formatDuration } from './units.js';

export type { TaintQuery } from './checker.js';

// The Linux sysctl closest in meaning to each generic override, and back, for suggestions.
const LINUX_FOR_GENERIC: Readonly<Record<string, string>> = {
  reachableTime: 'base_reachable_time_ms',
  retransTime: 'retrans_time_ms',
  delayFirstProbeTime: 'delay_first_probe_time',
  multicastSolicit: 'mcast_solicit',
  unicastSolicit: 'ucast_solicit',
  lockTime: 'locktime',
};
const GENERIC_FOR_LINUX: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LINUX_FOR_GENERIC).map(([g, l]) => [l, g]));

function checkSubnet(c: Checker): void {
  if (c.sure('subnet') && c.s.subnet.ipv4 === undefined && c.s.subnet.ipv6 === undefined) {
    c.report({ code: 'missing', path: ['subnet'], expected: 'at least one of subnet.ipv4 and subnet.ipv6', found: 'neither' });
  }
}

function checkFabric(c: Checker): void {
  const f = c.s.fabric;
  if (c.sure(...FABRIC_SHAPE, 'fabric.bridging') && f.bridging === 'none' && fabricHasLoops(f) === true) {
    c.report({
      code: 'value',
      path: ['fabric', 'bridging'],
      expected: `stp, rstp or spb: the switch links of this ${f.kind} fabric close loops, around which plain learning bridges would flood forever`,
      found: '"none"',
    });
  }
  // A spanning-tree port identifier holds a 12-bit port number (IEEE 802.1D-2004 §9.2.7, as
  // 802.1t-2001 changed it), so no bridge may have more ports than that.
  if (c.sure(...FABRIC_SHAPE, 'fabric.bridging', 'fabric.hostPortsPerEdge', 'gateway.placement') && (f.bridging === 'stp' || f.bridging === 'rstp')) {
    const busiest = busiestSwitch(f, c.s.gateway.placement === 'anycast');
    if (busiest.ports > MAX_PORT_NUMBER) {
      const others = busiest.ports - f.hostPortsPerEdge;
      const sizeKey = f.kind === 'tree' ? 'access' : f.kind === 'leaf-spine' ? 'leaves' : f.kind === 'fat-tree' ? 'k' : 'hostPortsPerEdge';
      const path = busiest.edge ? ['fabric', 'hostPortsPerEdge'] : ['fabric', sizeKey];
      const expected = busiest.edge
        ? `at most ${MAX_PORT_NUMBER - others} host ports per edge switch with ${f.bridging}: a spanning-tree port number has 12 bits (at most ${MAX_PORT_NUMBER} ports per bridge), and ${busiest.name} has ${others} other port${others === 1 ? '' : 's'}`
        : `a fabric whose switches have at most ${MAX_PORT_NUMBER} ports each with ${f.bridging} (a spanning-tree port number has 12 bits); ${busiest.name} would have ${busiest.ports}`;
      const found = busiest.edge || f.kind === 'single' ? f.hostPortsPerEdge : f.kind === 'tree' ? f.access : f.kind === 'leaf-spine' ? f.leaves : f.k;
      c.report({ code: 'capacity', path, expected, found: String(found) });
    }
  }
}

/** The keys of `sysctls` (at `path`) that do not belong to `profile`. */
function overrideProblems(path: Path, profile: string, sysctls: Sysctls): PathIssue[] {
  const linux = LINUX_BASED_PROFILES.includes(profile);
  const p = PROFILES[profile];
  const out: PathIssue[] = [];
  for (const [key, value] of Object.entries(sysctls)) {
    if (value === undefined) continue;
    const at = [...path, key];
    if (linux && GENERIC_OVERRIDE_NAMES.includes(key)) {
      const hint = LINUX_FOR_GENERIC[key];
      out.push({
        code: 'unknown-field',
        path: at,
        atKey: true,
        expected: `a Linux sysctl, since profile ${profile} is Linux-based: ${SCENARIO_SYSCTL_NAMES.join(', ')}`,
        found: JSON.stringify(key),
        ...(hint === undefined ? {} : { suggestion: hint }),
      });
    } else if (!linux && SCENARIO_SYSCTL_NAMES.includes(key)) {
      const hint = GENERIC_FOR_LINUX[key];
      out.push({
        code: 'unknown-field',
        path: at,
        atKey: true,
        expected: `a generic override, since profile ${profile} is not Linux: ${GENERIC_OVERRIDE_NAMES.join(', ')}`,
        found: JSON.stringify(key),
        ...(hint === undefined ? {} : { suggestion: hint }),
      });
    } else if (p !== undefined && key === 'arpTimeout' && p.arpTimers.aging.value !== 'timeout') {
      out.push({ code: 'unknown-field', path: at, atKey: true, expected: `reachableTime: profile ${profile} ages ARP entries by NUD, not by a timeout`, found: JSON.stringify(key), suggestion: 'reachableTime' });
    } else if (p !== undefined && key === 'reachableTime' && p.arpTimers.aging.value !== 'nud' && p.ndTimers.aging.value !== 'nud') {
      out.push({ code: 'unknown-field', path: at, atKey: true, expected: `arpTimeout: profile ${profile} ages entries by a timeout, not by NUD`, found: JSON.stringify(key), suggestion: 'arpTimeout' });
    }
  }
  return out;
}

/** Reports the keys of the sysctls object at `path` that do not belong to `profile`. */
function checkOverrides(c: Checker, path: Path, profile: string, sysctls: Sysctls): void {
  for (const issue of overrideProblems(path, profile, sysctls)) c.report(issue);
}

function checkGateway(c: Checker): void {
  const g = c.s.gateway;
  const raw = c.parsed.gateway;
  if (c.sure('gateway.placement', 'gateway.attach') && raw.attach !== undefined) {
    const wanted = g.placement === 'core' ? 1 : g.placement === 'pair' ? 2 : 0;
    if (g.attach.length !== wanted) {
      const expected = wanted === 0
        ? 'no attach: an anycast gateway lives in every edge switch'
        : wanted === 1 ? 'one edge switch for a core gateway' : 'a list of two edge switches for a pair, e.g. [leaf-1, leaf-2]';
      c.report({ code: 'value', path: ['gateway', 'attach'], expected, found: renderFound(raw.attach) });
    } else {
      // A core gateway may hang off any switch (a spine, a core switch); a pair's members off edges.
      const kinds = g.placement === 'core' ? ['edge', 'switch'] as const : ['edge'] as const;
      g.attach.forEach((name, i) => c.reference(typeof raw.attach === 'string' ? ['gateway', 'attach'] : ['gateway', 'attach', i], name, [...kinds]));
    }
  }
  if (c.sure('gateway.placement', 'gateway.link') && g.placement === 'anycast' && raw.link !== undefined) {
    c.report({ code: 'value', path: ['gateway', 'link'], expected: 'no link: an anycast gateway lives inside its edge switches', found: renderFound(raw.link) });
  }
  if (c.sure('gateway.placement', 'gateway.virtualMac') && g.placement === 'core' && g.virtualMac !== null) {
    c.report({ code: 'value', path: ['gateway', 'virtualMac'], expected: 'auto: a core gateway uses its own MAC; only pair and anycast gateways share a virtual MAC', found: JSON.stringify(g.virtualMac) });
  }
  if (c.sure('gateway.profile')) checkOverrides(c, ['gateway', 'sysctls'], g.profile, g.sysctls);
}

function checkHostNames(c: Checker): void {
  const hosts = c.s.hosts;
  if (!c.sure('hosts.name')) return;
  const first = new Map<string, number>();
  hosts.forEach((h, i) => {
    const j = first.get(h.name);
    if (j !== undefined) {
      c.report({ code: 'duplicate', path: ['hosts', i, 'name'], expected: 'a name no other group has', found: `${JSON.stringify(h.name)} (also hosts[${j}].name)` });
    } else {
      first.set(h.name, i);
    }
  });
  const names = c.names;
  if (!c.known('switch', 'gateway', 'host', 'hypervisor')) return;
  const taken = [...names.switches.map((s) => s.name), 'gateway', ...names.gateways, ...names.hypervisors];
  hosts.forEach((h, i) => {
    if (first.get(h.name) !== i) return;
    const clash = taken.find((n) => n === h.name) ?? taken.find((n) => names.hostOf(n)?.group === h.name);
    if (clash !== undefined) {
      const what = clash === h.name ? `${clash} is also a switch, gateway or hypervisor name` : `host ${clash} would have the name of a switch, gateway or hypervisor`;
      c.report({ code: 'duplicate', path: ['hosts', i, 'name'], expected: 'a group name whose hosts do not take the names of switches, gateways or hypervisors', found: `${JSON.stringify(h.name)} (${what})` });
      return;
    }
    const owner = names.hostOf(h.name);
    if (owner !== undefined) {
      c.report({ code: 'duplicate', path: ['hosts', i, 'name'], expected: 'a group name that is not also the name of a host', found: `${JSON.stringify(h.name)} (host ${owner.number} of group ${owner.group})` });
    }
  });
}

/** References of a list (or single name) setting: each name at its own path. */
function checkNames(c: Checker, path: Path, raw: unknown, names: readonly string[], kinds: Parameters<Checker['reference']>[2]): void {
  names.forEach((name, j) => c.reference(typeof raw === 'string' ? path : [...path, j], name, kinds));
}

/** `on` of host groups: the hypervisors exist, and VMs have no edge placement. */
function checkVmGroups(c: Checker): void {
  const hv = c.s.hypervisors;
  c.s.hosts.forEach((h, i) => {
    const raw = c.parsed.hosts[i]!;
    const base: Path = ['hosts', i];
    if (!isVmGroup(h) || !c.sure('hosts.on')) return;
    if (hv === null) {
      if (c.sure('hypervisors')) {
        c.report({ code: 'value', path: [...base, 'on'], expected: 'edge: the scenario has no hypervisors for VMs to live on (add a hypervisors section)', found: renderFound(raw.on) });
      }
    } else if (h.on !== 'hypervisors' && h.on !== 'edge') {
      if (typeof raw.on === 'string' && c.known('hypervisor') && !c.names.hypervisors.includes(raw.on)) {
        // A single word: perhaps a misspelt keyword rather than a hypervisor.
        const r = c.names.resolve(raw.on, ['hypervisor']);
        const hint = suggest(raw.on, ['edge', 'hypervisors', ...c.names.hypervisors], { unique: true });
        c.report({
          code: 'reference',
          path: [...base, 'on'],
          expected: `edge, hypervisors, or ${r.ok ? 'a hypervisor' : r.expected}`,
          found: JSON.stringify(raw.on),
          ...(hint === undefined ? {} : { suggestion: hint }),
        });
      } else {
        checkNames(c, [...base, 'on'], raw.on, h.on, ['hypervisor']);
      }
    }
    if (c.sure('hosts.link') && raw.link !== undefined) {
      c.report({ code: 'value', path: [...base, 'link'], expected: 'no link: a VM\'s virtual NIC belongs to its hypervisor; link is for hosts on edge switch ports', found: renderFound(raw.link) });
    }
    if (c.sure('hosts.placement') && h.placement !== 'spread') {
      c.report({
        code: 'value',
        path: [...base, 'placement'],
        expected: 'no placement: VMs live where their hypervisor is (on), placement is for hosts on edge switch ports',
        found: renderFound(raw.placement),
      });
    }
  });
}

function checkPlacement(c: Checker): void {
  const hosts = c.s.hosts;
  if (c.sure('hosts.placement')) {
    hosts.forEach((h, i) => {
      if (h.placement === 'spread' || isVmGroup(h)) return;
      checkNames(c, ['hosts', i, 'placement'], c.parsed.hosts[i]?.placement, h.placement, ['edge']);
    });
  }
  const hv = c.s.hypervisors;
  if (hv !== null && hv.placement !== 'spread' && c.sure('hypervisors.placement')) {
    checkNames(c, ['hypervisors', 'placement'], c.parsed.hypervisors?.placement, hv.placement, ['edge']);
  }
  checkVmGroups(c);
  let total = 0;
  hosts.forEach((h, i) => {
    total += h.count;
    if (total > MAX_HOST_NUMBER && total - h.count <= MAX_HOST_NUMBER && c.sure('hosts.count')) {
      c.report({ code: 'capacity', path: ['hosts', i, 'count'], expected: `at most ${MAX_HOST_NUMBER - (total - h.count)} hosts: a scenario has at most ${MAX_HOST_NUMBER} hosts in all (the MAC plan's host numbers)`, found: String(h.count) });
    }
  });
  if (!c.sure(...EDGE_SHAPE, 'fabric.hostPortsPerEdge', 'hosts.count', 'hosts.placement', 'hosts.on', 'gateway.placement', 'gateway.attach', 'hypervisors.count', 'hypervisors.placement')) return;
  const placement = placeHosts(c.s);
  const f = c.s.fabric;
  const edges = c.names.edges;
  const unknownEdge = (placement: 'spread' | readonly string[]): boolean => placement !== 'spread' && placement.some((name) => !edges.includes(name));
  const ports = (placement: 'spread' | readonly string[]): string => placement === 'spread'
    ? `${edges.length} edge switch${edges.length === 1 ? '' : 'es'} × ${f.hostPortsPerEdge} host ports`
    : `${placement.join(', ')} (${f.hostPortsPerEdge} host ports each)`;
  // A list naming switches that do not exist is reported as such, not as a lack of ports.
  if (hv !== null && placement.hypervisorOverflow > 0 && !unknownEdge(hv.placement)) {
    const room = hv.count - placement.hypervisorOverflow;
    c.report({
      code: 'capacity',
      path: ['hypervisors', 'count'],
      expected: `at most ${room} hypervisor${room === 1 ? '' : 's'}: the host ports left on ${ports(hv.placement)}, after the gateway (raise fabric.hostPortsPerEdge or add edge switches)`,
      found: String(hv.count),
    });
  }
  const before = hv === null ? 'the gateway and the groups before' : 'the gateway, the hypervisors and the groups before';
  placement.overflow.forEach((lost, i) => {
    const h = hosts[i]!;
    if (lost === 0 || unknownEdge(h.placement)) return;
    c.report({
      code: 'capacity',
      path: ['hosts', i, 'count'],
      expected: `at most ${h.count - lost} host${h.count - lost === 1 ? '' : 's'}: the host ports left on ${ports(h.placement)}, after ${before} (raise fabric.hostPortsPerEdge, add edge switches, or put the hosts on hypervisors)`,
      found: String(h.count),
    });
  });
}

function checkAddresses(c: Checker): void {
  c.s.hosts.forEach((h, i) => {
    if (c.sure('subnet', 'hosts.ipv4', 'hosts.ipv6') && h.ipv4 === 'none' && h.ipv6 === 'none') {
      c.report({ code: 'value', path: ['hosts', i], expected: 'hosts with at least one address (ipv4 or ipv6 of a family the subnet has)', found: 'none for both families' });
    }
  });
  for (const family of ['ipv4', 'ipv6'] as const) {
    if (!c.sure(`subnet.${family}`, `gateway.${family}`, 'gateway.placement', `hosts.${family}`, 'hosts.count', 'hosts.allowAddressConflict')) continue;
    for (const p of planAddresses(c.s, family).problems) c.report(p);
  }
}

/**
 * Explicit MACs (a group's or the gateway's `mac`, consecutive from the one given): every MAC of the
 * range unicast, and no node's MAC another's (the MAC plan's included), nor the gateway's virtual MAC.
 */
function checkMacs(c: Checker): void {
  const s = c.s;
  if (!c.sure('hosts.mac', 'hosts.count', 'hosts.name', 'gateway.mac', 'gateway.placement', 'gateway.virtualMac', ...EDGE_SHAPE)) return;
  const ranges = macRanges(s.hosts, s.gateway.mac, gatewayNodes(s).map((g) => g.name));
  const ok = ranges.map((r) => {
    if (r.path === null || macRangeUnicast(macOfNumber(r.first), r.count)) return true;
    c.report({
      code: 'capacity',
      path: r.path,
      expected: `a first MAC that leaves room for ${r.count} consecutive unicast MACs (the last, ${macOfNumber(r.first + r.count - 1)}, would not be unicast: its first octet differs from the first MAC's)`,
      found: JSON.stringify(macOfNumber(r.first)),
    });
    return false;
  });
  ranges.forEach((r, i) => {
    if (r.path === null || !ok[i]) return;
    // Against every range before it, and the plan's ranges after it (an explicit one after it reports itself).
    for (let j = 0; j < ranges.length; j++) {
      const o = ranges[j]!;
      if (j === i || (j > i && o.path !== null) || !ok[j]) continue;
      const lo = Math.max(r.first, o.first);
      if (lo > Math.min(r.first + r.count, o.first + o.count) - 1) continue;
      c.report({
        code: 'duplicate',
        path: r.path,
        expected: 'MACs no other node has',
        found: `${JSON.stringify(macOfNumber(r.first))}, whose range gives ${r.name(lo - r.first)} ${macOfNumber(lo)}, the MAC of ${o.name(lo - o.first)}${o.path === null ? ' by the MAC plan' : ` (${formatPath(o.path)})`}`,
      });
      return;
    }
    const v = s.gateway.virtualMac;
    if (v !== null && macNumber(v) >= r.first && macNumber(v) < r.first + r.count) {
      c.report({ code: 'duplicate', path: r.path, expected: 'MACs no other node has', found: `${JSON.stringify(macOfNumber(r.first))}, whose range holds the gateway's virtual MAC ${v}` });
    }
  });
  const v = s.gateway.virtualMac;
  if (v !== null && c.parsed.gateway.virtualMac !== 'auto') {
    const owner = macOwner(ranges.filter((r) => r.path === null), v);
    if (owner !== undefined) c.report({ code: 'duplicate', path: ['gateway', 'virtualMac'], expected: 'a MAC no node has as its own', found: `${JSON.stringify(v)} (the MAC of ${owner.name} by the MAC plan)` });
  }
}

function nodeFamilies(c: Checker, name: string): { has: (f: Family) => boolean; what: string } | undefined {
  const s = c.s;
  if (name === 'gateway' || c.names.gateways.includes(name)) {
    return { has: (f) => s.gateway[f] !== null, what: 'the gateway' };
  }
  const group = s.hosts.find((h) => h.name === name) ?? s.hosts.find((h) => h.name === c.names.hostOf(name)?.group);
  if (group === undefined) return undefined;
  return { has: (f) => group[f] !== 'none', what: `group ${group.name}` };
}

function checkTraffic(c: Checker): void {
  const s = c.s;
  const seen = new Map<string, number>();
  s.traffic.forEach((flow, i) => {
    const raw = c.parsed.traffic[i]!;
    const base: Path = ['traffic', i];
    if (c.sure('traffic')) {
      const j = seen.get(flow.name);
      if (j !== undefined) {
        const found = raw.name === undefined ? `${JSON.stringify(flow.name)} (the default name, as for traffic[${j}])` : `${JSON.stringify(flow.name)} (also traffic[${j}])`;
        c.report({ code: 'duplicate', path: raw.name === undefined ? base : [...base, 'name'], expected: 'a flow name no other flow has (give one of them a name)', found });
      } else {
        seen.set(flow.name, i);
      }
    }
    const endpoints: readonly ['gateway', 'host', 'group'] = ['gateway', 'host', 'group'];
    c.reference([...base, 'from'], flow.from, endpoints);
    const toFamily = addressFamily(flow.to);
    if (toFamily === undefined) c.reference([...base, 'to'], flow.to, endpoints);
    if (flow.from === flow.to) c.report({ code: 'value', path: [...base, 'to'], expected: 'a receiver other than the sender', found: JSON.stringify(flow.to) });

    // The family: the subnet has it, the endpoints have addresses of it, an address `to` is of it.
    const familyPath: Path = raw.family !== undefined ? [...base, 'family'] : toFamily !== undefined ? [...base, 'to'] : base;
    if (c.sure(`subnet.${flow.family}`) && s.subnet[flow.family] === undefined) {
      c.report({ code: 'value', path: familyPath, expected: `a family the scenario has a subnet for (no subnet.${flow.family})`, found: JSON.stringify(flow.family) });
    } else if (toFamily !== undefined) {
      if (toFamily !== flow.family) {
        c.report({ code: 'value', path: [...base, 'to'], expected: `an ${flow.family} address, as the flow's family is ${flow.family}`, found: JSON.stringify(flow.to) });
      } else if (c.sure(`subnet.${flow.family}`)) {
        const prefix = s.subnet[flow.family]!;
        if (!prefixContains(prefixOf(prefix, flow.family), addressToBigInt(flow.to, flow.family))) {
          c.report({ code: 'value', path: [...base, 'to'], expected: `an address inside ${prefix} (destinations beyond the subnet are not modelled)`, found: JSON.stringify(flow.to) });
        }
      }
    }
    if (c.known('gateway', 'host', 'group') && c.sure('gateway.ipv4', 'gateway.ipv6', 'hosts.ipv4', 'hosts.ipv6', 'subnet')) {
      for (const [end, name] of [['from', flow.from], ['to', flow.to]] as const) {
        if (end === 'to' && toFamily !== undefined) continue;
        const node = nodeFamilies(c, name);
        if (node !== undefined && !node.has(flow.family)) {
          c.report({ code: 'value', path: [...base, end], expected: `a node with an ${flow.family} address (the flow's family); ${node.what} has none`, found: JSON.stringify(name) });
        }
      }
    }

    // Times.
    if (c.sure('duration', 'traffic.start', 'traffic.stop')) {
      if (flow.start >= s.duration) {
        c.report({ code: 'value', path: [...base, 'start'], expected: `a start before the end of the simulation (duration ${formatDuration(s.duration)})`, found: formatDuration(flow.start) });
      } else if (raw.stop !== undefined && flow.stop <= flow.start) {
        c.report({ code: 'value', path: [...base, 'stop'], expected: `a stop after the start (${formatDuration(flow.start)})`, found: formatDuration(flow.stop) });
      } else if (flow.stop > s.duration) {
        c.report({ code: 'value', path: [...base, 'stop'], expected: `a stop no later than the end of the simulation (duration ${formatDuration(s.duration)})`, found: formatDuration(flow.stop) });
      }
    }

    // Sizes that fit one frame of the family.
    const max = flow.family === 'ipv4' ? MAX_PAYLOAD_IPV4 : MAX_PAYLOAD_IPV6;
    const sizes: [string, number][] = [['size', flow.size]];
    if (flow.kind === 'request-response') sizes.push(['responseSize', flow.responseSize]);
    for (const [key, value] of sizes) {
      if (value > max) c.report({ code: 'value', path: [...base, key], expected: `at most ${max} bytes, so that the ${flow.family} packet fits one 1500-byte frame`, found: String(value) });
    }

    // A rate the sender's access link can carry at all.
    if (c.sure('traffic.rate', 'traffic.size', 'traffic.responseSize', 'fabric.links.access.rate')) {
      const payload = Math.max(...sizes.map(([, v]) => v));
      const wire = wireBytes(payload, flow.family);
      const access = s.fabric.links.access.rate;
      const most = Math.floor(access / (wire * 8));
      if (flow.rate > most) {
        c.report({
          code: 'value',
          path: [...base, 'rate'],
          expected: `at most ${most.toLocaleString('en-US')} packets/s: what a ${formatBitRate(access)} access link (fabric.links.access.rate) carries in ${wire}-byte frames, framing included`,
          found: `${flow.rate.toLocaleString('en-US')} packets/s`,
        });
      }
    }
  });
}

/**
 * The bytes one packet of `payload` bytes (behind an 8-byte UDP or ICMP echo header) takes on an
 * Ethernet link: the IPv4 (20) or IPv6 (40) header, a frame payload of at least 46 bytes, the 14-byte
 * header and 4-byte FCS, and the 8-byte preamble and 12-byte inter-frame gap (IEEE 802.3 §3.1.1, §4.4.2).
 */
export function wireBytes(payload: number, family: Family): number {
  return Math.max(payload + 8 + (family === 'ipv4' ? 20 : 40), 46) + 14 + 4 + 8 + 12;
}

/** The events of a list at `base`; `key` is its dotted key for taint queries (`events`, `variants.events`). */
function checkEventList(c: Checker, events: readonly ScenarioEvent[], base: Path, key: string): void {
  const s = c.s;
  events.forEach((e, i) => {
    const at: Path = [...base, i];
    if (c.sure('duration', `${key}.at`) && e.at >= s.duration) {
      c.report({ code: 'value', path: [...at, 'at'], expected: `a time before the end of the simulation (duration ${formatDuration(s.duration)})`, found: formatDuration(e.at) });
    }
    const target: Path = [...at, 'target'];
    switch (e.kind) {
      case 'gateway-restart':
        c.reference(target, e.target, ['gateway']);
        break;
      case 'link-down':
      case 'link-up':
        c.linkPattern(target, e.target);
        break;
      case 'host-down':
      case 'host-up':
        c.reference(target, e.target, ['host', 'group']);
        break;
      case 'flush-neighbors':
        c.reference(target, e.target, ['everything', 'gateway', 'host', 'group']);
        break;
    }
  });
}

/** The loss rules of a list at `base` (normalised, and as parsed); `key` is its dotted key (`loss`, `variants.loss`). */
function checkLossRules(c: Checker, rules: readonly LossRule[], raws: readonly LossRuleSettings[], base: Path, key: string): void {
  const s = c.s;
  rules.forEach((rule, i) => {
    const at: Path = [...base, i];
    c.linkPattern([...at, 'links'], rule.links);
    rule.congestion.forEach((w, j) => {
      if (!c.sure(`${key}.congestion`)) return;
      if (w.end <= w.start) {
        c.report({ code: 'value', path: [...at, 'congestion', j, 'end'], expected: `an end after the start (${formatDuration(w.start)})`, found: formatDuration(w.end) });
      } else if (c.sure('duration') && w.start >= s.duration) {
        c.report({ code: 'value', path: [...at, 'congestion', j, 'start'], expected: `a start before the end of the simulation (duration ${formatDuration(s.duration)})`, found: formatDuration(w.start) });
      }
    });
    const m = raws[i]!.model;
    // A refused parameter was removed; its absence is not a second problem.
    if (m.kind !== 'gilbert-elliott' || !c.sure(`${key}.model`)) return;
    const mp: Path = [...at, 'model'];
    const rateForm = m.lossRate !== undefined || m.meanBurstLength !== undefined;
    const transitionForm = m.pGoodToBad !== undefined || m.pBadToGood !== undefined || m.lossGood !== undefined || m.lossBad !== undefined;
    const forms = 'lossRate and meanBurstLength, or pGoodToBad and pBadToGood (with lossGood and lossBad)';
    if (rateForm && transitionForm) {
      c.report({ code: 'value', path: mp, expected: `one form of the model: ${forms}`, found: 'fields of both forms' });
    } else if (rateForm) {
      if (m.lossRate === undefined) c.report({ code: 'missing', path: [...mp, 'lossRate'], expected: 'the long-run loss rate, with meanBurstLength', found: 'nothing' });
      if (m.meanBurstLength === undefined) c.report({ code: 'missing', path: [...mp, 'meanBurstLength'], expected: 'the mean burst length in frames, with lossRate', found: 'nothing' });
      if (m.lossRate !== undefined && m.meanBurstLength !== undefined) {
        try {
          gilbertElliottFor(m.lossRate, m.meanBurstLength);
        } catch {
          const limit = m.meanBurstLength / (1 + m.meanBurstLength);
          c.report({ code: 'value', path: [...mp, 'lossRate'], expected: `a loss rate of at most ${Number(limit.toFixed(6))}: with bursts of ${m.meanBurstLength} frames, a higher rate would need more than one burst per frame`, found: String(m.lossRate) });
        }
      }
    } else if (transitionForm) {
      if (m.pGoodToBad === undefined) c.report({ code: 'missing', path: [...mp, 'pGoodToBad'], expected: 'the good-to-bad transition probability, with pBadToGood', found: 'nothing' });
      if (m.pBadToGood === undefined) c.report({ code: 'missing', path: [...mp, 'pBadToGood'], expected: 'the bad-to-good transition probability, with pGoodToBad', found: 'nothing' });
    } else {
      c.report({ code: 'missing', path: mp, expected: forms, found: 'nothing' });
    }
  });
}

/** Variants: unique names, and each replaced setting checked as the top level's is, at its own path. */
function checkVariants(c: Checker): void {
  const variants = c.parsed.variants ?? [];
  const seen = new Map<string, number>();
  variants.forEach((v, i) => {
    const base: Path = ['variants', i];
    const j = seen.get(v.name);
    if (j !== undefined && c.sure('variants.name')) {
      c.report({ code: 'duplicate', path: [...base, 'name'], expected: 'a name no other variant has', found: `${JSON.stringify(v.name)} (also variants[${j}].name)` });
    } else {
      seen.set(v.name, i);
    }
    const run = c.s.runs[i]!;
    if (v.remedies !== undefined) checkRemedyList(c, v.remedies, [...base, 'remedies'], 'variants.remedies', run.migrations, 'variant');
    if (v.loss !== undefined) checkLossRules(c, run.loss, v.loss, [...base, 'loss'], 'variants.loss');
    if (v.events !== undefined) checkEventList(c, run.events, [...base, 'events'], 'variants.events');
    const g = v.gateway;
    if (g !== undefined && c.sure('gateway.profile', 'variants.gateway.profile')) {
      if (g.sysctls !== undefined) {
        checkOverrides(c, [...base, 'gateway', 'sysctls'], run.gateway.profile, g.sysctls);
      } else if (g.profile !== undefined && c.sure('gateway.sysctls')) {
        const kept = overrideProblems(['gateway', 'sysctls'], g.profile, c.s.gateway.sysctls);
        if (kept.length > 0) {
          c.report({
            code: 'value',
            path: [...base, 'gateway', 'profile'],
            expected: `a profile that takes the scenario's gateway.sysctls (${kept.map((k) => JSON.parse(k.found) as string).join(', ')}), or sysctls for this variant (they replace the scenario's)`,
            found: JSON.stringify(g.profile),
          });
        }
      }
    }
    if (v.migrations !== undefined) checkVariantMigrations(c, v.migrations, [...base, 'migrations'], run);
    for (const [group, sysctls] of Object.entries(v.hostSysctls ?? {})) {
      const path: Path = [...base, 'hostSysctls', group];
      if (!c.reference(path, group, ['group'], true)) continue;
      const h = c.s.hosts.find((x) => x.name === group);
      if (h !== undefined && c.sure('hosts.profile')) checkOverrides(c, path, h.profile, sysctls);
    }
  });
}

function checkOutput(c: Checker): void {
  if (c.parsed.output.pcap !== undefined) c.reference(['output', 'pcap'], c.s.output.pcap, ['gateway', 'host', 'switch', 'hypervisor']);
}

/**
 * The cross-field problems of a parsed scenario (empty when there are none). `tainted` says which
 * settings the schema dropped or defaulted because they were invalid (see the module comment).
 */
export function crossCheck(parsed: ParsedScenario, tainted: TaintQuery = () => false): PathIssue[] {
  return crossChecked(parsed, tainted).issues;
}

/**
 * As {@link crossCheck}, with the normalised scenario the checks read (`normaliseScenario` of
 * `parsed`), so that a scenario that passes is not normalised a second time.
 */
export function crossChecked(parsed: ParsedScenario, tainted: TaintQuery = () => false): { readonly issues: PathIssue[]; readonly scenario: Scenario } {
  const c = new Checker(parsed, tainted);
  checkSubnet(c);
  checkFabric(c);
  checkGateway(c);
  checkHostNames(c);
  c.s.hosts.forEach((h, i) => {
    if (c.sure('hosts.profile')) checkOverrides(c, ['hosts', i, 'sysctls'], h.profile, h.sysctls);
  });
  checkPlacement(c);
  checkAddresses(c);
  checkMacs(c);
  checkTraffic(c);
  checkEventList(c, c.s.events, ['events'], 'events');
  checkLossRules(c, c.s.loss, c.parsed.loss, ['loss'], 'loss');
  checkMigrations(c);
  checkRemedyList(c, c.parsed.remedies, ['remedies'], 'remedies', c.s.migrations.filter((_, i) => c.parsed.migrations[i]!.remedies === undefined), 'top');
  checkVariants(c);
  checkOutput(c);
  checkSecurity(c);
  return { issues: c.issues, scenario: c.s };
}
