import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken } from '../http/auth.js';
import { HttpError, sendJson } from '../http/reply.js';
import type { ExportKind } from '../queries/cursor.js';
import { parseExportQuery } from '../queries/export-query.js';
import { personIdsOf } from '../insights/identity-graph.js';
import { parseRangeQuery } from '../queries/range.js';
import type { RouteDeps } from './deps.js';

/**
 * Refuse a query without `Authorization: Bearer <readKey>`.
 *
 * @param req - the request
 * @param deps - shared state
 * @throws HttpError 401
 */
export function requireReadKey(req: IncomingMessage, deps: RouteDeps): void {
  if (!deps.readKeys.has(bearerToken(req))) throw new HttpError(401, 'unauthorized', 'a read key is required: send Authorization: Bearer <readKey>');
}

/**
 * The counters of `GET /v1/stats`.
 *
 * @param deps - shared state
 * @returns `{ stored, duplicates, rejected, heartbeats, refusedRequests, totalEvents, sockets, startedAt }`
 */
export function statsOf(deps: RouteDeps) {
  return { ...deps.stats, totalEvents: deps.store.eventsAtOpen + deps.stats.stored };
}

/**
 * A store's answer, with a failure of the store (ClickHouse down) turned into a 503 the caller
 * may retry, not a 500; a 400 of the query passes through.
 *
 * @param deps - shared state (told about the storage error)
 * @param answer - the store's pending answer
 * @returns the answer
 * @throws HttpError 503 `storage` with `Retry-After: 1`
 */
export function storeAnswer<T>(deps: RouteDeps, answer: Promise<T>): Promise<T> {
  return answer.catch((err: unknown) => {
    if (err instanceof HttpError) throw err;
    deps.onStorageError(err);
    throw new HttpError(503, 'storage', `the store cannot answer now, retry later (${err instanceof Error ? err.message : String(err)})`, { 'retry-after': '1' });
  });
}

const EXPORT_KINDS = new Set<string>(['events', 'sessions', 'users']);

/**
 * Serve a query route: `/v1/metrics`, `/v1/sessions`, `/v1/stats`, `/v1/export/{events,sessions,users}`.
 *
 * @param req - the request
 * @param res - the response
 * @param deps - shared state
 * @param path - the path
 * @param query - the query string
 * @returns the answer being served, or null when the path is not a query route
 */
export function handleQuery(req: IncomingMessage, res: ServerResponse, deps: RouteDeps, path: string, query: URLSearchParams): Promise<void> | null {
  const { store } = deps;
  const kind = path.startsWith('/v1/export/') ? path.slice(11) : null;
  if (path !== '/v1/metrics' && path !== '/v1/sessions' && path !== '/v1/stats' && !(kind !== null && EXPORT_KINDS.has(kind))) return null;
  const read = <T>(answer: Promise<T>): Promise<T> => storeAnswer(deps, answer);
  return (async () => {
    requireReadKey(req, deps);
    if (path === '/v1/metrics' || path === '/v1/sessions') {
      const range = parseRangeQuery(query);
      // A query by user covers every anonymous ID and device the identity graph joins to it.
      if (range.userId !== null) range.person = await read(personIdsOf(store.insights, null, range.userId));
      const data = path === '/v1/metrics' ? await read(store.metrics(range)) : await read(store.sessions(range));
      sendJson(res, 200, { status: 'success', data });
    } else if (path === '/v1/stats') sendJson(res, 200, statsOf(deps));
    else sendJson(res, 200, await read(store.exportPage(kind as ExportKind, parseExportQuery(kind as ExportKind, query))));
  })();
}
