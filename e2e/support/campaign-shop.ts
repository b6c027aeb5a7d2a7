// A shop on www.shop.test and app.shop.test (127.0.0.1 by playwright.config.ts's host-resolver
// rule) for the attribution journey: pages load the built script tag with the parent-domain
// cookie, a checkout API records the purchase through the server bridge, a payment webhook
// records it again under the same messageId, and the relay of @tidemark/server is mounted on
// /t/batch and /t/receipts. Between every sender and the reference collector sits a counting
// pass-through, so a test sees each copy that reached the collector's wire, not only what
// the collector kept after deduplicating.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RunningCollector } from '@tidemark/collector';
import { withBatchContext } from '@tidemark/protocol';
import { createServerClient, tidemark, tidemarkRelay, validateAnonymousId, type RequestClient, type ServerClient } from '@tidemark/server';
import { loadCollector, removeTempDirs, tempDir } from './collector-process.js';

/** The collector's write key for the server (relay forwards and backend events). */
export const SERVER_KEY = 'wk_server';
/** The public key the pages carry, straight to the collector or through the relay. */
export const PAGE_KEY = 'wk_public';
/** The collector's read key. */
export const READ_KEY = 'rk_shop';
/** What the shop's server charges for the boots; the page never says the price. */
export const REVENUE = 49.9;

const bundle = readFileSync(fileURLToPath(new URL('../../packages/cdn/dist/tidemark.min.js', import.meta.url)));

/** One event as it crossed the collector's wire. */
export interface WireEvent {
  messageId: string;
  name: string;
  library: string;
}

/** The running shop. */
export interface CampaignShop {
  /** `http://<sub>.shop.test:<port>` */
  origin(sub: string): string;
  /** `http://127.0.0.1:<port>`: the shop as a payment provider calls it (Node cannot resolve *.shop.test). */
  backend: string;
  /** The origin the pages (without the relay) send to: the counting pass-through. */
  collectorOrigin: string;
  collector: RunningCollector;
  /** Every event of every `/v1/batch` that reached the collector, copies included. */
  wire: WireEvent[];
  /** `<path> <content type>` of every request the relay's routes received. */
  relayed: string[];
  /** Send what the backend's server client has queued. */
  flushBackend(): Promise<void>;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

/** The page: the script tag alone configures Tidemark; two buttons are the shop. */
function shopPage(relay: boolean, collectorOrigin: string, origin: string): string {
  const target = relay ? `data-host="${origin}" data-path="/t/batch" data-receipts-path="/t/receipts"` : `data-host="${collectorOrigin}"`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script src="/sdk/tidemark.min.js" data-write-key="${PAGE_KEY}" ${target} data-cookie-domain="shop.test" data-auto-page></script>
</head><body>
<input id="user" value="user_ada"><button id="sign-up">Sign up</button>
<button id="buy">Buy boots</button><p id="result"></p>
<script>
document.getElementById('sign-up').onclick = () => tidemark.identify(document.getElementById('user').value);
document.getElementById('buy').onclick = async () => {
  const res = await fetch('/api/checkout', { method: 'POST', headers: tidemark.attributionHeaders() });
  document.getElementById('result').textContent = 'Order ' + (await res.json()).orderId;
};
</script></body></html>`;
}

/**
 * Start the collector, the counting pass-through and the shop.
 *
 * @param options - `relay`: the pages send to their own origin's relay, not the collector
 * @returns the shop, listening on 127.0.0.1
 */
export async function startCampaignShop(options: { relay: boolean }): Promise<CampaignShop> {
  const { startCollector } = await loadCollector();
  const collector = await startCollector({ port: 0, dbPath: `${tempDir()}/events.db`, writeKeys: [SERVER_KEY, PAGE_KEY], readKeys: [READ_KEY], rateLimit: false, logger: { info() {}, warn() {}, error() {} } });

  const wire: WireEvent[] = [];
  const passThrough = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.url?.endsWith('/v1/batch') && body.length) {
      const sent = JSON.parse(body.toString('utf8')) as { batch: unknown[]; context?: unknown };
      const batch = withBatchContext(sent.batch, sent.context) as Array<{ messageId: string; type: string; event?: string; context?: { library?: { name?: string } } }>;
      wire.push(...batch.map((e) => ({ messageId: e.messageId, name: e.event ?? e.type, library: e.context?.library?.name ?? '' })));
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
    const answer = await fetch(`${collector.url}${req.url}`, { method: req.method, headers, ...(body.length && { body: new Uint8Array(body) }) });
    // fetch has decoded the body, so its length and encoding headers no longer apply.
    const back = Object.fromEntries([...answer.headers].filter(([k]) => !['content-length', 'content-encoding', 'transfer-encoding'].includes(k)));
    res.writeHead(answer.status, back).end(Buffer.from(await answer.arrayBuffer()));
  });
  const collectorOrigin = `http://127.0.0.1:${await listen(passThrough)}`;

  const client: ServerClient = createServerClient({ writeKey: SERVER_KEY, host: collectorOrigin, flushInterval: 0 });
  const relay = tidemarkRelay({ writeKey: SERVER_KEY, browserWriteKeys: [PAGE_KEY], host: collectorOrigin });
  const visitor = tidemark({ client, issueCookies: { domain: 'shop.test' } });
  let orders = 0;
  const relayed: string[] = [];
  const shop = createServer((req, res) => {
    if (req.url?.startsWith('/t/')) relayed.push(`${req.url} ${req.headers['content-type']}`);
    relay(req, res, () =>
      visitor(req, res, async () => {
        const path = (req.url ?? '/').split('?')[0];
        const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (path === '/sdk/tidemark.min.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
        else if (path === '/') res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(shopPage(options.relay, collectorOrigin, `http://${req.headers.host}`));
        else if (path === '/api/checkout' && req.method === 'POST') {
          // The order ID is the idempotency key: the webhook's copy of this purchase is stored once.
          const orderId = `order_${++orders}_${Date.now().toString(36)}`;
          const tm = (req as IncomingMessage & { tidemark: RequestClient }).tidemark;
          await tm.track('Order Completed', { orderId, revenue: REVENUE, currency: 'EUR' }, { messageId: orderId });
          json({ orderId, anonymousId: tm.anonymousId });
        } else if (path === '/webhooks/payment' && req.method === 'POST') {
          // The provider knows the order and the checkout's reference (the anonymous ID), not the browser.
          const { orderId, reference } = JSON.parse((await readBody(req)).toString('utf8')) as { orderId: string; reference: string };
          const anonymousId = validateAnonymousId(reference);
          if (anonymousId.ok) await client.track({ event: 'Order Completed', anonymousId: anonymousId.value, messageId: orderId, properties: { orderId, revenue: REVENUE, currency: 'EUR' } });
          json({ received: true, attributed: anonymousId.ok });
        } else res.writeHead(404).end();
      }),
    );
  });
  const port = await listen(shop);
  return {
    origin: (sub) => `http://${sub}.shop.test:${port}`,
    backend: `http://127.0.0.1:${port}`,
    collectorOrigin,
    collector,
    wire,
    relayed,
    flushBackend: async () => void (await client.flush()),
    async close() {
      relay.close();
      await client.close();
      for (const server of [shop, passThrough]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await collector.close();
      removeTempDirs();
    },
  };
}
