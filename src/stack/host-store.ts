/**
 * The hosts of one network as arrays (see {@link HostStore}): what decides whether a flood copy only
 * counts at a host, and the counters such copies change, by host slot, with the network-wide indexes
 * that answer for every host at once (who holds an IPv4 address, who accepts a MAC, which neighbor
 * caches hold an address). A flood's bystander copies are decided and counted here without touching
 * their host objects; `Host` keeps the per-host view (its counters read these arrays).
 */
import type { BulkMembers, Network, QuietReceivers, SimFrame } from '../net/index.js';
import { QUIET_ASK, QUIET_DROPPED, QUIET_NOT_TAKEN, QUIET_TAKEN } from '../net/index.js';
import { resized } from '../sim/index.js';
import type { Ipv4Address } from '../wire/index.js';
import { ARP_OP_REQUEST, MAC_BROADCAST } from '../wire/index.js';
import type { Host } from './host.js';
import { HolderSets } from './neighbor-cache.js';
import { NumberIndex } from './number-index.js';
import type { ImplementationProfile } from './profiles/index.js';

const TWO_32 = 0x1_0000_0000;

/**
 * Whether the bystander fast paths are on (`Host.bystanderFastPath` reads and sets it): the tests
 * switch them off to compare every result with the plain receive path.
 */
export const bystanderPaths = { fastPath: true };

/** The hosts of each network (see {@link HostStore}). */
const HOST_STORES = new WeakMap<Network, HostStore>();

/**
 * Which host of a network holds each IPv4 address (in any state); null: more than one. Remembers its
 * answer for the last frame asked about: the copies of one flood all ask about the same target and
 * sender, so a flood of N copies costs two lookups, not 2N. Any change of the index forgets it.
 */
export class Ipv4Owners {
  /** The holder's slot in the host store by address; -2: more than one (a typed-array table, number-index.ts). */
  private readonly byAddress = new NumberIndex();
  /** The host store's hosts, by slot. */
  private readonly hosts: readonly Host[];
  private frame: SimFrame | null = null;
  /** The owners of the last frame's target and sender addresses (see {@link lookUp}). */
  tipOwner: Host | null | undefined = undefined;
  sipOwner: Host | null | undefined = undefined;

  /** The index of the hosts of `hosts` (by their slots, `Host.quietSlot`). */
  constructor(hosts: readonly Host[]) {
    this.hosts = hosts;
  }

  /** `host` holds `address` (now, or again). */
  enter(address: Ipv4Address, host: Host): void {
    this.byAddress.enter(address, host.quietSlot, -2);
    this.frame = null;
  }

  /** Makes room for `n` addresses in all (a hint). */
  reserve(n: number): void {
    this.byAddress.reserve(n);
  }

  /** The host holding `address`; null: more than one; undefined: none. */
  owner(address: Ipv4Address): Host | null | undefined {
    const slot = this.byAddress.get(address, -1);
    return slot === -1 ? undefined : slot === -2 ? null : this.hosts[slot];
  }

  /** Sets {@link tipOwner} and {@link sipOwner} for `frame`'s target `tip` and sender `sip`. */
  lookUp(frame: SimFrame, tip: Ipv4Address, sip: Ipv4Address): void {
    if (frame === this.frame) return;
    this.frame = frame;
    this.tipOwner = this.owner(tip);
    this.sipOwner = this.owner(sip);
  }
}

/** `HostStore.flags`: a gratuitous ARP request creates no entry under the host's profile. */
const GRATUITOUS_CREATES_NONE = 1;
/** `HostStore.flags`: the profile takes only replies to a pending resolution (no entry is ever updated by a request). */
const REPLIES_ONLY = 2;

/**
 * Bulk kinds (`QuietReceivers.countQuiet`): an ARP request counted (frames and ARP in), a RARP frame
 * ignored, a frame not for the host's MACs dropped.
 */
const KIND_ARP_REQUEST = 0;
const KIND_RARP = 1;
const KIND_NOT_FOR_ME = 2;

