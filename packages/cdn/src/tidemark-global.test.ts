import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryKeyValue, memoryStore, localLock, type FlushResult } from '@tidemark/core';
import { MAX_QUEUED_CALLS, type QueuedCall } from './call-queue.js';
import { createTidemarkGlobal, type TidemarkGlobal } from './tidemark-global.js';
import { replayClock } from './replay-clock.js';
import { manualClock, scriptedTransport } from '@tidemark/test-kit';

/** Options that keep a client in memory and on a scripted transport. */
function options() {
  const transport = scriptedTransport();
  return { transport, opts: { writeKey: 'wk_test', transport, storage: memoryKeyValue(), store: memoryStore(), lock: localLock(), flushInterval: 3_600_000 } };
}

const names = (events: Array<{ event?: string; type: string }>) => events.map((e) => e.event ?? e.type);
let api: TidemarkGlobal | undefined;

afterEach(async () => {
  await api?.client?.close(100);
  api = undefined;
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('createTidemarkGlobal', () => {
  it('replays a stub queue in order with the original timestamps, holding calls made before its init', async () => {
    const { transport, opts } = options();
    // A minute ago, whole second: as a stub would have queued while the bundle was loading.
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const stub: { q: QueuedCall[] } = {
      q: [
        ['track', ['before-init', { i: 0 }], t0],
        ['init', [opts], t0 + 5],
        ['identify', ['user-1', { plan: 'pro' }], t0 + 10],
        ['track', ['after-init', { i: 1 }], t0 + 20],
        ['page', ['Home'], t0 + 30],
        ['unknownMethod', [], t0 + 40],
      ],
    };
    let flushed: Promise<unknown> | undefined;
    stub.q.push(['flush', [], t0 + 50, (p) => (flushed = p as Promise<unknown>)]);
    api = createTidemarkGlobal(stub);
    expect(api).toBe(stub);
    expect('q' in stub).toBe(false);
    expect(await flushed).toMatchObject({ delivered: 5 });
    const events = transport.delivered;
    expect(names(events)).toEqual(['session_start', 'before-init', 'identify', 'after-init', 'page']);
    expect(events.map((e) => Date.parse(e.timestamp))).toEqual([t0, t0, t0 + 10, t0 + 20, t0 + 30]);
    expect(events[0]!.context.sessionId).toBe(t0);
    expect(events[3]!.userId).toBe('user-1');
    expect(events[1]!.context.library).toEqual({ name: 'tidemark.js', version: api.version });
  });

  it('buffers calls until init(), with flush(), ready() and on() resolving once the client exists', async () => {
    const { transport, opts } = options();
    api = createTidemarkGlobal({});
    expect(api.getAnonymousId()).toBeUndefined();
    expect(api.attributionHeaders()).toEqual({});
    api.track('queued');
    const flushed = api.flush();
    const ready = vi.fn();
    api.ready(ready);
    const delivered: string[][] = [];
    api.on('delivered', ({ messageIds }) => delivered.push(messageIds));
    const cancelled = vi.fn();
    api.on('delivered', cancelled)();
    expect(ready).not.toHaveBeenCalled();

    const client = api.init(opts);
    expect(api.client).toBe(client);
    expect(ready).toHaveBeenCalledWith(api);
    const result: FlushResult = await flushed;
    expect(result.delivered).toBe(2);
    expect(names(transport.delivered)).toEqual(['session_start', 'queued']);
    expect(delivered.flat()).toHaveLength(2);
    expect(cancelled).not.toHaveBeenCalled();
    expect(api.getAnonymousId()).toBe(client.getAnonymousId());
    expect(api.attributionHeaders()).toEqual(client.attributionHeaders());
    // After init, ready() runs at once, and a callback that throws does not escape.
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    api.ready(() => {
      throw new Error('app bug');
    });
    expect(err).toHaveBeenCalledTimes(1);
  });

  it('keeps functions taken before init() working, and ignores a second init() with a warning', async () => {
    const { transport, opts } = options();
    api = createTidemarkGlobal({});
    const track = api.track;
    const first = api.init(opts);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(api.init({ ...opts, writeKey: 'other' })).toBe(first);
    api.init(opts);
    expect(warn).toHaveBeenCalledTimes(1);
    track('through-old-reference');
    await api.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'through-old-reference']);
  });

  it('merges the tag defaults under init() options, and throws the fix when no host or transport is given', () => {
    const { transport, opts } = options();
    api = createTidemarkGlobal({}, { writeKey: 'wk_tag', debug: true });
    expect(() => api!.init({} as never)).toThrowError(/host is required \(pass \{ host: 'https:\/\/collector.example' \}/);
    const { writeKey: _drop, ...rest } = opts;
    const client = api.init({ ...rest, transport } as never);
    expect(client.attributionHeaders()['x-tidemark-anonymous-id']).toBe(client.getAnonymousId());
  });

  it('sends to the tag\'s host and path (a first-party relay) when no transport is given', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return new Response('{}', { status: 200 });
    });
    const { transport: _scripted, ...opts } = options().opts;
    api = createTidemarkGlobal({}, { host: 'https://www.shop.example', path: '/t/batch', receiptsPath: '/t/receipts' });
    api.init(opts);
    api.track('Relayed');
    expect(await api.flush()).toMatchObject({ delivered: 2 });
    expect(urls).toEqual(['https://www.shop.example/t/batch']);
  });

  it('reports an init() in the stub queue that fails, and keeps the calls for a later init()', async () => {
    const { transport, opts } = options();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const at = Date.now() - 1_000;
    api = createTidemarkGlobal({ q: [['track', ['kept'], at], ['init', [{ writeKey: 'wk_test' }], at + 1]] satisfies QueuedCall[] });
    expect(warn.mock.calls[0]![0]).toMatch(/init\(\) failed: host is required/);
    expect(api.client).toBeUndefined();
    api.init(opts);
    await api.flush();
    expect(names(transport.delivered)).toEqual(['session_start', 'kept']);
  });
});

describe('the buffer before init()', () => {
  it('keeps at most MAX_QUEUED_CALLS calls and says so once', async () => {
    const { transport, opts } = options();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    api = createTidemarkGlobal({});
    for (let i = 0; i < MAX_QUEUED_CALLS + 50; i++) api.track(`call-${i}`);
    expect(warn).toHaveBeenCalledTimes(1);
    api.init({ ...opts, flushAt: 1_000 });
    await api.flush();
    const tracked = transport.delivered.filter((e) => e.event?.startsWith('call-'));
    expect(tracked).toHaveLength(MAX_QUEUED_CALLS);
    expect(tracked.at(-1)!.event).toBe(`call-${MAX_QUEUED_CALLS - 1}`);
  });
});

describe('replayClock', () => {
  it('answers the pinned time while set, and the inner clock otherwise', async () => {
    const inner = manualClock(5_000);
    const clock = replayClock(inner);
    expect(clock.now()).toBe(5_000);
    clock.at = 42;
    expect(clock.now()).toBe(42);
    clock.at = undefined;
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    await inner.advance(10);
    expect(fired).toBe(true);
    expect(clock.now()).toBe(5_010);
  });
});
