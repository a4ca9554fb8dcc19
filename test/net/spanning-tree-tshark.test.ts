/**
 * Checked by code that is not ours: the BPDUs a small STP run and a small RSTP run send (every
 * `frame-sent` event carrying one, with its simulated time) go into a pcap, tshark decodes it, and
 * every frame must be STP with the same fields as the bridge sent (root and bridge IDs, cost, port,
 * flags bit by bit, timers, version, type; through the project's tshark name table), with no
 * malformed packet. The runs are chosen to produce every kind of BPDU and flag the protocols use:
 * configuration, TCN, TC and TCA for STP; proposal, agreement, learning, forwarding, TC and every
 * role for RSTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimFrame } from '../../src/net/index.js';
import type { SpanningTreeProtocol } from '../../src/net/index.js';
import type { Bpdu } from '../../src/wire/index.js';
import { AtomicFileSink, PcapWriter, bpduPortRole, emitFrame } from '../../src/wire/index.js';
import { build, ringSpec } from '../helpers/spanning-tree.js';
import { tsharkFields, tsharkProblems } from '../helpers/tshark.js';
import { expectedTsharkFields } from '../helpers/tshark-names.js';

const S = 1e9;
const dir = mkdtempSync(join(tmpdir(), 'arpshift-stp-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A ring of 4 with hosts, started cold, with a failure and a repair; the BPDUs sent, in order. */
function capture(protocol: SpanningTreeProtocol): { frames: Array<{ time: number; frame: SimFrame; bpdu: Bpdu }>; sent: number } {
  const t = build({ ...ringSpec(4), hosts: ['r1', 'r3'] }, { protocol });
  const frames: Array<{ time: number; frame: SimFrame; bpdu: Bpdu }> = [];
  t.net.kernel.trace.on('frame-sent', (e) => {
    const llc = e.frame.eth.payload;
    if (llc.kind === 'llc' && llc.payload.kind === 'bpdu') frames.push({ time: e.time, frame: e.frame, bpdu: llc.payload });
  });
  t.net.kernel.scheduleAt(50 * S, 'test', 'fail', () => t.links[1]!.setUp(false));
  t.net.kernel.scheduleAt(120 * S, 'test', 'repair', () => t.links[1]!.setUp(true));
  t.net.kernel.run({ until: 200 * S });
  const sent = [...t.bridges.values()].reduce((n, b) => n + b.counters.bpdusSent, 0);
  return { frames, sent };
}

describe.each(['stp', 'rstp'] as const)('%s BPDUs read back by tshark', (protocol) => {
  const { frames, sent } = capture(protocol);
  const path = join(dir, `${protocol}.pcap`);
  const writer = new PcapWriter(new AtomicFileSink(path));
  for (const f of frames) writer.writeAt(f.time, emitFrame(f.frame.eth));
  writer.close();
  const decoded = tsharkFields(path);

  it('one decoded frame per BPDU the bridges counted as sent', () => {
    expect(frames.length).toBe(sent);
    expect(decoded.length).toBe(frames.length);
  });

  it('every frame is eth:llc:stp with no malformed packet or expert error, and every mapped field matches', () => {
    decoded.forEach((fields, i) => {
      expect({ i, problems: tsharkProblems(fields) }).toEqual({ i, problems: [] });
      expect(fields.get('frame.protocols')).toEqual(['eth:llc:stp']);
      for (const [field, values] of expectedTsharkFields(frames[i]!.frame.eth)) {
        expect({ i, field, values: fields.get(field) }).toEqual({ i, field, values });
      }
    });
  });

  it('the capture holds every kind of BPDU and flag the protocol uses', () => {
    const kinds = new Set(frames.map(({ bpdu }) => {
      if (bpdu.type === 'tcn') return 'tcn';
      const flags: string[] = [bpdu.type];
      if (bpdu.flags & 0x01) flags.push('tc');
      if (bpdu.flags & 0x80) flags.push('tca');
      if (bpdu.type === 'rst') {
        if (bpdu.flags & 0x02) flags.push('proposal');
        if (bpdu.flags & 0x40) flags.push('agreement');
        flags.push(`role${bpduPortRole(bpdu.flags)}`);
      }
      return flags.join('+');
    }).flatMap((k) => k.split('+')));
    const wanted = protocol === 'stp' ? ['config', 'tcn', 'tc', 'tca'] : ['rst', 'tc', 'proposal', 'agreement', 'role1', 'role2', 'role3'];
    for (const k of wanted) expect(kinds).toContain(k);
    // tshark's own reading of the version and type.
    const versions = new Set(decoded.flatMap((f) => f.get('stp.version') ?? []));
    expect([...versions].sort()).toEqual(protocol === 'stp' ? ['0'] : ['2']);
  });
});
