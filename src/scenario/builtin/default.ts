/**
 * The built-in default scenario: what `arpshift run` simulates when no scenario is given. It is the
 * text of scenarios/default-comparison.yaml, kept here so that the library and the CLI need no file
 * (a test checks that the two are identical): a leaf-spine data center with 16 hypervisors and 300
 * VMs, one VM live-migrated while the gateway sends it traffic, and ten runs comparing no remedy,
 * guest gratuitous ARP, RARP, QEMU's announce schedule and a controller push, each without and with
 * a congestion burst on the destination hypervisor's uplink.
 */
import { loadScenario } from '../load.js';
import type { Scenario } from '../normalise.js';

/** The YAML text of the default scenario (identical to scenarios/default-comparison.yaml). */
export const DEFAULT_SCENARIO_YAML = `# The default comparison: which announcement strategy ends the black hole after a live migration,
# on a clean network and when congestion swallows the first announcements.
#
# A leaf-spine data center: 4 leaves, 2 spines, 16 hypervisors (four per leaf) and 300 VMs on them.
# The core gateway sends vm-2 a steady UDP stream. At 30 s vm-2 live-migrates from hv-2 (on leaf-2)
# to hv-12 (on leaf-4): 10 s of pre-copy while it keeps running, then 300 ms of downtime. vm-2 keeps
# its MAC and sends nothing of its own, so every switch between the gateway and vm-2 keeps pointing
# at hv-2 until something tells it otherwise: an announcement, a control plane, or the 300 s ageing
# of its MAC table.
#
# Ten runs (the variants) compare five strategies, each on a clean network and under congestion: a
# background burst that saturates hv-12's uplink from just before vm-2 resumes until 250 ms after,
# swallowing the first announcements. The loss is bursty, so repeating a frame inside the burst does
# not help; spreading the repeats out (QEMU's schedule) or not relying on the data plane at all (a
# controller) does.
#
# \`arpshift run\` with no scenario runs exactly this file (src/scenario/builtin/default.ts).

name: default-comparison
description: One VM live-migrates while the gateway sends it traffic; five remedies compared, without and with congestion at the destination.
seed: 1
duration: 400s               # long enough for the run without a remedy to reach the 300 s MAC ageing

fabric:
  kind: leaf-spine
  leaves: 4                  # leaf-1 … leaf-4
  spines: 2                  # spine-1, spine-2
  bridging: rstp
  hostPortsPerEdge: 48       # the gateway and four hypervisors per leaf use only a few
  macAgingTime: 300s         # the 802.1D default: how long a stale entry can black-hole traffic

subnet:
  ipv4: 198.18.0.0/22        # 1022 addresses: the gateway .0.1, the VMs from .0.2 on

gateway:
  placement: core
  attach: leaf-1
  profile: cisco-ios         # ARP entries live 4 h: the gateway keeps vm-2's (unchanged) MAC and never asks again

hypervisors:
  count: 16                  # hv-1 … hv-16, round-robin over the leaves: hv-2 on leaf-2, hv-12 on leaf-4
  placement: spread
  vswitchAgingTime: 300s     # Open vSwitch's default

hosts:
  - name: vm                 # vm-1 … vm-300, round-robin over the hypervisors: vm-2 starts on hv-2
    count: 300
    on: hypervisors
    profile: linux

traffic:
  - name: to-vm-2            # the stream whose black hole the runs measure
    kind: udp
    from: gateway
    to: vm-2
    rate: 100pps
    start: 1s
  - name: background         # another VM talking to the gateway, untouched by the move
    kind: udp
    from: vm-100
    to: gateway
    rate: 10pps
    start: 1s

migrations:
  - vm: vm-2
    to: hv-12                # on leaf-4: every switch on the gateway's path has to learn the new place
    at: 30s
    timing:
      precopy: 10s           # vm-2 keeps running on hv-2 while its memory is copied ...
      downtime: 300ms        # ... then pauses, and resumes on hv-12 at 40.3 s

variants:
  - name: none
    description: Nothing announces the move; traffic follows the stale entries until they age out.
    remedies: [{ kind: none }]
  - name: guest-garp
    description: The guest sends three gratuitous ARPs, 100 ms apart, when it resumes.
    remedies: [{ kind: guest-garp, count: 3, interval: 100ms }]
  - name: rarp
    description: The hypervisor sends one RARP for the VM's MAC, as VMware vMotion does.
    remedies: [{ kind: rarp }]
  - name: qemu-announce
    description: QEMU's announce-self, RARPs at 0, 50, 200, 450 and 800 ms after the resume.
    remedies: [{ kind: qemu-announce }]
  - name: controller
    description: A management plane points every switch at the new place 50 ms after the resume.
    remedies: [{ kind: controller }]
  - name: none-congested
    description: No remedy, with the burst on hv-12's uplink.
    remedies: [{ kind: none }]
    loss: &congested         # the same loss list for every congested run (a YAML anchor)
      - links: "hv-12:p1"    # hv-12's uplink (port p1 of its virtual switch) to leaf-4
        direction: both
        congestion:
          - { start: 40.2s, end: 40.55s, load: 1.0 }  # full: every frame arriving meanwhile is dropped
  - name: guest-garp-congested
    description: Three gratuitous ARPs inside the burst are all lost.
    remedies: [{ kind: guest-garp, count: 3, interval: 100ms }]
    loss: *congested
  - name: rarp-congested
    description: The single RARP is lost in the burst.
    remedies: [{ kind: rarp }]
    loss: *congested
  - name: qemu-announce-congested
    description: The first three QEMU rounds are lost; the rounds at 450 and 800 ms get through.
    remedies: [{ kind: qemu-announce }]
    loss: *congested
  - name: controller-congested
    description: The controller's pushes do not cross the congested link.
    remedies: [{ kind: controller }]
    loss: *congested
`;

/** The file name the default scenario's issues would carry. */
export const DEFAULT_SCENARIO_FILE = 'default-comparison.yaml';

let cached: Scenario | undefined;

/** The default scenario, validated and normalised (the same object on every call; it is read-only). */
export function defaultScenario(): Scenario {
  cached ??= loadScenario(DEFAULT_SCENARIO_YAML, DEFAULT_SCENARIO_FILE);
  return cached;
}
