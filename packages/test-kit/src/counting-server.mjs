// The benches' baseline: the cheapest server a client can send to on loopback. It parses each
// batch, counts its events and acknowledges them at once (no storage, no dedupe), so a figure
// against it is the client's cost and the platform's, not a database's. Segment-spec
// `{ batch }` bodies get `{"success":true}`; Nucleus `{ data }` bodies, over HTTP or a
// WebSocket, get `{ reportedIds }`. `GET` answers the count. Plain JavaScript so benches run
// it with node as it is; `node counting-server.mjs` runs it as its own process (a bench that
// must not share its event loop with the server) and prints `listening on <url>`.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

/** @param {unknown} body */
function answer(body) {
  const data = /** @type {{ batch?: unknown[], data?: Array<{ messageId?: string, id?: string }> }} */ (body);
  if (Array.isArray(data.data)) return { count: data.data.length, reply: { reportedIds: data.data.map((e) => e.messageId ?? e.id) } };
  return { count: Array.isArray(data.batch) ? data.batch.length : 0, reply: { success: true } };
}

/** @returns {Promise<import('./counting-server.d.mts').CountingServer>} */
export async function startCountingServer() {
  let received = 0;
  const http = createServer((req, res) => {
    if (req.method === 'GET') return void res.end(String(received));
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const { count, reply } = answer(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      received += count;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) =>
    ws.on('message', (raw) => {
      const { count, reply } = answer(JSON.parse(String(raw)));
      received += count;
      ws.send(JSON.stringify(reply));
    }),
  );
  await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (http.address());
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    received: () => received,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(() => resolve(undefined)));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startCountingServer();
  console.log(`listening on ${server.url}`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
