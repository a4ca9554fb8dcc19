/**
 * The namespace lab and raw sockets on this machine's kernel (root, as CI runs): frames built with
 * `src/wire/` go out through AF_PACKET, the kernel answers, the answer comes back with its kernel
 * time and passes the EtherType filter; and the lab leaves nothing behind, whether the work passes,
 * throws, or the process is stopped by SIGTERM or SIGINT.
 */
import { spawn } from 'node:child_process';
import { describeFailure } from '../../src/cli/errors.js';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EmuError, Lab, parseMonitorLine, parseNeighborJson, withLab } from '../../src/emu/index.js';
import { MAC_BROADCAST, arpRequest, emitFrame, ethernetFrame, formatMac, parseFrame } from '../../src/wire/index.js';
import { alive, namespaceNames, ownLabNamespace, rootLinks } from '../helpers/namespaces.js';
import { ip4, mac } from '../helpers/sample-frames.js';

const LIB = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

describe('parsing iproute2 output', () => {
  it('ip -j neigh rows, with and without a link-layer address', () => {
    const rows = parseNeighborJson('[{"dst":"198.18.0.10","state":["FAILED"]},{"dst":"2001:db8::9","lladdr":"02:AA:00:00:00:09","router":null,"state":["REACHABLE"]}]');
    expect(rows).toEqual([
      { address: '198.18.0.10', lladdr: null, state: 'failed', device: null, isRouter: false },
      { address: '2001:db8::9', lladdr: '02:aa:00:00:00:09', state: 'reachable', device: null, isRouter: true },
    ]);
    expect(parseNeighborJson('')).toEqual([]);
  });

  it('ip -ts monitor neigh lines', () => {
    const e = parseMonitorLine('[2026-12-07T13:12:41.771412] 198.18.0.9 dev o0 lladdr 02:00:00:00:00:09 REACHABLE');
    expect(e).toMatchObject({ address: '198.18.0.9', device: 'o0', lladdr: '02:00:00:00:00:09', state: 'reachable' });
    expect(e!.timeMs % 1000).toBeCloseTo(771.412, 3);
    expect(parseMonitorLine('[2026-12-07T13:12:41.771412] Deleted 198.18.0.9 dev o0 lladdr 02:00:00:00:00:09 STALE')?.state).toBe('deleted');
    expect(parseMonitorLine('[2026-12-07T13:12:41.771412] 2001:db8::5 dev obs FAILED')).toMatchObject({ lladdr: null, state: 'failed' });
    expect(parseMonitorLine('something else')).toBeNull();
  });
});

describe('a lab on the running kernel', () => {
  it('raw frames out and in: an ARP request built by src/wire is answered by the observer kernel, with a kernel receive time', async () => {
    const before = rootLinks();
    let names: readonly string[] = [];
    let monitorPid: number | undefined;
    await withLab(async (lab) => {
      const obs = await lab.namespace('obs');
      const tst = await lab.namespace('tst');
      names = lab.namespaceNames;
      expect(names.every((n) => n.startsWith(lab.prefix))).toBe(true);
      await lab.veth(obs, 'o0', tst, 't0', { aMac: '02:00:00:00:00:01', bMac: '02:00:00:00:00:02' });
      await obs.ip(['addr', 'add', '198.18.0.1/24', 'dev', 'o0']);
      const socket = tst.rawSocket('t0');
      const monitor = await obs.monitorNeighbors();
      monitorPid = monitor.pid;
      // Nothing queued yet: an empty receive waits for its timeout and returns null.
      const started = Date.now();
      expect(await socket.receive({ timeoutMs: 50, etherTypes: [0x0806] })).toBeNull();
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      const sender = mac('02:00:00:00:00:05');
      const sentAt = BigInt(Date.now()) * 1_000_000n;
      socket.send(emitFrame(ethernetFrame(MAC_BROADCAST, sender, arpRequest(sender, ip4('198.18.0.5'), ip4('198.18.0.1')))));
      const got = await socket.receive({ timeoutMs: 2000, etherTypes: [0x0806] });
      expect(got).not.toBeNull();
      const reply = parseFrame(got!.bytes);
      expect(reply.destination).toBe(sender);
      expect(reply.payload).toMatchObject({ kind: 'arp', operation: 2, senderProtocolAddress: ip4('198.18.0.1'), targetProtocolAddress: ip4('198.18.0.5') });
      expect(got!.timeNs).toBeGreaterThanOrEqual(sentAt - 5_000_000n);
      expect(got!.timeNs).toBeLessThanOrEqual(BigInt(Date.now()) * 1_000_000n);
      // The request created the sender's entry STALE (arp_process: a request for one of our addresses).
      const rows = await obs.neighbors({ device: 'o0' });
      expect(rows).toEqual([{ address: '198.18.0.5', lladdr: formatMac(sender), state: 'stale', device: 'o0', isRouter: false }]);
      for (let i = 0; i < 100 && monitor.events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(monitor.events[0]).toMatchObject({ address: '198.18.0.5', state: 'stale' });
    });
    const after = namespaceNames();
    for (const n of names) expect(after).not.toContain(n);
    expect(alive(monitorPid!)).toBe(false);
    expect(rootLinks()).toEqual(before);
  });

  it('a failing body still removes every namespace it made', async () => {
    let names: readonly string[] = [];
    await expect(withLab(async (lab) => {
      await lab.namespace('a');
      await lab.namespace('b');
      names = lab.namespaceNames;
      throw new Error('the work failed');
    })).rejects.toThrow('the work failed');
    expect(names).toHaveLength(2);
    // What the probe tests look for when they check that nothing of theirs is left.
    expect(names.every(ownLabNamespace)).toBe(true);
    expect(ownLabNamespace(`arpshift-${(process.pid + 1).toString(36)}abcdef-a`)).toBe(false);
    const after = namespaceNames();
    for (const n of names) expect(after).not.toContain(n);
  });

  it('bad interface names are refused with exit code 2, before anything is made', async () => {
    const lab = await Lab.create();
    try {
      const ns = await lab.namespace('x');
      await expect(lab.veth(ns, 'much-too-long-name', ns, 'b')).rejects.toMatchObject({ name: 'EmuError', exitCode: 2 });
    } finally {
      await lab.close();
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} removes the namespaces of a lab in another process, which then ends by the signal`, async () => {
      const script = `
        const { Lab } = await import(${JSON.stringify(LIB)});
        const lab = await Lab.create({ prefix: 'arpshift-sigtest' });
        const ns = await lab.namespace('one');
        await ns.monitorNeighbors();
        process.stdout.write(lab.namespaceNames.join(',') + '\\n');
        setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      const names = await new Promise<string[]>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.once('data', (d: string) => resolve(d.trim().split(',')));
        child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      expect(namespaceNames()).toEqual(expect.arrayContaining(names));
      const ended = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await ended).toBe(signal);
      const after = namespaceNames();
      for (const n of names) expect(after).not.toContain(n);
    });
  }

  it('refuses with exit code 2 when not root, before making anything; the CLI prints it as one line', async () => {
    const before = namespaceNames();
    const refusal = await Lab.create({ uid: 65534 }).then(() => null, (e: unknown) => e);
    expect(refusal).toBeInstanceOf(EmuError);
    expect((refusal as EmuError).exitCode).toBe(2);
    expect((refusal as EmuError).message).toMatch(/root/);
    expect((refusal as EmuError).message).not.toContain('\n');
    expect(describeFailure(refusal)).toEqual({ message: (refusal as EmuError).message, exitCode: 2 });
    expect(namespaceNames()).toEqual(before);
  });
});
