/**
 * Runs Wireshark's tshark on a capture and returns, per frame, every field it decoded, flattened to
 * `field name -> values in document order`. Checksum validation is turned on for IPv4 and UDP
 * (ICMP and ICMPv6 checksums are always checked).
 */
import { execFileSync } from 'node:child_process';

/** Fields of one frame: name to all values, in order. */
export type TsharkFields = Map<string, string[]>;

function flatten(node: unknown, out: TsharkFields): void {
  if (Array.isArray(node)) {
    for (const item of node) flatten(item, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v === 'string') {
        const list = out.get(key);
        if (list === undefined) out.set(key, [v]);
        else list.push(v);
      } else {
        flatten(v, out);
      }
    }
  }
}

/** Decodes `path` with tshark; one map of fields per frame. */
export function tsharkFields(path: string): TsharkFields[] {
  const json = execFileSync(
    'tshark',
    ['-r', path, '-T', 'json', '--no-duplicate-keys', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'],
    { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const packets = JSON.parse(json) as Array<{ _source: { layers: unknown } }>;
  return packets.map((p) => {
    const fields: TsharkFields = new Map();
    flatten(p._source.layers, fields);
    return fields;
  });
}

/** The problems tshark reports for a frame: malformed packets, bad checksums, expert errors. */
export function tsharkProblems(fields: TsharkFields): string[] {
  const problems: string[] = [];
  for (const [key, values] of fields) {
    if (key.startsWith('_ws.malformed')) problems.push(`${key}: ${values.join(', ')}`);
    if (key.endsWith('checksum.status')) {
      for (const v of values) if (v !== '1') problems.push(`${key} = ${v} (1 is good)`);
    }
    if (key === '_ws.expert.severity') {
      // 8388608 = PI_ERROR in Wireshark's expert severities.
      for (const v of values) if (Number(v) >= 8388608) problems.push(`expert error: ${fields.get('_ws.expert.message')?.join('; ') ?? ''}`);
    }
  }
  return problems;
}
