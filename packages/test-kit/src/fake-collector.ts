// The fake collector: a real HTTP server on 127.0.0.1 that speaks the batch wire format,
// records every request and answers as a test scripts it (500s for a while, a poisoned
// event, 401, a request that never answers). It stores the events of 2xx answers once per
// messageId, as a collector does, and counts the copies, so tests count what reached the
// wire. It also serves static files for browser pages. Its WebSocket half, for the Nucleus
// route, is `startWsCollector` (ws-collector.ts).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TidemarkEvent } from '@tidemark/core';
import { withBatchContext } from '@tidemark/protocol';

/** One request the fake collector received. */
export interface ReceivedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** Path with the query. */
  url: string;
  headers: IncomingHttpHeaders;
  contentType: string;
  encoding: string;
  authorization: string;
  /** `writeKey` of the body (beacons), if any. */
  bodyWriteKey?: string;
  /** The body as JSON (gunzipped), or undefined when it was not JSON. */
  body: { batch?: TidemarkEvent[]; context?: Record<string, unknown>; sentAt?: string; writeKey?: string } | undefined;
  /** The body as text. */
  raw: string;
  /** The batch's events as queued, the body's shared `context` merged in (empty when the body had none). */
  events: TidemarkEvent[];
  /** Body size in bytes, after gunzip (what the collector's limits count). */
  bytes: number;
  /** The status it was answered with (0 while unanswered). */
  status: number;
}

/** An answer; `'hang'` never answers (a timeout, a dying page). */
export type Reply = { status?: number; headers?: Record<string, string>; body?: string } | 'hang';

/** Chooses the answer to the n-th request (0-based); `undefined` answers as a collector does. */
export type Responder = (request: ReceivedRequest, index: number) => Reply | undefined | Promise<Reply | undefined>;

/** Options of {@link startFakeCollector}. */
export interface FakeCollectorOptions {
  /** When set, batches without this write key (Basic auth or body) are answered 401. */
  writeKey?: string;
}

/** A running fake collector. */
export interface FakeCollector {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request but page loads (GET, HEAD, OPTIONS), in order. */
  requests: ReceivedRequest[];
  /** Events stored: the first copy of each messageId, in arrival order. */
  events: TidemarkEvent[];
  /** Every event that arrived in a batch answered 2xx, copies included. */
  received: TidemarkEvent[];
  /** Copies of a messageId that arrived after the first. */
  duplicates: number;
  /** Answer 400 to any batch holding one of these messageIds or event names. */
  poison: Set<string>;
  /** Answer batches with this status (with `Retry-After` when given) until cleared with `undefined`. */
  failWith(status: number | undefined, retryAfter?: string): void;
  /** Script the answers (every path); `undefined` restores the collector's. */
  respond(responder: Responder | undefined): void;
  /** Serve a static file at `path` (`/page.html`). */
  serve(path: string, file: string): void;
  /** Most requests that were open at the same time. */
  peakConcurrency(): number;
  /** Resolve once `predicate` holds (checked on every request), or reject after `ms`. */
  waitFor(predicate: () => boolean, ms?: number): Promise<void>;
  /** Resolve once `count` events were received (copies included). */
  waitForEvents(count: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/**
 * Start a fake collector on a free port.
 *
 * @param options - see {@link FakeCollectorOptions}
 * @returns the running server
 * @example const collector = await startFakeCollector({ writeKey: 'wk_test' }); collector.failWith(500);
 */
export async function startFakeCollector(options: FakeCollectorOptions = {}): Promise<FakeCollector> {
  const files = new Map<string, string>();
  const seen = new Set<string>();
  const held = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  let failure: { status: number; retryAfter: string | undefined } | undefined;
  let responder: Responder | undefined;
  let open = 0;
  let peak = 0;
  const state = { requests: [] as ReceivedRequest[], events: [] as TidemarkEvent[], received: [] as TidemarkEvent[], duplicates: 0, poison: new Set<string>() };

  /** What a collector answers: auth, scripted failure, poison, else store. */
  const collectorReply = (record: ReceivedRequest): Reply => {
    if (record.method !== 'POST' || record.path !== '/v1/batch') return { status: 404 };
    const basic = options.writeKey === undefined ? '' : `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;
    if (options.writeKey !== undefined && record.authorization !== basic && record.bodyWriteKey !== options.writeKey) return { status: 401, body: '{"error":"unauthorized"}' };
    if (failure) return { status: failure.status, ...(failure.retryAfter ? { headers: { 'Retry-After': failure.retryAfter } } : {}) };
    if (!record.body) return { status: 400, body: '{"error":"not JSON"}' };
    if (record.events.some((e) => state.poison.has(e.messageId) || state.poison.has(e.event ?? ''))) return { status: 400, body: '{"error":"poisoned"}' };
    return { status: 200 };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, Content-Encoding');
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    // Page loads are not the collector's traffic: static files, or 404, and never recorded.
    if (req.method === 'GET' || req.method === 'HEAD') {
      const file = files.get(path);
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      return void res.end(await readFile(file));
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const wire = Buffer.concat(chunks);
    const encoding = String(req.headers['content-encoding'] ?? '');
    const decoded = encoding === 'gzip' ? gunzipSync(wire) : wire;
    const raw = decoded.toString('utf8');
    let body: ReceivedRequest['body'];
    try {
      body = JSON.parse(raw) as ReceivedRequest['body'];
    } catch {
      body = undefined;
    }
    const record: ReceivedRequest = {
      method: req.method ?? '',
      path,
      url,
      headers: req.headers,
      contentType: String(req.headers['content-type'] ?? ''),
      encoding,
      authorization: String(req.headers.authorization ?? ''),
      body,
      raw,
      events: Array.isArray(body?.batch) ? (withBatchContext(body.batch, body.context) as TidemarkEvent[]) : [],
      bytes: decoded.length,
      status: 0,
    };
    if (typeof body?.writeKey === 'string') record.bodyWriteKey = body.writeKey;
    const index = state.requests.push(record) - 1;
    const reply = (responder && (await responder(record, index))) ?? collectorReply(record);
    if (reply === 'hang') {
      held.add(res);
      return wake(); // a test may wait for the request itself
    }
    record.status = reply.status ?? 200;
    if (record.status >= 200 && record.status < 300) {
      for (const event of record.events) {
        state.received.push(event);
        if (seen.has(event.messageId)) state.duplicates++;
        else seen.add(event.messageId), state.events.push(event);
      }
    }
    res.writeHead(record.status, { 'Content-Type': 'application/json', ...reply.headers });
    res.end(reply.body ?? (record.status < 300 ? '{"success":true}' : '{"status":"error"}'));
    wake();
  }

  function wake(): void {
    for (const check of waiters) check();
  }

  const server = createServer((req, res) => {
    open++;
    peak = Math.max(peak, open);
    res.on('close', () => open--);
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const waitFor = (predicate: () => boolean, ms = 5_000): Promise<void> => {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`waitFor: condition not met within ${ms} ms (${state.requests.length} requests, ${state.received.length} events seen)`));
      }, ms);
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  };

  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    failWith(status: number | undefined, retryAfter?: string) {
      failure = status === undefined ? undefined : { status, retryAfter };
    },
    respond(next: Responder | undefined) {
      responder = next;
    },
    serve(path: string, file: string) {
      files.set(path, file);
    },
    peakConcurrency: () => peak,
    waitFor,
    waitForEvents: (count: number, ms = 10_000) => waitFor(() => state.received.length >= count, ms),
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
