import { existsSync } from 'node:fs';
import { request } from 'node:http';
import Database from 'libsql';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_KEY, WRITE_KEY, basic, startTestCollector, trackEvent, type TestCollector, forEachStore } from '../test-support/collector-fixture.js';

let tc: TestCollector;
afterEach(async () => tc?.close());

const batchOf = (events: unknown[]) => ({ batch: events, sentAt: new Date().toISOString() });

/** POST a body sent chunked (no Content-Length), as a streaming client would. */
function postChunked(url: string, chunks: Buffer[], headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/batch`, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

forEachStore(() => {
  describe('POST /v1/batch', () => {
    it('stores a batch and answers { success: true, rejected: [] }', async () => {
      tc = await startTestCollector();
      const events = [trackEvent(), trackEvent({ type: 'page', event: undefined, name: 'Home' })];
      const res = await tc.post('/v1/batch', batchOf(events));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, rejected: [] });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(tc.collector.stats()).toMatchObject({ stored: 2, duplicates: 0, rejected: 0, totalEvents: 2 });
    });

    it('rejects bad events one by one and stores their neighbours', async () => {
      tc = await startTestCollector();
      const good = [trackEvent(), trackEvent()];
      const bad = trackEvent({ messageId: 'bad-1', event: undefined });
      const res = await tc.post('/v1/batch', batchOf([good[0], bad, 'junk', good[1]]));
      expect(res.status).toBe(200);
      expect(res.body.rejected).toEqual([
        { messageId: 'bad-1', reason: 'event is required' },
        { messageId: null, reason: 'event must be an object' },
      ]);
      expect(tc.collector.stats()).toMatchObject({ stored: 2, rejected: 2 });
    });

    it("merges a batch-level context into each event's own (Segment spec), the event's fields winning", async () => {
      tc = await startTestCollector();
      const shared = { library: { name: 'tidemark', version: '1' }, sessionId: 7, locale: 'en-GB' };
      const events = [trackEvent({ context: undefined }), trackEvent({ context: { locale: 'fr-FR' } })];
      const res = await tc.post('/v1/batch', { ...batchOf(events), context: shared });
      expect(res.body).toEqual({ success: true, rejected: [] });
      const exported = await tc.get('/v1/export/events?pageSize=10');
      const stored = (exported.body.items as Array<{ event: { context: unknown } }>).map((i) => i.event.context);
      expect(stored).toEqual([shared, { ...shared, locale: 'fr-FR' }]);
    });

    it('stores each event as the text it was sent in, with the batch context added, and exports it as parsed', async () => {
      tc = await startTestCollector();
      const shared = { library: { name: 'tidemark', version: '1' }, locale: 'en-GB' };
      const bare = trackEvent({ context: undefined, properties: { quote: '"]},{', slash: '\\', n: 1.5 } });
      const own = trackEvent({ context: { locale: 'fr-FR' } });
      // Spacing and escapes as a hand-written client might send them.
      const bareText = JSON.stringify(bare, null, 1).replace('"quote"', '"\\u0071uote"');
      const body = `{ "sentAt": "${new Date().toISOString()}",\n "batch": [ ${bareText} ,\n${JSON.stringify(own)} ], "context": ${JSON.stringify(shared)} }`;
      expect((await tc.post('/v1/batch', body)).body).toEqual({ success: true, rejected: [] });
      const exported = (await tc.get('/v1/export/events?pageSize=10')).body.items as Array<{ event: unknown }>;
      expect(exported.map((item) => item.event)).toEqual([
        { ...bare, context: shared },
        { ...own, context: { ...shared, locale: 'fr-FR' } },
      ]);
      if (!existsSync(tc.dbPath)) return; // the SQLite file, read directly: the text stored
      const db = new Database(tc.dbPath, { readonly: true });
      const raws = (db.prepare('SELECT raw FROM events ORDER BY seq').all() as Array<{ raw: string }>).map((r) => r.raw);
      db.close();
      expect(raws[0]).toBe(`${bareText.slice(0, -1)},"context":${JSON.stringify(shared)}}`);
      expect(raws[1]).toBe(JSON.stringify({ ...own, context: { ...shared, locale: 'fr-FR' } }));
    });

    it('stores the batch the parser read when a body names two (the last), not the first', async () => {
      tc = await startTestCollector();
      const first = trackEvent({ event: 'First' });
      const last = trackEvent({ event: 'Last' });
      // An escaped key is the same key to the parser, so it is a second batch as well.
      for (const key of ['"batch"', '"\\u0062atch"']) {
        const lastOfKey = { ...last, messageId: `${last.messageId}${key.length}` };
        const res = await tc.post('/v1/batch', `{"batch":[${JSON.stringify(first)}],${key}:[${JSON.stringify(lastOfKey)}],"sentAt":"${new Date().toISOString()}"}`);
        expect(res.body).toEqual({ success: true, rejected: [] });
      }
      const exported = (await tc.get('/v1/export/events?pageSize=10')).body.items as Array<{ event: { event: string; messageId: string } }>;
      expect(exported.map((item) => item.event.event)).toEqual(['Last', 'Last']);
      expect(exported.map((item) => item.event.messageId)).toEqual([`${last.messageId}7`, `${last.messageId}12`]);
    });

    it('refuses a batch-level context that is not an object or is over 32 KB, and keeps serving', async () => {
      tc = await startTestCollector();
      for (const context of ['text', ['a'], null, { pad: 'x'.repeat(33 * 1024) }]) {
        const res = await tc.post('/v1/batch', { ...batchOf([trackEvent()]), context });
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(/^context must be/);
      }
      // A polluting key in the shared context is refused in every event it would reach.
      const polluted = await tc.post('/v1/batch', `{"batch":[${JSON.stringify(trackEvent({ context: undefined }))}],"context":{"__proto__":{"admin":true}}}`);
      expect(polluted.body.rejected).toEqual([{ messageId: expect.any(String), reason: 'forbidden key "__proto__"' }]);
      expect(({} as { admin?: boolean }).admin).toBeUndefined();
      expect((await tc.post('/v1/batch', batchOf([trackEvent()]))).status).toBe(200);
      expect(tc.collector.stats()).toMatchObject({ stored: 1 });
    });

    it('acknowledges a resent batch without storing it twice, and counts the duplicates', async () => {
      tc = await startTestCollector();
      const body = batchOf([trackEvent(), trackEvent(), trackEvent()]);
      expect((await tc.post('/v1/batch', body)).status).toBe(200);
      const again = await tc.post('/v1/batch', body);
      expect(again.body).toEqual({ success: true, rejected: [] });
      const stats = await tc.get('/v1/stats');
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({ stored: 3, duplicates: 3, rejected: 0, totalEvents: 3 });
    });

    it('accepts a sendBeacon body: text/plain with the writeKey inside', async () => {
      tc = await startTestCollector();
      const res = await tc.post('/v1/batch', { ...batchOf([trackEvent()]), writeKey: WRITE_KEY }, { authorization: '', 'content-type': 'text/plain;charset=UTF-8' });
      expect(res.status).toBe(200);
      expect(tc.collector.stats().stored).toBe(1);
    });

    it.each([
      ['no key at all', { authorization: '' }, batchOf([trackEvent()])],
      ['an unknown Basic key', { authorization: basic('wk_wrong') }, batchOf([trackEvent()])],
      ['a Bearer header', { authorization: `Bearer ${READ_KEY}` }, batchOf([trackEvent()])],
      ['Basic auth that is not base64', { authorization: 'Basic %%%' }, batchOf([trackEvent()])],
      ['an unknown writeKey in the body', { authorization: '' }, { ...batchOf([trackEvent()]), writeKey: 'wk_wrong' }],
      ['the read key as writeKey in the body', { authorization: '' }, { ...batchOf([trackEvent()]), writeKey: READ_KEY }],
    ])('answers 401 to %s and stores nothing', async (_label, headers, body) => {
      tc = await startTestCollector();
      const res = await tc.post('/v1/batch', body, headers);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, status: 'error', code: 'unauthorized' });
      expect(typeof res.body.message).toBe('string');
      expect(tc.collector.stats().stored).toBe(0);
    });

    it('answers 413 to a body over 500 KB, whether declared or streamed, and keeps serving', async () => {
      tc = await startTestCollector();
      const big = JSON.stringify(batchOf([trackEvent({ properties: { blob: 'x'.repeat(520 * 1024) } })]));
      const declared = await tc.post('/v1/batch', big);
      expect(declared.status).toBe(413);
      expect(declared.body).toMatchObject({ status: 'error', code: 'payload_too_large' });
      const streamed = await postChunked(tc.url, Array.from({ length: 6 }, () => Buffer.alloc(100 * 1024, 0x20)), {});
      expect(streamed).toBe(413);
      expect((await tc.post('/v1/batch', batchOf([trackEvent()]))).status).toBe(200);
    });

    it('gunzips a gzip body, and refuses one that inflates past 500 KB', async () => {
      tc = await startTestCollector();
      const small = gzipSync(JSON.stringify(batchOf([trackEvent(), trackEvent()])));
      const ok = await tc.post('/v1/batch', small, { 'content-encoding': 'gzip' });
      expect(ok.status).toBe(200);
      expect(tc.collector.stats().stored).toBe(2);
      // 5 MB of spaces compress to ~5 KB: a small request that must not inflate in memory.
      const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(20 * 1024);
      expect((await tc.post('/v1/batch', bomb, { 'content-encoding': 'gzip' })).status).toBe(413);
      expect((await tc.post('/v1/batch', Buffer.from('not gzip'), { 'content-encoding': 'gzip' })).status).toBe(400);
      expect((await tc.post('/v1/batch', '{}', { 'content-encoding': 'br' })).status).toBe(415);
    });

    it('answers a CORS preflight', async () => {
      tc = await startTestCollector();
      const res = await fetch(`${tc.url}/v1/batch`, {
        method: 'OPTIONS',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    });

    it('answers 404 and 405 as JSON errors', async () => {
      tc = await startTestCollector();
      expect(await tc.get('/nope')).toMatchObject({ status: 404, body: { status: 'error', code: 'not_found' } });
      expect(await tc.get('/v1/batch')).toMatchObject({ status: 405, body: { code: 'method_not_allowed' } });
    });

    it('answers /v1/stats only with the read key', async () => {
      tc = await startTestCollector();
      expect((await tc.get('/v1/stats', { authorization: '' })).status).toBe(401);
      expect((await tc.get('/v1/stats', { authorization: `Bearer ${WRITE_KEY}` })).status).toBe(401);
      expect((await tc.get('/v1/stats')).status).toBe(200);
    });
  });
});
