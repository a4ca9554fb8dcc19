/**
 * What the deployable remedies need to know about a network interface of the namespace they run in:
 * whether it exists, is up and has carrier, whether it is a bridge port and in which STP state, its
 * MAC address (all read from sysfs, `/sys/class/net/IF/…`, Documentation/ABI/testing/sysfs-class-net
 * and sysfs-class-net-brport-… of the kernel tree), and its addresses (read as JSON from iproute2's
 * `ip -j addr show dev IF`). Sysfs reads are cheap, so waiting for a state is a poll of a few files.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DeployError } from './errors.js';

/** The bridge port states of include/uapi/linux/if_bridge.h (BR_STATE_DISABLED … BR_STATE_BLOCKING). */
export const BRIDGE_PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'] as const;
/** BR_STATE_FORWARDING. */
const BR_STATE_FORWARDING = 3;
/** IFF_UP in include/uapi/linux/if.h. */
const IFF_UP = 0x1;

/** An interface as sysfs shows it now. */
export interface LinkState {
  readonly name: string;
  /** Administratively up (IFF_UP). */
  readonly up: boolean;
  /** The lower layer reports carrier (`carrier` reads 1; it cannot be read while the link is down). */
  readonly carrier: boolean;
  /** `operstate` (RFC 2863 names: up, down, lowerlayerdown, dormant, unknown, …). */
  readonly operstate: string;
  /** The STP state of the interface as a bridge port, or null when it is no bridge port. */
  readonly bridgePortState: (typeof BRIDGE_PORT_STATES)[number] | null;
  /** Its MAC address, lower-case colon hex. */
  readonly mac: string;
}

const SYSFS = '/sys/class/net';

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Whether an interface name is well formed (IFNAMSIZ - 1 characters, no slash or space: dev_valid_name). */
export function validInterfaceName(name: string): boolean {
  return name.length > 0 && name.length <= 15 && name !== '.' && name !== '..' && !/[/\s:]/.test(name);
}

/** The interface `name` as sysfs shows it now, or null when there is no such interface. */
export function readLink(name: string): LinkState | null {
  if (!validInterfaceName(name)) return null;
  const dir = `${SYSFS}/${name}`;
  const flags = readText(`${dir}/flags`);
  if (flags === null) return null;
  const port = readText(`${dir}/brport/state`);
  const portState = port === null ? null : BRIDGE_PORT_STATES[Number(port)] ?? null;
  return {
    name,
    up: (Number.parseInt(flags, 16) & IFF_UP) !== 0,
    carrier: readText(`${dir}/carrier`) === '1',
    operstate: readText(`${dir}/operstate`) ?? 'unknown',
    bridgePortState: portState,
    mac: (readText(`${dir}/address`) ?? '').toLowerCase(),
  };
}

/**
 * Whether a frame sent on `link` now goes out: up, with carrier, its operational state up (or
 * unknown, for drivers that do not report one), and forwarding when it is a bridge port. The
 * operational state matters: `carrier` reads 1 as soon as the driver calls netif_carrier_on, but the
 * queueing discipline is attached (dev_activate) and operstate set (rfc2863_policy) only when
 * linkwatch handles the event (net/core/link_watch.c); until then frames are dropped by noop_qdisc.
 */
export function linkReady(link: LinkState | null): boolean {
  return link !== null && link.up && link.carrier && (link.operstate === 'up' || link.operstate === 'unknown')
    && (link.bridgePortState === null || link.bridgePortState === BRIDGE_PORT_STATES[BR_STATE_FORWARDING]);
}

/** Why `link` is not ready, in a few words ("down", "no carrier", "bridge port learning", "missing"). */
export function notReadyReason(link: LinkState | null): string {
  if (link === null) return 'missing';
  if (!link.up) return 'down';
  if (!link.carrier) return 'no carrier';
  if (link.operstate !== 'up' && link.operstate !== 'unknown') return `operstate ${link.operstate}`;
  if (link.bridgePortState !== null && link.bridgePortState !== 'forwarding') return `bridge port ${link.bridgePortState}`;
  return 'ready';
}

/** An address configured on an interface. */
export interface InterfaceAddress {
  readonly family: 'ipv4' | 'ipv6';
  /** The address as iproute2 prints it. */
  readonly address: string;
  readonly prefixLength: number;
  /** `link` for link-local addresses, `global` for others. */
  readonly scope: string;
}

/** Runs `ip args…`; stdout, or a one-line DeployError. */
export function ip(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new DeployError('ip not found: install iproute2', 2));
      const why = stderr.trim().split('\n')[0] ?? error.message;
      reject(new DeployError(`ip ${args.join(' ')} failed: ${why}`));
    });
  });
}

/** Every address on interface `name` (`ip -j addr show dev NAME`). */
export async function interfaceAddresses(name: string): Promise<InterfaceAddress[]> {
  const rows = JSON.parse((await ip(['-j', 'addr', 'show', 'dev', name])).trim() || '[]') as Array<{
    addr_info?: Array<{ family: string; local: string; prefixlen: number; scope?: string }>;
  }>;
  return rows.flatMap((r) => r.addr_info ?? []).filter((a) => a.family === 'inet' || a.family === 'inet6').map((a) => ({
    family: a.family === 'inet' ? 'ipv4' as const : 'ipv6' as const,
    address: a.local,
    prefixLength: a.prefixlen,
    scope: a.scope ?? 'global',
  }));
}
