// The fake collector's WebSocket half: a collector stand-in on 127.0.0.1 whose WebSocket
// behaviour tests script frame by
// frame: ack everything, close before acking, ack only some IDs, answer garbage, refuse the
// key. It speaks the reference collector's contract: WebSocket and HTTP POST on
// `/app/:appId/track` (appId = a known app ID or write key, or `?writeKey=`), frames
// `{ data: [...] }`, answers `{ reportedIds }` after storing, `{ error }` for unreadable
// frames, and an unknown key gets the upgrade then close 4001 'unauthorized'. Storage is a
// map keyed by ID, so it dedupes like the real one; `received` counts every arrival.
// It also serves the browser test page and the transport's IIFE bundle.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { WebSocketServer, WebSocket } from 'ws';
import { clientHelpers } from './ws-client-helpers.js';

/** One frame as the server got it, and what the script may do about it. */
export interface FrameContext {
  /** The IDs in the frame (`messageId`, or Nucleus `id`). */
  ids: string[];
  /** Store events of this frame (all by default); storing an ID twice keeps one copy. */
  store(ids?: string[]): void;
  /** Answer `{ reportedIds: ids }`, with `rejected` when given (as the collector does). */
  ack(ids: Array<string | number>, rejected?: Array<{ messageId: string; reason: string }>): void;
  /** Send raw text. */
  send(text: string): void;
  /** Close this socket. */
  close(code?: number, reason?: string): void;
}

/** Decides what the server does with a frame. */
export type FrameScript = (frame: FrameContext) => void;

/** The default: store, then acknowledge every ID (the reference collector's behaviour). */
export const ackAll: FrameScript = (frame) => {
  frame.store();
  frame.ack(frame.ids);
};

/** A running {@link startWsCollector} server. */
export interface WsCollector {
  /** `ws://127.0.0.1:<port>` */
  wsUrl: string;
  /** `http://127.0.0.1:<port>` (test page at `/`, bundle at `/tidemark-ws.min.js`) */
  httpUrl: string;
  /** What to do with each WebSocket frame; replace it at any time. */
  script: FrameScript;
  /** When true, WebSocket upgrades are dropped before the handshake (a failed connect). */
  refuseUpgrades: boolean;
  /** Stored events by ID, with the route that stored them first. */
  stored: Map<string, { via: 'ws' | 'http'; event: Record<string, unknown> }>;
  /** How many times each ID arrived, over any route. */
  received: Map<string, number>;
  /** Frames received over WebSocket, and HTTP posts. */
  counts: { frames: number; posts: number; connections: number };
  /** Open sockets now. */
  readonly openSockets: number;
  /** Close every open socket (as a collector restart or a dropped network would). */
  closeAll(code?: number, reason?: string): void;
  close(): Promise<void>;
}

const BUNDLE = new URL('../../cdn/dist/tidemark-ws.min.js', import.meta.url);

const page = () =>
  `<!doctype html><meta charset="utf-8"><title>tidemark ws</title>
<script src="/tidemark-ws.min.js"></script>
<script>window.helpers = (${clientHelpers.toString()})();</script>`;

/** The app ID of a `/app/:appId/track` path, or undefined for other paths. */
function appIdOf(url: URL): string | undefined {
  const match = /^\/app\/([^/]+)\/track\/?$/.exec(url.pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/**
 * Start a scripted server on 127.0.0.1 at a free port.
 *
 * @param keys - app IDs and write keys it accepts
 * @returns the running server; `close()` it after the test
 */
export async function startWsCollector(keys: { appIds?: string[]; writeKeys?: string[] } = {}): Promise<WsCollector> {
  const known = new Set([...(keys.appIds ?? ['app']), ...(keys.writeKeys ?? [])]);
  const authorized = (url: URL) => known.has(appIdOf(url) ?? '') || known.has(url.searchParams.get('writeKey') ?? '');
  const sockets = new Set<WebSocket>();

  const store = (events: unknown[], ids: string[], via: 'ws' | 'http') => {
    const wanted = new Set(ids);
    for (const event of events as Array<Record<string, unknown>>) {
      const id = idOf(event);
      if (id !== undefined && wanted.has(id) && !state.stored.has(id)) state.stored.set(id, { via, event });
    }
  };
  const arrived = (ids: string[]) => {
    for (const id of ids) state.received.set(id, (state.received.get(id) ?? 0) + 1);
  };

  const onHttp = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page());
      return;
    }
    if (req.method === 'GET' && url.pathname === '/tidemark-ws.min.js') {
      const body = await readFile(BUNDLE).catch(() => undefined);
      if (!body) res.writeHead(404).end('build the package first: TIDEMARK_ONLY=transport-ws npx rollup -c');
      else res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
      return;
    }
    if (req.method === 'POST' && appIdOf(url) !== undefined) {
      if (!authorized(url)) return void res.writeHead(401).end('{"error":"unauthorized"}');
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const data = framedData(Buffer.concat(chunks).toString('utf8'));
      if (!data) return void res.writeHead(400).end('{"error":"malformed body"}');
      state.counts.posts++;
      const ids = data.map(idOf).filter((id): id is string => id !== undefined);
      arrived(ids);
      store(data, ids, 'http');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reportedIds: ids }));
      return;
    }
    res.writeHead(404).end();
  };

  const http = createServer((req, res) => {
    onHttp(req, res).catch(() => res.writeHead(500).end());
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (state.refuseUpgrades || appIdOf(url) === undefined) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!authorized(url)) return void ws.close(4001, 'unauthorized');
      state.counts.connections++;
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (raw) => {
        const data = framedData(String(raw));
        if (!data) return void ws.send(JSON.stringify({ error: 'malformed frame' }));
        state.counts.frames++;
        const ids = data.map(idOf).filter((id): id is string => id !== undefined);
        arrived(ids);
        state.script({
          ids,
          store: (some = ids) => store(data, some, 'ws'),
          ack: (acked, rejected) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ reportedIds: acked, ...(rejected && { rejected }) })),
          send: (text) => ws.readyState === WebSocket.OPEN && ws.send(text),
          close: (code, reason) => ws.close(code, reason),
        });
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const state: WsCollector = {
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    script: ackAll,
    refuseUpgrades: false,
    stored: new Map(),
    received: new Map(),
    counts: { frames: 0, posts: 0, connections: 0 },
    get openSockets() {
      return sockets.size;
    },
    closeAll(code = 1001, reason = 'going away') {
      for (const ws of sockets) ws.close(code, reason);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return state;
}

/** The `data` array of a `{ data: [...] }` body, or undefined when it is not one. */
function framedData(text: string): unknown[] | undefined {
  try {
    const body = JSON.parse(text) as { data?: unknown };
    return Array.isArray(body?.data) ? body.data : undefined;
  } catch {
    return undefined;
  }
}

function idOf(event: unknown): string | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const { messageId, id } = event as { messageId?: unknown; id?: unknown };
  const value = messageId ?? id;
  return typeof value === 'string' ? value : undefined;
}

/**
 * A port on 127.0.0.1 with nothing listening (a refused connection), found by listening on
 * port 0 and closing again.
 *
 * @returns the port number
 */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
