import { acceptedType, checkBatch, checkReceipts, presentedKey, type Checked, type Refusal } from './relay-checks.js';
import { nodeRelayRequest, writeNodeAnswer } from './relay-node.js';
import { fetchRelayRequest } from './relay-fetch.js';
import { resolveRelayOptions, type RelayOptions, type ResolvedRelayOptions } from './relay-options.js';

/** One request to the relay, whatever server it came through. */
export interface RelayRequest {
  method: string;
  /** The URL path, without the query. */
  path: string;
  header(name: string): string;
  /**
   * The body as text, at most `max` bytes; undefined when it is larger (reading stops there).
   * Rejects when the body cannot be read (the client went away).
   */
  text(max: number): Promise<string | undefined>;
}

/** What the relay answers. */
export interface RelayAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A first-party relay: Connect/Express middleware and a Fetch handler in one. Mounted on the
 * site's own origin, it takes the browser's batches (`fetch` and page-hide beacons) and
 * receipts questions, checks them, and forwards them to the collector with the server's
 * write key, passing the collector's answer back so at-least-once and receipts hold through it.
 */
export interface TidemarkRelay {
  /** Connect/Express middleware: answers the relay's paths, passes every other request to `next()`. Mount it before body parsers. */
  (req: any, res: any, next: (error?: unknown) => void): void;
  /**
   * Fetch-standard handler (Workers, Next.js route handlers, Hono's `c.req.raw`): answers the
   * relay's paths, and 404 for any other.
   */
  fetch(request: Request): Promise<Response>;
  /** Requests being relayed now. */
  readonly inFlight: number;
  /** Release the keep-alive sockets of the forwards. */
  close(): void;
}

/**
 * Make a first-party relay for the browser SDK: point `httpTransport({ host: 'https://shop.example',
 * path: '/t/batch', receiptsPath: '/t/receipts' })` at it, and events go through the site's
 * own origin, which blockers of third-party collectors leave alone.
 *
 * Every answer of its own is `{ status, message }`: 405 for anything but POST, 415 for a
 * type other than JSON or `text/plain` (or a compressed body), 413 past `maxBodyBytes`, 400
 * for a body that is not a batch (or receipts question), 401 for a write key it does not
 * accept, 503 with `Retry-After` when `maxConcurrent` requests are in flight, 504 when the
 * collector does not answer within `timeout`, 502 when it cannot be reached or refuses the
 * server's key. Nothing refused is forwarded. Otherwise the collector's status and body come
 * back as they are, with its `Retry-After`.
 *
 * @param options - the server's `writeKey` (required), the collector's `host`, paths and bounds
 * @returns the relay
 * @throws TidemarkError `invalid_option` at set-up
 * @example
 * const relay = tidemarkRelay({ writeKey: process.env.TIDEMARK_WRITE_KEY!, host: 'https://collector.example.com' });
 * app.use(relay); // Express, before express.json()
 * export default { fetch: relay.fetch }; // a Worker
 */
