/** Headers as Node's `IncomingMessage` holds them: lower-case names, arrays for repeats. */
export type NodeHeaders = Record<string, string | string[] | undefined>;

/** Headers as the Fetch standard holds them (`Request.headers`). */
export interface FetchHeaders {
  get(name: string): string | null;
}

/**
 * A request Tidemark can read: Node's `IncomingMessage`, an Express/Connect request (which may
 * carry a parsed `body`), or a Fetch `Request` (Hono's `c.req.raw`, Next.js, Workers).
 */
export interface RequestLike {
  headers: NodeHeaders | FetchHeaders;
  /** A parsed JSON body (Express `express.json()`); streams are never read here. */
  body?: unknown;
}

/**
 * One header of any request shape, as Node would hand it over.
 *
 * @param request - a Node or Fetch request
 * @param name - lower-case header name
 * @returns the value, an array when Node saw the header several times, or undefined
 */
export function headerOf(request: RequestLike, name: string): string | string[] | undefined {
  const headers = request.headers;
  if (headers === null || typeof headers !== 'object') return undefined;
  if (typeof (headers as FetchHeaders).get === 'function') return (headers as FetchHeaders).get(name) ?? undefined;
  return (headers as NodeHeaders)[name];
}

/**
 * The already-parsed body of a Node/Express request, if it is a JSON object. A Fetch
 * `Request`'s `body` is a stream and is not used (read it with {@link withTidemark}).
 *
 * @param request - a Node or Fetch request
 * @returns the parsed body object, or undefined
 */
export function parsedBodyOf(request: RequestLike): Record<string, unknown> | undefined {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  // A ReadableStream (Fetch) or a Buffer is not a parsed JSON object.
  if (typeof (body as { getReader?: unknown }).getReader === 'function' || ArrayBuffer.isView(body)) return undefined;
  return body as Record<string, unknown>;
}
