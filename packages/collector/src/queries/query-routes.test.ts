import { afterEach, describe, expect, it } from 'vitest';
import { startTestCollector, trackEvent, type TestCollector, forEachStore } from '../test-support/collector-fixture.js';

let tc: TestCollector;
afterEach(async () => tc?.close());

/** Store events at given times (sentAt = now, so no skew correction moves them). */
async function storeAt(events: Array<Record<string, unknown>>) {
  const res = await tc.post('/v1/batch', { batch: events, sentAt: new Date().toISOString() });
  expect(res.body).toEqual({ success: true, rejected: [] });
}
const at = (iso: string, over: Record<string, unknown> = {}) => trackEvent({ timestamp: iso, ...over });

forEachStore(() => {
  describe('GET /v1/metrics', () => {
    it('counts events per name by day, week (Monday) and month, and filters by user', async () => {
      tc = await startTestCollector();
      await storeAt([
        at('2025-01-01T10:00:00Z', { event: 'play', userId: 'u1' }),
        at('2025-01-01T23:59:59Z', { event: 'play' }),
        at('2025-01-01T12:00:00Z', { event: 'stop', userId: 'u1' }),
        at('2025-01-05T08:00:00Z', { event: 'play' }), // a Sunday: same week as Jan 1 (Wednesday)
        at('2025-01-06T08:00:00Z', { event: 'pause' }), // Monday: next week
        at('2025-02-03T08:00:00Z', { event: 'play' }),
        at('2024-12-31T23:59:59Z', { event: 'play' }), // before the range
      ]);
      const day = await tc.get('/v1/metrics?start_date=2025-01-01&end_date=2025-02-28');
      expect(day.body).toEqual({
        status: 'success',
        data: [
          { date: '2025-01-01', play: 2, stop: 1 },
          { date: '2025-01-05', play: 1 },
          { date: '2025-01-06', pause: 1 },
          { date: '2025-02-03', play: 1 },
        ],
      });
      const week = await tc.get('/v1/metrics?start_date=2025-01-01&end_date=2025-01-31&group_by=week');
      expect(week.body.data).toEqual([
        { date: '2024-12-30', play: 3, stop: 1 },
        { date: '2025-01-06', pause: 1 },
      ]);
      const month = await tc.get('/v1/metrics?start_date=2024-12-01&end_date=2025-02-28&group_by=month');
      expect(month.body.data).toEqual([
        { date: '2024-12-01', play: 1 },
        { date: '2025-01-01', play: 3, stop: 1, pause: 1 },
        { date: '2025-02-01', play: 1 },
      ]);
      // u1's events carry anon-1 too, so the identity graph makes anon-1's anonymous play u1's.
      const user = await tc.get('/v1/metrics?start_date=2025-01-01&end_date=2025-01-01&user_id=u1');
      expect(user.body.data).toEqual([{ date: '2025-01-01', play: 2, stop: 1 }]);
    });

    it('keeps a hostile event name as a plain key', async () => {
      tc = await startTestCollector();
      await storeAt([at('2025-01-01T10:00:00Z', { event: '__proto__' }), at('2025-01-01T10:00:00Z', { event: '<img src=x onerror=alert(1)>' })]);
      const res = await tc.get('/v1/metrics?start_date=2025-01-01&end_date=2025-01-01');
      expect(res.body.data).toEqual([JSON.parse('{"date":"2025-01-01","<img src=x onerror=alert(1)>":1,"__proto__":1}')]);
    });

    it('keeps the bucket date when an event is named date (its count goes under $date)', async () => {
      tc = await startTestCollector();
      await storeAt([
        at('2025-01-01T10:00:00Z', { event: 'date' }),
        at('2025-01-01T11:00:00Z', { event: 'date' }),
        at('2025-01-01T12:00:00Z', { event: '$date' }),
        at('2025-01-01T13:00:00Z', { event: 'dates' }),
      ]);
      const res = await tc.get('/v1/metrics?start_date=2025-01-01&end_date=2025-01-01');
      expect(res.body.data).toEqual([{ date: '2025-01-01', $date: 2, $$date: 1, dates: 1 }]);
    });

    it.each([
      ['', 'start_date and end_date are required'],
      ['?start_date=2025-01-01', 'start_date and end_date are required'],
      ['?start_date=2025-1-1&end_date=2025-01-31', 'Invalid date format. Use YYYY-MM-DD'],
      ['?start_date=2025-02-30&end_date=2025-03-01', 'Invalid date format. Use YYYY-MM-DD'],
      ['?start_date=01/01/2025&end_date=2025-01-31', 'Invalid date format. Use YYYY-MM-DD'],
      ['?start_date=2025-02-01&end_date=2025-01-01', 'end_date must not be before start_date'],
      ['?start_date=2025-01-01&end_date=2025-01-31&group_by=year', 'group_by must be day, week or month'],
    ])('answers 400 to %s', async (query, message) => {
      tc = await startTestCollector();
      for (const path of ['/v1/metrics', '/v1/sessions']) {
        const res = await tc.get(path + query);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ status: 'error', message });
      }
    });

    it('answers 401 without the read key', async () => {
      tc = await startTestCollector();
      expect((await tc.get('/v1/metrics?start_date=2025-01-01&end_date=2025-01-31', { authorization: '' })).status).toBe(401);
      expect((await tc.get('/v1/sessions?start_date=2025-01-01&end_date=2025-01-31', { authorization: 'Bearer wk_test' })).status).toBe(401);
    });
  });

  describe('GET /v1/sessions', () => {
    it('counts a session that a Nucleus init restarted under the same ID as two, heartbeats extending the second', async () => {
      tc = await startTestCollector();
      const t0 = Date.parse('2025-03-03T10:00:00Z');
      const nucleus = (type: string, id: number, date: number) => ({ type, id, date, name: 'x', anonId: 'nuc-1', sessionId: 77 });
      const send = async (data: unknown[]) => expect((await tc.post('/app/app_test/track', { data })).status).toBe(200);
      await send([nucleus('init', 1, t0), nucleus('event', 2, t0 + 60_000)]);
      await send([nucleus('init', 3, t0 + 3_600_000), nucleus('event', 4, t0 + 3_630_000)]);
      await send([nucleus('heartbeat', 5, t0 + 3_690_000)]);
      const res = await tc.get('/v1/sessions?start_date=2025-03-03&end_date=2025-03-03');
      expect(res.body.data).toEqual([{ date: '2025-03-03', sessionCount: 2, totalDuration: 60 + 90, averageDuration: 75 }]);
      const exported = (await tc.get('/v1/export/sessions')).body.items.map((s: any) => [s.start, s.duration, s.eventCount]);
      expect(exported).toEqual([
        ['2025-03-03T10:00:00.000Z', 60, 2],
        ['2025-03-03T11:00:00.000Z', 90, 2],
      ]);
    });

    it('builds sessions from session IDs (first to last event) and from play/stop pairs of /v1/track', async () => {
      tc = await startTestCollector();
      const s1 = { library: { name: 't', version: '1' }, sessionId: 1 };
      const s2 = { library: { name: 't', version: '1' }, sessionId: 2 };
      await storeAt([
        at('2025-01-01T10:00:00Z', { context: s1 }),
        at('2025-01-01T10:10:00Z', { context: s1 }),
        at('2025-01-01T11:00:00Z', { context: s2, anonymousId: 'other' }),
        at('2025-01-01T11:20:00Z', { context: s2, anonymousId: 'other' }),
      ]);
      const track = (event: string, timestamp: string, user = 'user123') => tc.post('/v1/track', { event, user_id: user, timestamp });
      expect((await track('stop', '2025-01-01T09:00:00Z')).status).toBe(200); // no play: no session
      await track('play', '2025-01-01T12:00:00Z');
      await track('play', '2025-01-01T12:10:00Z');
      await track('stop', '2025-01-01T12:15:00Z'); // pairs with the most recent play: 5 min
      await track('stop', '2025-01-01T12:30:00Z'); // pairs with the first play: 30 min
      await track('play', '2025-01-02T08:00:00Z'); // never stopped: no session
      await track('play', '2025-01-02T09:00:00Z', 'user456');
      await track('stop', '2025-01-02T09:01:00Z', 'user456');
      const res = await tc.get('/v1/sessions?start_date=2025-01-01&end_date=2025-01-02');
      expect(res.body).toEqual({
        status: 'success',
        data: [
          { date: '2025-01-01', totalDuration: 600 + 1200 + 300 + 1800, sessionCount: 4, averageDuration: 975 },
          { date: '2025-01-02', totalDuration: 60, sessionCount: 1, averageDuration: 60 },
        ],
      });
      const user = await tc.get('/v1/sessions?start_date=2025-01-01&end_date=2025-01-31&group_by=month&user_id=user456');
      expect(user.body.data).toEqual([{ date: '2025-01-01', totalDuration: 60, sessionCount: 1, averageDuration: 60 }]);
    });
  });

  describe('POST /v1/track', () => {
    it('logs one event and answers like the /track API', async () => {
      tc = await startTestCollector();
      const res = await tc.post('/v1/track', { event: 'play', user_id: 'user123', timestamp: '2025-01-18T14:30:00Z', metadata: { song_id: 'song456' } });
      expect(res).toMatchObject({ status: 200, body: { status: 'success', message: 'Event logged.' } });
      const [item] = (await tc.get('/v1/export/events')).body.items;
      expect(item).toMatchObject({ name: 'play', userId: 'user123', timestamp: '2025-01-18T14:30:00.000Z', flags: [] });
      expect(item.event.metadata).toEqual({ song_id: 'song456' });
    });

    it('truncates metadata over 4 KB and clamps a future timestamp, with warnings and flags', async () => {
      tc = await startTestCollector();
      const metadata = { a: 'x'.repeat(3000), b: 'y'.repeat(3000), c: 1 };
      const before = Date.now();
      const res = await tc.post('/v1/track', { event: 'upload', user_id: 'u', timestamp: '2999-01-01T00:00:00Z', metadata });
      expect(res.body.warnings).toHaveLength(2);
      const [item] = (await tc.get('/v1/export/events')).body.items;
      expect(item.flags).toEqual(['metadata_truncated', 'future_timestamp']);
      expect(Object.keys(item.event.metadata)).toEqual(['a']);
      expect(Date.parse(item.timestamp)).toBeGreaterThanOrEqual(before - 5);
      expect(Date.parse(item.timestamp)).toBeLessThanOrEqual(Date.now());
    });

    it.each([
      [{ user_id: 'u' }, 'event is required'],
      [{ event: 'play' }, 'user_id is required'],
      [{ event: 'play', user_id: 'u', timestamp: 'yesterday' }, 'timestamp must be an ISO 8601'],
      [{ event: 'play', user_id: 'u', metadata: [1] }, 'metadata must be an object'],
      [[1, 2], 'body must be a JSON object'],
    ])('answers 400 with { status: "error", message } to %j', async (body, message) => {
      tc = await startTestCollector();
      const res = await tc.post('/v1/track', body);
      expect(res.status).toBe(400);
      expect(res.body.status).toBe('error');
      expect(res.body.message).toContain(message);
    });

    it('needs a write key', async () => {
      tc = await startTestCollector();
      expect((await tc.post('/v1/track', { event: 'play', user_id: 'u' }, { authorization: '' })).status).toBe(401);
    });
  });
});
