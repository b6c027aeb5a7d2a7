import { appendNodeCookies, cookieIssuer, type IssueCookiesOptions } from './issue-cookies.js';
import type { AttributionOptions } from './read-attribution.js';
import type { RequestClient } from './request-client.js';
import type { RequestLike } from './request-shape.js';
import { ServerClient } from './server-client.js';
import type { ServerClientOptions } from './server-options.js';

declare global {
  // Express declares its Request in this namespace; merging here types `req.tidemark` for its users.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The Tidemark client bound to this request (set by the `tidemark()` middleware). */
      tidemark: RequestClient;
    }
  }
}

/** How the middleware finds the user and names the property. */
export interface MiddlewareBindOptions extends AttributionOptions {
  /**
   * The signed-in user's ID for this request, e.g. `(req) => req.user?.id`.
   * @default none: events carry only the anonymous ID until `identify`
   */
  userId?: (req: any) => string | number | null | undefined;
  /**
   * Property of the request that receives the bound client.
   * @default 'tidemark'
   */
  property?: string;
  /**
   * Re-issue the request's valid `tm_aid` and `tm_sid` as long-lived first-party
   * `Set-Cookie` headers on the response (`SameSite=Lax`, `Secure` on https, readable by
   * the browser SDK), so Safari's 7-day cap on script cookies does not split the visitor.
   * @default false
   * @example { issueCookies: { domain: 'shop.example' } }
   */
  issueCookies?: boolean | IssueCookiesOptions;
}

/** Options of {@link tidemark}: an existing client, or the options to make one. */
export type MiddlewareOptions = MiddlewareBindOptions & ({ client: ServerClient } | ServerClientOptions);

/** A Connect/Express middleware that also exposes the server client it feeds. */
export interface TidemarkMiddleware {
  (req: any, res: unknown, next: (error?: unknown) => void): void;
  /** The server client behind the middleware (flush or close it on shutdown). */
  readonly client: ServerClient;
}

/**
 * Express/Connect middleware: reads the visitor's anonymous ID and session ID from each
 * request (header, cookie, or a body already parsed by `express.json()` placed before it) and
 * puts a bound client at `req.tidemark`. Works with Node's plain `IncomingMessage` too. It
 * never fails a request: unreadable IDs are ignored and counted in `req.tidemark.ignored`.
 *
 * @param options - `{ client }` or server client options, plus names and a `userId` getter
 * @returns the middleware, with `.client`
 * @example
 * const client = createServerClient({ writeKey: process.env.TIDEMARK_WRITE_KEY, host });
 * app.use(express.json(), tidemark({ client, userId: (req) => req.user?.id }));
 * app.post('/api/purchase', async (req, res) => {
 *   await req.tidemark.track('Purchase Completed', { amount: req.body.amount });
 *   res.json({ ok: true });
 * });
 */
export function tidemark(options: MiddlewareOptions): TidemarkMiddleware {
  const client = 'client' in options && options.client instanceof ServerClient ? options.client : new ServerClient(options as ServerClientOptions);
  const property = options.property ?? 'tidemark';
  const { userId } = options;
  const issuer = cookieIssuer(options.issueCookies, options);
  const middleware = (req: any, res: unknown, next: (error?: unknown) => void): void => {
    let bound: RequestClient;
    try {
      bound = client.forRequest(req as RequestLike, { ...options, userId: userIdOf(userId, req) });
    } catch {
      // A request object too odd to read (a throwing getter): bind with no visitor IDs.
      bound = client.forRequest({ headers: {} });
    }
    req[property] = bound;
    if (issuer) appendNodeCookies(res, issuer.cookies(req as RequestLike, bound));
    next();
  };
  return Object.assign(middleware, { client });
}

function userIdOf(getter: MiddlewareBindOptions['userId'], req: unknown): string | undefined {
  if (!getter) return undefined;
  try {
    const id = getter(req);
    if (typeof id === 'string' && id.length > 0) return id;
    if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  } catch {
    // The app's getter failed for this request; its events stay anonymous.
  }
  return undefined;
}
