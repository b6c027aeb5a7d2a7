// The shop's backend: the landing page, a purchase API called from the browser, and a
// payment-provider webhook. Both backend events join the visitor's browser session.
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
 * @param {{ client: import('@tidemark/server').ServerClient, browser: { writeKey: string, host: string } }} deps
 *   the server client, and what the browser SDK needs (a public write key and the collector URL)
 * @returns a node:http request listener
 */
export function createApp({ client, browser }) {
  const app = connectLite();
  app.use(jsonBody());
  // Every request gets req.tidemark: a client bound to the visitor's anonymous ID and session,
  // read from the x-tidemark-* headers, the tm_aid cookie or the JSON body.
  app.use(tidemark({ client, userId: (req) => req.headers['x-demo-user'] }));

  app.get('/', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  app.get('/tidemark.min.js', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
  });
  app.get('/config.js', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(`window.TIDEMARK_CONFIG = ${JSON.stringify(browser)};`);
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
