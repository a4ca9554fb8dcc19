/**
 * Kinds of hypervisor virtual switch, as data with sources: what happens at the port of a guest whose
 * interface is re-plugged (re-created at the destination and brought up, as container moves and
 * veth-based labs do; `guestLink: replug`), where the guest's own link-up announcements (Linux
 * arp_notify / ndisc_notify on NETDEV_UP) race the port coming up.
 *
 * - `linux-bridge`: the port of a device whose carrier was off is disabled, and is enabled only when
 *   the bridge handles the carrier change (NETDEV_CHANGE, delivered by linkwatch under RTNL), after
 *   the guest's NETDEV_UP notifier has already sent its GARP: that GARP is dropped.
 * - `ovs`: Open vSwitch's kernel datapath takes every frame of a port from the moment the port is
 *   added, whatever its link state; whether flows forward it is the migration's `portReadyAfter`.
 * - `vendor`: a vendor's virtual switch (VMware's vSphere Standard or Distributed Switch), which
 *   connects the vNIC's port before the guest sees its link (VMware's vSphere Automation API); that
 *   the port then takes the guest's first frames is unverified.
 */
import type { Fact } from '../stack/index.js';
import { fact, unverified } from '../stack/index.js';

/** The virtual-switch kinds. */
export type VswitchKind = 'linux-bridge' | 'ovs' | 'vendor';

/** Every kind, in a fixed order. */
export const VSWITCH_KINDS: readonly VswitchKind[] = ['linux-bridge', 'ovs', 'vendor'];

/** How a kind of virtual switch treats a re-plugged guest's port. */
export interface VswitchBehaviour {
  readonly kind: VswitchKind;
  readonly description: string;
  /**
   * The port starts disabled and forwards only after the guest's link-up notifier has run, so what the
   * guest sends from it (the arp_notify GARP) is dropped at the port.
   */
  readonly enablesAfterGuestLinkUp: Fact<boolean>;
  /** When it does, how long after the guest's link-up the port forwards, ns. */
  readonly portEnableDelay: Fact<number>;
}

/** The behaviour of each kind, with its sources. */
export const VSWITCHES: Readonly<Record<VswitchKind, VswitchBehaviour>> = {
  'linux-bridge': {
    kind: 'linux-bridge',
    description: 'Linux bridge (net/bridge)',
    enablesAfterGuestLinkUp: fact(
      true,
      'Linux net/bridge/br.c br_device_event: a port is enabled (br_if.c br_port_carrier_check -> br_stp_enable_port) on NETDEV_CHANGE, which linkwatch (net/core/link_watch.c) delivers under RTNL once `ip link set up`, whose NETDEV_UP notifier sent the arp_notify GARP, has released it; net/bridge/br_input.c br_handle_frame drops frames on a disabled port; measured on Linux 6.18 (veth re-plugged into a bridge, STP off): the link-up GARP lost in 4 of 4 moves',
    ),
    portEnableDelay: unverified(
      100_000,
      'net/core/link_watch.c: a veth\'s carrier change is urgent (linkwatch_urgent_event), its work queued at once, and runs as soon as RTNL is free; the delay itself was not measured (100 µs taken)',
    ),
  },
  ovs: {
    kind: 'ovs',
    description: 'Open vSwitch (kernel datapath)',
    enablesAfterGuestLinkUp: fact(
      false,
      'Linux net/openvswitch/vport-netdev.c: the datapath\'s rx handler (netdev_frame_hook) is registered when the port is added (netdev_create -> ovs_netdev_link) and hands every frame to ovs_vport_receive, whatever the link state; Open vSwitch ofproto/ofproto-dpif-xlate.c may_receive refuses a frame only for the port\'s no-receive configuration or its STP/RSTP state, never its link state, which ovs-vswitchd.conf.db(5) reports as a status column (Interface link_state); flows not yet installed are the migration\'s portReadyAfter (openvswitch/ovs-issues #230)',
    ),
    portEnableDelay: fact(0, 'no port state to wait for (see enablesAfterGuestLinkUp)'),
  },
  vendor: {
    kind: 'vendor',
    description: 'a vendor virtual switch (VMware vSphere Standard or Distributed Switch)',
    enablesAfterGuestLinkUp: unverified(
      false,
      'VMware vSphere Automation API, vcenter/vm/hardware/ethernet connect: connecting a virtual Ethernet adapter to its backing (the port) is what "makes the backing accessible from the perspective of the guest operating system", so the guest sees its link come up only once its port is connected; that the port then forwards the guest\'s first frames is not documented',
    ),
    portEnableDelay: unverified(0, 'as enablesAfterGuestLinkUp'),
  },
};
