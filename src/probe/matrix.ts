/**
 * The neighbour-table matrix, run against one target: for every cell (cells.ts) the prior state
 * is produced, the message is sent, and the observer's entry is read before and after.
 *
 * How each prior state is produced (the same on every target):
 * - absent: nothing; FAILED: an echo request from the neighbour, whose answer the observer cannot
 *   resolve (nobody answers its solicitations), at time 0, so the entry fails about 3 s later
 *   (mcast_solicit = 3, retrans_time = 1 s);
 * - REACHABLE, STALE, PERMANENT: written administratively at T1 (`ip neigh replace … nud STATE`);
 * - DELAY: STALE written at T1, then an echo request from the neighbour, whose answer through the
 *   STALE entry starts DELAY (5 s).
 * Messages go out at T1 + 200 ms (inside the 1 s ARP lock time since the entry's last change) and at
 * T1 + 1300 ms (after it); each batch is read 150 ms later, its prior states 100 ms before.
 */
import type { NeighborRow } from '../emu/index.js';
import { EmuError } from '../emu/index.js';
import type { MacAddress } from '../wire/index.js';
import { formatMac } from '../wire/index.js';
import type { AdminEntry, ProbeBackend } from './backend.js';
import type { ObserverPlan, ProbeCell, ProbeFamily, ProbeMessage, ProbePrior, ProbeTiming } from './cells.js';
import { OBSERVER_IPV4_PREFIX, OBSERVER_IPV6_PREFIX, echoFrom, messageFrame, probePlan } from './cells.js';

/** What the observer's entry for a cell's neighbour looked like. */
export interface CellOutcome {
  readonly present: boolean;
  /** The entry's link-layer address: the prior one, the message's, none, or another. */
  readonly lladdr: 'old' | 'new' | 'none' | 'other';
  /** Lower-case NUD state, `none` when there is no entry. */
  readonly state: string;
}

/** One measured cell. */
export interface CellResult {
  readonly id: string;
  readonly family: ProbeFamily;
  readonly setting: string;
  readonly message: ProbeMessage;
  readonly prior: ProbePrior;
  readonly timing: ProbeTiming;
  /** The entry just before the message (the prior state as produced). */
  readonly before: CellOutcome;
  /** The entry after the message. */
  readonly after: CellOutcome;
}

/** A whole matrix for one target. */
export interface ProbeTable {
  readonly target: string;
  readonly description: string;
  readonly families: readonly ProbeFamily[];
  readonly cells: readonly CellResult[];
}

/** When the FAILED priors are surely failed (3 solicitations 1 s apart, timers late by up to ~100 ms). */
export const T1_MS = 3400;
const OFFSETS: ReadonlyArray<readonly [ProbeTiming, number]> = [['inside-locktime', 200], ['after-locktime', 1300]];
const READ_BEFORE_MS = 100;
const READ_AFTER_MS = 150;
/** Linux's ARP lock time (net.ipv4.neigh.*.locktime = 100, in 1/100 s). */
const LOCKTIME_MS = 1000;

function outcome(row: NeighborRow | undefined, cell: ProbeCell): CellOutcome {
  if (row === undefined || row.state === 'none') return { present: false, lladdr: 'none', state: 'none' };
  const lladdr = row.lladdr === null ? 'none'
    : row.lladdr === formatMac(cell.oldMac) ? 'old'
      : row.lladdr === formatMac(cell.newMac) ? 'new' : 'other';
  return { present: true, lladdr, state: row.state };
}

/** The entry each prior state should show. */
export function expectedPrior(prior: ProbePrior): CellOutcome {
  switch (prior) {
    case 'absent': return { present: false, lladdr: 'none', state: 'none' };
    case 'failed': return { present: true, lladdr: 'none', state: 'failed' };
    default: return { present: true, lladdr: 'old', state: prior };
  }
}

/** Whether two outcomes are the same. */
export function sameOutcome(a: CellOutcome, b: CellOutcome): boolean {
  return a.present === b.present && a.lladdr === b.lladdr && a.state === b.state;
}

async function readAll(backend: ProbeBackend, plans: readonly ObserverPlan[]): Promise<Map<number, Map<string, NeighborRow>>> {
  const tables = await Promise.all(plans.map((p) => backend.neighbors(p.index)));
  return new Map(plans.map((p, i) => [p.index, new Map(tables[i]!.map((r) => [r.address, r]))]));
}

function admin(cell: ProbeCell): AdminEntry | null {
  const lladdr: MacAddress = cell.oldMac;
  switch (cell.prior) {
    case 'reachable': return { address: cell.address, lladdr, state: 'reachable' };
    case 'stale':
    case 'delay': return { address: cell.address, lladdr, state: 'stale' };
    case 'permanent': return { address: cell.address, lladdr, state: 'permanent' };
    default: return null;
  }
}

/**
 * Runs the matrix for `families` on `backend` (which it sets up but does not close). Throws an
 * EmuError when the messages could not be sent on time (a machine too busy for the lock-time window).
 */
