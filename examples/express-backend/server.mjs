// Start the example: `TIDEMARK_COLLECTOR_URL=http://localhost:8787 TIDEMARK_WRITE_KEY=wk_demo node server.mjs`
// (with the reference collector running: `tidemark-collector --write-key wk_demo --read-key rk_demo`).
import { createServer } from 'node:http';
import { createServerClient, tidemarkRelay } from '@tidemark/server';
import { createApp } from './app.mjs';

const host = process.env.TIDEMARK_COLLECTOR_URL ?? 'http://localhost:8787';
const writeKey = process.env.TIDEMARK_WRITE_KEY ?? 'wk_demo';
const client = createServerClient({ writeKey, host, debug: process.env.TIDEMARK_DEBUG === '1' });
const browserKey = process.env.TIDEMARK_BROWSER_WRITE_KEY ?? writeKey;
// The relay forwards with the server's write key; pages may present only the browser's.
const relay = tidemarkRelay({ writeKey, browserWriteKeys: [browserKey], host });
const app = createApp({ client, relay, browser: { writeKey: browserKey }, cookieDomain: process.env.TIDEMARK_COOKIE_DOMAIN });
const server = createServer(app);

server.listen(Number(process.env.PORT ?? 3000), process.env.BIND ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`shop listening on http://${address}:${port}`);
});

// Deliver what is queued before exiting: close() flushes for at most 5 s.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    server.close();
    server.closeIdleConnections();
    relay.close();
    const { delivered, dropped } = await client.close();
    console.log(`tidemark: ${delivered} events delivered on shutdown, ${dropped} dropped`);
    process.exit(0);
  });
}
