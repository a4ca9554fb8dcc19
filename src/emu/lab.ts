/**
 * A lab of Linux network namespaces for one run: namespaces, veth pairs and bridges inside them,
 * sysctls, neighbour tables read as JSON, `ip monitor neigh` followers and raw sockets, all made
 * through iproute2 (`ip -n NS …`, `ip -j`, `ip -batch`) and procps `sysctl` under `ip netns exec`.
 *
 * What it guarantees:
 * - Every namespace is named `<prefix>-<run id>-<name>`, where the run id is new for each lab; links
 *   and bridges are only ever created inside those namespaces (a veth's two ends are created in their
 *   namespaces directly), so nothing touches the root namespace's network and deleting a namespace
 *   removes everything in it.
 * - `close()` removes exactly what the lab made (monitors stopped by their own process id, sockets
 *   closed, namespaces deleted by name), and is called for every open lab on SIGINT, SIGTERM and
 *   process exit; a lab never deletes by pattern and never kills by name.
 * - `Lab.create` refuses (EmuError, exit code 2) when not root, when `ip` is missing, or when network
 *   namespaces cannot be made.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { run, runQuietlySync } from './command.js';
import { EmuError } from './errors.js';
import type { IpSocketOptions } from './ip-socket.js';
import { IpSocket } from './ip-socket.js';
import { RawSocket } from './raw-socket.js';

/** A neighbour entry as `ip -j neigh` shows it. */
export interface NeighborRow {
  /** The neighbour's IP address (text). */
  readonly address: string;
  /** Its link-layer address (lower-case colon hex), absent for INCOMPLETE and FAILED entries. */
  readonly lladdr: string | null;
  /** NUD state, lower case (`reachable`, `stale`, `delay`, `probe`, `incomplete`, `failed`, `permanent`, `noarp`, `none`). */
  readonly state: string;
  /** The entry's interface, when the listing covered several. */
  readonly device: string | null;
  readonly isRouter: boolean;
}

/** One line of `ip monitor neigh`. */
export interface NeighborEvent {
  /** Wall-clock time the line was printed (ms since the Unix epoch, microsecond fraction). */
  readonly timeMs: number;
  readonly address: string;
  readonly device: string | null;
  readonly lladdr: string | null;
  /** NUD state in lower case, or `deleted`. */
  readonly state: string;
}

/** Options of a lab. */
export interface LabOptions {
  /** First part of every namespace name (default `arpshift`). */
  readonly prefix?: string;
  /** The effective user id to check for root (default this process's). */
  readonly uid?: number;
  /**
   * Called with each namespace's full name just before it is made, and with each process's id just
   * after it starts: a caller that must clean up after this process is killed (SIGKILL runs no
   * handler) records them here.
   */
  readonly journal?: {
    namespace(name: string): void;
    process(pid: number): void;
    /** Everything recorded was removed (by close, or by the signal and exit handlers). */
    closed(): void;
  };
}

/** A process a lab started inside one of its namespaces (`ip netns exec NS …`). */
export class LabProcess {
  readonly child: ChildProcess;
  /** Everything it wrote on stderr (the first 64 KiB). */
  stderr = '';
  private exited = false;
  private readonly done: Promise<void>;

  /** @internal Use {@link Namespace.spawn}. */
  constructor(namespace: string, file: string, args: readonly string[], stdin = false) {
    this.child = spawn('ip', ['netns', 'exec', namespace, file, ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    // A write after the process ended is reported by `running` and its stderr, not thrown here.
    this.child.stdin?.on('error', () => {});
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      if (this.stderr.length < 65_536) this.stderr += chunk;
    });
    this.done = new Promise((resolve) => this.child.once('exit', () => {
      this.exited = true;
      resolve();
    }));
    this.child.once('error', () => { this.exited = true; });
  }

  /** Its process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether it has ended. */
  get running(): boolean {
    return !this.exited;
  }

  /** Writes `text` to its standard input (started with `stdin`). */
  write(text: string): void {
    if (this.child.stdin === null) throw new EmuError('this process was started without standard input');
    this.child.stdin.write(text);
  }

  /** Closes its standard input and waits for it to end (at most `timeoutMs`, then SIGKILL). */
  async finish(timeoutMs = 5_000): Promise<void> {
    if (this.exited) return;
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.done;
    clearTimeout(timer);
  }

