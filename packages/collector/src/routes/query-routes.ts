import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken } from '../http/auth.js';
import { HttpError, sendJson } from '../http/reply.js';
import type { ExportKind } from '../queries/cursor.js';
import { exportEvents, exportSessions, exportUsers, parseExportQuery } from '../queries/export.js';
import { metrics } from '../queries/metrics.js';
import { parseRangeQuery } from '../queries/range.js';
import { sessionStats } from '../queries/sessions.js';
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

const exporters = { events: exportEvents, sessions: exportSessions, users: exportUsers } as const;

/**
 * Serve a query route: `/v1/metrics`, `/v1/sessions`, `/v1/stats`, `/v1/export/{events,sessions,users}`.
 *
 * @param req - the request
 * @param res - the response
 * @param deps - shared state
 * @param path - the path
 * @param query - the query string
 * @returns false when the path is not a query route
 */
export function handleQuery(req: IncomingMessage, res: ServerResponse, deps: RouteDeps, path: string, query: URLSearchParams): boolean {
  const db = deps.store.db;
  if (path === '/v1/metrics') {
    requireReadKey(req, deps);
    sendJson(res, 200, { status: 'success', data: metrics(db, parseRangeQuery(query)) });
  } else if (path === '/v1/sessions') {
    requireReadKey(req, deps);
    sendJson(res, 200, { status: 'success', data: sessionStats(db, parseRangeQuery(query)) });
  } else if (path === '/v1/stats') {
    requireReadKey(req, deps);
    sendJson(res, 200, statsOf(deps));
  } else if (path.startsWith('/v1/export/') && Object.hasOwn(exporters, path.slice(11))) {
    requireReadKey(req, deps);
    const kind = path.slice(11) as ExportKind;
    sendJson(res, 200, exporters[kind](db, parseExportQuery(kind, query)));
  } else return false;
  return true;
}
