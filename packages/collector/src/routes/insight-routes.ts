import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/reply.js';
import { attributionReport } from '../insights/attribution.js';
import { funnelReport } from '../insights/funnel.js';
import { parseAttributionQuery, parseFunnelQuery, parseJourneyQuery } from '../insights/insight-query.js';
import { journeyReport } from '../insights/journey.js';
import type { RouteDeps } from './deps.js';
import { requireReadKey, storeAnswer } from './query-routes.js';

/** The report routes (read key, like `/v1/metrics`). */
export const INSIGHT_PATHS = ['/v1/attribution', '/v1/funnel', '/v1/journey'] as const;

/**
 * Serve a report route: `/v1/attribution`, `/v1/funnel`, `/v1/journey`. The query is parsed
 * (400 on anything bad) before the store is asked anything, so hostile input reads nothing.
 *
 * @param req - the request
 * @param res - the response
 * @param deps - shared state
 * @param path - the path
 * @param query - the query string
 * @returns the answer being served, or null when the path is not a report route
 */
export function handleInsight(req: IncomingMessage, res: ServerResponse, deps: RouteDeps, path: string, query: URLSearchParams): Promise<void> | null {
  if (!(INSIGHT_PATHS as readonly string[]).includes(path)) return null;
  const reads = deps.store.insights;
  return (async () => {
    requireReadKey(req, deps);
    if (path === '/v1/attribution') {
      const q = parseAttributionQuery(query);
      const data = await storeAnswer(deps, attributionReport(reads, q));
      sendJson(res, 200, { status: 'success', model: q.model, conversion: q.conversion, value: q.value, windowDays: q.windowDays, data });
    } else if (path === '/v1/funnel') {
      const q = parseFunnelQuery(query);
      sendJson(res, 200, { status: 'success', windowDays: q.windowDays, data: await storeAnswer(deps, funnelReport(reads, q)) });
    } else {
      sendJson(res, 200, { status: 'success', data: await storeAnswer(deps, journeyReport(reads, parseJourneyQuery(query))) });
    }
  })();
}
