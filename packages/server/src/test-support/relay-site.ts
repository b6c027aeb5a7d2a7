// A site for the relay's tests: the relay as Connect middleware on a real node:http server in
// front of the test kit's fake collector, which accepts only the server's write key.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeCollector, startFakeCollector, testEvent } from '@tidemark/test-kit';
import { tidemarkRelay, type TidemarkRelay } from '../relay.js';
import type { RelayOptions } from '../relay-options.js';

/** The key the collector accepts; only the relay knows it. */
export const SERVER_KEY = 'wk_server_secret';
/** The key pages carry. */
export const PAGE_KEY = 'wk_public';
/** `Authorization: Basic` of a write key. */
export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
/** A batch body of `n` valid events. */
export const batchOf = (n: number) => ({ batch: Array.from({ length: n }, (_, i) => testEvent(i)), sentAt: new Date().toISOString() });

/** A running site: its URL, the relay, the collector behind it. */
export interface RelaySite {
  url: string;
  relay: TidemarkRelay;
  collector: FakeCollector;
  /** POST a body (JSON unless a string) with the page's key, or with `headers`. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Start a collector and a site that mounts the relay; other paths answer `app`.
 *
 * @param options - relay options over the defaults (collector host, page key accepted)
 * @param collector - reuse this collector instead of starting one
 * @returns the site
 */
export async function startRelaySite(options: Partial<RelayOptions> = {}, collector?: FakeCollector): Promise<RelaySite> {
  const fake = collector ?? (await startFakeCollector({ writeKey: SERVER_KEY }));
  const relay = tidemarkRelay({ writeKey: SERVER_KEY, browserWriteKeys: [PAGE_KEY], host: fake.url, ...options });
  const app: Server = createServer((req, res) => relay(req, res, () => res.end('app')));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  return {
    url,
    relay,
    collector: fake,
    post: (path, body, headers = { 'content-type': 'application/json', authorization: basic(PAGE_KEY) }) =>
      fetch(`${url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    async close() {
      relay.close();
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
      if (!collector) await fake.close();
    },
  };
}