  /** Ends it with `signal` (its own process, by id) and waits for it; at most `timeoutMs`, then SIGKILL. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5_000): Promise<void> {
    if (this.exited) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.done;
    clearTimeout(timer);
  }

  /** @internal Synchronous stop for signal handlers. */
  stopSync(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

const open = new Set<Lab>();
let handlersInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  for (const lab of [...open]) lab.closeSync();
  process.off(signal, onSignal);
  // Nobody else handles it: end as the signal would have (its default action).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function onExit(): void {
  for (const lab of [...open]) lab.closeSync();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
}

function removeHandlers(): void {
  if (!handlersInstalled || open.size > 0) return;
  handlersInstalled = false;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('exit', onExit);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checkInterfaceName(name: string): void {
  if (name.length > 15 || !NAME.test(name)) throw new EmuError(`bad interface name ${JSON.stringify(name)} (at most 15 letters, digits, - _ .)`, 2);
}

/** `ip -j neigh` rows → {@link NeighborRow}. */
export function parseNeighborJson(text: string): NeighborRow[] {
  const rows = JSON.parse(text.trim() === '' ? '[]' : text) as Array<{ dst: string; dev?: string; lladdr?: string; state?: string[]; router?: unknown }>;
  return rows.map((r) => ({
    address: r.dst,
    lladdr: r.lladdr?.toLowerCase() ?? null,
    state: (r.state ?? ['none'])[0]!.toLowerCase(),
    device: r.dev ?? null,
    isRouter: r.router !== undefined,
  }));
}

const MONITOR_LINE = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\]\s+(Deleted\s+|Miss\s+)?(\S+)(?:\s+dev\s+(\S+))?(?:\s+lladdr\s+(\S+))?(?:\s+router)?(?:\s+proxy)?\s*([A-Z_]+)?\s*$/;

/** One line of `ip -ts monitor neigh` → {@link NeighborEvent}, or null for other lines. */
export function parseMonitorLine(line: string): NeighborEvent | null {
  const m = MONITOR_LINE.exec(line.trim());
  if (m === null) return null;
  const timeMs = new Date(`${m[1]}`).getTime() + Number(m[2]) / 1000;
  return {
    timeMs,
    address: m[4]!,
    device: m[5] ?? null,
    lladdr: m[6]?.toLowerCase() ?? null,
    state: m[3]?.startsWith('Deleted') === true ? 'deleted' : (m[7] ?? 'none').toLowerCase(),
  };
}

/** A running `ip monitor neigh` in one namespace: every event since it started. */
export class NeighborMonitor {
  /** Events in arrival order. */
  readonly events: NeighborEvent[] = [];
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private rest = '';
  private exited = false;

  /** @internal Use {@link Namespace.monitorNeighbors}. */
  constructor(namespace: string) {
    // -ts: each line starts with its time; the process runs until stop().
    this.child = spawn('ip', ['-n', namespace, '-ts', 'monitor', 'neigh'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      const lines = (this.rest + chunk).split('\n');
      this.rest = lines.pop()!;
      for (const line of lines) {
        const e = parseMonitorLine(line);
        if (e !== null) this.events.push(e);
      }
    });
    this.ready = new Promise((resolve) => this.child.once('spawn', () => resolve()));
    this.child.once('exit', () => { this.exited = true; });
  }

  /** The process id (for tests that check nothing is left running). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves once the monitor process runs (events after this are seen). */
  started(): Promise<void> {
    return this.ready;
  }

