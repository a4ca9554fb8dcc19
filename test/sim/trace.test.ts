/**
 * The trace bus: typed events declared by augmentation (here, test-only types), listeners by type and
 * for all types, `wants` and channels for producers, and unsubscribing.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/sim/index.js';
import { TraceBus } from '../../src/sim/index.js';

declare module '../../src/sim/trace.js' {
  interface TraceEventMap {
    'test-ping': { readonly count: number };
    'test-pong': { readonly ok: boolean };
  }
}

describe('TraceBus', () => {
  it('wants nothing until someone listens, then only the types listened to', () => {
    const bus = new TraceBus();
    expect(bus.wants('test-ping')).toBe(false);
    const off = bus.on('test-ping', () => {});
    expect(bus.wants('test-ping')).toBe(true);
    expect(bus.wants('test-pong')).toBe(false);
    off();
    expect(bus.wants('test-ping')).toBe(false);
    const offAny = bus.onAny(() => {});
    expect(bus.wants('test-pong')).toBe(true);
    offAny();
    expect(bus.wants('test-pong')).toBe(false);
  });

  it('gives one channel per type that follows listeners coming and going, and delivers like emit', () => {
    const bus = new TraceBus();
    const ping = bus.channel('test-ping');
    expect(bus.channel('test-ping')).toBe(ping);
    expect(ping.active).toBe(false);
    const seen: string[] = [];
    const off = bus.on('test-ping', (e) => seen.push(`ping:${e.count}`));
    expect(ping.active).toBe(true);
    const offAny = bus.onAny((e) => seen.push(`any:${e.type}`));
    ping.emit({ type: 'test-ping', time: 1, node: 'h1', count: 7 });
    off();
    expect(ping.active).toBe(true); // the any-listener still wants it
    ping.emit({ type: 'test-ping', time: 2, node: 'h1', count: 8 });
    offAny();
    expect(ping.active).toBe(false);
    expect(bus.wants('test-ping')).toBe(false);
    expect(seen).toEqual(['ping:7', 'any:test-ping', 'any:test-ping']);
  });

  it('delivers typed events to their type listeners, in subscription order, then to any-listeners', () => {
    const bus = new TraceBus();
    const seen: string[] = [];
    bus.onAny((e) => seen.push(`any:${e.type}@${e.time}/${e.node}`));
    bus.on('test-ping', (e) => seen.push(`ping1:${e.count}`));
    bus.on('test-ping', (e) => seen.push(`ping2:${e.count}`));
    bus.on('test-pong', (e) => seen.push(`pong:${e.ok}`));
    bus.emit({ type: 'test-ping', time: 5, node: 'h1', count: 3 });
    bus.emit({ type: 'test-pong', time: 6, node: 'h2', ok: true });
    expect(seen).toEqual(['ping1:3', 'ping2:3', 'any:test-ping@5/h1', 'pong:true', 'any:test-pong@6/h2']);
  });

  it('unsubscribes idempotently, and changes during an emit apply from the next emit', () => {
    const bus = new TraceBus();
    const seen: string[] = [];
    const offA = bus.on('test-ping', () => {
      seen.push('a');
      offB();
    });
    const offB = bus.on('test-ping', () => seen.push('b'));
    bus.emit({ type: 'test-ping', time: 0, node: 'n', count: 1 });
    bus.emit({ type: 'test-ping', time: 0, node: 'n', count: 2 });
    expect(seen).toEqual(['a', 'b', 'a']);
    offA();
    offA();
    bus.emit({ type: 'test-ping', time: 0, node: 'n', count: 3 });
    expect(seen).toEqual(['a', 'b', 'a']);
  });

  it('lets a listener exception propagate to the producer', () => {
    const bus = new TraceBus();
    bus.on('test-pong', () => {
      throw new Error('observer failed');
    });
    expect(() => bus.emit({ type: 'test-pong', time: 0, node: 'n', ok: false })).toThrow('observer failed');
  });

  it('types events from the declared map', () => {
    const event: TraceEvent<'test-ping'> = { type: 'test-ping', time: 1, node: 'n', count: 2 };
    const union: TraceEvent = event;
    expect(union.type === 'test-ping' ? union.count : -1).toBe(2);
    const bus = new TraceBus();
    // @ts-expect-error -- a field of another event type
    bus.emit({ type: 'test-ping', time: 1, node: 'n', ok: true });
    // @ts-expect-error -- an undeclared event type
    expect(bus.wants('no-such-event')).toBe(false);
  });

  it('gives plain events only to the listeners that did not subscribe with skipsPlain, in subscription order', () => {
    const bus = new TraceBus();
    const ping = bus.channel('test-ping');
    const seen: string[] = [];
    const offNarrow = bus.on('test-ping', (e) => seen.push(`narrow:${e.count}`), { skipsPlain: true });
    expect(ping.heard).toBe(true);
    expect(ping.heardPlain).toBe(false);
    const offBroad = bus.on('test-ping', (e) => seen.push(`broad:${e.count}`));
    bus.on('test-ping', (e) => seen.push(`broad2:${e.count}`), { skipsPlain: false });
    expect(ping.heardPlain).toBe(true);
    ping.emitOwn({ type: 'test-ping', time: 1, node: 'h1', count: 1 });
    ping.emitOwnPlain({ type: 'test-ping', time: 2, node: 'h1', count: 2 });
    expect(seen).toEqual(['narrow:1', 'broad:1', 'broad2:1', 'broad:2', 'broad2:2']);
    offBroad();
    offNarrow();
    seen.length = 0;
    ping.emitOwn({ type: 'test-ping', time: 3, node: 'h1', count: 3 });
    ping.emitOwnPlain({ type: 'test-ping', time: 4, node: 'h1', count: 4 });
    expect(seen).toEqual(['broad2:3', 'broad2:4']);
  });
});