export function tidemarkRelay(options: RelayOptions): TidemarkRelay {
  const o = resolveRelayOptions(options);
  let inFlight = 0;
  /** Batches being relayed now, so a receipts question can wait for them. */
  const batches = new Set<Promise<RelayAnswer>>();

  const routeOf = (request: RelayRequest) => (request.path === o.path ? checkBatch : request.path === o.receiptsPath ? checkReceipts : undefined);
  const handle = async (request: RelayRequest, route: (body: unknown) => Checked): Promise<RelayAnswer> => {
    if (request.method !== 'POST') return refusal({ status: 405, message: `use POST for ${request.path}` }, { Allow: 'POST' });
    if (inFlight >= o.maxConcurrent) return refusal({ status: 503, message: 'the relay is busy; try again shortly' }, { 'Retry-After': '1' });
    inFlight++;
    try {
      const checked = await readChecked(o, request, route);
      if ('status' in checked) return checked;
      const url = route === checkBatch ? o.batchUrl : o.receiptsUrl;
      if (route === checkReceipts) {
        // The question names events a page-hide beacon may still be carrying through this
        // relay: asked before that forward lands, the collector would say "not stored" and the
        // page would send them again. Asked after the forwards now in flight (each bounded by
        // `timeout`; bodies still arriving are not waited for, so one stalled upload cannot
        // hold every visitor's question), its answer counts them.
        await Promise.allSettled([...batches]);
        return await forward(o, url, checked.body);
      }
      const answer = forward(o, url, checked.body);
      batches.add(answer);
      try {
        return await answer;
      } finally {
        batches.delete(answer);
      }
    } finally {
      inFlight--;
    }
  };

  const unreadable = () => refusal({ status: 400, message: 'the request body could not be read' });
  const middleware = (req: any, res: any, next: (error?: unknown) => void): void => {
    const request = nodeRelayRequest(req);
    const route = routeOf(request);
    // Every other request goes on at once, in the same tick, as with any middleware.
    if (!route) return next();
    handle(request, route)
      .catch(unreadable)
      .then((answer) => writeNodeAnswer(res, answer))
      .catch(() => undefined); // a response object that cannot be written: the client is gone
  };
  const relayApi = Object.assign(middleware, {
    fetch: async (request: Request): Promise<Response> => {
      let answer: RelayAnswer;
      try {
        const relayRequest = fetchRelayRequest(request);
        const route = routeOf(relayRequest);
        answer = route ? await handle(relayRequest, route) : refusal({ status: 404, message: `no relay route at ${relayRequest.path}` });
      } catch {
        answer = unreadable();
      }
      // 204, 205 and 304 have no body, and a Response refuses one (even an empty string).
      return new Response(NO_BODY.has(answer.status) ? null : answer.body, { status: answer.status, headers: answer.headers });
    },
    close: () => o.close?.(),
  });
  // A getter of its own: Object.assign would copy the count once, as 0.
  return Object.defineProperty(relayApi, 'inFlight', { get: () => inFlight, enumerable: true }) as TidemarkRelay;
}

/** Statuses whose responses have no body. */
const NO_BODY = new Set([204, 205, 304]);

/** Read and check one request: the body to forward, or the refusal (every refusal happens before anything is sent). */
async function readChecked(o: ResolvedRelayOptions, request: RelayRequest, check: (body: unknown) => Checked): Promise<RelayAnswer | { body: string }> {
  const encoding = request.header('content-encoding').trim().toLowerCase();
  if (encoding && encoding !== 'identity') return refusal({ status: 415, message: 'send uncompressed bodies to the relay (httpTransport without compress)' });
  if (!acceptedType(request.header('content-type'))) return refusal({ status: 415, message: 'Content-Type must be application/json or text/plain' });
  const declared = Number(request.header('content-length') || 0);
  const tooLarge = { status: 413, message: `the body is over ${o.maxBodyBytes} bytes; send smaller batches` };
  if (declared > o.maxBodyBytes) return refusal(tooLarge);
  const text = await request.text(o.maxBodyBytes);
  if (text === undefined) return refusal(tooLarge);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refusal({ status: 400, message: 'the body is not JSON' });
  }
  const key = presentedKey(request.header('authorization'), body);
  if (key === undefined || !o.browserKeys.has(key)) return refusal({ status: 401, message: 'this relay does not accept that write key' });
  const checked = check(body);
  return checked.ok ? { body: checked.body } : refusal(checked.refusal);
}

/** POST to the collector with the server's key; its answer, or a 502/504 of the relay's own. */
async function forward(o: ResolvedRelayOptions, url: string, body: string): Promise<RelayAnswer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), o.timeout);
  try {
    const response = await o.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: o.authorization }, body, signal: abort.signal });
    const text = await response.text();
    // The server's key refused is the server's problem: a 401 would make browsers stop for good.
    if (response.status === 401 || response.status === 403) return refusal({ status: 502, message: "the collector refused the relay's write key" });
    const headers: Record<string, string> = { 'content-type': response.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' };
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter) headers['retry-after'] = retryAfter;
    return { status: response.status, headers, body: text };
  } catch {
    return abort.signal.aborted
      ? refusal({ status: 504, message: `the collector did not answer within ${o.timeout} ms` })
      : refusal({ status: 502, message: 'the collector could not be reached' });
  } finally {
    clearTimeout(timer);
  }
}

/** The relay's own answer: `{ status, message }`, never cached. */
function refusal(r: Refusal, headers: Record<string, string> = {}): RelayAnswer {
  return { status: r.status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify({ status: r.status, message: r.message }) };
}
