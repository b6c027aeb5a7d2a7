import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORS_HEADERS, HttpError, sendError, sendJson } from '../http/reply.js';
import type { Logger } from '../logger.js';
import type { RouteDeps } from './deps.js';
import { handleAppTrack, handleBatch, handleTrack } from './ingest-routes.js';
import { INSIGHT_PATHS, handleInsight } from './insight-routes.js';
import { handleQuery } from './query-routes.js';
import { handleReceipts } from './receipts-route.js';

/** Paths that exist for some method: any other method on them is a 405, not a 404. */
const KNOWN_PATHS = new Set(['/v1/batch', '/v1/track', '/v1/receipts', '/v1/metrics', '/v1/sessions', '/v1/stats', '/v1/health', '/v1/export/events', '/v1/export/sessions', '/v1/export/users', ...INSIGHT_PATHS]);

/** A handler for paths the router does not know itself (the dashboard's files). */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/**
 * Make the request handler of the collector's HTTP server. Every failure becomes a JSON
 * error answer; nothing a client sends can throw out of it.
 *
 * @param deps - shared state
 * @param logger - where unexpected errors go
 * @param extra - more GET routes (the dashboard)
 * @returns a `node:http` request listener
 */
export function createRouter(deps: RouteDeps, logger: Logger, extra: ExtraRoute = () => false) {
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    if (method === 'POST') {
      if (path === '/v1/batch') return handleBatch(req, res, deps);
      if (path === '/v1/track') return handleTrack(req, res, deps);
      if (path === '/v1/receipts') return handleReceipts(req, res, deps);
      const app = /^\/app\/([^/]+)\/track\/?$/.exec(path);
      if (app) {
        let appId: string;
        try {
          appId = decodeURIComponent(app[1]!);
        } catch {
          throw new HttpError(400, 'bad_request', 'the app ID in the path is not valid URL encoding');
        }
        return handleAppTrack(req, res, deps, appId, query);
      }
    } else if (method === 'GET' || method === 'HEAD') {
      if (path === '/v1/health') return sendJson(res, 200, { status: 'ok' });
      const answer = handleQuery(req, res, deps, path, query);
      if (answer) return answer;
      const insight = handleInsight(req, res, deps, path, query);
      if (insight) return insight;
      if (extra(req, res, path)) return;
    }
    const known = KNOWN_PATHS.has(path);
    if (known) throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
    throw new HttpError(404, 'not_found', `no route for ${method} ${path}`);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof HttpError && err.status < 500) deps.stats.refusedRequests += 1;
      if (sendError(req, res, err)) logger.error('unexpected error while serving a request', { path: req.url, error: String(err) });
    });
  };
}
