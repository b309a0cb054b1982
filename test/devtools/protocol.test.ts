import { describe, expect, it } from 'vitest';
import {
  MAX_PAGE_SIZE,
  approximateSize,
  isPageEnvelope,
  makePreview,
  pageMessage,
  panelCommand,
  parsePageMessage,
  parsePanelCommand,
  parsePreview,
  type RegionInfo,
} from 'dogpile-cache/devtools';

const region: RegionInfo = {
  id: 'r1',
  name: 'users',
  configured: true,
  backend: ['MemoryBackend'],
  expirationTime: 1000,
  entryCount: 3,
  invalidation: { state: 'soft', at: 123 },
  stats: { hits: 1, misses: 2, creations: 3, waits: 4, staleServed: 5, sets: 6, deletes: 7, invalidations: 8, lockTimeouts: 9, errors: 10 },
};

describe('protocol validation', () => {
  it('round-trips well-formed messages and drops unknown fields', () => {
    const snapshot = pageMessage({ type: 'snapshot', inspectorId: 'i', requestId: null, regions: [region] });
    expect(parsePageMessage(structuredClone(snapshot))).toEqual(snapshot);
    const extra = { ...snapshot, origin: 'https://bank.example', tabId: 3, regions: [{ ...region, evil: '<img onerror>' }] };
    expect(parsePageMessage(extra)).toEqual(snapshot);
    const command = panelCommand({ type: 'getEntries', requestId: 'q', regionId: 'r1', offset: 0, limit: 10_000, filter: '' });
    expect(parsePanelCommand(command)).toEqual({ ...command, limit: MAX_PAGE_SIZE });
  });

  it('keeps the writer of another tab\'s set/delete events, bounded and well-typed', () => {
    const base = { seq: 1, regionId: 'r1', type: 'set', time: 5, key: 'k', remote: true };
    const events = pageMessage({ type: 'events', events: [{ ...base, origin: 'tab-b' }], regions: [], dropped: 0 });
    expect(parsePageMessage(structuredClone(events))).toEqual(events);
    const odd = { ...events, events: [{ ...base, origin: 7 }, { ...base, origin: 'x'.repeat(101) }] };
    expect(parsePageMessage(odd)).toMatchObject({ events: [base, base] });
    expect((parsePageMessage(odd) as { events: object[] }).events.some((e) => 'origin' in e)).toBe(false);
  });

  it('rejects wrong tags, versions, directions, types and field types', () => {
    const good = pageMessage({ type: 'hello', inspectorId: 'i', regionCount: 1 });
    expect(parsePageMessage(good)).toEqual(good);
    for (const bad of [
      { ...good, source: 'other' },
      { ...good, version: 2 },
      { ...good, direction: 'to-page' },
      { ...good, type: 'hullo' },
      { ...good, regionCount: -1 },
      { ...good, regionCount: 1.5 },
      { ...good, inspectorId: 'x'.repeat(65) },
      pageMessage({ type: 'snapshot', inspectorId: 'i', requestId: null, regions: [{ ...region, stats: { ...region.stats, hits: NaN } }] }),
      pageMessage({ type: 'snapshot', inspectorId: 'i', requestId: null, regions: [{ ...region, invalidation: { state: 'maybe' as 'none', at: null } }] }),
      pageMessage({ type: 'snapshot', inspectorId: 'i', requestId: null, regions: Array.from({ length: 501 }, () => region) }),
      [good],
      null,
      'hello',
    ]) {
      expect(parsePageMessage(bad)).toBeUndefined();
    }
    expect(parsePanelCommand(good)).toBeUndefined();
    expect(parsePanelCommand({ ...panelCommand({ type: 'invalidate', requestId: 'q', regionId: 'r', hard: true }), hard: 1 })).toBeUndefined();
  });

  it('reads only own data properties: getters are never called, prototypes never read', () => {
    let called = 0;
    const message = pageMessage({ type: 'hello', inspectorId: 'i', regionCount: 1 });
    const tricky = Object.create({ inspectorId: 'inherited' }) as Record<string, unknown>;
    Object.assign(tricky, { ...message });
    delete tricky.inspectorId;
    expect(parsePageMessage(tricky)).toBeUndefined();
    const getter = { ...message };
    Object.defineProperty(getter, 'regionCount', { get: () => ++called, enumerable: true });
    expect(parsePageMessage(getter)).toBeUndefined();
    expect(called).toBe(0);
    const polluted = JSON.parse('{"source":"dogpile-cache-devtools","version":1,"direction":"from-page","type":"hello","__proto__":{"x":1},"inspectorId":"p","regionCount":1}');
    const parsed = parsePageMessage(polluted) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed.x).toBeUndefined();
    expect(isPageEnvelope(polluted)).toBe(true);
  });

  it('survives random garbage', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const junk = (depth: number): unknown => {
      const pick = Math.floor(random() * 8);
      if (depth > 3 || pick < 3) return [null, 1, -1, 'x', true, NaN, '', 1e308][Math.floor(random() * 8)];
      if (pick < 5) return Array.from({ length: Math.floor(random() * 4) }, () => junk(depth + 1));
      const obj: Record<string, unknown> = { source: 'dogpile-cache-devtools', version: 1, direction: random() < 0.5 ? 'from-page' : 'to-page' };
      for (const key of ['type', 'regions', 'events', 'entries', 'preview', 'requestId', 'regionId', 'key', 'hard']) if (random() < 0.6) obj[key] = junk(depth + 1);
      if (random() < 0.5) obj.type = ['hello', 'snapshot', 'entries', 'value', 'events', 'result', 'getEntries', 'invalidate'][Math.floor(random() * 8)];
      return obj;
    };
    for (let i = 0; i < 5000; i++) {
      const value = junk(0);
      expect(() => parsePageMessage(value)).not.toThrow();
      expect(() => parsePanelCommand(value)).not.toThrow();
    }
  });
});

