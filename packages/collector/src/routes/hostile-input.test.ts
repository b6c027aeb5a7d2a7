// Defects found with a hostile-input corpus: each test failed before its fix.
import { connect } from 'node:net';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { APP_ID, READ_KEY, basic, startTestCollector, trackEvent, type TestCollector, forEachStore } from '../test-support/collector-fixture.js';

let tc: TestCollector | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await tc?.close();
  tc = undefined;
});

/** Open a socket (pongs answered unless `autoPong: false`) and wait until it is open. */
async function open(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, options);
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}
const nextMessage = (ws: WebSocket) => new Promise<any>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

/** Send raw bytes on a new connection and read the whole answer. */
function raw(port: number, text: string, endAfterWrite = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    socket.write(text, () => (endAfterWrite ? socket.end() : undefined));
  });
}
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

forEachStore(() => {
  describe('timestamps out of the Date range (defect 7)', () => {
    it('stores times before 1970 and after 2100 as they were sent (ClickHouse dates end there)', async () => {
      tc = await startTestCollector();
      const times = ['1901-05-06T07:08:09.000Z', '2300-01-01T00:00:00.000Z'];
      const res = await tc.post('/v1/batch', { batch: times.map((timestamp) => trackEvent({ timestamp })) });
      expect(res.status).toBe(200);
      expect(res.body.rejected).toEqual([]);
      const exported = (await tc.get('/v1/export/events')).body.items.map((i: { clientTimestamp: string }) => i.clientTimestamp);
      expect(exported).toEqual(times);
      const old = await tc.get('/v1/metrics?start_date=1901-05-06&end_date=1901-05-06');
      expect(old.body.data).toEqual([{ date: '1901-05-06', 'Button Clicked': 1 }]);
    });

    it('are refused on every ingest route, and export keeps answering', async () => {
      tc = await startTestCollector();
      const wsUrl = `${tc.url.replace('http', 'ws')}/app/${APP_ID}/track`;
      const nucleus = (date: unknown, id: number) => ({ type: 'event', name: 'click', id, date, anonId: 'nuc-anon-1', sessionId: 1 });
      const overHttp = await tc.post(`/app/${APP_ID}/track`, { data: [nucleus(1e300, 1), nucleus(Date.now() - 1000, 2)] });
      expect(overHttp.body.reportedIds).toEqual([2]);
      expect(overHttp.body.rejected[0].reason).toMatch(/date must be epoch milliseconds \(0 to 8\.64e15\)/);
      const ws = await open(wsUrl);
      ws.send(JSON.stringify({ data: [nucleus(8.64e15 + 1, 3), nucleus(Date.now() - 1000, 4)] }));
      expect((await nextMessage(ws)).reportedIds).toEqual([4]);
      // A sentAt far in the future cannot shift a valid time out of range either.
      const skewed = await tc.post('/v1/batch', { batch: [trackEvent()], sentAt: '9999-12-31T23:59:59Z' });
      expect(skewed.body.rejected).toEqual([]);
      const exported = await tc.get('/v1/export/events');
      expect(exported.status).toBe(200);
      expect(exported.body.items).toHaveLength(3);
      for (const row of exported.body.items) expect(Number.isNaN(Date.parse(row.timestamp))).toBe(false);
    });
  });

  describe('text the stores would change (defect 9)', () => {
    it('refuses messageIds with a lone surrogate (both stores turn it into U+FFFD, making two IDs one) and stores the rest', async () => {
      tc = await startTestCollector();
      const good = trackEvent();
      const res = await tc.post('/v1/batch', { batch: [trackEvent({ messageId: 'dup\ud800', event: 'A' }), good, trackEvent({ messageId: 'dup\udbff', event: 'B' })] });
      expect(res.status).toBe(200);
      expect(res.body.rejected.map((r: { messageId: string; reason: string }) => [r.messageId, r.reason])).toEqual([
        ['dup\ud800', expect.stringMatching(/messageId must be .* printable characters/)],
        ['dup\udbff', expect.stringMatching(/messageId must be .* printable characters/)],
      ]);
      expect((await tc.get('/v1/export/events')).body.items.map((i: { messageId: string }) => i.messageId)).toEqual([good.messageId]);
      // A pair that makes one character is a proper ID.
      const emoji = trackEvent({ messageId: 'tide-\ud83c\udf0a' });
      expect((await tc.post('/v1/batch', { batch: [emoji] })).body.rejected).toEqual([]);
      expect((await tc.post('/v1/receipts', { messageIds: [emoji.messageId] })).body.stored).toEqual([emoji.messageId]);
    });

    it('refuses an event name with a NUL (SQLite reads it back cut short, as another name)', async () => {
      tc = await startTestCollector();
      const res = await tc.post('/v1/batch', { batch: [trackEvent({ event: 'Sign\u0000Up' }), trackEvent({ event: 'Sign' })] });
      expect(res.body.rejected.map((r: { reason: string }) => r.reason)).toEqual(['event must not contain a NUL character']);
      expect((await tc.get('/v1/export/events')).body.items.map((i: { name: string }) => i.name)).toEqual(['Sign']);
    });

    it('answers a batch context nested too deeply to serialize with 400, not 500', async () => {
      tc = await startTestCollector();
      const depth = 100_000;
      const body = `{"batch":[${JSON.stringify(trackEvent())}],"context":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      const res = await tc.post('/v1/batch', body);
      expect([res.status, res.body.message]).toEqual([400, 'context is nested too deeply']);
      expect((await tc.post('/v1/batch', { batch: [trackEvent()] })).status).toBe(200);
    });
  });

  describe('WebSocket heartbeat (defect 8)', () => {
    it('keeps sockets that answer pings, ingest and live alike, across many ping intervals', async () => {
      tc = await startTestCollector({ pingIntervalMs: 100 });
      const ingest = await open(`${tc.url.replace('http', 'ws')}/app/${APP_ID}/track`);
      const live = await open(`${tc.url.replace('http', 'ws')}/v1/live?key=${READ_KEY}`);
      await new Promise((resolve) => setTimeout(resolve, 550));
      expect([ingest.readyState, live.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
      const event = trackEvent();
      ingest.send(JSON.stringify({ data: [event] }));
      expect((await nextMessage(ingest)).reportedIds).toEqual([event.messageId]);
    });

    it('drops a socket that stops answering pings', async () => {
      tc = await startTestCollector({ pingIntervalMs: 100 });
      const silent = await open(`${tc.url.replace('http', 'ws')}/app/${APP_ID}/track`, { autoPong: false });
      expect(await closed(silent)).toBe(1006);
    });
  });

  describe('refusals of the parser and the socket layer (defect 9)', () => {
    it('answers HTTP the parser refuses with the JSON error body', async () => {
      tc = await startTestCollector();
      const answer = await raw(tc.collector.port, 'GARBAGE \x00\x01 NOT HTTP\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      expect(bodyOf(answer)).toMatchObject({ success: false, status: 'error', code: 'bad_request' });
      const huge = await raw(tc.collector.port, `GET /v1/stats HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(huge).toMatch(/^HTTP\/1\.1 431/);
      expect(bodyOf(huge).code).toBe('headers_too_large');
    });

    it('answers a body that does not arrive in time with 408 and the JSON error body', async () => {
      tc = await startTestCollector({ requestTimeoutMs: 300 });
      const answer = await raw(tc.collector.port, `POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic()}\r\nContent-Length: 1000\r\n\r\n{"batch":[`);
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
      expect(bodyOf(answer)).toMatchObject({ status: 'error', code: 'request_timeout' });
      expect((await tc.post('/v1/batch', { batch: [trackEvent()], sentAt: new Date().toISOString() })).status).toBe(200);
    });

    it('closes an idle connection that timed out without a byte silently (a preconnect), and stores nothing sent after an error answer', async () => {
      tc = await startTestCollector({ requestTimeoutMs: 300 });
      // A browser's preconnect: an answer written on it would be taken as the answer to the
      // next request the browser sends there, which it would then send again elsewhere.
      expect(await raw(tc.collector.port, '')).toBe('');
      // After an error answer the socket reads nothing more: a request behind it is not stored.
      const event = trackEvent();
      const body = JSON.stringify({ batch: [event], sentAt: new Date().toISOString() });
      const answer = await raw(tc.collector.port, `GARBAGE\r\n\r\nPOST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic()}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      expect(answer.match(/^HTTP\/1\.1 \d{3}/gm)).toEqual(['HTTP/1.1 400']);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(tc.collector.stats().stored).toBe(0);
    });

    it('answers 10,000 funnel steps with a JSON error and keeps serving reports', async () => {
      tc = await startTestCollector();
      // 20 KB of request line: Node's parser refuses it (431) before any route runs; up to the
      // header limit (5,000 one-letter steps) the route itself refuses past 20 steps (400).
      const steps = Array(10_000).fill('a').join(',');
      const answer = await raw(tc.collector.port, `GET /v1/funnel?start_date=2025-01-01&end_date=2025-01-31&steps=${steps} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${READ_KEY}\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431/);
      expect(bodyOf(answer)).toMatchObject({ status: 'error', message: expect.any(String) });
      const five = await tc.get(`/v1/funnel?start_date=2025-01-01&end_date=2025-01-31&steps=${Array(5000).fill('a').join(',')}`);
      expect(five).toEqual({ status: 400, body: expect.objectContaining({ status: 'error', message: 'steps must name at most 20 events (got 5000)' }) });
      const ok = await tc.get('/v1/funnel?start_date=2025-01-01&end_date=2025-01-31&steps=a,b');
      expect(ok.body).toEqual({ status: 'success', windowDays: 30, data: [{ step: 'a', people: 0, rate: 0 }, { step: 'b', people: 0, rate: 0 }] });
    });

    it('closes a socket sending a 5 MB frame with 1009 (not 1006), and the others carry on', async () => {
      tc = await startTestCollector();
      const url = `${tc.url.replace('http', 'ws')}/app/${APP_ID}/track`;
      const [big, other] = [await open(url), await open(url)];
      const code = closed(big);
      big.send(JSON.stringify({ data: [trackEvent({ properties: { s: 'x'.repeat(5 * 1024 * 1024) } })] }));
      expect(await code).toBe(1009);
      const event = trackEvent();
      other.send(JSON.stringify({ data: [event] }));
      expect((await nextMessage(other)).reportedIds).toEqual([event.messageId]);
    });
  });
});

// SQLite only: it edits the file under the collector.
describe('a SQLite row from before timestamps were bounded (defect 7)', () => {
  it('a row stored before timestamps were bounded exports with null times, not a 500', async () => {
    tc = await startTestCollector({}, undefined, 'sqlite');
    await tc.post('/v1/batch', { batch: [trackEvent(), trackEvent()], sentAt: new Date().toISOString() });
    const { dir } = tc;
    await tc.collector.close();
    const db = new Database(`${dir}/events.db`);
    db.prepare('UPDATE events SET client_ms = 1e300, event_ms = 1e300 WHERE seq = (SELECT min(seq) FROM events)').run();
    db.close();
    const path = tc.dbPath;
    tc = await startTestCollector({ dbPath: path }, dir, 'sqlite');
    const exported = await tc.get('/v1/export/events');
    expect(exported.status).toBe(200);
    expect(exported.body.items.map((r: { timestamp: string | null }) => r.timestamp === null)).toEqual([true, false]);
  });
});