export async function runMatrix(backend: ProbeBackend, families: readonly ProbeFamily[]): Promise<ProbeTable> {
  const plans = probePlan(families);
  await backend.setUp(plans.map((p) => ({
    mac: p.mac, ipv4: p.ipv4, ipv4Prefix: OBSERVER_IPV4_PREFIX, ipv6: p.ipv6, ipv6Prefix: OBSERVER_IPV6_PREFIX, sysctls: p.setting.sysctls,
  })), { observe: false });
  backend.start();
  for (const p of plans) backend.send(p.index, p.cells.filter((c) => c.prior === 'failed').map((c) => echoFrom(c, p, c.oldMac)));
  await backend.at(T1_MS);
  const setStart = backend.now();
  await Promise.all(plans.map((p) => backend.setNeighbors(p.index, p.cells.map(admin).filter((e): e is AdminEntry => e !== null))));
  for (const p of plans) backend.send(p.index, p.cells.filter((c) => c.prior === 'delay').map((c) => echoFrom(c, p, c.oldMac)));
  const setEnd = backend.now();
  const before = new Map<string, CellOutcome>();
  const after = new Map<string, CellOutcome>();
  for (const [timing, offset] of OFFSETS) {
    const cellsOf = (p: ObserverPlan): ProbeCell[] => p.cells.filter((c) => c.timing === timing);
    await backend.at(setEnd + offset - READ_BEFORE_MS);
    let tables = await readAll(backend, plans);
    for (const p of plans) for (const c of cellsOf(p)) before.set(c.id, outcome(tables.get(p.index)!.get(c.address), c));
    const sendAt = await backend.at(setEnd + offset);
    for (const p of plans) backend.send(p.index, cellsOf(p).map((c) => messageFrame(c, p)));
    const sent = backend.now();
    if (timing === 'inside-locktime' && sent - setEnd >= LOCKTIME_MS - 100) {
      throw new EmuError(`the messages inside the lock time went out ${Math.round(sent - setEnd)} ms after the prior states were set (at most ${LOCKTIME_MS - 100} ms needed): the machine is too busy`);
    }
    if (timing === 'after-locktime' && sendAt - setStart <= LOCKTIME_MS + 50) throw new EmuError('the messages after the lock time went out too early');
    await backend.at(sent + READ_AFTER_MS);
    tables = await readAll(backend, plans);
    for (const p of plans) for (const c of cellsOf(p)) after.set(c.id, outcome(tables.get(p.index)!.get(c.address), c));
  }
  const cells: CellResult[] = [];
  for (const p of plans) {
    for (const c of p.cells) {
      cells.push({ id: c.id, family: c.family, setting: c.setting.id, message: c.message, prior: c.prior, timing: c.timing, before: before.get(c.id)!, after: after.get(c.id)! });
    }
  }
  return { target: backend.target, description: backend.description, families: [...families], cells };
}

/** How many times {@link measureMatrix} runs the matrix at most. */
const MAX_ATTEMPTS = 4;

/**
 * Runs the matrix on a new backend from `make`, closing it afterwards. A machine too busy for the
 * lock-time window (an EmuError saying so) gets another try on a fresh backend. So does a cell that
 * was not measured cleanly: its prior state was not there when read, or its entry vanished between
 * the read before the message and the read after. Linux's periodic neighbour-table work
 * (net/core/neighbour.c, `neigh_periodic_work`) frees FAILED entries nobody holds once the table,
 * counted over every namespace of the machine, has more than `gc_thresh1` entries (128); no message
 * removes an entry (`neigh_update` changes state and address but never unlinks: only flushes, table
 * GC and `ip neigh del` do), so an entry gone after the message was collected, not updated. Cells are
 * independent (each has its own neighbour address), so such a cell is taken from a later run in which
 * it was measured cleanly.
 */
export async function measureMatrix(make: () => ProbeBackend, families: readonly ProbeFamily[]): Promise<ProbeTable> {
  let table: ProbeTable | null = null;
  for (let attempt = 1; ; attempt++) {
    const backend = make();
    let run: ProbeTable | null = null;
    try {
      run = await runMatrix(backend, families);
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS || !(e instanceof EmuError) || !e.message.includes('too busy')) throw e;
    } finally {
      await backend.close();
    }
    if (run === null) continue;
    table = table === null ? run : mergeProduced(table, run);
    if (attempt >= MAX_ATTEMPTS || table.cells.every(measuredCleanly)) return table;
  }
}

/** Whether a cell's prior state was produced and its entry was not collected during the message. */
function measuredCleanly(cell: CellResult): boolean {
  return sameOutcome(cell.before, expectedPrior(cell.prior)) && !(cell.before.present && !cell.after.present);
}

/** `table` with each cell not measured cleanly replaced by `run`'s when that one was. */
function mergeProduced(table: ProbeTable, run: ProbeTable): ProbeTable {
  const again = new Map(run.cells.map((c) => [c.id, c]));
  return { ...table, cells: table.cells.map((c) => (measuredCleanly(c) ? c : (again.get(c.id) ?? c))) };
}
