// A shop on two subdomains (www.shop.test and app.shop.test, mapped to 127.0.0.1 by
// Chromium's --host-resolver-rules in playwright.config.ts), served by one node:http server
// that mounts @tidemark/server's relay on /t/batch and /t/receipts and re-issues the visitor
// cookies on every page, in front of the reference collector (receipts, dedupe). The relay's
// forwards are counted, so a test sees the copies that reached the collector's wire.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RunningCollector } from '@tidemark/collector';
import { createServerClient, tidemark, tidemarkRelay, type ServerClient, type TidemarkRelay } from '@tidemark/server';
import { loadCollector, removeTempDirs, tempDir } from './collector-process.js';

/** The key the collector takes; only the server has it. */
export const SERVER_KEY = 'wk_server';
/** The key the pages carry; the relay accepts it and forwards with {@link SERVER_KEY}. */
export const PAGE_KEY = 'wk_public';

const harness = readFileSync(fileURLToPath(new URL('../harness/dist/harness.js', import.meta.url)), 'utf8');

/**
 * The shop's page: the e2e harness client on the relay of its own origin. `?cfg=` sets
 * `cookie` (the domain cookie on or off) and `flushInterval` (250 ms unless given).
 */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body>
<script src="/harness.js"></script>
<script>
  const cfg = JSON.parse(new URLSearchParams(location.search).get('cfg') || '{}');
  window.tm = TM.createTidemark({
    writeKey: '${PAGE_KEY}',
    transport: TM.httpTransport({ host: location.origin, path: '/t/batch', receiptsPath: '/t/receipts' }),
    flushAt: 1000,
    flushInterval: cfg.flushInterval || 250,
    ...(cfg.cookie && { cookie: { domain: 'shop.test' } }),
  });
</script></body></html>`;

/** The running shop. */
export interface RelayShop {
  /** The port every subdomain is served on. */
  port: number;
  /** `http://<sub>.shop.test:<port>` */
  origin(sub: string): string;
  /** The reference collector behind the relay. */
  collector: RunningCollector;
  /** Names of the events the collector stored (once each). */
  stored(): Promise<string[]>;
  /** The Content-Type of every request the relay's paths received, in order. */
  contentTypes: string[];
  /** Every event name the relay forwarded, copies included, and the Authorization of each forward. */
  forwarded: { names: string[]; authorizations: string[] };
  relay: TidemarkRelay;
  close(): Promise<void>;
}

/**
 * Start the collector and the shop.
 *
 * @returns the shop, listening on 127.0.0.1
 */
export async function startRelayShop(): Promise<RelayShop> {
  const { startCollector } = await loadCollector();
  const collector = await startCollector({ port: 0, dbPath: `${tempDir()}/events.db`, writeKeys: [SERVER_KEY], readKeys: ['rk_shop'], rateLimit: false, logger: { info() {}, warn() {}, error() {} } });
  const forwarded = { names: [] as string[], authorizations: [] as string[] };
  const counting: typeof fetch = (url, init) => {
    if (String(url).endsWith('/v1/batch')) {
      const body = JSON.parse(String(init?.body)) as { batch: Array<{ event?: string; type: string }> };
      forwarded.names.push(...body.batch.map((e) => e.event ?? e.type));
      forwarded.authorizations.push(String((init?.headers as Record<string, string>).authorization));
    }
    return fetch(url, init);
  };
  const relay = tidemarkRelay({ writeKey: SERVER_KEY, browserWriteKeys: [PAGE_KEY], host: collector.url, fetch: counting });
  const client: ServerClient = createServerClient({ writeKey: SERVER_KEY, host: collector.url, flushInterval: 0 });
  const visitor = tidemark({ client, issueCookies: { domain: 'shop.test' } });
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/t/')) contentTypes.push(`${req.url} ${req.headers['content-type'] ?? ''}`);
    relay(req, res, () =>
      visitor(req, res, () => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === '/harness.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(harness);
        else if (path === '/page.html') res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(PAGE);
        else res.writeHead(404).end();
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: (sub) => `http://${sub}.shop.test:${port}`,
    collector,
    forwarded,
    contentTypes,
    relay,
    async stored() {
      const res = await fetch(`${collector.url}/v1/export/events?pageSize=1000`, { headers: { authorization: 'Bearer rk_shop' } });
      return ((await res.json()) as { items: Array<{ name: string }> }).items.map((e) => e.name);
    },
    async close() {
      relay.close();
      await client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await collector.close();
      removeTempDirs();
    },
  };
}
