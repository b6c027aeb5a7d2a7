import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startTestCollector, trackEvent, type TestCollector, forEachStore } from '../test-support/collector-fixture.js';

forEachStore(() => {
  let tc: TestCollector;
  beforeAll(async () => {
    tc = await startTestCollector();
  });
  afterAll(async () => tc?.close());

  const sentAt = () => new Date().toISOString();
  const valid = () => trackEvent();
  const batch = (...events: unknown[]) => JSON.stringify({ batch: events, sentAt: sentAt() });
  const withEvent = (overrides: Record<string, unknown>) => batch(trackEvent(overrides));

  interface Case {
    name: string;
    body: () => string | Buffer;
    headers?: Record<string, string>;
    status: number;
    /** For 200: events stored and rejected by this request. */
    stored?: number;
    rejected?: number;
  }

  const corpus: Case[] = [
    { name: 'empty body', body: () => '', status: 400 },
    { name: 'truncated object', body: () => '{', status: 400 },
    { name: 'truncated batch', body: () => batch(valid()).slice(0, 60), status: 400 },
    { name: 'trailing garbage', body: () => `${batch(valid())}}}`, status: 400 },
    { name: 'null', body: () => 'null', status: 400 },
    { name: 'array body', body: () => '[]', status: 400 },
    { name: 'string body', body: () => '"batch"', status: 400 },
    { name: 'number body', body: () => '42', status: 400 },
    { name: 'empty object', body: () => '{}', status: 400 },
    { name: 'batch is null', body: () => '{"batch":null}', status: 400 },
    { name: 'batch is an object', body: () => '{"batch":{"0":{}}}', status: 400 },
    { name: 'batch is a string', body: () => '{"batch":"[]"}', status: 400 },
    { name: 'batch is empty', body: () => '{"batch":[]}', status: 400 },
    { name: 'binary garbage with NUL bytes', body: () => Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0x7b]), status: 400 },
    { name: 'invalid UTF-8', body: () => Buffer.concat([Buffer.from('{"batch":['), Buffer.from([0xc3, 0x28]), Buffer.from(']}')]), status: 400 },
    { name: 'single quotes (not JSON)', body: () => "{'batch':[]}", status: 400 },
    { name: 'JSON with comments', body: () => `/* hi */${batch(valid())}`, status: 400 },
    { name: '100,000 levels of array nesting', body: () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`, status: 400 },
    { name: 'deep nesting inside one event', body: () => withEvent({ properties: JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) }), status: 200, stored: 0, rejected: 1 },
    { name: '400 KB event name', body: () => withEvent({ event: 'e'.repeat(400 * 1024) }), status: 200, stored: 0, rejected: 1 },
    { name: '40 KB property (event over 32 KB)', body: () => batch(valid(), trackEvent({ properties: { s: 's'.repeat(40 * 1024) } })), status: 200, stored: 1, rejected: 1 },
    { name: 'body over 500 KB', body: () => withEvent({ properties: { s: 's'.repeat(510 * 1024) } }), status: 413 },
    { name: '__proto__ at the top of the body', body: () => `{"__proto__":{"polluted":true},"batch":[${JSON.stringify(valid())}],"sentAt":"${sentAt()}"}`, status: 200, stored: 1, rejected: 0 },
    { name: '__proto__ inside properties', body: () => withEvent({ properties: JSON.parse('{"__proto__":{"polluted":true}}') }), status: 200, stored: 0, rejected: 1 },
    { name: 'constructor.prototype inside properties', body: () => withEvent({ properties: { constructor: { prototype: { polluted: true } } } }), status: 200, stored: 1, rejected: 0 },
    { name: 'month 13 timestamp', body: () => withEvent({ timestamp: '2025-13-45T00:00:00Z' }), status: 200, stored: 0, rejected: 1 },
    { name: 'empty timestamp', body: () => withEvent({ timestamp: '' }), status: 200, stored: 0, rejected: 1 },
    { name: 'null timestamp', body: () => withEvent({ timestamp: null }), status: 200, stored: 0, rejected: 1 },
    { name: 'timestamp as epoch number', body: () => withEvent({ timestamp: 1737210600000 }), status: 200, stored: 0, rejected: 1 },
    { name: 'sentAt of the wrong type (ignored, no skew correction)', body: () => JSON.stringify({ batch: [valid()], sentAt: 12 }), status: 200, stored: 1, rejected: 0 },
    { name: 'type as a number', body: () => withEvent({ type: 1 }), status: 200, stored: 0, rejected: 1 },
    { name: 'messageId as an object', body: () => withEvent({ messageId: { id: 1 } }), status: 200, stored: 0, rejected: 1 },
    { name: 'properties as a string', body: () => withEvent({ properties: 'a=1' }), status: 200, stored: 0, rejected: 1 },
    { name: '10 KB anonymousId', body: () => withEvent({ anonymousId: 'a'.repeat(10 * 1024) }), status: 200, stored: 0, rejected: 1 },
    { name: 'a batch of numbers', body: () => batch(...Array.from({ length: 500 }, (_, i) => i)), status: 200, stored: 0, rejected: 500 },
    { name: 'a batch of nulls and arrays', body: () => batch(null, [], [valid()], true), status: 200, stored: 0, rejected: 4 },
    { name: 'duplicate "batch" keys (last wins)', body: () => `{"batch":[],"batch":[${JSON.stringify(valid())}]}`, status: 200, stored: 1, rejected: 0 },
    { name: 'a byte-order mark before the JSON', body: () => `\ufeff${batch(valid())}`, status: 200, stored: 1, rejected: 0 },
    { name: 'lone surrogate in the event name', body: () => withEvent({ event: 'bad \ud800 name' }), status: 200, stored: 1, rejected: 0 },
    { name: 'number overflowing to Infinity', body: () => batch(valid()).replace('"buy"', '1e400'), status: 200, stored: 1, rejected: 0 },
    { name: 'gzip header on a plain body', body: () => batch(valid()), headers: { 'content-encoding': 'gzip' }, status: 400 },
    { name: 'unknown content encoding', body: () => batch(valid()), headers: { 'content-encoding': 'zstd' }, status: 415 },
    { name: 'garbage Authorization header', body: () => batch(valid()), headers: { authorization: 'Basic' }, status: 401 },
    { name: 'writeKey as an object in a beacon body', body: () => JSON.stringify({ batch: [valid()], writeKey: { key: 'wk_test' } }), headers: { authorization: '' }, status: 401 },
  ];

  describe('bad input corpus on POST /v1/batch', () => {
    it('has at least 30 cases', () => {
      expect(corpus.length).toBeGreaterThanOrEqual(30);
    });

    it.each(corpus.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const before = tc.collector.stats();
      const res = await tc.post('/v1/batch', c.body(), c.headers ?? {});
      expect(res.status).toBe(c.status);
      const after = tc.collector.stats();
      if (c.status === 200) {
        expect(res.body.success).toBe(true);
        expect(res.body.rejected).toHaveLength(c.rejected ?? 0);
        expect(after.stored - before.stored).toBe(c.stored);
      } else {
        expect(res.body).toMatchObject({ success: false, status: 'error' });
        expect(typeof res.body.message).toBe('string');
        expect(after.stored).toBe(before.stored);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('survives raw protocol garbage and a body cut off mid-way, then still serves', async () => {
      const send = (text: string) =>
        new Promise<string>((resolve) => {
          const socket = connect(tc.collector.port, '127.0.0.1');
          let answer = '';
          socket.on('data', (d) => (answer += d.toString()));
          socket.on('close', () => resolve(answer));
          socket.on('error', () => resolve(answer));
          socket.write(text, () => (text.includes('Content-Length: 1000') ? socket.end() : undefined));
        });
      expect(await send('GARBAGE \x00\x01 NOT HTTP\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
      await send(`POST /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic()}\r\nContent-Length: 1000\r\n\r\n{"batch":[`);
      const res = await tc.post('/v1/batch', batch(valid()));
      expect(res.status).toBe(200);
    });
  });
});