/** Class bit (`QuietReceivers.classOf`): a gratuitous ARP request may create an entry. */
const CLASS_GRATUITOUS_TAKER = 1;

/**
 * The most caches holding a request's sender that a bulk verdict names (more: the copies go one by
 * one, each host asked, as before).
 */
const HOLDERS_NAMED = 4096;

/** What `HostStore.prepare` found a frame to be, for every receiver. */
const FRAME_NOT_TAKEN = 0;
const FRAME_ASK = 1;
const FRAME_NOT_FOR_MAC = 2;
const FRAME_RARP = 3;
const FRAME_ARP_REQUEST = 4;

/** Slots of a store's arrays when it is made (doubled when full). */
const HOST_STORE_START = 64;

/**
 * The hosts of one network, numbered (a host's slot) in the order they were made, with what decides
 * whether a flood copy only counts at a host (`Host.receiveQuietly`) and the counters such copies
 * change, in arrays by slot: a flood's bystanders are decided and counted without touching their
 * host objects (`QuietReceivers`). Also the network's indexes that answer for every host at once: who
 * holds each IPv4 address, who accepts each MAC, and which neighbor caches hold an entry for each
 * address.
 */
export class HostStore implements QuietReceivers {
  readonly hosts: Host[] = [];
  /** 1 while the host is up and not paused. */
  up = new Uint8Array(HOST_STORE_START);
  /** Bits of the host's profile: {@link GRATUITOUS_CREATES_NONE}, {@link REPLIES_ONLY}. */
  flags = new Uint8Array(HOST_STORE_START);
  framesIn = new Float64Array(HOST_STORE_START);
  arpIn = new Float64Array(HOST_STORE_START);
  rarpIgnored = new Float64Array(HOST_STORE_START);
  notForMe = new Float64Array(HOST_STORE_START);
  /**
   * By slot: the bulk members of a flood plan whose shared counts add to the host's (net flood-bulk.ts),
   * or null, and the host's index among them.
   */
  readonly bulk: (BulkMembers | null)[] = [];
  bulkAt = new Int32Array(HOST_STORE_START);
  /**
   * The few MACs a host answers to (its NIC's, virtual ones): by slot the first (-1: none), and the
   * others, rare, by slot in a map. Every frame that reaches a host is checked against them; arrays
   * by slot rather than a list object per host (a million hosts, a million lists and their elements
   * for the collector to copy and mark).
   */
  macFirst = new Float64Array(HOST_STORE_START).fill(-1);
  private readonly macMore = new Map<number, number[]>();
  /** The slots of the hosts that are down or paused (`up` 0). */
  private readonly down = new Set<number>();
  /** See `QuietReceivers.exceptMask` and `verdictDrops`. */
  exceptMask = 0;
  verdictDrops = false;
  /** Which host holds each IPv4 address. */
  readonly owners4 = new Ipv4Owners(this.hosts);
  /** How many IPv4 neighbor caches hold an entry for each address, and the sums of their keys (slot + 1). */
  readonly arpHolders = new Map<Ipv4Address, number>();
  readonly arpHolderKeys = new Map<Ipv4Address, number>();
  /** The keys (slot + 1) of the caches holding each address two or more caches hold. */
  readonly arpHolderSets = new HolderSets<Ipv4Address>();
  /**
   * The holders of {@link holdersOf}'s address as of {@link holdersVersion}, by the bulk members
   * their hosts belong to (see `exceptionSlots`): grouped once, not looked through per flood plan.
   */
  private holdersOf = Number.NaN; // none (a double from the start: IPv4 addresses leave the small-integer range)
  private holdersVersion = -1;
  private holdersAttached = -1;
  /** Changes of {@link bulk} so far. */
  private attached = 0;
  private readonly holdersByBulk = new Map<BulkMembers | null, number[]>();
  /** The host that accepts each MAC (its own, virtual ones), by slot; -2: more than one (or was). */
  private readonly macOwners = new NumberIndex();
  // What `prepare` found for the current frame.
  private kind = FRAME_NOT_TAKEN;
  private macOwner = -1;
  private tipSlot = -1;
  private sipSlot = -1;
  private senderHolders = 0;
  private senderHolder = -1;
  private senderSip = 0 as Ipv4Address;
  private gratuitous = false;

