import { describe, expect, it } from 'vitest';
import { ATTRIBUTION_KEY, SessionAttribution, touchOf } from './attribution.js';
import { createTidemark } from './client.js';
import { localLock } from './drain-lock.js';
import { memoryKeyValue, type KeyValueStorage } from './key-value.js';
import type { PageContext } from './types.js';
import { memoryStore } from './stores/memory-store.js';
import { manualClock, scriptedTransport } from '@tidemark/test-kit';

const LANDING = 'https://shop.example/sale?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&gclid=G1&fbclid=F1&ttclid=T1&msclkid=M1&li_fat_id=L1&other=x';
const page = (url: string, referrer = ''): PageContext => ({ url, path: new URL(url).pathname, search: new URL(url).search, title: 't', referrer });

/** A storage whose `subscribe` listeners the test can call, as another tab's writes would. */
function sharedStorage(): KeyValueStorage & { notify: (key: string, value: string | null) => void } {
  const base = memoryKeyValue();
  const listeners: Array<(key: string, value: string | null) => void> = [];
  return {
    ...base,
    subscribe: (l) => (listeners.push(l), () => {}),
    notify: (key, value) => listeners.forEach((l) => l(key, value)),
  };
}

describe('touchOf', () => {
  it('maps UTM parameters to campaign fields and keeps the five click IDs', () => {
    expect(touchOf(page(LANDING, 'https://news.example/issue/7'))).toEqual({
      campaign: { source: 'news', medium: 'email', name: 'spring', term: 'shoes', content: 'hero' },
      clickIds: { gclid: 'G1', fbclid: 'F1', ttclid: 'T1', msclkid: 'M1', li_fat_id: 'L1' },
      referrer: 'https://news.example/issue/7',
      landingPage: LANDING,
    });
  });

  it('leaves out empty fields and same-site referrers, and survives a URL that does not parse', () => {
    expect(touchOf(page('https://shop.example/a?utm_source=', 'https://shop.example/b'))).toEqual({ landingPage: 'https://shop.example/a?utm_source=' });
    expect(touchOf({ url: 'not a url', referrer: '' })).toEqual({});
  });

  it('caps values so a crafted URL cannot bloat every event', () => {
    const touch = touchOf(page(`https://shop.example/?utm_source=${'x'.repeat(5000)}`));
    expect(touch.campaign!.source).toHaveLength(256);
    expect(touch.landingPage).toHaveLength(1024);
  });
});

