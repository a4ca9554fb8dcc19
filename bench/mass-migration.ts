/**
 * The mass migration benchmark: a leaf-spine domain of V VMs (racks of 40 hypervisors, 25 VMs each,
 * 4 spines, shortest-path bridging; 1,000 leaves at a million VMs, the nearest leaf-spine to 25,000 racks of 40 the fabric
 * generator allows), the gateway on leaf-1 sending 1 datagram/s to each VM of a sample group, and M
 * VMs (from the other group) migrated one after another over 60 simulated seconds, each announcing
 * itself with guest gratuitous ARP and a RARP from the destination hypervisor. Run with every metric of
 * a normal run, in a process of its own (mass-child.mjs, under plain `node`): `node --import tsx
 * bench/mass-migration.ts VMS MIGRATIONS [SAMPLE] [--build-only] [--max-old-space-size=MiB]` prints
 * one JSON line (load, build and run seconds, the build's CPU seconds, events, frames delivered, peak
 * RSS; with `--build-only`, the model is built and not run). ARPSHIFT_DIST selects another build's dist/ (an absolute path).
 * `npm run bench -- --only mass --mass-vms 100000` runs it through the harness.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench } from './report.js';

const HYPERVISORS_PER_LEAF = 40;
const VMS_PER_HYPERVISOR = 25;
const SPREAD_SECONDS = 60;

/** The scenario text for `vms` VMs, `migrations` moves and a `sample` of VMs receiving gateway traffic. */
export function massMigrationYaml(vms: number, migrations: number, sample: number): string {
  const hypervisors = Math.ceil(vms / VMS_PER_HYPERVISOR);
  const leaves = Math.ceil(hypervisors / HYPERVISORS_PER_LEAF);
  const others = vms - sample;
  const lines: string[] = [];
  for (let i = 0; i < migrations; i++) {
    // vm-k, k spread over the group; to the hypervisor half the fabric away (another leaf).
    const k = 1 + Math.floor((i * others) / migrations);
    const home = (sample + k - 1) % hypervisors; // the placement cursor continues from the sample group
    const to = ((home + Math.floor(hypervisors / 2)) % hypervisors) + 1;
    const at = ((i * SPREAD_SECONDS) / migrations + 1).toFixed(6);
    lines.push(`  - { vm: vm-${k}, to: hv-${to}, at: ${at}s }`);
  }
  return `name: mass-migration-${vms}
duration: ${SPREAD_SECONDS + 5}s
fabric: { kind: leaf-spine, leaves: ${leaves}, spines: 4, bridging: spb, hostPortsPerEdge: ${HYPERVISORS_PER_LEAF + 1} }
subnet: { ipv4: 10.0.0.0/8 }
gateway: { placement: core, attach: leaf-1, profile: linux-router }
hypervisors: { count: ${hypervisors} }
hosts:
  - { name: probe, count: ${sample}, on: hypervisors }
  - { name: vm, count: ${others}, on: hypervisors }
traffic:
  - { name: to-sample, from: gateway, to: probe, rate: 1pps, start: 500ms }
remedies:
  - { kind: guest-garp, count: 1 }
  - { kind: rarp, count: 1 }
migrations:
${lines.join('\n')}
`;
}

/**
 * Writes the scenario to a temporary file and runs it in mass-child.mjs under plain `node` (see there
 * why not under tsx); returns the child's JSON line. `nodeArgs` go before the script (e.g. a heap size).
 */
export async function runMassChild(vms: number, migrations: number, sample: number, buildOnly: boolean, nodeArgs: readonly string[] = []): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'arpshift-mass-'));
  const file = join(dir, `mass-${vms}.yaml`);
  writeFileSync(file, massMigrationYaml(vms, migrations, sample));
  try {
    return await new Promise<string>((resolve, reject) => {
      const args = [...nodeArgs, fileURLToPath(new URL('./mass-child.mjs', import.meta.url)), file, ...(buildOnly ? ['--build-only'] : [])];
      const c = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      c.stdout.on('data', (d: Buffer) => { text += d.toString(); });
      c.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`mass migration with ${vms} VMs failed (exit ${code})`))));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] === self) {
  const args = process.argv.slice(2);
  const heap = args.find((a) => a.startsWith('--max-old-space-size='));
  const [v, m, s] = args.filter((a) => !a.startsWith('--')).map(Number);
  process.stdout.write(await runMassChild(v!, m!, s ?? 100, args.includes('--build-only'), heap === undefined ? [] : [heap]));
}

/** `npm run bench -- --only mass`: 100,000 VMs, 1,000 migrations (quick: 10,000 VMs, 100). */
export const massMigrationBench: Bench = {
  name: 'mass',
  async run(reporter, { quick }) {
    const sizes = quick ? [[10_000, 100]] : [[100_000, 1_000]];
    for (const [vms, migrations] of sizes) {
      reporter.note(`mass migration, ${vms} VMs, ${migrations} migrations...`);
      const out = await runMassChild(vms!, migrations!, 100, false);
      const r = JSON.parse(out) as Record<string, number>;
      const label = `${vms!.toLocaleString('en-US')} VMs, ${migrations} moves`;
      reporter.add('mass', `${label}: load (YAML, validation)`, r.loadSeconds!, 's');
      reporter.add('mass', `${label}: build`, r.buildSeconds!, 's');
      reporter.add('mass', `${label}: build, CPU (every thread)`, r.buildCpuSeconds!, 's');
      reporter.add('mass', `${label}: run`, r.runSeconds!, 's');
      reporter.add('mass', `${label}: events per second of run`, Math.round(r.events! / r.runSeconds!), 'events/s');
      reporter.add('mass', `${label}: frames delivered per second of run`, Math.round(r.framesDelivered! / r.runSeconds!), 'frames/s');
      reporter.add('mass', `${label}: peak RSS`, Math.round(r.peakRssKiB! / 1024), 'MiB');
    }
  },
};