  /** Numbers `host` (its slot). */
  add(host: Host, profile: ImplementationProfile): number {
    const slot = this.hosts.length;
    if (slot >= this.up.length) this.grow(2 * this.up.length);
    this.hosts.push(host);
    const rules = profile.arp;
    const repliesOnly = rules.updateExisting.value === 'reply-while-resolving';
    this.flags[slot] = (rules.dropGratuitous.value || repliesOnly || rules.createUnsolicited.value === 'never' ? GRATUITOUS_CREATES_NONE : 0)
      | (repliesOnly ? REPLIES_ONLY : 0);
    this.up[slot] = 1;
    this.bulk.push(null);
    return slot;
  }

  /**
   * Makes room for `n` hosts in all, with an address and a MAC each (a hint: the arrays and indexes
   * still grow past it): a builder that knows how many hosts it will make spares their growth.
   */
  reserve(n: number): void {
    if (n > this.up.length) this.grow(n);
    this.macOwners.reserve(n);
    this.owners4.reserve(n);
  }

  /** Whether the host numbered `slot` is up and not paused. */
  setUp(slot: number, up: boolean): void {
    this.up[slot] = up ? 1 : 0;
    if (up) this.down.delete(slot);
    else this.down.add(slot);
  }

  // The counters a flood's bystander copies change, with the bulk counts of the host's members.

  framesInOf(slot: number): number {
    const bulk = this.bulk[slot]!;
    return this.framesIn[slot]! + (bulk === null ? 0 : bulk.kinds[KIND_ARP_REQUEST]! + bulk.kinds[KIND_RARP]!);
  }

  arpInOf(slot: number): number {
    const bulk = this.bulk[slot]!;
    return this.arpIn[slot]! + (bulk === null ? 0 : bulk.kinds[KIND_ARP_REQUEST]!);
  }

  rarpIgnoredOf(slot: number): number {
    const bulk = this.bulk[slot]!;
    return this.rarpIgnored[slot]! + (bulk === null ? 0 : bulk.kinds[KIND_RARP]!);
  }

  notForMeOf(slot: number): number {
    const bulk = this.bulk[slot]!;
    return this.notForMe[slot]! + (bulk === null ? 0 : bulk.kinds[KIND_NOT_FOR_ME]!);
  }

  countQuiet(slot: number, kind: number, n: number): void {
    if (kind === KIND_NOT_FOR_ME) {
      this.notForMe[slot]! += n;
      return;
    }
    this.framesIn[slot]! += n;
    if (kind === KIND_ARP_REQUEST) this.arpIn[slot]! += n;
    else this.rarpIgnored[slot]! += n;
  }

  attach(slot: number, bulk: BulkMembers | null, member: number): void {
    this.bulk[slot] = bulk;
    this.bulkAt[slot] = member;
    this.attached++;
  }

  bulkOf(slot: number): BulkMembers | null {
    return this.bulk[slot]!;
  }

  bulkIndex(slot: number): number {
    return this.bulkAt[slot]!;
  }

  classOf(slot: number): number {
    return (this.flags[slot]! & GRATUITOUS_CREATES_NONE) === 0 ? CLASS_GRATUITOUS_TAKER : 0;
  }

  /**
   * See `QuietReceivers.verdict`: as {@link take} would answer for every host not named by
   * {@link exceptionSlots} nor in a class of {@link exceptMask}.
   */
  verdict(): number {
    this.exceptMask = 0;
    this.verdictDrops = false;
    switch (this.kind) {
      case FRAME_NOT_FOR_MAC:
        if (this.macOwner === -2) return -1;
        this.verdictDrops = true;
        return KIND_NOT_FOR_ME;
      case FRAME_RARP:
        return KIND_RARP;
      case FRAME_ARP_REQUEST:
        // Several hosts hold the target or the sender: `take` answers the same for none of them.
        if (this.tipSlot === -2 || this.sipSlot === -2) return -1;
        // Where several caches hold the sender, `take` asks every host whose profile may update an
        // entry from a request; the host answers from its own cache, so the holders are the exceptions.
        if (this.senderHolders > HOLDERS_NAMED) return -1;
        if (this.gratuitous) this.exceptMask |= CLASS_GRATUITOUS_TAKER;
        return KIND_ARP_REQUEST;
      default:
        return -1;
    }
  }

