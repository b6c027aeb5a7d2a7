import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerClient } from './create-server-client.js';
import { bindFetchRequest, withTidemark } from './fetch-handler.js';
import type { ServerClient } from './server-client.js';
import { type FakeCollector, startFakeCollector } from '@tidemark/test-kit';

const AID = 'V1StGXR8_Z5jdHi6B-myT';
let collector: FakeCollector;
let client: ServerClient;

beforeEach(async () => {
  collector = await startFakeCollector();
  client = createServerClient({ writeKey: 'wk_test', host: collector.url, flushInterval: 0 });
});
afterEach(async () => {
  await client.close();
  await collector.close();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request('https://shop.example.com/api/purchase', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('withTidemark() for Fetch-standard handlers', () => {
  it('hands the bound client to the handler and passes the other arguments through', async () => {
    const handler = withTidemark(client, async (request, tm, env: { region: string }, ctx: { id: number }) => {
      await tm.track('Purchase Completed', { amount: 10 });
      return Response.json({ anonymousId: tm.anonymousId, region: env.region, id: ctx.id, url: request.url });
    });
    const response = await handler(new Request('https://shop.example.com/x', { headers: { 'x-tidemark-anonymous-id': AID } }), { region: 'eu' }, { id: 7 });
    expect(await response.json()).toEqual({ anonymousId: AID, region: 'eu', id: 7, url: 'https://shop.example.com/x' });
    await client.flush();
    expect(collector.events[0]).toMatchObject({ event: 'Purchase Completed', anonymousId: AID });
  });

  it('reads a JSON body clone and leaves the body readable for the handler', async () => {
    const handler = withTidemark(client, async (request, tm) => Response.json({ anonymousId: tm.anonymousId, body: await request.json() }));
    const response = await handler(post(JSON.stringify({ anonymous_id: AID, items: [1, 2] })));
    expect(await response.json()).toEqual({ anonymousId: AID, body: { anonymous_id: AID, items: [1, 2] } });
  });

  it('does not read bodies over maxBodyBytes, nor bodies that are not JSON', async () => {
    const big = JSON.stringify({ anonymous_id: AID, pad: 'x'.repeat(2_000) });
    expect((await bindFetchRequest(client, post(big), { maxBodyBytes: 1_000 })).anonymousId).toBeUndefined();
    expect((await bindFetchRequest(client, post('{not json'))).anonymousId).toBeUndefined();
    expect((await bindFetchRequest(client, post(JSON.stringify({ anonymous_id: AID })), { readBody: false })).anonymousId).toBeUndefined();
  });

  it('prefers the cookie to the body, and takes the user from a getter', async () => {
    const tm = await bindFetchRequest(client, post(JSON.stringify({ anonymous_id: 'Body_id_0123' }), { cookie: `tm_aid=${AID}` }), { userId: () => 'user_1' });
    expect(tm.anonymousId).toBe(AID);
    expect(tm.userId).toBe('user_1');
  });

  it('ignores a forged body ID', async () => {
    const tm = await bindFetchRequest(client, post(JSON.stringify({ anonymous_id: 'x\r\nInjected: yes' })));
    expect(tm.anonymousId).toBeUndefined();
    expect(tm.ignored).toEqual([{ source: 'body', name: 'anonymous_id', reason: 'invalid_characters' }]);
  });
});
