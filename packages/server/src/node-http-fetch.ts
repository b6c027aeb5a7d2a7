/** What the batch sender needs of `fetch`; the global `fetch` has this shape. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** A {@link FetchLike} that owns sockets to release on close. */
export type ClosableFetch = FetchLike & { close(): void };

/** Most of a response body read, in characters; a collector's answer is a few hundred. */
const MAX_RESPONSE_CHARS = 1024 * 1024;

// Minimal shapes of node:http(s), so no Node type leaks into the package's public types.
interface NodeResponse {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  setEncoding(encoding: 'utf8'): void;
  on(event: 'data', fn: (chunk: string) => void): void;
  on(event: 'end' | 'error' | 'aborted', fn: (error?: Error) => void): void;
  destroy(): void;
}
interface NodeRequest {
  on(event: 'error', fn: (error: Error) => void): void;
  end(body: string): void;
}
interface NodeHttp {
  Agent: new (options: { keepAlive: boolean; maxSockets?: number }) => { destroy(): void };
  request(url: URL, options: Record<string, unknown>, callback: (res: NodeResponse) => void): NodeRequest;
}

/**
 * The global `fetch`, called as a plain function. Kept on an object and called as its method
 * (`this.#fetch(…)`), it throws "Illegal invocation" in Workers and browsers, so every send
 * would look like a network failure.
 *
 * @returns the wrapper, or undefined where there is no global `fetch`
 */
export function globalFetch<F>(): F | undefined {
  return typeof globalThis.fetch === 'function' ? (((input: never, init: never) => globalThis.fetch(input, init)) as F) : undefined;
}

/**
 * A `fetch`-shaped POST over Node's own `http`/`https` with keep-alive sockets: a third to a
 * fifth of the CPU of the built-in `fetch` (undici and its web streams) per batch request,
 * which is what lets one process deliver tens of thousands of events a second. Loaded through
 * `process.getBuiltinModule` (Node ≥ 20.16), never imported, so edge bundlers see no
 * `node:http`; elsewhere it returns undefined and the client uses the global `fetch`.
 *
 * @returns the function, with `close()` to release its sockets, or undefined off Node
 */
export function createNodeHttpFetch(): ClosableFetch | undefined {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof getBuiltin !== 'function') return undefined;
  const http = getBuiltin('node:http') as NodeHttp;
  const https = getBuiltin('node:https') as NodeHttp;
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  let lastUrl = '';
  let parsed: URL | undefined;

  const post: FetchLike = (url, init) =>
    new Promise((resolve, reject) => {
      if (url !== lastUrl) {
        parsed = new URL(url);
        lastUrl = url;
      }
      const target = parsed as URL;
      const secure = target.protocol === 'https:';
      const headers = { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
      const request = (secure ? https : http).request(target, { method: init.method, headers, agent: secure ? agents.https : agents.http, signal: init.signal }, (res) => {
        const chunks: string[] = [];
        let size = 0;
        // Decoded across chunks: a character split between two would become U+FFFD twice.
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_CHARS) chunks.push(chunk);
        });
        res.on('error', (error) => reject(error));
        res.on('aborted', () => reject(new Error('the response was cut off')));
        res.on('end', () => {
          const text = chunks.join('');
          resolve({
            status: res.statusCode ?? 0,
            headers: { get: (name) => headerText(res.headers[name.toLowerCase()]) },
            text: () => Promise.resolve(text),
          });
        });
      });
      request.on('error', reject);
      request.end(init.body);
    });

  return Object.assign(post, {
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}

function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
