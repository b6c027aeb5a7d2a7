import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { RouteDeps } from '../routes/deps.js';
import { sourceOfApp } from '../routes/ingest-routes.js';
import { serveIngestSocket } from './ingest-socket.js';
import type { LiveFeed } from './live-feed.js';

/** Close code for a refused key: browsers cannot see the HTTP status of a refused upgrade, so the socket is accepted and closed with it. */
export const CLOSE_UNAUTHORIZED = 4001;

/** How long a socket closed for a protocol error may take to finish the close handshake. */
const CLOSE_HANDSHAKE_MS = 1_000;

/** What the upgrade handler needs besides the route state. */
export interface UpgradeContext {
  wss: WebSocketServer;
  deps: RouteDeps;
  live: LiveFeed;
  /** Open ingest sockets per address. */
  connections: Map<string, number>;
  closing: () => boolean;
  /** Current counters, for the dashboard's first message. */
  stats: () => unknown;
}

function refuse(socket: Duplex, status: string, retryAfterS?: number): void {
  const retry = retryAfterS === undefined ? '' : `Retry-After: ${retryAfterS}\r\n`;
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n${retry}Content-Length: 0\r\n\r\n`);
}

function appIdOf(path: string): string | null | undefined {
  const match = /^\/app\/([^/]+)\/track\/?$/.exec(path) ?? /^\/([^/]+)\/?$/.exec(path);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/**
 * Route a WebSocket upgrade: `/v1/live?key=<readKey>` (dashboard feed), or the Nucleus ingest
 * paths `/app/:appId/track` and `/:appId/` (`?writeKey=` also accepted). A wrong key is
 * accepted and closed at once with 4001 `unauthorized`; an unknown path gets a 404; an address
 * over its rate limit or connection cap gets a 429 (the client retries later).
 *
 * @param ctx - server state
 * @param req - the upgrade request
 * @param socket - its socket
 * @param head - bytes read past the request head
 */
export function handleUpgrade(ctx: UpgradeContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  if (ctx.closing()) return refuse(socket, '503 Service Unavailable');
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const { deps, wss } = ctx;
  const accept = (then: (ws: WebSocket) => void) =>
    wss.handleUpgrade(req, socket, head, (ws) => {
      // handleUpgrade does not emit `connection` by itself: the heartbeat learns of the socket here.
      wss.emit('connection', ws, req);
      // A protocol error (bad UTF-8, a frame over the limit) ends only this socket. ws has already
      // sent the close frame with its code (1007, 1009); cutting the socket now would race that
      // frame (the client would see 1006), so it is cut only if the close handshake stalls.
      ws.on('error', () => setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_MS).unref());
      then(ws);
    });

  if (path === '/v1/live') {
    return accept((ws) => {
      if (!deps.readKeys.has(query.get('key'))) ws.close(CLOSE_UNAUTHORIZED, 'unauthorized');
      else ctx.live.add(ws, ctx.stats());
    });
  }
  const appId = appIdOf(path);
  if (appId === undefined) return refuse(socket, '404 Not Found');
  const address = req.socket.remoteAddress ?? '';
  const wait = deps.limiter.take(address);
  if (wait > 0) return refuse(socket, '429 Too Many Requests', Math.ceil(wait / 1000));
  const open = ctx.connections.get(address) ?? 0;
  if (open >= deps.options.maxConnectionsPerAddress) return refuse(socket, '429 Too Many Requests', 1);
  const source = appId === null ? null : sourceOfApp(appId, query, deps);
  accept((ws) => {
    if (source === null) return ws.close(CLOSE_UNAUTHORIZED, 'unauthorized');
    ctx.connections.set(address, (ctx.connections.get(address) ?? 0) + 1);
    deps.stats.sockets += 1;
    ws.on('close', () => {
      deps.stats.sockets -= 1;
      const left = (ctx.connections.get(address) ?? 1) - 1;
      if (left <= 0) ctx.connections.delete(address);
      else ctx.connections.set(address, left);
    });
    serveIngestSocket(ws, source, address, deps);
  });
}