describe('SessionAttribution', () => {
  it('adds the touch captured at session start to every event of that session, over the base', () => {
    const a = new SessionAttribution(memoryKeyValue(), { locale: 'en' });
    a.start(1000, 'anon-1', page(LANDING));
    const ctx = a.context(1000, 'anon-1');
    expect(ctx).toMatchObject({ locale: 'en', campaign: { source: 'news' }, clickIds: { gclid: 'G1' }, landingPage: LANDING });
    expect(ctx.firstTouch).toEqual({ timestamp: new Date(1000).toISOString(), campaign: expect.objectContaining({ name: 'spring' }), clickIds: expect.any(Object), landingPage: LANDING });
    // Cached: the same object until the session or the visitor changes.
    expect(a.context(1000, 'anon-1')).toBe(ctx);
  });

  it('carries the session touch to a reload or a second tab on the same storage', () => {
    const storage = memoryKeyValue();
    new SessionAttribution(storage, {}).start(1000, 'anon-1', page(LANDING));
    const reloaded = new SessionAttribution(storage, {});
    expect(reloaded.context(1000, 'anon-1')).toMatchObject({ campaign: { source: 'news' }, clickIds: { msclkid: 'M1' } });
    // A later session gets its own touch, but keeps the first.
    reloaded.start(5000, 'anon-1', page('https://shop.example/', 'https://search.example/'));
    const later = reloaded.context(5000, 'anon-1');
    expect(later.campaign).toBeUndefined();
    expect(later.referrer).toBe('https://search.example/');
    expect(later.firstTouch).toMatchObject({ campaign: { source: 'news' }, timestamp: new Date(1000).toISOString() });
  });

  it('follows a session another tab started, through the storage event', () => {
    const storage = sharedStorage();
    const tab = new SessionAttribution(storage, {});
    tab.start(1000, 'anon-1', page('https://shop.example/'));
    expect(tab.context(1000, 'anon-1').campaign).toBeUndefined();
    const other = JSON.stringify({ sessionId: 1000, touch: { campaign: { source: 'ads' } }, anonymousId: 'anon-1', firstTouch: { timestamp: 'x' } });
    storage.set(ATTRIBUTION_KEY, other);
    storage.notify(ATTRIBUTION_KEY, other);
    expect(tab.context(1000, 'anon-1').campaign).toEqual({ source: 'ads' });
  });

  it('drops the first touch when the visitor changes, and starts a new one at their first session', () => {
    const storage = memoryKeyValue();
    const a = new SessionAttribution(storage, {});
    a.start(1000, 'anon-1', page(LANDING));
    expect(a.context(1000, 'anon-2').firstTouch).toBeUndefined();
    a.start(2000, 'anon-2', page('https://shop.example/?utm_source=retarget'));
    expect(a.context(2000, 'anon-2').firstTouch).toMatchObject({ campaign: { source: 'retarget' }, timestamp: new Date(2000).toISOString() });
  });

  it('captures nothing without a page, and ignores corrupt storage', () => {
    const storage = memoryKeyValue();
    for (const corrupt of ['{not json', '"a string"', JSON.stringify({ sessionId: 1000, anonymousId: 'anon-1' })]) {
      storage.set(ATTRIBUTION_KEY, corrupt);
      const a = new SessionAttribution(storage, { locale: 'en' });
      a.start(1000, 'anon-1', undefined);
      expect(a.context(1000, 'anon-1')).toStrictEqual({ locale: 'en' });
    }
    // A corrupt record does not stop the next session from capturing.
    const a = new SessionAttribution(storage, {});
    a.start(2000, 'anon-1', page(LANDING));
    expect(a.context(2000, 'anon-1')).toMatchObject({ campaign: { source: 'news' }, firstTouch: { landingPage: LANDING } });
  });
});

describe('attribution in the client', () => {
  it('puts the landing touch on session_start and later events, across a restart in the same session', async () => {
    const storage = memoryKeyValue();
    const clock = manualClock();
    let current = page(LANDING, 'https://news.example/');
    const make = () => {
      const transport = scriptedTransport();
      const client = createTidemark({ writeKey: 'wk', transport, storage, clock, store: memoryStore(), lock: localLock(), context: () => ({ page: current }) });
      return { client, transport };
    };
    const first = make();
    first.client.track('Viewed');
    await first.client.flush();
    await first.client.close();
    current = page('https://shop.example/checkout');
    await clock.advance(60_000);
    const second = make();
    second.client.track('Bought');
    await second.client.flush();
    const events = [...first.transport.delivered, ...second.transport.delivered];
    expect(events.map((e) => e.event)).toEqual(['session_start', 'Viewed', 'Bought']);
    for (const e of events) {
      expect(e.context).toMatchObject({ campaign: { source: 'news', name: 'spring' }, clickIds: { gclid: 'G1' }, referrer: 'https://news.example/', landingPage: LANDING });
      expect(e.context.firstTouch).toMatchObject({ campaign: { source: 'news' } });
    }
    expect(events[2]!.context.page).toMatchObject({ path: '/checkout' });
    await second.client.close();
  });

  it('starts a new first touch after reset()', async () => {
    const clock = manualClock();
    let current = page(LANDING);
    const transport = scriptedTransport();
    const client = createTidemark({ writeKey: 'wk', transport, storage: memoryKeyValue(), clock, store: memoryStore(), lock: localLock(), context: () => ({ page: current }) });
    client.reset();
    current = page('https://shop.example/?utm_source=again');
    client.track('After Reset');
    await client.flush();
    const after = transport.delivered.find((e) => e.event === 'After Reset')!;
    expect(after.context.campaign).toEqual({ source: 'again' });
    expect(after.context.firstTouch).toMatchObject({ campaign: { source: 'again' } });
    await client.close();
  });
});