  /** Stops the monitor (its own process, by id) and waits for it to end. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await done;
  }

  /** @internal Synchronous stop for signal handlers. */
  stopSync(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** One network namespace of a lab. */
export class Namespace {
  /** Its full name (`ip netns` name). */
  readonly name: string;
  private readonly lab: Lab;

  /** @internal Use {@link Lab.namespace}. */
  constructor(lab: Lab, name: string) {
    this.lab = lab;
    this.name = name;
  }

  /** The namespace's file, for setns(2). */
  get path(): string {
    return `/run/netns/${this.name}`;
  }

  /** Runs `ip -n NS args…` and returns its output. */
  ip(args: readonly string[]): Promise<string> {
    return run('ip', ['-n', this.name, ...args]);
  }

  /** Runs `file args…` inside the namespace (`ip netns exec NS …`) and returns its output. */
  exec(file: string, args: readonly string[], input?: string): Promise<string> {
    return run('ip', ['netns', 'exec', this.name, file, ...args], input);
  }

  /** Runs many `ip` commands in one process (`ip -n NS -batch -`), one command per line. */
  async batch(commands: readonly string[]): Promise<void> {
    if (commands.length === 0) return;
    await run('ip', ['-n', this.name, '-batch', '-'], `${commands.join('\n')}\n`);
  }

  /** Sets sysctls inside the namespace (one `ip netns exec NS sysctl -w …` for all of them). */
  async sysctl(settings: Readonly<Record<string, string | number>>): Promise<void> {
    const args = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
    if (args.length === 0) return;
    await run('ip', ['netns', 'exec', this.name, 'sysctl', '-q', '-w', ...args]);
  }

  /** Reads sysctls inside the namespace. */
  async readSysctl(names: readonly string[]): Promise<Record<string, string>> {
    const out = await run('ip', ['netns', 'exec', this.name, 'sysctl', '-n', ...names]);
    const values = out.trim().split('\n');
    return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
  }

  /** The neighbour table (both families unless one is given), optionally of one interface. */
  async neighbors(options: { family?: 'ipv4' | 'ipv6'; device?: string } = {}): Promise<NeighborRow[]> {
    const args = ['-j'];
    if (options.family !== undefined) args.push(options.family === 'ipv4' ? '-4' : '-6');
    args.push('neigh', 'show');
    if (options.device !== undefined) args.push('dev', options.device);
    const rows = parseNeighborJson(await this.ip(args));
    return options.device === undefined ? rows : rows.map((r) => ({ ...r, device: options.device! }));
  }

  /** Starts `ip monitor neigh` in the namespace; stopped by the lab's close at the latest. */
  async monitorNeighbors(): Promise<NeighborMonitor> {
    const monitor = new NeighborMonitor(this.name);
    this.lab.track(monitor);
    await monitor.started();
    return monitor;
  }

  /**
   * Starts `file args…` inside the namespace (`ip netns exec`), with a pipe to its standard input
   * when `options.stdin`; stopped by the lab's close at the latest, by its process id.
   */
  spawn(file: string, args: readonly string[], options: { stdin?: boolean } = {}): LabProcess {
    const p = new LabProcess(this.name, file, args, options.stdin === true);
    this.lab.track(p);
    return p;
  }

  /** An IP socket (UDP, or raw ICMP) in this namespace; closed by the lab's close at the latest. */
  ipSocket(options: IpSocketOptions): IpSocket {
    const socket = IpSocket.open(this.path, options);
    this.lab.track(socket);
    return socket;
  }

  /** A raw socket on `device` in this namespace; closed by the lab's close at the latest. */
  rawSocket(device: string): RawSocket {
    const socket = RawSocket.open(this.path, device);
    this.lab.track(socket);
    return socket;
  }
}

/** See the module comment. */
export class Lab {
  /** `<prefix>-<run id>`: the start of every namespace name of this lab. */
  readonly prefix: string;
  private readonly namespaces: Namespace[] = [];
  private readonly monitors = new Set<NeighborMonitor>();
  private readonly sockets = new Set<RawSocket | IpSocket>();
  private readonly processes = new Set<LabProcess>();
  private readonly journal: LabOptions['journal'];
  private closed = false;

  private constructor(prefix: string, journal: LabOptions['journal']) {
    this.prefix = prefix;
    this.journal = journal;
  }

  /**
   * A new lab, after checking that this process can make namespaces (root, `ip` on the PATH); an
   * EmuError with exit code 2 says why not.
   */
  static async create(options: LabOptions = {}): Promise<Lab> {
    if (process.platform !== 'linux') throw new EmuError('network namespaces need Linux', 2);
    if ((options.uid ?? process.geteuid?.()) !== 0) throw new EmuError('network namespaces need root (run as root, or with CAP_SYS_ADMIN and CAP_NET_ADMIN)', 2);
    if (!existsSync('/proc/self/ns/net')) throw new EmuError('this kernel has no network namespaces (/proc/self/ns/net is missing)', 2);
    const base = options.prefix ?? 'arpshift';
    if (!NAME.test(base)) throw new EmuError(`bad lab prefix ${JSON.stringify(base)}`, 2);
    const id = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
    const lab = new Lab(`${base}-${id}`, options.journal);
    open.add(lab);
    installHandlers();
    return lab;
  }

  /** Creates namespace `<prefix>-<name>` with its loopback up. */
  async namespace(name: string): Promise<Namespace> {
    if (this.closed) throw new EmuError('the lab is closed');
    if (!NAME.test(name)) throw new EmuError(`bad namespace name ${JSON.stringify(name)}`, 2);
    const full = `${this.prefix}-${name}`;
    this.journal?.namespace(full);
    try {
      await run('ip', ['netns', 'add', full]);
    } catch (e) {
      if (this.namespaces.length === 0 && e instanceof EmuError) {
        throw new EmuError(`network namespaces are unavailable here: ${e.message}`, 2);
      }
      throw e;
    }
    const ns = new Namespace(this, full);
    this.namespaces.push(ns);
    await ns.ip(['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Every namespace made so far, in creation order. */
  get namespaceNames(): readonly string[] {
    return this.namespaces.map((n) => n.name);
  }

  /**
   * A veth pair: `aName` in `a`, `bName` in `b` (the same namespace is allowed), both up, with the
   * given MAC addresses when set.
   */
  async veth(a: Namespace, aName: string, b: Namespace, bName: string, options: { aMac?: string; bMac?: string; up?: boolean } = {}): Promise<void> {
    checkInterfaceName(aName);
    checkInterfaceName(bName);
    const args = ['link', 'add', aName];
    if (options.aMac !== undefined) args.push('address', options.aMac);
    args.push('type', 'veth', 'peer', 'name', bName);
    if (options.bMac !== undefined) args.push('address', options.bMac);
    if (b !== a) args.push('netns', b.name);
    await a.ip(args);
    if (options.up !== false) {
      await a.ip(['link', 'set', aName, 'up']);
      await b.ip(['link', 'set', bName, 'up']);
    }
  }

  /** A Linux bridge `name` in `ns`, up, with the given ports enslaved (STP off unless asked). */
  async bridge(ns: Namespace, name: string, ports: readonly string[], options: { stp?: boolean; ageingTimeS?: number } = {}): Promise<void> {
    checkInterfaceName(name);
    const args = ['link', 'add', name, 'type', 'bridge', 'stp_state', options.stp === true ? '1' : '0'];
    if (options.ageingTimeS !== undefined) args.push('ageing_time', String(Math.round(options.ageingTimeS * 100)));
    await ns.batch([args.join(' '), ...ports.map((p) => `link set ${p} master ${name}`), `link set ${name} up`]);
  }

  /** @internal */
  track(item: NeighborMonitor | RawSocket | IpSocket | LabProcess): void {
    if (item instanceof RawSocket || item instanceof IpSocket) this.sockets.add(item);
    else if (item instanceof LabProcess) {
      this.processes.add(item);
      if (item.pid !== undefined) this.journal?.process(item.pid);
    } else this.monitors.add(item);
  }

  /** Removes everything the lab made, in reverse order; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.close();
    await Promise.all([...this.monitors].map((m) => m.stop()));
    await Promise.all([...this.processes].map((p) => p.stop()));
    for (const ns of [...this.namespaces].reverse()) {
      try {
        await run('ip', ['netns', 'del', ns.name]);
      } catch {
        runQuietlySync('ip', ['netns', 'del', ns.name]);
      }
    }
    open.delete(this);
    removeHandlers();
    this.journal?.closed();
  }

  /** @internal The same, synchronously, for signal and exit handlers. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.close();
    for (const m of this.monitors) m.stopSync();
    for (const p of this.processes) p.stopSync();
    for (const ns of [...this.namespaces].reverse()) runQuietlySync('ip', ['netns', 'del', ns.name]);
    open.delete(this);
    removeHandlers();
    this.journal?.closed();
  }
}

/** Runs `body` with a new lab and closes it afterwards, whatever happens. */
export async function withLab<T>(body: (lab: Lab) => Promise<T>, options: LabOptions = {}): Promise<T> {
  const lab = await Lab.create(options);
  try {
    return await body(lab);
  } finally {
    await lab.close();
  }
}
