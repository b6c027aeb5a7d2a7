// The shop's backend: the landing page, the first-party relay of the page's events, a
// purchase API called from the browser, and a payment-provider webhook. Both backend events
// join the visitor's browser session.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tidemark, validateAnonymousId } from '@tidemark/server';
import { connectLite, jsonBody } from './connect-lite.mjs';

const page = readFileSync(new URL('./public/index.html', import.meta.url), 'utf8');
// The script-tag bundle, served from this origin for the example (a CDN in production).
const bundle = readFileSync(createRequire(import.meta.url).resolve('@tidemark/cdn/tidemark.min.js'));

/**
 * Build the app.
 *
 * @param {{ client: import('@tidemark/server').ServerClient, relay: import('@tidemark/server').TidemarkRelay, browser: { writeKey: string }, cookieDomain?: string }} deps
 *   the server client, the first-party relay, what the browser SDK needs (a public write key
 *   the relay accepts), and the cookie domain (`shop.example`) when subdomains share visitors
 * @returns a node:http request listener
 */
export function createApp({ client, relay, browser, cookieDomain }) {
  const app = connectLite();
  // First: the relay takes the page's batches on /t/batch and /t/receipts of this origin
  // (ad blockers drop requests to a collector's host, not to the shop's) and reads their
  // bodies itself, JSON or a page-hide beacon's text/plain; other requests pass on.
  app.use(relay);
  app.use(jsonBody());
  // Every request gets req.tidemark: a client bound to the visitor's anonymous ID and session,
  // read from the x-tidemark-* headers, the tm_aid cookie or the JSON body. issueCookies sends
  // the valid IDs back as first-party cookies, which Safari does not cap at 7 days.
  app.use(tidemark({ client, userId: (req) => req.headers['x-demo-user'], issueCookies: cookieDomain ? { domain: cookieDomain } : {} }));

  app.get('/', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  app.get('/tidemark.min.js', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
  });
  app.get('/config.js', (_req, res) => {
    // The page sends to its own origin's relay (index.html adds location.origin as the host).
    const config = { writeKey: browser.writeKey, path: '/t/batch', receiptsPath: '/t/receipts' };
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(`window.TIDEMARK_CONFIG = ${JSON.stringify(config)};`);
  });

  // Called by the page with tidemark.attributionHeaders(): the purchase joins the visitor.
  app.post('/api/purchase', async (req, res) => {
    const { sku = 'sku_demo', amount = 49 } = req.body ?? {};
    const orderId = `order_${Date.now().toString(36)}`;
    await req.tidemark.track('Purchase Completed', { orderId, sku: String(sku), amount: Number(amount), currency: 'EUR' });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ orderId, anonymousId: req.tidemark.anonymousId ?? null }));
  });

  // A payment provider calls this later, without the browser: the anonymous ID comes back as
  // the reference field the checkout set (Stripe's client_reference_id). Verify the provider's
  // signature here in production; the event ID as messageId makes redeliveries count once.
  app.post('/webhooks/payment', async (req, res) => {
    const event = req.body ?? {};
    const order = event.data?.object ?? {};
    const reference = validateAnonymousId(order.client_reference_id);
    if (event.type === 'checkout.session.completed') {
      await client.track({
        event: 'Order Paid',
        anonymousId: reference.ok ? reference.value : undefined,
        messageId: typeof event.id === 'string' ? event.id : undefined,
        properties: { amount: Number(order.amount_total) / 100, currency: String(order.currency ?? 'eur'), paymentId: String(order.id ?? '') },
      });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: true, attributed: reference.ok }));
  });
  return app;
}
