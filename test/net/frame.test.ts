/**
 * VLAN tag push and pop on simulated frames: the right bytes and sizes, the same id, and the
 * remembered results (one object per tagging, shared by every switch a flood crosses).
 */
import { describe, expect, it } from 'vitest';
import { FrameFactory, popTag, pushTag, vlanTagFor } from '../../src/net/index.js';
import type { SimFrame } from '../../src/net/index.js';
import { MAC_BROADCAST, frameLength, parseMac, rawPayload } from '../../src/wire/index.js';
import type { EthernetFrame } from '../../src/wire/index.js';

const ETH: EthernetFrame = {
  destination: MAC_BROADCAST,
  source: parseMac('02:00:00:00:00:01')!,
  vlanTags: [],
  etherType: 0x88b5, // local experimental
  payload: rawPayload(new Uint8Array(100)),
};

describe('pushTag and popTag', () => {
  it('add and remove the outer tag, with sizes from the codec and the same id', () => {
    const base = new FrameFactory().make(ETH);
    const t10 = pushTag(base, vlanTagFor(10));
    expect(t10.eth.vlanTags.map((t) => t.vlanId)).toEqual([10]);
    expect(t10.size).toBe(frameLength(t10.eth));
    expect(t10.size).toBe(base.size + 4);
    expect(t10.id).toBe(base.id);
    const qinq = pushTag(t10, vlanTagFor(20));
    expect(qinq.eth.vlanTags.map((t) => t.vlanId)).toEqual([20, 10]);
    expect(popTag(qinq)).toBe(t10);
    expect(popTag(t10)).toBe(base);
  });

  it('remember results: the same tagging twice is one object; another VLAN replaces it', () => {
    const base = new FrameFactory().make(ETH);
    const a = pushTag(base, vlanTagFor(10));
    expect(pushTag(base, vlanTagFor(10))).toBe(a);
    const b = pushTag(base, vlanTagFor(11));
    expect(b).not.toBe(a);
    expect(b.eth.vlanTags[0]!.vlanId).toBe(11);
    expect(popTag(b)).toBe(base);
    // A popped frame does not point back at what it came from unless that was a push.
    const outer = { ...a, pushed: undefined, popped: undefined, extra: true } as SimFrame;
    const inner = popTag(outer);
    expect(inner.eth.vlanTags).toEqual([]);
    expect(pushTag(inner, vlanTagFor(10))).not.toBe(outer);
  });
});
