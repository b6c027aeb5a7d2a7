import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '@tidemark/protocol';
import { testEvent } from '@tidemark/test-kit';
import { tidemarkRelay } from './relay.js';
import { basic, batchOf, PAGE_KEY, SERVER_KEY, startRelaySite, type RelaySite } from './test-support/relay-site.js';

let site: RelaySite;
beforeEach(async () => {
  site = await startRelaySite();
});
afterEach(() => site.close());

const json = { 'content-type': 'application/json', authorization: basic(PAGE_KEY) };

/** A refusal of the relay's own: the status, and a body that says it and why. */
async function refused(response: Response | Promise<Response>, status: number): Promise<string> {
  const res = await response;
  expect(res.status).toBe(status);
  const body = (await res.json()) as { status: number; message: string };
  expect(body).toEqual({ status, message: expect.any(String) });
  return body.message;
}

describe('the relay and hostile input', () => {
  it('answers each with a clear 4xx and forwards nothing', async () => {
    const ten = 'x'.repeat(10 * 1024 * 1024);
    expect(await refused(site.post('/t/batch', '{"batch": [', json), 400)).toBe('the body is not JSON');
    expect(await refused(site.post('/t/batch', ten, json), 413)).toMatch(/over 512000 bytes/);
    expect(await refused(site.post('/t/batch', batchOf(1), { ...json, authorization: basic('wk_forged') }), 401)).toMatch(/does not accept that write key/);
    expect(await refused(site.post('/t/batch', batchOf(1), { ...json, authorization: basic(SERVER_KEY) }), 401)).toMatch(/write key/); // only the page key is taken from browsers
    expect(await refused(site.post('/t/batch', { ...batchOf(1), writeKey: 'wk_forged' }, { 'content-type': 'text/plain' }), 401)).toMatch(/write key/);
    expect(await refused(site.post('/t/batch', batchOf(1), { 'content-type': 'application/json' }), 401)).toMatch(/write key/);
    expect(await refused(site.post('/t/batch', 'batch=1', { ...json, 'content-type': 'application/x-www-form-urlencoded' }), 415)).toMatch(/Content-Type/);
    expect(await refused(site.post('/t/batch', batchOf(1), { ...json, 'content-encoding': 'gzip' }), 415)).toMatch(/uncompressed/);
    const get = await fetch(`${site.url}/t/batch`);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await refused(get, 405)).toMatch(/use POST/);
    for (const body of [{ batch: 'x' }, { batch: [] }, [testEvent(1)], batchOf(LIMITS.maxBatchEvents + 1), { batch: [{ type: 'track' }] }, { batch: [{ ...testEvent(1), messageId: 'm'.repeat(201) }] }]) {
      expect(await refused(site.post('/t/batch', body), 400)).toMatch(/batch|event/);
    }
    const ids = Array.from({ length: 1001 }, (_, i) => `id_${i}_aaaaaaa`);
    expect(await refused(site.post('/t/receipts', { messageIds: ids }), 400)).toMatch(/1 to 1000 IDs/);
    expect(await refused(site.post('/t/receipts', { messageIds: [{}] }), 400)).toMatch(/messageIds/);
    expect(site.collector.requests).toEqual([]);
  });

  it('refuses a body larger than the bound even without a Content-Length (streamed)', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = fetch(`${site.url}/t/batch`, { method: 'POST', headers: json, body, duplex: 'half' } as RequestInit);
    expect(await refused(res, 413)).toMatch(/over 512000 bytes/);
    expect(site.collector.requests).toEqual([]);
  });

  it('forwards only the batch and sentAt of a body with extra or prototype-polluting fields', async () => {
    const sent = batchOf(1);
    const text = `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"batch":${JSON.stringify(sent.batch)},"sentAt":"${sent.sentAt}","integrations":{"All":false},"extra":{"ip":"6.6.6.6"}}`;
    expect((await site.post('/t/batch', text)).status).toBe(200);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(site.collector.requests[0]!.raw).toBe(JSON.stringify({ batch: sent.batch, sentAt: sent.sentAt }));
  });
});

describe('the relay as a Fetch handler', () => {
  const request = (path: string, init: RequestInit = {}) => new Request(`https://shop.test${path}`, { method: 'POST', headers: json, ...init });

  it('forwards a batch and passes the answer back', async () => {
    const sent = batchOf(2);
    const res = await site.relay.fetch(request('/t/batch', { body: JSON.stringify(sent) }));
    expect(res.status).toBe(200);
    expect(site.collector.events).toHaveLength(2);
    expect(site.collector.requests[0]!.authorization).toBe(basic(SERVER_KEY));
  });

  it('answers 404 off its paths, 405 for GET and 413 for a large body, forwarding nothing', async () => {
    expect(await refused(site.relay.fetch(request('/elsewhere', { body: '{}' })), 404)).toMatch(/no relay route at \/elsewhere/);
    expect(await refused(site.relay.fetch(new Request('https://shop.test/t/batch')), 405)).toMatch(/POST/);
    expect(await refused(site.relay.fetch(request('/t/batch', { body: 'x'.repeat(600 * 1024) })), 413)).toMatch(/over/);
    expect(await refused(site.relay.fetch(request('/t/batch', { body: 'not json' })), 400)).toMatch(/not JSON/);
    expect(site.collector.requests).toEqual([]);
  });
});

describe('the relay and a slow or unusual peer', () => {
  /** A batch upload that sends its headers and ten bytes of its body, then stalls. */
  async function stalledUpload(): Promise<Socket> {
    const socket = connect(Number(new URL(site.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const body = JSON.stringify(batchOf(1));
    socket.write(`POST /t/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: ${basic(PAGE_KEY)}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return socket;
  }

  it('answers receipts questions and other batches while one upload stalls', async () => {
    await site.close();
    site = await startRelaySite({ maxConcurrent: 4, timeout: 1000 });
    const socket = await stalledUpload();
    try {
      expect(site.relay.inFlight).toBe(1);
      const asked = Promise.all([1, 2, 3].map(() => site.post('/t/receipts', { messageIds: ['id_aaaaaaaa'] }).then((r) => r.status)));
      // The collector's own answer (the fake one has no receipts: 404), not a wait for the upload.
      expect(await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, 3_000, 'no answer in 3 s'))])).toEqual([404, 404, 404]);
      expect((await site.post('/t/batch', batchOf(1))).status).toBe(200);
    } finally {
      socket.destroy();
    }
  });

  it('counts the requests being relayed, and passes a 204 back', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const relay = tidemarkRelay({
      writeKey: SERVER_KEY,
      browserWriteKeys: [PAGE_KEY],
      host: 'http://127.0.0.1:9',
      fetch: (async () => (await gate, new Response(null, { status: 204 }))) as unknown as typeof fetch,
    });
    const pending = relay.fetch(new Request('http://site/t/batch', { method: 'POST', headers: json, body: JSON.stringify(batchOf(1)) }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(relay.inFlight).toBe(1);
    release();
    expect((await pending).status).toBe(204);
    expect(relay.inFlight).toBe(0);
  });
});