  exceptionSlots(out: number[], bulk: BulkMembers): void {
    if (this.kind === FRAME_NOT_FOR_MAC && this.macOwner >= 0) out.push(this.macOwner);
    if (this.kind === FRAME_ARP_REQUEST) {
      if (this.tipSlot >= 0) out.push(this.tipSlot);
      if (this.sipSlot >= 0) out.push(this.sipSlot);
      if (this.senderHolders === 1 && this.senderHolder >= 0) out.push(this.senderHolder);
      else if (this.senderHolders > 1) {
        const mine = this.holdersGrouped().get(bulk);
        if (mine !== undefined) for (let i = 0; i < mine.length; i++) out.push(mine[i]!);
      }
    }
    if (this.down.size > 0) for (const slot of this.down) out.push(slot);
  }

  private grow(n: number): void {
    this.up = resized(this.up, n);
    this.flags = resized(this.flags, n);
    this.framesIn = resized(this.framesIn, n);
    this.arpIn = resized(this.arpIn, n);
    this.rarpIgnored = resized(this.rarpIgnored, n);
    this.notForMe = resized(this.notForMe, n);
    this.bulkAt = resized(this.bulkAt, n);
    this.macFirst = resized(this.macFirst, n, -1);
  }

  /** Whether the host numbered `slot` accepts frames to `mac` (one of its MACs). */
  hasMac(slot: number, mac: number): boolean {
    if (this.macFirst[slot] === mac) return true;
    if (this.macMore.size === 0) return false;
    const more = this.macMore.get(slot);
    return more !== undefined && more.includes(mac);
  }

  /** The host numbered `slot` answers to `mac` too (entered in the MAC index). */
  addMac(slot: number, mac: number): void {
    if (this.hasMac(slot, mac)) return;
    if (this.macFirst[slot] === -1) this.macFirst[slot] = mac;
    else {
      const more = this.macMore.get(slot);
      if (more === undefined) this.macMore.set(slot, [mac]);
      else more.push(mac);
    }
    this.enterMac(mac, slot);
  }

  /** The host numbered `slot` no longer answers to `mac`. */
  deleteMac(slot: number, mac: number): void {
    if (!this.hasMac(slot, mac)) return;
    const more = this.macMore.get(slot);
    if (this.macFirst[slot] === mac) {
      this.macFirst[slot] = more === undefined ? -1 : more.shift()!;
    } else {
      more!.splice(more!.indexOf(mac), 1);
    }
    if (more !== undefined && more.length === 0) this.macMore.delete(slot);
    this.leaveMac(mac, slot);
  }

  /** The host numbered `slot` accepts frames to `mac`. */
  enterMac(mac: number, slot: number): void {
    this.macOwners.enter(mac, slot, -2);
  }

  /** The host numbered `slot` no longer accepts frames to `mac` (a MAC two hosts ever shared stays marked so). */
  leaveMac(mac: number, slot: number): void {
    if (this.macOwners.get(mac, -1) === slot) this.macOwners.delete(mac);
  }

  private slotOf(owner: Host | null | undefined): number {
    return owner === undefined ? -1 : owner === null ? -2 : owner.quietSlot;
  }

