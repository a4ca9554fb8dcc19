/**
 * The probe's matrix on this machine's kernel, produced by the test itself (root and namespaces, as
 * CI runs), and the `linux` profile compared with it cell by cell: every prior state must have been
 * produced on the kernel, and the profile must agree in every cell (a difference the README names
 * would be listed here with its source; there is none). Nothing of the run may be left behind.
 */
import { describe, expect, it } from 'vitest';
import { KernelBackend, SimBackend, compareTables, differencesText, expectedPrior, measureMatrix, probePlan, sameOutcome } from '../../src/probe/index.js';
import type { ProbeTable } from '../../src/probe/index.js';
import { children, namespaceNames, ownLabNamespace } from '../helpers/namespaces.js';

describe('probe matrix', () => {
  it('the kernel table, measured here, and the linux profile agree in every cell; nothing is left behind', async () => {
    const namespacesBefore = new Set(namespaceNames());
    const childrenBefore = new Set(children());
    const kernel: ProbeTable = await measureMatrix(() => new KernelBackend(), ['ipv4', 'ipv6']);
    // Every cell of the plan was measured, and its prior state really was produced first.
    expect(kernel.cells.map((c) => c.id)).toEqual(probePlan(['ipv4', 'ipv6']).flatMap((p) => p.cells.map((c) => c.id)));
    const notProduced = kernel.cells.filter((c) => !sameOutcome(c.before, expectedPrior(c.prior))).map((c) => c.id);
    expect(notProduced).toEqual([]);
    // Facts the kernel must show whatever the profile says (implementations §2.4-§2.7, RFC 4861 §7.2.5).
    const cell = (id: string) => kernel.cells.find((c) => c.id === id)!.after;
    expect(cell('ipv4/arp_accept=0/garp-request-zero-tha/absent').present).toBe(false);
    expect(cell('ipv4/arp_accept=1/garp-request-zero-tha/absent')).toEqual({ present: true, lladdr: 'new', state: 'stale' });
    expect(cell('ipv4/arp_accept=0/request-for-other/reachable/inside-locktime')).toEqual({ present: true, lladdr: 'old', state: 'reachable' });
    expect(cell('ipv4/arp_accept=0/request-for-other/reachable/after-locktime')).toEqual({ present: true, lladdr: 'new', state: 'stale' });
    expect(cell('ipv4/arp_accept=0/rarp/stale/after-locktime')).toEqual({ present: true, lladdr: 'old', state: 'stale' });
    expect(cell('ipv6/host/na-unsolicited-o1/absent').present).toBe(false);
    expect(cell('ipv6/router accept_untracked_na=1/na-unsolicited-o1/absent')).toEqual({ present: true, lladdr: 'new', state: 'stale' });

    const profile = await measureMatrix(() => new SimBackend('linux'), ['ipv4', 'ipv6']);
    const differences = compareTables(kernel, profile);
    expect(differences, differencesText(kernel, profile, differences)).toEqual([]);

    const leftNamespaces = namespaceNames().filter((n) => !namespacesBefore.has(n) && ownLabNamespace(n));
    expect(leftNamespaces).toEqual([]);
    expect(children().filter((pid) => !childrenBefore.has(pid))).toEqual([]);
  });

  it('a profile that differs from Linux shows its differences (the comparison can fail)', async () => {
    const linux = await measureMatrix(() => new SimBackend('linux'), ['ipv4']);
    const rfc826 = await measureMatrix(() => new SimBackend('rfc826'), ['ipv4']);
    const differences = compareTables(linux, rfc826);
    expect(differences.length).toBeGreaterThan(0);
    // RFC 826 has no lock time: a request for a third host moves a REACHABLE entry at once.
    expect(differences.map((d) => d.id)).toContain('ipv4/arp_accept=0/request-for-other/reachable/inside-locktime');
  });
});
