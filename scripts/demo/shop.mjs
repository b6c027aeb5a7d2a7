// The demo shop's server: the files of examples/demo-site/ and the SDK bundle, plus the shop's
// own small backend, all on one origin. The browser's events go to the first-party relay of
// @tidemark/server (/t/batch, /t/receipts), which forwards them with the server's write key;
// the checkout API reads the visitor's IDs from the request (the server bridge) and records
// the purchase with its revenue through the server client, so it joins the campaign.
import { createServer } from 'node:http';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/** What the shop charges, by product: prices are the server's, never the page's. */
const PRICES = { 'Blue Mug': 12.5, 'Tide Chart Poster': 24 };

/** The cart the page posts, priced here; unknown products are ignored. */
function price(body) {
  const products = Array.isArray(body?.products) ? body.products.filter((p) => Object.hasOwn(PRICES, p)) : [];
  return { products, revenue: products.reduce((sum, p) => sum + PRICES[p], 0) };
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Start the shop on a free port of 127.0.0.1.
 *
 * @param {{ root: string, server: typeof import('@tidemark/server'), collectorUrl: string, writeKey: string, browserKey: string }} options
 *   the repository, the built `@tidemark/server`, the collector, the server's write key and the page's public one
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startShop({ root, server, collectorUrl, writeKey, browserKey }) {
  const siteDir = join(root, 'examples/demo-site');
  const sdk = join(root, 'packages/cdn/dist/tidemark.min.js');
  // Only files that exist at start are served, so no request path reaches the file system.
  const files = new Map(readdirSync(siteDir).map((name) => [`/${name}`, join(siteDir, name)]));
  files.set('/', join(siteDir, 'index.html'));
  files.set('/sdk/tidemark.min.js', sdk);
  if (existsSync(`${sdk}.map`)) files.set('/sdk/tidemark.min.js.map', `${sdk}.map`);

  const client = server.createServerClient({ writeKey, host: collectorUrl });
  const relay = server.tidemarkRelay({ writeKey, browserWriteKeys: [browserKey], host: collectorUrl });
  // req.tidemark carries the visitor's anonymous ID and session from the request; issueCookies
  // re-issues them as first-party cookies, past Safari's 7-day cap on script cookies.
  const bridge = server.tidemark({ client, issueCookies: {} });
  let orders = 0;

  const http = createServer((req, res) =>
    relay(req, res, () =>
      bridge(req, res, async () => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === '/api/checkout' && req.method === 'POST') {
          const { products, revenue } = price(await readJson(req));
          const orderId = `order_${++orders}_${Date.now().toString(36)}`;
          // The order ID as messageId: a retried checkout or the payment webhook's copy counts once.
          await req.tidemark.track('Order Completed', { orderId, products, revenue, currency: 'EUR' }, { messageId: orderId });
          await client.flush(); // so the dashboard shows it at once
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ orderId, revenue }));
        }
        if (path === '/demo-config.js') {
          // The page sends to its own origin's relay, with the public key the relay accepts.
          const config = { writeKey: browserKey, path: '/t/batch', receiptsPath: '/t/receipts' };
          res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' });
          return res.end(`window.TIDEMARK_DEMO = ${JSON.stringify(config)};\n`);
        }
        const file = files.get(path);
        if (!file) return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(readFileSync(file));
      }),
    ),
  );
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    async close() {
      relay.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await client.close();
    },
  };
}
