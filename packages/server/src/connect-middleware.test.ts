import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tidemark } from './connect-middleware.js';
import { createServerClient } from './create-server-client.js';
import type { RequestClient } from './request-client.js';
import type { ServerClient } from './server-client.js';
import { type FakeCollector, startFakeCollector } from '@tidemark/test-kit';

const AID = 'V1StGXR8_Z5jdHi6B-myT';
const SID = 1732530000000;
type Req = IncomingMessage & { tidemark: RequestClient; body?: unknown; user?: { id: string } };
type Handler = (req: Req, res: ServerResponse, next: (error?: unknown) => void) => void;

let collector: FakeCollector;
let client: ServerClient;
let app: Server;
let base: string;

/** A Connect-style runner on node:http: each handler calls next() to pass the request on. */
async function serve(...handlers: Handler[]): Promise<void> {
  app = createServer((req, res) => {
    let i = 0;
    const next = (error?: unknown): void => {
      if (error) {
        res.statusCode = 500;
        res.end(String(error));
        return;
      }
      const handler = handlers[i++];
      if (handler) handler(req as Req, res, next);
      else res.end('not found');
    };
    next();
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
}

/** The usual JSON body parser, so the middleware can read `req.body`. */
const jsonBody: Handler = (req, _res, next) => {
  let text = '';
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    try {
      req.body = text ? JSON.parse(text) : undefined;
    } catch {
      req.body = undefined;
    }
    next();
  });
};

const purchase: Handler = async (req, res) => {
  await req.tidemark.track('Purchase Completed', { amount: 99.99 });
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ anonymousId: req.tidemark.anonymousId ?? null, ignored: req.tidemark.ignored }));
};

beforeEach(async () => {
  collector = await startFakeCollector();
  client = createServerClient({ writeKey: 'wk_test', host: collector.url, flushInterval: 0 });
});
afterEach(async () => {
  await client.close();
  app.closeAllConnections();
  await new Promise((resolve) => app.close(resolve));
  await collector.close();
});

describe('tidemark() middleware on a node:http server', () => {
  it('binds the header IDs to req.tidemark and stamps the backend event with them', async () => {
    await serve(tidemark({ client }), purchase);
    const res = await fetch(`${base}/api/purchase`, { method: 'POST', headers: { 'x-tidemark-anonymous-id': AID, 'x-tidemark-session-id': String(SID) } });
    expect(await res.json()).toEqual({ anonymousId: AID, ignored: [] });
    await client.flush();
    expect(collector.events[0]).toMatchObject({
      event: 'Purchase Completed', anonymousId: AID, properties: { amount: 99.99, anonymous_id: AID }, context: { sessionId: SID },
    });
  });

  it('reads the first-party cookie when there is no header, and ignores a forged header', async () => {
    await serve(tidemark({ client }), purchase);
    const res = await fetch(`${base}/`, { headers: { cookie: `tm_aid=${AID}`, 'x-tidemark-anonymous-id': '<script>alert(1)</script>' } });
    const body = (await res.json()) as { anonymousId: string; ignored: unknown[] };
    expect(body).toEqual({ anonymousId: AID, ignored: [{ source: 'header', name: 'x-tidemark-anonymous-id', reason: 'invalid_characters' }] });
    await client.flush();
    expect(collector.requests[0]?.raw).not.toContain('script');
  });

  it('reads the anonymous ID from a parsed JSON body placed before it', async () => {
    await serve(jsonBody, tidemark({ client }), purchase);
    await fetch(`${base}/api/purchase`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ anonymous_id: AID }) });
    await client.flush();
    expect(collector.events[0]?.anonymousId).toBe(AID);
  });

  it('adds the signed-in user and remembers identify for the rest of the request', async () => {
    const signIn: Handler = (req, _res, next) => {
      req.user = { id: 'user_42' };
      next();
    };
    const handler: Handler = async (req, res) => {
      await req.tidemark.track('Viewed');
      await req.tidemark.identify('user_99', { plan: 'pro' });
      await req.tidemark.track('Upgraded');
      res.end('ok');
    };
    await serve(signIn, tidemark({ client, userId: (req: Req) => req.user?.id }), handler);
    await fetch(base, { headers: { 'x-tidemark-anonymous-id': AID } });
    await client.flush();
    expect(collector.events.map((e) => [e.type, e.userId, e.anonymousId])).toEqual([
      ['track', 'user_42', AID],
      ['identify', 'user_99', AID],
      ['track', 'user_99', AID],
    ]);
  });

  it('falls back to the client’s own anonymous ID for requests without one', async () => {
    await serve(tidemark({ client }), purchase);
    const res = await fetch(base);
    expect(await res.json()).toEqual({ anonymousId: null, ignored: [] });
    await client.flush();
    expect(collector.events[0]?.anonymousId).toBe(client.getAnonymousId());
  });

  it('can make its own client from options and expose it', async () => {
    const mw = tidemark({ writeKey: 'wk_own', host: collector.url, flushInterval: 0 });
    await serve(mw, purchase);
    await fetch(base, { headers: { 'x-tidemark-anonymous-id': AID } });
    await mw.client.close();
    expect(collector.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('wk_own:').toString('base64')}`);
  });

  it('never fails a request, even when reading it throws', async () => {
    await serve((req, res, next) => {
      Object.defineProperty(req, 'headers', { get: () => { throw new Error('hostile'); } });
      next();
    }, tidemark({ client, userId: () => { throw new Error('bad getter'); } }), purchase);
    const res = await fetch(base);
    expect(res.status).toBe(200);
  });
});
