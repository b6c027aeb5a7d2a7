import { afterEach, describe, expect, it } from 'vitest';
import { encodeCursor } from './cursor.js';
import { startTestCollector, trackEvent, type TestCollector, forEachStore } from '../test-support/collector-fixture.js';

let tc: TestCollector;
afterEach(async () => tc?.close());

/** Store events; without sentAt, so their times are kept exactly (no skew correction). */
async function store(events: Array<Record<string, unknown>>) {
  const res = await tc.post('/v1/batch', { batch: events });
  expect(res.body.rejected).toEqual([]);
}

/** Follow cursors until a page comes back empty; returns every item and the last cursor. */
async function walk(path: string, pageSize: number, cursor = '') {
  const items: any[] = [];
  for (let page = 0; page < 1000; page++) {
    const res = await tc.get(`${path}${path.includes('?') ? '&' : '?'}pageSize=${pageSize}&cursor=${cursor}`);
    expect(res.status).toBe(200);
    cursor = res.body.nextCursor;
    if (res.body.items.length === 0) break;
    items.push(...res.body.items);
  }
  return { items, cursor };
}

forEachStore((engine) => {
  describe('GET /v1/export/events', () => {
    it('pages through every event once, in the order stored', async () => {
      tc = await startTestCollector();
      const events = Array.from({ length: 25 }, (_, i) => trackEvent({ event: `e${i % 3}` }));
      await store(events);
      const { items } = await walk('/v1/export/events', 7);
      expect(items.map((i) => i.messageId)).toEqual(events.map((e) => e.messageId));
      expect(items[0]).toMatchObject({ type: 'track', name: 'e0', anonymousId: 'anon-1', source: 'wk_test', flags: ['no_sent_at'] });
      expect(items[0].event).toEqual(events[0]);
    });

    it('never skips or repeats a row while new events arrive between pages', async () => {
      tc = await startTestCollector();
      const sent: string[] = [];
      const send = async (n: number) => {
        const batch = Array.from({ length: n }, () => trackEvent());
        sent.push(...batch.map((e) => e.messageId as string));
        await store(batch);
      };
      await send(30);
      const seen: string[] = [];
      let cursor = '';
      for (let page = 0; page < 100 && seen.length < 90; page++) {
        const res = await tc.get(`/v1/export/events?pageSize=8&cursor=${cursor}`);
        seen.push(...res.body.items.map((i: any) => i.messageId));
        cursor = res.body.nextCursor;
        if (page < 6) await Promise.all([send(5), send(5)]); // arrivals while exporting, concurrent
      }
      expect(seen).toHaveLength(sent.length);
      expect(new Set(seen).size).toBe(seen.length);
      expect(new Set(seen)).toEqual(new Set(sent));
    });

    it('keeps the cursor of an empty page valid for events stored later', async () => {
      tc = await startTestCollector();
      await store([trackEvent()]);
      const { cursor } = await walk('/v1/export/events', 10);
      const later = trackEvent();
      await store([later]);
      const next = await tc.get(`/v1/export/events?cursor=${cursor}`);
      expect(next.body.items.map((i: any) => i.messageId)).toEqual([later.messageId]);
    });

    it('filters by event time window (epoch seconds, end exclusive) and by event names', async () => {
      tc = await startTestCollector();
      const t = (iso: string, event: string) => trackEvent({ timestamp: iso, event });
      await store([t('2025-01-01T00:00:00Z', 'a'), t('2025-01-02T00:00:00Z', 'b'), t('2025-01-03T00:00:00Z', 'a'), t('2025-01-04T00:00:00Z', 'c')]);
      const start = Date.parse('2025-01-02T00:00:00Z') / 1000;
      const end = Date.parse('2025-01-04T00:00:00Z') / 1000;
      const windowed = await walk(`/v1/export/events?start=${start}&end=${end}`, 100);
      expect(windowed.items.map((i) => i.name)).toEqual(['b', 'a']);
      const named = await walk('/v1/export/events?events=a,c', 1);
      expect(named.items.map((i) => i.name)).toEqual(['a', 'a', 'c']);
    });

    it.each([
      ['pageSize=0', 'pageSize must be'],
      ['pageSize=1001', 'pageSize must be'],
      ['pageSize=ten', 'pageSize must be'],
      ['cursor=not-a-cursor', 'invalid cursor'],
      ['cursor=%%%', 'invalid cursor'],
      [`cursor=${encodeCursor('sessions', 3)}`, 'invalid cursor'],
      [`cursor=${Buffer.from('{"k":"events","p":-1}').toString('base64url')}`, 'invalid cursor'],
      ['start=yesterday', 'start must be'],
    ])('answers 400 to %s', async (query, message) => {
      tc = await startTestCollector();
      const res = await tc.get(`/v1/export/events?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
    });

    it("refuses the other store's cursor with a 400", async () => {
      tc = await startTestCollector();
      const foreign = engine === 'clickhouse' ? encodeCursor('events', 5) : encodeCursor('events', [5, 'wk_test', 'm1']);
      const res = await tc.get(`/v1/export/events?cursor=${foreign}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('invalid cursor');
    });

    it('answers 401 without the read key', async () => {
      tc = await startTestCollector();
      expect((await tc.get('/v1/export/events', { authorization: '' })).status).toBe(401);
    });
  });

  describe('GET /v1/export/sessions and /v1/export/users', () => {
    it('exports sessions and users, and a changed one again with its new state', async () => {
      tc = await startTestCollector();
      const ctx = (sessionId: number) => ({ library: { name: 't', version: '1' }, sessionId });
      await store([
        trackEvent({ anonymousId: 'v1', context: ctx(1), timestamp: '2025-01-01T10:00:00Z' }),
        trackEvent({ anonymousId: 'v2', context: ctx(2), timestamp: '2025-01-01T11:00:00Z' }),
        trackEvent({ type: 'identify', event: undefined, anonymousId: 'v1', userId: 'ada', traits: { plan: 'pro' }, context: ctx(1), timestamp: '2025-01-01T10:05:00Z' }),
      ]);
      const sessions = await walk('/v1/export/sessions', 1);
      expect(sessions.items).toEqual([
        { source: 'wk_test', sessionId: '1', anonymousId: 'v1', userId: 'ada', start: '2025-01-01T10:00:00.000Z', end: '2025-01-01T10:05:00.000Z', duration: 300, eventCount: 2 },
        { source: 'wk_test', sessionId: '2', anonymousId: 'v2', userId: null, start: '2025-01-01T11:00:00.000Z', end: '2025-01-01T11:00:00.000Z', duration: 0, eventCount: 1 },
      ]);
      const users = await walk('/v1/export/users', 10);
      expect(users.items).toEqual([
        expect.objectContaining({ anonymousId: 'v1', userId: 'ada', traits: { plan: 'pro' }, eventCount: 2 }),
        expect.objectContaining({ anonymousId: 'v2', userId: null, traits: {}, eventCount: 1 }),
      ]);
      await store([trackEvent({ anonymousId: 'v1', context: ctx(1), timestamp: '2025-01-01T10:30:00Z' })]);
      const changed = await tc.get(`/v1/export/sessions?cursor=${sessions.cursor}`);
      expect(changed.body.items).toEqual([expect.objectContaining({ sessionId: '1', duration: 1800, eventCount: 3 })]);
    });

    it('merges traits the same way whether two identify calls share a request or not: shallow, later winning, null kept', async () => {
      const identify = (traits: Record<string, unknown>) => trackEvent({ type: 'identify', event: undefined, userId: 'u1', traits });
      const first = { address: { city: 'Paris', zip: '75001' }, plan: 'pro', seats: 3 };
      const second = { address: { city: 'Lyon' }, plan: null };
      const traitsAfter = async (requests: Array<Array<Record<string, unknown>>>) => {
        tc = await startTestCollector();
        for (const batch of requests) await store(batch);
        return (await tc.get('/v1/export/users')).body.items[0].traits;
      };
      const expected = { address: { city: 'Lyon' }, plan: null, seats: 3 };
      expect(await traitsAfter([[identify(first), identify(second)]])).toEqual(expected);
      await tc.close();
      expect(await traitsAfter([[identify(first)], [identify(second)]])).toEqual(expected);
    });
  });
});
