import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { sayOnce } from '@tidemark/protocol';
import { CollectorError } from './errors.js';
import { KeyRing } from './http/auth.js';
import { RateLimiter } from './http/rate-limit.js';
import { answerClientError, HttpError, sendError } from './http/reply.js';
import { GroupCommitter } from './ingest/group-commit.js';
import { Ingestor } from './ingest/ingestor.js';
import { WIRE_LIMITS } from './ingest/limits.js';
import { createStats, type CollectorStats } from './ingest/stats.js';
import { resolveOptions, type CollectorOptions } from './options.js';
import type { RouteDeps } from './routes/deps.js';
import { statsOf } from './routes/query-routes.js';
import { createRouter } from './routes/router.js';
import { serveDashboard } from './dashboard/page.js';
import { openEventStorage } from './store/open-storage.js';
import { LiveFeed } from './ws/live-feed.js';
import { handleUpgrade } from './ws/upgrade.js';

/** A collector that is listening. */
export interface RunningCollector {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The port it listens on (the real one when `port: 0` was asked). */
  port: number;
  /**
   * Stop gracefully: refuse new work, let in-flight requests and frames commit and answer,
   * close sockets and the database. Safe to call twice.
   */
  close(): Promise<void>;
  /** Counters since start, plus the events in the file. */
  stats(): CollectorStats;
}

/** Longest wait for in-flight requests on close before their connections are cut. */
const CLOSE_GRACE_MS = 5_000;

/**
 * Start the reference collector: HTTP batch and single-event ingest, Nucleus-style HTTP and
 * WebSocket ingest with `reportedIds` acks, dedupe by `messageId`, SQLite or ClickHouse storage, query and
 * export routes, and the live dashboard at `/`.
 *
 * @param options - keys, database path, port… (see {@link CollectorOptions})
 * @returns the running collector
 * @throws CollectorError `invalid_option`, `storage` (the file cannot be opened) or `listen`
 * @example
 * const collector = await startCollector({ port: 0, dbPath: './tidemark.db', writeKeys: ['wk_demo'], readKeys: ['rk_demo'] });
 * console.log(collector.url);
 * await collector.close();
 */
export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const opts = resolveOptions(options);
  const { logger } = opts;
  const store = await openEventStorage(opts, (message) => logger.warn('storage trouble in the background', { error: message }));
  const { writer } = store;
  const clickhouse = opts.clickhouse;
  const stats = createStats();
  const live = new LiveFeed();
  const committer = new GroupCommitter(writer, {
    maxRows: opts.maxGroupEvents,
    // ClickHouse wants few large inserts: wait a moment for more requests, and keep a second
    // group's lookup going while the first inserts. Quorum inserts of a table go one at a time
    // on the server ("another quorum insert has been already started"), so one there.
    lingerMs: clickhouse ? clickhouse.lingerMs : 0,
    maxInFlight: clickhouse ? (clickhouse.insertQuorum > 1 ? 1 : 2) : 2,
    onCommit(fresh, outcome) {
      stats.stored += outcome.stored;
      stats.duplicates += outcome.duplicates;
      try {
        live.publish(fresh);
      } catch (err) {
        logger.warn('the live feed failed', { error: String(err) });
      }
    },
  });
  const sayStorageError = sayOnce((line: string, fields: Record<string, unknown>) => logger.error(line, fields));
  const onStorageError = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    sayStorageError(message, 'a commit failed; the clients will resend', { error: message });
  };
  const deps: RouteDeps = {
    options: opts,
    store,
    ingestor: new Ingestor(committer, stats, opts.maxPendingEvents),
    writeKeys: new KeyRing(opts.writeKeys),
    readKeys: new KeyRing(opts.readKeys),
    appIds: new KeyRing(opts.appIds),
    limiter: new RateLimiter(opts.rateLimit),
    stats,
    onStorageError,
  };


  let closing = false;
  let inFlight = 0;
  let allDone: (() => void) | null = null;
  const router = createRouter(deps, logger, serveDashboard);
  // Node checks request timeouts only every `connectionsCheckingInterval` (30 s by default, so
  // a 30 s limit could take a minute): check every second.
  const timeouts = { requestTimeout: opts.requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, opts.requestTimeoutMs) };
  const server = createServer({ keepAliveTimeout: 5_000, ...timeouts }, (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      sendError(req, res, new HttpError(503, 'shutting_down', 'the collector is shutting down', { 'retry-after': '1', connection: 'close' }));
      return;
    }
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) allDone?.();
    });
    router(req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket));

  // A frame may hold a full batch (500 KB) plus framing; more closes the socket with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: WIRE_LIMITS.maxBatchBytes + 16 * 1024 });
  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  });
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) ws.terminate();
      else {
        alive.delete(ws);
        ws.ping();
      }
    }
  }, opts.pingIntervalMs);
  pinger.unref();
  const upgrades = { wss, deps, live, connections: new Map<string, number>(), closing: () => closing, stats: () => statsOf(deps) };
  server.on('upgrade', (req, socket, head) => handleUpgrade(upgrades, req, socket, head));

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      void writer.close().then(() => store.close());
      clearInterval(pinger);
      const hint = err.code === 'EADDRINUSE' ? ` (port ${opts.port} is in use; pick another with --port or port: 0)` : '';
      reject(new CollectorError('listen', `cannot listen on ${opts.host}:${opts.port}: ${err.message}${hint}`, err));
    });
    server.listen(opts.port, opts.host, () => resolve((server.address() as AddressInfo).port));
  });
  server.on('error', (err) => logger.error('server error', { error: String(err) }));
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${shownHost}:${port}`;

  let closed: Promise<void> | null = null;
  async function close(): Promise<void> {
    closing = true;
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        allDone = resolve;
        setTimeout(resolve, CLOSE_GRACE_MS).unref();
      });
    }
    await committer.drained();
    // Let the acks of the last commit reach their sockets before the sockets close.
    await new Promise((resolve) => setImmediate(resolve));
    for (const ws of wss.clients) ws.close(1001, 'collector shutting down');
    live.close();
    clearInterval(pinger);
    // Every answer is written; ending the now idle keep-alive sockets (rather than destroying
    // them) lets the last answers leave first. Sockets that linger are cut after a second.
    server.closeIdleConnections();
    await Promise.race([serverClosed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    server.closeAllConnections();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await writer.close();
    await store.close();
    logger.info('stopped', { stored: stats.stored });
  }

  return {
    url,
    port,
    close: () => (closed ??= close()),
    stats: () => ({ ...statsOf(deps) }),
  };
}
