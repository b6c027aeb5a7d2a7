import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { APP_ID, WRITE_KEY, openSocket, startTestCollector, trackEvent, type TestCollector, forEachStore } from '../test-support/collector-fixture.js';

let tc: TestCollector;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await tc?.close();
});

/** Open a socket and collect its messages; resolves once open. */
async function open(path: string) {
  const socket = await openSocket(tc.url.replace('http', 'ws') + path);
  sockets.push(socket.ws);
  return socket;
}

/** Connect and wait for the close the server sends. */
function closeOf(path: string): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(tc.url.replace('http', 'ws') + path);
  sockets.push(ws);
  return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

/** Connect and get the HTTP status of a refused upgrade. */
function refusedStatus(path: string): Promise<number> {
  const ws = new WebSocket(tc.url.replace('http', 'ws') + path);
  sockets.push(ws);
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => {});
  });
}

const nucleus = (over: Record<string, unknown> = {}) => ({ type: 'event', name: 'click', id: 7, date: Date.now() - 1000, anonId: 'nuc-anon', sessionId: 4821, platform: 'linux', ...over });

forEachStore(() => {
  describe('WebSocket ingest (Nucleus framing)', () => {
    it.each([`/app/${APP_ID}/track`, `/${APP_ID}/`, `/${APP_ID}`, `/app/${WRITE_KEY}/track`, `/${WRITE_KEY}/`, `/app/unknown/track?writeKey=${WRITE_KEY}`])(
      'acknowledges stored events on %s after the commit',
      async (path) => {
        tc = await startTestCollector();
        const { ws, next } = await open(path);
        const events = [trackEvent(), trackEvent()];
        ws.send(JSON.stringify({ data: events, sentAt: new Date().toISOString() }));
        expect(await next()).toEqual({ reportedIds: events.map((e) => e.messageId), rejected: [] });
        // The ack came after the commit: the rows are already readable.
        const exported = await tc.get('/v1/export/events');
        expect(exported.body.items.map((i: any) => i.messageId)).toEqual(events.map((e) => e.messageId));
      },
    );

    it('closes an unknown app ID at once with 4001 unauthorized', async () => {
      tc = await startTestCollector();
      expect(await closeOf('/app/nope/track')).toEqual({ code: 4001, reason: 'unauthorized' });
      expect(await closeOf('/nope/')).toEqual({ code: 4001, reason: 'unauthorized' });
      expect(await closeOf('/app/nope/track?writeKey=wrong')).toEqual({ code: 4001, reason: 'unauthorized' });
    });

    it('answers a malformed frame with { error } and keeps the socket open', async () => {
      tc = await startTestCollector();
      const { ws, next } = await open(`/app/${APP_ID}/track`);
      for (const bad of ['not json', '{"data":', '[]', 'null', '{"data":"x"}', '{}']) {
        ws.send(bad);
        const answer = await next();
        expect(typeof answer.error).toBe('string');
      }
      const event = trackEvent();
      ws.send(JSON.stringify({ data: [event] }));
      expect(await next()).toEqual({ reportedIds: [event.messageId], rejected: [] });
      expect(ws.readyState).toBe(WebSocket.OPEN);
    });

    it('answers frames in the order they came, though an error is known before the commit before it', async () => {
      tc = await startTestCollector();
      const { ws, next } = await open(`/app/${APP_ID}/track`);
      const good = trackEvent();
      ws.send(JSON.stringify({ data: [good] }));
      ws.send(JSON.stringify({ data: [{ messageId: 'bad', type: 'nope', anonymousId: 'a' }] }));
      ws.send('not json');
      ws.send(JSON.stringify({ check: [good.messageId] }));
      const answers = [await next(), await next(), await next(), await next()];
      expect(answers).toEqual([
        { reportedIds: [good.messageId], rejected: [] },
        { reportedIds: [], rejected: [{ messageId: 'bad', reason: expect.any(String) }] },
        { error: expect.stringMatching(/^malformed JSON/) },
        { reportedIds: [good.messageId] },
      ]);
    });

    it('acks duplicates again without storing them twice, and rejects bad events by id', async () => {
      tc = await startTestCollector();
      const { ws, next } = await open(`/${APP_ID}/`);
      const event = trackEvent();
      ws.send(JSON.stringify({ data: [event] }));
      await next();
      ws.send(JSON.stringify({ data: [event, trackEvent({ messageId: 'bad', type: 'nope' })] }));
      expect(await next()).toEqual({ reportedIds: [event.messageId], rejected: [{ messageId: 'bad', reason: expect.stringContaining('type must be') }] });
      expect(tc.collector.stats()).toMatchObject({ stored: 1, duplicates: 1, rejected: 1 });
    });

    it('stores each event of a frame as it was sent, and the data the parser read when a frame names two', async () => {
      tc = await startTestCollector();
      const { ws, next } = await open(`/${APP_ID}/`);
      const segment = trackEvent({ properties: { quote: '"]},{', slash: '\\' } });
      const spaced = nucleus({ id: 31, payload: { n: 1.5 } });
      ws.send(`{ "data" : [ ${JSON.stringify(segment, null, 1)} ,\n ${JSON.stringify(spaced, null, 2)} ] }`);
      expect(await next()).toEqual({ reportedIds: [segment.messageId, 31], rejected: [] });
      // An escaped key is `data` to the parser, which keeps the last of the two.
      ws.send(`{"data":[${JSON.stringify(nucleus({ id: 32 }))}],"\\u0064ata":[${JSON.stringify(nucleus({ id: 33 }))}]}`);
      expect(await next()).toEqual({ reportedIds: [33], rejected: [] });
      const exported = (await tc.get('/v1/export/events?pageSize=10')).body.items as Array<{ event: unknown }>;
      expect(exported.map((item) => item.event)).toEqual([segment, spaced, nucleus({ id: 33, date: expect.any(Number) })]);
    });

    it('echoes Nucleus ids with their JSON type and scopes their dedupe to the sender', async () => {
      tc = await startTestCollector();
      const { ws, next } = await open(`/${APP_ID}/`);
      ws.send(JSON.stringify({ data: [nucleus({ id: 7 }), nucleus({ id: '7' }), nucleus({ id: 7, anonId: 'someone-else' }), nucleus({ id: 7, sessionId: 1111 })] }));
      expect(await next()).toEqual({ reportedIds: [7, '7', 7, 7], rejected: [] });
      ws.send(JSON.stringify({ data: [nucleus({ id: 7 })] }));
      expect(await next()).toEqual({ reportedIds: [7], rejected: [] });
      // id 7 and '7' of the same sender and session are one event; other senders or sessions are not.
      expect(tc.collector.stats()).toMatchObject({ stored: 3, duplicates: 2 });
    });

    it('reads Nucleus events: init starts a session, heartbeats are acked but not stored', async () => {
      tc = await startTestCollector();
      const { ws, next } = await open(`/${APP_ID}/`);
      const t0 = Date.now() - 60_000;
      ws.send(
        JSON.stringify({
          data: [
            nucleus({ type: 'init', id: 1, date: t0, name: undefined, version: '1.2.0', osVersion: '14', locale: 'en-US' }),
            nucleus({ type: 'nucleus:view', id: 2, date: t0 + 1000, name: '/settings' }),
            nucleus({ type: 'error', id: 3, date: t0 + 2000, name: 'TypeError', payload: { stack: 'x' } }),
            nucleus({ type: 'heartbeat', id: 4, date: t0 + 30_000 }),
            { event: 'legacy-shape', id: 5, anonId: 'nuc-anon', sessionId: 4821, date: t0 + 3000 },
            nucleus({ id: 6, anonId: undefined }),
          ],
        }),
      );
      const ack = await next();
      expect(ack.reportedIds).toEqual([1, 2, 3, 4, 5]);
      expect(ack.rejected).toEqual([{ messageId: 6, reason: 'anonId, deviceId or userId is required' }]);
      expect(tc.collector.stats()).toMatchObject({ stored: 4, heartbeats: 1 });
      const names = (await tc.get('/v1/export/events')).body.items.map((i: any) => i.name);
      expect(names).toEqual(['init', 'nucleus:view', 'error', 'legacy-shape']);
      const sessions = (await tc.get('/v1/export/sessions')).body.items;
      expect(sessions).toEqual([expect.objectContaining({ sessionId: '4821', anonymousId: 'nuc-anon', eventCount: 4, duration: 30 })]);
    });

    it('refuses an unknown path with 404 and an address over its rate limit with 429', async () => {
      tc = await startTestCollector({ rateLimit: { perSecond: 1, burst: 2 } });
      expect(await refusedStatus('/v1/nope/deeper')).toBe(404);
      expect(await refusedStatus(`/${APP_ID}/`)).toBe(101);
      expect(await refusedStatus(`/${APP_ID}/`)).toBe(101);
      expect(await refusedStatus(`/${APP_ID}/`)).toBe(429);
    });

    it('holds frames over the rate limit back (TCP backpressure) and acks them all', async () => {
      tc = await startTestCollector({ rateLimit: { perSecond: 50, burst: 1 } });
      const { ws, next } = await open(`/${APP_ID}/`);
      const events = Array.from({ length: 6 }, () => trackEvent());
      for (const event of events) ws.send(JSON.stringify({ data: [event] }));
      const acked: string[] = [];
      for (let i = 0; i < events.length; i++) acked.push(...(await next()).reportedIds);
      expect(acked).toEqual(events.map((e) => e.messageId));
    });

    it('caps sockets per address', async () => {
      tc = await startTestCollector({ maxConnectionsPerAddress: 2 });
      await open(`/${APP_ID}/`);
      await open(`/${APP_ID}/`);
      expect(await refusedStatus(`/${APP_ID}/`)).toBe(429);
      expect(tc.collector.stats().sockets).toBe(2);
    });

    it('closes a socket whose frame is over the size limit with 1009, and only that socket', async () => {
      tc = await startTestCollector();
      const { ws } = await open(`/${APP_ID}/`);
      const other = await open(`/${APP_ID}/`);
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      ws.send(JSON.stringify({ data: [trackEvent({ properties: { s: 'x'.repeat(600 * 1024) } })] }));
      expect(await closed).toBe(1009);
      const event = trackEvent();
      other.ws.send(JSON.stringify({ data: [event] }));
      expect((await other.next()).reportedIds).toEqual([event.messageId]);
    });
  });

  describe('POST /app/:appId/track', () => {
    it('stores a Nucleus frame over HTTP and answers { reportedIds }', async () => {
      tc = await startTestCollector();
      const res = await tc.post(`/app/${APP_ID}/track`, { data: [nucleus({ id: 1 }), nucleus({ id: 'two' }), trackEvent({ messageId: 'seg-1' })] }, { authorization: '' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ reportedIds: [1, 'two', 'seg-1'], rejected: [] });
    });

    it('answers 401 for an unknown app, 400 for a bad frame and 429 over the rate limit', async () => {
      tc = await startTestCollector({ rateLimit: { perSecond: 1, burst: 2 } });
      expect((await tc.post('/app/nope/track', { data: [] })).status).toBe(401);
      expect((await tc.post(`/app/${APP_ID}/track`, { items: [] })).body).toMatchObject({ status: 'error', code: 'bad_request' });
      const limited = await tc.post(`/app/${APP_ID}/track`, { data: [] });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });
  });
});
