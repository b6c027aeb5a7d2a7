import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeCollector, startFakeCollector } from '@tidemark/test-kit';
import { tidemark, type MiddlewareBindOptions } from './connect-middleware.js';
import { createServerClient } from './create-server-client.js';
import { withTidemark } from './fetch-handler.js';
import type { ServerClient } from './server-client.js';

const AID = 'V1StGXR8_Z5jdHi6B-myT';
const SID = '1732530000000';
const YEAR_400 = 400 * 86_400;

let collector: FakeCollector;
let client: ServerClient;
let app: Server | undefined;

beforeEach(async () => {
  collector = await startFakeCollector();
  client = createServerClient({ writeKey: 'wk_test', host: collector.url, flushInterval: 0 });
});
afterEach(async () => {
  await client.close();
  app?.closeAllConnections();
  await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
  app = undefined;
  await collector.close();
});

/** A node:http server running the middleware, then a handler that may set a cookie of its own. */
async function serve(options: Omit<MiddlewareBindOptions, 'client'>): Promise<string> {
  const middleware = tidemark({ client, ...options });
  app = createServer((req: IncomingMessage, res: ServerResponse) => {
    middleware(req, res, () => {
      if (req.url === '/own') res.setHeader('set-cookie', 'cart=1; Path=/');
      // Headers handed to writeHead replace those set before it.
      if (req.url === '/write-head') res.writeHead(200, { 'Set-Cookie': 'cart=1; Path=/', 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => app!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
}

describe('issueCookies', () => {
  it('re-issues the valid cookie IDs as 400-day first-party cookies the SDK can read', async () => {
    const base = await serve({ issueCookies: true });
    const res = await fetch(`${base}/`, { headers: { cookie: `tm_aid=${AID}; tm_sid=${SID}` } });
    expect(res.headers.getSetCookie()).toEqual([
      `tm_aid=${AID}; Max-Age=${YEAR_400}; Path=/; SameSite=Lax`,
      `tm_sid=${SID}; Max-Age=1800; Path=/; SameSite=Lax`,
    ]);
  });

  it('adds Domain and Secure behind an https proxy, and keeps the app’s own cookies', async () => {
    const base = await serve({ issueCookies: { domain: 'shop.test', maxAgeDays: 30 } });
    const res = await fetch(`${base}/own`, { headers: { 'x-tidemark-anonymous-id': AID, 'x-forwarded-proto': 'https' } });
    expect(res.headers.getSetCookie()).toEqual(['cart=1; Path=/', `tm_aid=${AID}; Max-Age=${30 * 86_400}; Path=/; SameSite=Lax; Domain=shop.test; Secure`]);
  });

  it('keeps the cookies when the app passes its own Set-Cookie to writeHead', async () => {
    const base = await serve({ issueCookies: true });
    const res = await fetch(`${base}/write-head`, { headers: { cookie: `tm_aid=${AID}` } });
    expect(res.headers.getSetCookie()).toEqual(['cart=1; Path=/', `tm_aid=${AID}; Max-Age=${YEAR_400}; Path=/; SameSite=Lax`]);
  });

  it('issues nothing for forged IDs, body IDs, or with the option off', async () => {
    const base = await serve({ issueCookies: true });
    for (const cookie of ['tm_aid=abc%0d%0aSet-Cookie:x; tm_sid=0', `tm_aid=${'A'.repeat(5000)}`, 'tm_aid=short']) {
      const res = await fetch(`${base}/`, { headers: { cookie } });
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    const body = await fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ anonymous_id: AID }) });
    expect(body.headers.getSetCookie()).toEqual([]);
    app!.closeAllConnections();
    await new Promise((resolve) => app!.close(resolve));
    const off = await serve({});
    expect((await fetch(`${off}/`, { headers: { cookie: `tm_aid=${AID}` } })).headers.getSetCookie()).toEqual([]);
  });

  it('refuses a domain that could break the header, at set-up', () => {
    expect(() => tidemark({ client, issueCookies: { domain: 'shop.test; HttpOnly' } })).toThrowError(/issueCookies.domain must be a host name/);
    expect(() => tidemark({ client, issueCookies: { maxAgeDays: 401 } })).toThrowError(/maxAgeDays must be an integer from 1 to 400/);
  });

  it('adds the cookies to a Fetch handler’s response, even one with immutable headers', async () => {
    const handler = withTidemark(client, (request) => (new URL(request.url).pathname === '/go' ? Response.redirect('https://shop.test/next', 302) : new Response('ok')), { issueCookies: true });
    const ok = await handler(new Request('https://shop.test/', { headers: { cookie: `tm_aid=${AID}` } }));
    expect(ok.headers.getSetCookie()).toEqual([`tm_aid=${AID}; Max-Age=${YEAR_400}; Path=/; SameSite=Lax; Secure`]);
    const redirect = await handler(new Request('http://shop.test/go', { headers: { 'x-tidemark-anonymous-id': AID, 'x-tidemark-session-id': SID } }));
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://shop.test/next');
    expect(redirect.headers.getSetCookie()).toEqual([`tm_aid=${AID}; Max-Age=${YEAR_400}; Path=/; SameSite=Lax`, `tm_sid=${SID}; Max-Age=1800; Path=/; SameSite=Lax`]);
  });
});
