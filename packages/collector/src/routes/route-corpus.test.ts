// The hostile-input corpus across every route and frame type other than POST /v1/batch (whose
// own corpus is bad-input.test.ts): each request gets a clear answer with the JSON error body,
// stores nothing it should not, and the collector keeps serving good requests in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { APP_ID, WRITE_KEY, basic, openSocket, startTestCollector, trackEvent, type TestCollector, forEachStore } from '../test-support/collector-fixture.js';

forEachStore(() => {
  let tc: TestCollector;
  beforeAll(async () => {
    tc = await startTestCollector({ rateLimit: false });
  });
  afterAll(async () => tc?.close());

  interface HttpCase {
    name: string;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    path: string;
    body?: string;
    headers?: Record<string, string>;
    status: number;
    /** Events this request may store. */
    stores?: number;
  }

  const nucleus = (over: Record<string, unknown> = {}) => ({ type: 'event', name: 'click', id: Math.floor(Math.random() * 1e9), date: Date.now() - 1000, anonId: 'nuc-anon-1', sessionId: 1, ...over });
  const frame = (...events: unknown[]) => JSON.stringify({ data: events });
  const track = (over: Record<string, unknown>) => JSON.stringify({ event: 'play', user_id: 'user123', ...over });
  const read = { authorization: 'Bearer rk_test' };

  const httpCases: HttpCase[] = [
    // POST /v1/track
    { name: 'track: empty body', path: '/v1/track', body: '', status: 400 },
    { name: 'track: array body', path: '/v1/track', body: '[]', status: 400 },
    { name: 'track: no event', path: '/v1/track', body: track({ event: undefined }), status: 400 },
    { name: 'track: no user_id', path: '/v1/track', body: JSON.stringify({ event: 'play' }), status: 400 },
    { name: 'track: 201-character user_id', path: '/v1/track', body: track({ user_id: 'u'.repeat(201) }), status: 400 },
    { name: 'track: user_id as an object', path: '/v1/track', body: track({ user_id: { id: 1 } }), status: 400 },
    { name: 'track: timestamp year 275761', path: '/v1/track', body: track({ timestamp: '+275761-01-01T00:00:00Z' }), status: 400 },
    { name: 'track: timestamp as a number', path: '/v1/track', body: track({ timestamp: 1e300 }), status: 400 },
    { name: 'track: metadata as a string', path: '/v1/track', body: track({ metadata: 'x' }), status: 400 },
    { name: 'track: __proto__ in metadata', path: '/v1/track', body: '{"event":"play","user_id":"u1","metadata":{"__proto__":{"x":1}}}', status: 400 },
    { name: 'track: 100 KB of metadata (truncated, stored)', path: '/v1/track', body: track({ metadata: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v'.repeat(100)])) }), status: 200, stores: 1 },
    { name: 'track: no key', path: '/v1/track', body: track({}), headers: { authorization: '' }, status: 401 },
    { name: 'track: wrong key', path: '/v1/track', body: track({}), headers: { authorization: basic('wk_wrong') }, status: 401 },
    // POST /app/:appId/track
    { name: 'app: unknown app ID', path: '/app/nope/track', body: frame(nucleus()), status: 401 },
    { name: 'app: bad percent-encoding in the app ID', path: '/app/%E0%A4%A/track', body: frame(nucleus()), status: 400 },
    { name: 'app: data is not an array', path: `/app/${APP_ID}/track`, body: '{"data":{}}', status: 400 },
    { name: 'app: malformed JSON', path: `/app/${APP_ID}/track`, body: '{"data":[', status: 400 },
    { name: 'app: date 1e300 (rejected, neighbour stored)', path: `/app/${APP_ID}/track`, body: frame(nucleus({ date: 1e300 }), nucleus()), status: 200, stores: 1 },
    { name: 'app: date -1', path: `/app/${APP_ID}/track`, body: frame(nucleus({ date: -1 })), status: 200, stores: 0 },
    { name: 'app: date as an object', path: `/app/${APP_ID}/track`, body: frame(nucleus({ date: {} })), status: 200, stores: 0 },
    { name: 'app: id with a control character', path: `/app/${APP_ID}/track`, body: frame(nucleus({ id: 'a\u0001' })), status: 200, stores: 0 },
    { name: 'app: 300-character anonId', path: `/app/${APP_ID}/track`, body: frame(nucleus({ anonId: 'a'.repeat(300) })), status: 200, stores: 0 },
    { name: 'app: payload as an array', path: `/app/${APP_ID}/track`, body: frame(nucleus({ payload: [1] })), status: 200, stores: 0 },
    { name: 'app: type of 51 characters', path: `/app/${APP_ID}/track`, body: frame(nucleus({ type: 't'.repeat(51) })), status: 200, stores: 0 },
    { name: 'app: a heartbeat without a session', path: `/app/${APP_ID}/track`, body: frame(nucleus({ type: 'heartbeat', sessionId: undefined })), status: 200, stores: 0 },
    { name: 'app: body over 500 KB', path: `/app/${APP_ID}/track`, body: frame(nucleus({ payload: { s: 's'.repeat(510 * 1024) } })), status: 413 },
    // query routes
    { name: 'metrics: no read key', method: 'GET', path: '/v1/metrics?start_date=2025-01-01&end_date=2025-01-31', headers: { authorization: '' }, status: 401 },
    { name: 'metrics: write key as read key', method: 'GET', path: '/v1/metrics?start_date=2025-01-01&end_date=2025-01-31', headers: { authorization: `Bearer ${WRITE_KEY}` }, status: 401 },
    { name: 'metrics: February 30th', method: 'GET', path: '/v1/metrics?start_date=2025-02-30&end_date=2025-03-31', headers: read, status: 400 },
    { name: 'metrics: end before start', method: 'GET', path: '/v1/metrics?start_date=2025-03-01&end_date=2025-01-01', headers: read, status: 400 },
    { name: 'metrics: SQL in a date', method: 'GET', path: "/v1/metrics?start_date=2025-01-01';DROP TABLE events;--&end_date=2025-01-31", headers: read, status: 400 },
    { name: 'metrics: unknown group_by', method: 'GET', path: '/v1/metrics?start_date=2025-01-01&end_date=2025-01-31&group_by=hour', headers: read, status: 400 },
    { name: 'metrics: year 99999', method: 'GET', path: '/v1/metrics?start_date=99999-01-01&end_date=99999-01-31', headers: read, status: 400 },
    { name: 'sessions: no dates', method: 'GET', path: '/v1/sessions', headers: read, status: 400 },
    { name: 'sessions: SQL in user_id', method: 'GET', path: "/v1/sessions?start_date=2025-01-01&end_date=2025-01-31&user_id=' OR 1=1 --", headers: read, status: 200 },
    { name: 'export: garbage cursor', method: 'GET', path: '/v1/export/events?cursor=%00%FF', headers: read, status: 400 },
    { name: 'export: cursor of another kind', method: 'GET', path: `/v1/export/users?cursor=${Buffer.from('events:1').toString('base64url')}`, headers: read, status: 400 },
    { name: 'export: pageSize 0', method: 'GET', path: '/v1/export/events?pageSize=0', headers: read, status: 400 },
    { name: 'export: pageSize 1e9', method: 'GET', path: '/v1/export/events?pageSize=1000000000', headers: read, status: 400 },
    { name: 'export: start as text', method: 'GET', path: '/v1/export/events?start=yesterday', headers: read, status: 400 },
    { name: 'export: 101 event names', method: 'GET', path: `/v1/export/events?events=${Array.from({ length: 101 }, (_, i) => `e${i}`).join(',')}`, headers: read, status: 400 },
    { name: 'export: unknown kind', method: 'GET', path: '/v1/export/secrets', headers: read, status: 404 },
    { name: 'stats: no read key', method: 'GET', path: '/v1/stats', headers: { authorization: '' }, status: 401 },
    // report routes: every parameter checked before the store is asked
    ...((): HttpCase[] => {
      const days = 'start_date=2025-01-01&end_date=2025-01-31';
      const sql = encodeURIComponent("x'); DROP TABLE events; --");
      const get = (name: string, path: string, status: number, headers: Record<string, string> = read): HttpCase => ({ name, method: 'GET', path, headers, status });
      return [
        get('attribution: no read key', `/v1/attribution?${days}`, 401, { authorization: '' }),
        get('attribution: write key as read key', `/v1/attribution?${days}`, 401, { authorization: `Bearer ${WRITE_KEY}` }),
        get('attribution: no dates', '/v1/attribution', 400),
        get('attribution: February 30th', '/v1/attribution?start_date=2025-02-30&end_date=2025-03-31', 400),
        get('attribution: end before start', '/v1/attribution?start_date=2025-03-01&end_date=2025-01-01', 400),
        get('attribution: SQL in a date', `/v1/attribution?start_date=${sql}&end_date=2025-01-31`, 400),
        get('attribution: unknown model', `/v1/attribution?${days}&model=linear`, 400),
        get('attribution: SQL in the model', `/v1/attribution?${days}&model=${sql}`, 400),
        get('attribution: empty conversion', `/v1/attribution?${days}&conversion=`, 400),
        get('attribution: 201-character conversion', `/v1/attribution?${days}&conversion=${'c'.repeat(201)}`, 400),
        get('attribution: control character in value', `/v1/attribution?${days}&value=rev%00enue`, 400),
        get('attribution: window_days 0', `/v1/attribution?${days}&window_days=0`, 400),
        get('attribution: window_days 1e9', `/v1/attribution?${days}&window_days=1000000000`, 400),
        get('attribution: SQL in window_days', `/v1/attribution?${days}&window_days=${sql}`, 400),
        get('attribution: SQL in conversion and value (names are data: nothing matches)', `/v1/attribution?${days}&conversion=${sql}&value=${sql}`, 200),
        get('funnel: no steps', `/v1/funnel?${days}`, 400),
        get('funnel: an empty step', `/v1/funnel?${days}&steps=a,,b`, 400),
        get('funnel: 21 steps', `/v1/funnel?${days}&steps=${Array.from({ length: 21 }, (_, i) => `s${i}`).join(',')}`, 400),
        get('funnel: 5,000 steps', `/v1/funnel?${days}&steps=${Array(5000).fill('a').join(',')}`, 400),
        get('funnel: 201-character step', `/v1/funnel?${days}&steps=a,${'s'.repeat(201)}`, 400),
        get('funnel: SQL in a date', `/v1/funnel?start_date=2025-01-01&end_date=${sql}&steps=a`, 400),
        get('funnel: SQL in window_days', `/v1/funnel?${days}&steps=a&window_days=${sql}`, 400),
        get('funnel: SQL in steps (names are data)', `/v1/funnel?${days}&steps=${sql},b`, 200),
        get('funnel: no read key', `/v1/funnel?${days}&steps=a`, 401, { authorization: '' }),
        get('journey: no ID', '/v1/journey', 400),
        get('journey: both IDs', '/v1/journey?user_id=u1&anonymous_id=a1', 400),
        get('journey: empty user_id', '/v1/journey?user_id=', 400),
        get('journey: 201-character anonymous_id', `/v1/journey?anonymous_id=${'a'.repeat(201)}`, 400),
        get('journey: forged ID with CRLF', '/v1/journey?anonymous_id=x%0D%0ASet-Cookie:%20a=1', 400),
        get('journey: SQL in user_id (IDs are data)', `/v1/journey?user_id=${sql}`, 200),
        get('journey: no read key', '/v1/journey?user_id=u1', 401, { authorization: '' }),
        { name: 'POST on /v1/attribution', path: '/v1/attribution', body: '{}', status: 405 },
      ];
    })(),
    // methods and paths
    { name: 'PUT on /v1/batch', method: 'PUT', path: '/v1/batch', body: '{}', status: 405 },
    { name: 'DELETE on /v1/export/events', method: 'DELETE', path: '/v1/export/events', headers: read, status: 405 },
    { name: 'GET on an unknown path', method: 'GET', path: '/v1/../../etc/passwd', status: 404 },
    { name: 'POST on /', path: '/', body: '{}', status: 404 },
  ];

  async function request(c: HttpCase) {
    const res = await fetch(tc.url + c.path, {
      method: c.method ?? 'POST',
      headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', authorization: basic(), ...c.headers }).filter(([, v]) => v !== '')),
      body: c.body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  describe('hostile requests on every route', () => {
    it.each(httpCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const before = tc.collector.stats().stored;
      const res = await request(c);
      expect(res.status).toBe(c.status);
      if (c.status >= 400) expect(res.body).toMatchObject({ success: false, status: 'error', code: expect.any(String), message: expect.any(String) });
      expect(tc.collector.stats().stored - before).toBe(c.stores ?? 0);
      // The collector still takes a good batch after each one.
      const good = trackEvent();
      expect((await tc.post('/v1/batch', { batch: [good], sentAt: new Date().toISOString() })).body.rejected).toEqual([]);
    });
  });

  /** Frames sent on one ingest socket, each answered without closing it. */
  const frames: Array<{ name: string; data: string | Buffer; answer: 'error' | 'rejected' }> = [
    { name: 'not JSON', data: '{"data":[', answer: 'error' },
    { name: 'an empty frame', data: '', answer: 'error' },
    { name: 'a binary frame of garbage', data: Buffer.from([0, 1, 2, 0xff]), answer: 'error' },
    { name: 'JSON null', data: 'null', answer: 'error' },
    { name: 'a bare array', data: '[]', answer: 'error' },
    { name: 'data as a string', data: '{"data":"x"}', answer: 'error' },
    { name: 'an unknown frame type', data: '{"hello":1}', answer: 'error' },
    { name: 'an event with date 1e300', data: frame(nucleus({ date: 1e300 })), answer: 'rejected' },
    { name: 'a Segment event with a year-275761 timestamp', data: frame(trackEvent({ timestamp: '+275761-01-01T00:00:00Z' })), answer: 'rejected' },
    { name: 'an event with a __proto__ key', data: `{"data":[${JSON.stringify(nucleus()).slice(0, -1)},"__proto__":{"x":1}}]}`, answer: 'rejected' },
    { name: 'an event nested 100 levels deep', data: frame(nucleus({ payload: JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) })), answer: 'rejected' },
    { name: 'a number as an event', data: frame(42), answer: 'rejected' },
  ];

  describe('hostile frames on one ingest socket', () => {
    it('answers each frame, keeps the socket open, and acks a good frame after every one', async () => {
      const { ws, next } = await openSocket(`${tc.url.replace('http', 'ws')}/app/${APP_ID}/track`);
      for (const f of frames) {
        ws.send(f.data);
        const answer = await next();
        if (f.answer === 'error') expect(answer, f.name).toEqual({ error: expect.any(String) });
        else expect(answer.rejected, f.name).toHaveLength(1);
        const good = trackEvent();
        ws.send(frame(good));
        expect((await next()).reportedIds, f.name).toEqual([good.messageId]);
      }
      expect(ws.readyState).toBe(WebSocket.OPEN);
      ws.terminate();
    });
  });
});
