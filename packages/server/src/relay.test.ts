import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tidemarkRelay } from './relay.js';
import type { RelayOptions } from './relay-options.js';
import { basic, batchOf, PAGE_KEY, SERVER_KEY, startRelaySite, type RelaySite } from './test-support/relay-site.js';

let site: RelaySite | undefined;
let collector: RelaySite['collector'];
let relay: RelaySite['relay'];
let post: RelaySite['post'];

async function serve(options: Partial<RelayOptions> = {}): Promise<void> {
  await site?.close();
  site = await startRelaySite(options);
  ({ collector, relay, post } = site);
}

beforeEach(() => serve());
afterEach(async () => {
  await site?.close();
  site = undefined;
});

describe('tidemarkRelay (Connect middleware on node:http)', () => {
  it('forwards a batch with the server’s write key and passes the collector’s answer back', async () => {
    const sent = batchOf(3);
    const res = await post('/t/batch', sent);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
    expect(collector.events.map((e) => e.messageId)).toEqual(sent.batch.map((e) => e.messageId));
    const [forwarded] = collector.requests;
    expect(forwarded!.authorization).toBe(basic(SERVER_KEY));
    expect(forwarded!.body).toEqual({ batch: sent.batch, sentAt: sent.sentAt });
  });

  it("forwards the batch-level context the browser's events share, and refuses one that is not an object", async () => {
    const sent = { ...batchOf(2), context: { library: { name: 'tidemark', version: '1' }, locale: 'en-GB' } };
    expect((await post('/t/batch', sent)).status).toBe(200);
    expect(collector.requests[0]!.body).toEqual(sent);
    expect(collector.events.map((e) => e.context)).toEqual(sent.batch.map((e) => ({ ...sent.context, ...e.context })));
    const res = await post('/t/batch', { ...batchOf(1), context: 'forged' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: 'context must be an object, shared by every event of the batch' });
    expect(collector.requests).toHaveLength(1);
  });

  it('takes a page-hide beacon (text/plain, write key in the body) and never forwards the browser’s key', async () => {
    const res = await post('/t/batch', { ...batchOf(2), writeKey: PAGE_KEY }, { 'content-type': 'text/plain;charset=UTF-8' });
    expect(res.status).toBe(200);
    expect(collector.events).toHaveLength(2);
    expect(collector.requests[0]!.raw).not.toContain(PAGE_KEY);
    expect(collector.requests[0]!.bodyWriteKey).toBeUndefined();
  });

  it('passes per-event refusals and retry answers through, so the browser isolates and retries as with the collector', async () => {
    const sent = batchOf(2);
    collector.poison.add(sent.batch[1]!.messageId);
    const refused = await post('/t/batch', sent);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'poisoned' });
    collector.poison.clear();
    collector.failWith(503, '7');
    const busy = await post('/t/batch', sent);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('7');
    collector.failWith(undefined);
    expect((await post('/t/batch', sent)).status).toBe(200);
    expect(collector.events).toHaveLength(2);
  });

  it('relays receipts questions and answers, a collector without receipts (404) included', async () => {
    const ids = ['aaaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbb'];
    expect((await post('/t/receipts', { messageIds: ids })).status).toBe(404); // the fake collector has none
    collector.respond((request) => (request.path === '/v1/receipts' ? { status: 200, body: JSON.stringify({ stored: [ids[0]] }) } : undefined));
    const res = await post('/t/receipts', { messageIds: ids });
    expect(await res.json()).toEqual({ stored: [ids[0]] });
    const asked = collector.requests.at(-1)!;
    expect(asked.authorization).toBe(basic(SERVER_KEY));
    expect(asked.body).toEqual({ messageIds: ids });
  });

  it('asks the collector a receipts question only after the batches in flight through it have landed', async () => {
    const sent = batchOf(2);
    const ids = sent.batch.map((e) => e.messageId);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    collector.respond(async (request) => {
      order.push(request.path);
      if (request.path === '/v1/batch') return await held, undefined;
      return { status: 200, body: JSON.stringify({ stored: collector.events.map((e) => e.messageId).filter((id) => ids.includes(id)) }) };
    });
    const beacon = post('/t/batch', { ...sent, writeKey: PAGE_KEY }, { 'content-type': 'text/plain;charset=UTF-8' });
    await vi.waitFor(() => expect(order).toEqual(['/v1/batch']));
    const question = post('/t/receipts', { messageIds: ids });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual(['/v1/batch']); // held back while the beacon is on its way
    release();
    expect((await beacon).status).toBe(200);
    expect(await (await question).json()).toEqual({ stored: ids });
    expect(order).toEqual(['/v1/batch', '/v1/receipts']);
  });

  it('leaves every other path to the app, and takes its paths from the options', async () => {
    await serve({ path: '/collect', receiptsPath: '/collect/receipts' });
    expect(await (await fetch(`${site!.url}/t/batch`, { method: 'POST', body: '{}' })).text()).toBe('app');
    expect((await post('/collect', batchOf(1))).status).toBe(200);
    expect(collector.events).toHaveLength(1);
  });

  it('answers 503 with Retry-After when maxConcurrent requests are in flight, and forwards nothing for it', async () => {
    await serve({ maxConcurrent: 1 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    collector.respond(async () => (await held, undefined));
    const first = post('/t/batch', batchOf(1));
    await vi.waitFor(() => expect(collector.requests).toHaveLength(1)); // the collector's own waitFor wakes on answers only
    const second = await post('/t/batch', batchOf(1));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.json()).toEqual({ status: 503, message: expect.stringMatching(/busy/) });
    release();
    expect((await first).status).toBe(200);
    expect(collector.requests).toHaveLength(1);
    expect(relay.inFlight).toBe(0);
  });

  it('answers 504 when the collector does not answer in time, and 502 when it cannot be reached or refuses the server’s key', async () => {
    await serve({ timeout: 1_000 });
    collector.respond(() => 'hang');
    const slow = await post('/t/batch', batchOf(1));
    expect(slow.status).toBe(504);
    expect(await slow.json()).toEqual({ status: 504, message: 'the collector did not answer within 1000 ms' });
    collector.respond(() => ({ status: 401 }));
    expect((await post('/t/batch', batchOf(1))).status).toBe(502);
    await serve({ host: 'http://127.0.0.1:9' });
    const down = await post('/t/batch', batchOf(1));
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({ status: 502, message: 'the collector could not be reached' });
  });

  it('refuses wrong options at set-up', () => {
    expect(() => tidemarkRelay({} as RelayOptions)).toThrowError(/the relay needs the server's writeKey/);
    expect(() => tidemarkRelay({ writeKey: SERVER_KEY, path: 'no-slash' })).toThrowError(/path must be a path on the site/);
    expect(() => tidemarkRelay({ writeKey: SERVER_KEY, maxBodyBytes: 10 })).toThrowError(/maxBodyBytes must be an integer from 1024/);
  });
});