describe('value previews', () => {
  it('keeps plain data and marks what it cut', () => {
    const preview = makePreview({ a: 'x'.repeat(50), n: [1, 2, 3, 4], d: new Date(0), m: new Map([['k', 1]]), s: new Set([1]), b: new Uint8Array([1, 255]) }, { maxString: 10, maxItems: 2 });
    expect(preview).toEqual({
      t: 'object',
      className: 'Object',
      size: 6,
      entries: [
        ['a', { t: 'string', v: 'xxxxxxxxxx', length: 50 }],
        ['n', { t: 'array', length: 4, items: [{ t: 'number', v: '1' }, { t: 'number', v: '2' }] }],
      ],
    });
    expect(makePreview(new Map([['k', 1]]))).toEqual({ t: 'map', size: 1, entries: [[{ t: 'string', v: 'k', length: 1 }, { t: 'number', v: '1' }]] });
    expect(makePreview(new Uint8Array([1, 255]))).toEqual({ t: 'bytes', length: 2, head: '01 ff' });
    expect(makePreview(-0)).toEqual({ t: 'number', v: '-0' });
    expect(makePreview(10n)).toEqual({ t: 'bigint', v: '10' });
  });

  it('handles depth, cycles, getters, class instances, errors, functions and hostile proxies', () => {
    class User {
      constructor(public name: string) {}
    }
    let getterCalls = 0;
    const value: Record<string, unknown> = { deep: { a: { b: { c: { d: 1 } } } }, user: new User('ada'), error: new TypeError('bad'), fn: function named() {} };
    value.self = value;
    Object.defineProperty(value, 'lazy', { get: () => ++getterCalls, enumerable: true });
    value.trap = new Proxy({}, { ownKeys: () => { throw new Error('no keys for you'); } });
    const preview = makePreview(value, { maxDepth: 3 });
    if (preview.t !== 'object') throw new Error('expected an object');
    const fields = Object.fromEntries(preview.entries);
    expect(fields.deep).toEqual({ t: 'object', className: 'Object', size: 1, entries: [['a', { t: 'object', className: 'Object', size: 1, entries: [['b', { t: 'truncated', className: 'Object', size: 1 }]] }]] });
    expect(fields.user).toMatchObject({ t: 'object', className: 'User' });
    expect(fields.error).toEqual({ t: 'error', name: 'TypeError', message: 'bad' });
    expect(fields.fn).toEqual({ t: 'function', name: 'named' });
    expect(fields.self).toEqual({ t: 'circular' });
    expect(fields.lazy).toEqual({ t: 'getter' });
    expect(fields.trap).toMatchObject({ t: 'unreadable' });
    expect(getterCalls).toBe(0);
    // What the page builds, the panel accepts.
    expect(parsePreview(structuredClone(preview))).toEqual(preview);
  });

  it('bounds the whole preview by a node budget', () => {
    const wide = Array.from({ length: 100 }, () => Array.from({ length: 100 }, (_, i) => i));
    const preview = makePreview(wide, { maxNodes: 500, maxItems: 100 });
    let nodes = 0;
    const count = (p: unknown): void => {
      nodes++;
      const items = (p as { items?: unknown[] }).items;
      items?.forEach(count);
    };
    count(preview);
    expect(nodes).toBeLessThanOrEqual(510);
  });

  it('rejects previews with unknown node kinds', () => {
    expect(parsePreview({ t: 'script', v: 'alert(1)' })).toBeUndefined();
    expect(parsePreview({ t: 'object', className: 'X', size: 1, entries: [['a', { t: 'html', v: '<b>' }]] })).toBeUndefined();
    expect(parsePreview({ t: 'string', v: 'ok', length: 2 })).toEqual({ t: 'string', v: 'ok', length: 2 });
  });

  it('sizes values approximately, with a budget', () => {
    expect(approximateSize('abc')).toEqual({ size: 3, capped: false });
    expect(approximateSize(new Uint8Array(10))).toEqual({ size: 10, capped: false });
    const json = { a: 'hello', b: [1, 2, 3], c: { d: true } };
    const { size } = approximateSize(json);
    expect(Math.abs(size - JSON.stringify(json).length)).toBeLessThan(15);
    expect(approximateSize({ big: 'x'.repeat(1000) }, 100)).toMatchObject({ capped: true });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(approximateSize(cyclic).capped).toBe(false);
  });
});
