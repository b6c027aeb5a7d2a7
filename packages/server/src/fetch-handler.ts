import { readBounded } from './bounded-body.js';
import { cookieIssuer, withFetchCookies, type IssueCookiesOptions } from './issue-cookies.js';
import type { AttributionOptions } from './read-attribution.js';
import type { RequestClient } from './request-client.js';
import type { ServerClient } from './server-client.js';

/** Options of {@link withTidemark}. */
export interface FetchHandlerOptions extends AttributionOptions {
  /**
   * When neither header nor cookie carries an ID, read it from a JSON body (a clone: the
   * handler can still read the body). Bodies over `maxBodyBytes` are not read.
   * @default true
   */
  readBody?: boolean;
  /** @default 65536 */
  maxBodyBytes?: number;
  /** The signed-in user's ID for this request. */
  userId?: (request: Request) => string | undefined;
  /**
   * Re-issue the request's valid `tm_aid` and `tm_sid` as first-party `Set-Cookie` headers on
   * the handler's response; see the Connect middleware's `issueCookies`. @default false
   */
  issueCookies?: boolean | IssueCookiesOptions;
}

/**
 * Wrap a Fetch-standard handler (Next.js route handlers, Workers, Deno, Bun, Hono's
 * `c.req.raw`): the handler gets the request's bound client as its second argument; any
 * further arguments (Next's context, a Worker's `env` and `ctx`) follow unchanged.
 *
 * @param client - the server client
 * @param handler - `(request, tm, ...rest) => Response`
 * @param options - body reading, names, `userId` getter
 * @returns a handler of shape `(request, ...rest) => Promise<Response>`
 * @example
 * export const POST = withTidemark(client, async (request, tm) => {
 *   await tm.track('Purchase Completed', { amount: 99.99 });
 *   return Response.json({ ok: true });
 * });
 */
export function withTidemark<Rest extends unknown[], R extends Response>(
  client: ServerClient,
  handler: (request: Request, tm: RequestClient, ...rest: Rest) => R | Promise<R>,
  options: FetchHandlerOptions = {},
): (request: Request, ...rest: Rest) => Promise<R> {
  const issuer = cookieIssuer(options.issueCookies, options);
  return async (request: Request, ...rest: Rest): Promise<R> => {
    const tm = await bindFetchRequest(client, request, options);
    const response = await handler(request, tm, ...rest);
    return issuer ? withFetchCookies(response, issuer.cookies(request, tm)) : response;
  };
}

/**
 * The bound client of a Fetch `Request`, reading a JSON body clone when the headers carry no
 * ID. Use it directly where a wrapper does not fit (Hono: `await bindFetchRequest(client, c.req.raw)`).
 *
 * @param client - the server client
 * @param request - a Fetch `Request`
 * @param options - see {@link FetchHandlerOptions}
 * @returns the bound client; never rejects
 */
export async function bindFetchRequest(client: ServerClient, request: Request, options: FetchHandlerOptions = {}): Promise<RequestClient> {
  const userId = userIdOf(options.userId, request);
  let bound = client.forRequest(request, { ...options, userId });
  if (bound.anonymousId === undefined && options.readBody !== false && options.body === undefined && isJson(request)) {
    const body = await readJsonBody(request, options.maxBodyBytes ?? 65_536);
    if (body !== undefined) bound = client.forRequest(request, { ...options, userId, body });
  }
  return bound;
}

function isJson(request: Request): boolean {
  return (request.headers.get('content-type') ?? '').toLowerCase().includes('json') && request.body !== null;
}

/** Parse a clone of the body, giving up past `max` bytes or on anything but JSON. */
async function readJsonBody(request: Request, max: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) return undefined;
  try {
    const bytes = await readBounded(request.clone().body, max);
    return bytes && JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined; // not JSON, or the body was already used: headers and cookies were tried
  }
}

function userIdOf(getter: FetchHandlerOptions['userId'], request: Request): string | undefined {
  try {
    const id = getter?.(request);
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

