import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { APP_ID, basic, startTestCollector, trackEvent, type TestCollector, forEachStore } from '../test-support/collector-fixture.js';

let tc: TestCollector;
beforeAll(async () => {
  tc = await startTestCollector({ writeKeys: ['wk_test', 'wk_other'] });
});
afterAll(async () => tc?.close());

const sentAt = () => new Date().toISOString();

forEachStore(() => {
  describe('POST /v1/receipts', () => {
    it('names the stored IDs among those asked, in the order asked, after the commits in flight', async () => {
      const [a, b] = [trackEvent(), trackEvent()];
      // Not awaited: the question races the send, as the next page's does after a reload.
      const sending = tc.post('/v1/batch', { batch: [a, b], sentAt: sentAt() });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await tc.post('/v1/receipts', { messageIds: [b.messageId, 'never-sent', a.messageId] });
      await sending;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ stored: [b.messageId, a.messageId] });
    });

    it('takes the write key in the body (a page-hide request cannot set headers)', async () => {
      const event = trackEvent();
      await tc.post('/v1/batch', { batch: [event], sentAt: sentAt() });
      const res = await tc.post('/v1/receipts', JSON.stringify({ messageIds: [event.messageId], writeKey: 'wk_test' }), { authorization: '', 'content-type': 'text/plain' });
      expect(res.body).toEqual({ stored: [event.messageId] });
    });

    it("answers only about the caller's own write key", async () => {
      const event = trackEvent();
      await tc.post('/v1/batch', { batch: [event], sentAt: sentAt() });
      const res = await tc.post('/v1/receipts', { messageIds: [event.messageId] }, { authorization: basic('wk_other') });
      expect(res.body).toEqual({ stored: [] });
    });

    it.each([
      ['more than 1,000 IDs', { messageIds: Array.from({ length: 1001 }, (_, i) => `m${i}`) }, 400, /at most 1000/],
      ['a non-string ID', { messageIds: ['ok', 42] }, 400, /only message IDs/],
      ['an empty ID', { messageIds: [''] }, 400, /only message IDs/],
      ['messageIds missing', {}, 400, /must be an array/],
      ['an array body', [], 400, /JSON object/],
    ])('refuses %s with a 400 and the error body', async (_name, body, status, message) => {
      const res = await tc.post('/v1/receipts', body);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ success: false, status: 'error', code: 'bad_request', message: expect.stringMatching(message) });
    });

    it('refuses a wrong or missing key with a 401', async () => {
      expect((await tc.post('/v1/receipts', { messageIds: [] }, { authorization: basic('wk_nope') })).status).toBe(401);
      const missing = await tc.post('/v1/receipts', { messageIds: [] }, { authorization: '' });
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ status: 'error', code: 'unauthorized' });
    });
  });

  describe('{ check } frames', () => {
    it('answer { reportedIds } with the stored ones, and refuse bad questions without closing', async () => {
      const ws = new WebSocket(`${tc.url.replace('http', 'ws')}/app/wk_test/track`);
      const next = () => new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
      await new Promise((resolve) => ws.once('open', resolve));
      const event = trackEvent();
      ws.send(JSON.stringify({ data: [event] }));
      expect((await next()).reportedIds).toEqual([event.messageId]);
      ws.send(JSON.stringify({ check: [event.messageId, 'unknown'] }));
      expect(await next()).toEqual({ reportedIds: [event.messageId] });
      ws.send(JSON.stringify({ check: Array(1001).fill('x') }));
      expect((await next()).error).toMatch(/at most 1000/);
      ws.send(JSON.stringify({ check: [{}] }));
      expect((await next()).error).toMatch(/only message IDs/);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      ws.terminate();
    });

    it("answer only about the socket's own source", async () => {
      const event = trackEvent();
      await tc.post('/v1/batch', { batch: [event], sentAt: sentAt() });
      const ws = new WebSocket(`${tc.url.replace('http', 'ws')}/app/${APP_ID}/track`);
      await new Promise((resolve) => ws.once('open', resolve));
      const answer = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
      ws.send(JSON.stringify({ check: [event.messageId] }));
      expect(await answer).toEqual({ reportedIds: [] });
      ws.terminate();
    });
  });
});