  prepare(frame: SimFrame): void {
    const eth = frame.eth;
    const dst = eth.destination;
    this.kind = FRAME_ASK;
    if (!bystanderPaths.fastPath || this.hosts.length === 0) return;
    if (dst !== MAC_BROADCAST) {
      // IPv6 multicast: the host's solicited-node groups decide (`acceptsDestination`).
      if (Math.floor(dst / TWO_32) === 0x3333 || this.hosts[0]!.trace.perCopyDrops) return;
      this.macOwner = this.macOwners.get(dst, -1);
      this.kind = FRAME_NOT_FOR_MAC;
      return;
    }
    const p = eth.payload;
    this.kind = FRAME_NOT_TAKEN;
    if (p.kind !== 'arp') return;
    if (eth.etherType !== 0x0806 || (p.operation !== 1 && p.operation !== 2)) {
      this.kind = FRAME_RARP;
      return;
    }
    const sip = p.senderProtocolAddress;
    const tip = p.targetProtocolAddress;
    if (p.operation !== ARP_OP_REQUEST || sip === 0) return;
    this.kind = FRAME_ARP_REQUEST;
    this.gratuitous = sip === tip;
    // The copies of one frame at every switch it is flooded by ask about the same two addresses.
    const owners = this.owners4;
    owners.lookUp(frame, tip, sip);
    this.tipSlot = this.slotOf(owners.tipOwner);
    this.sipSlot = this.slotOf(owners.sipOwner);
    const holders = this.arpHolders.get(sip) ?? 0;
    this.senderHolders = holders;
    this.senderSip = sip;
    this.senderHolder = holders === 1 ? this.arpHolderKeys.get(sip)! - 1 : -1;
  }

  /** The holders of the prepared request's sender, by their hosts' bulk members (made again after any cache changed). */
  private holdersGrouped(): Map<BulkMembers | null, number[]> {
    const sets = this.arpHolderSets;
    const sip = this.senderSip;
    if (this.holdersOf !== sip || this.holdersVersion !== sets.version || this.holdersAttached !== this.attached) {
      this.holdersOf = sip;
      this.holdersVersion = sets.version;
      this.holdersAttached = this.attached;
      const groups = this.holdersByBulk;
      groups.clear();
      for (const key of sets.byAddress.get(sip)!) {
        const slot = key - 1;
        const bulk = this.bulk[slot]!;
        const list = groups.get(bulk);
        if (list === undefined) groups.set(bulk, [slot]);
        else list.push(slot);
      }
    }
    return this.holdersByBulk;
  }

  /** `Host.receiveQuietly` of the host numbered `slot` for the prepared frame, from the arrays (see `QuietReceivers`). */
  take(slot: number): number {
    if (this.up[slot] === 0) return QUIET_ASK;
    switch (this.kind) {
      case FRAME_NOT_TAKEN:
        return QUIET_NOT_TAKEN;
      case FRAME_NOT_FOR_MAC: {
        const owner = this.macOwner;
        if (owner === slot) return QUIET_NOT_TAKEN;
        if (owner === -2) return QUIET_ASK;
        this.notForMe[slot] = this.notForMe[slot]! + 1;
        return QUIET_DROPPED;
      }
      case FRAME_RARP:
        this.framesIn[slot] = this.framesIn[slot]! + 1;
        this.rarpIgnored[slot] = this.rarpIgnored[slot]! + 1;
        return QUIET_TAKEN;
      case FRAME_ARP_REQUEST: {
        const flags = this.flags[slot]!;
        if (this.gratuitous && (flags & GRATUITOUS_CREATES_NONE) === 0) return QUIET_NOT_TAKEN;
        const tip = this.tipSlot;
        if (tip === slot || tip === -2) return QUIET_NOT_TAKEN;
        // The host may hold the sender's address: its own addresses decide.
        const sip = this.sipSlot;
        if (sip === slot || sip === -2) return QUIET_ASK;
        if ((flags & REPLIES_ONLY) === 0 && this.senderHolders > 0) {
          if (this.senderHolders > 1) return QUIET_ASK;
          if (this.senderHolder === slot) return QUIET_NOT_TAKEN;
        }
        this.framesIn[slot] = this.framesIn[slot]! + 1;
        this.arpIn[slot] = this.arpIn[slot]! + 1;
        return QUIET_TAKEN;
      }
      default:
        return QUIET_ASK;
    }
  }
}

/** The store of `network`'s hosts, made at its first host. */
export function hostStore(network: Network): HostStore {
  let store = HOST_STORES.get(network);
  if (store === undefined) HOST_STORES.set(network, (store = new HostStore()));
  return store;
}
