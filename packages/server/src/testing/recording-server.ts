import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TidemarkEvent } from '@tidemark/core';

/** A request as the recording server saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when it was not JSON. */
  body: { batch?: TidemarkEvent[]; sentAt?: string } | undefined;
  raw: string;
}

/** What the server answers; `hang` never answers (for timeouts). */
export type Reply = { status?: number; headers?: Record<string, string>; body?: string } | 'hang';

/** Chooses the answer to the n-th request (0-based). Default: 200 `{"success":true}`. */
export type Responder = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

/** A real HTTP server on 127.0.0.1 that records every request and answers as told. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Events of batches answered with a 2xx, deduplicated by `messageId` like a collector. */
  stored(): TidemarkEvent[];
  /** Most requests that were open at the same time. */
  peakConcurrency(): number;
  respond(responder: Responder): void;
  /** Resolve once `predicate` holds (checked on every request), or reject after `ms`. */
  waitFor(predicate: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Start a recording server on port 0 (test support, not exported by the package).
 *
 * @param responder - the answers; change them later with `respond`
 * @returns the running server
 */
export async function startRecordingServer(responder?: Responder): Promise<RecordingServer> {
  let respond: Responder = responder ?? (() => ({ status: 200, body: '{"success":true}' }));
  const requests: RecordedRequest[] = [];
  const stored = new Map<string, TidemarkEvent>();
  const waiters = new Set<() => void>();
  let open = 0;
  let peak = 0;
  const server: Server = createServer((req, res) => {
    open++;
    peak = Math.max(peak, open);
    res.on('close', () => open--);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: RecordedRequest['body'];
      try {
        body = JSON.parse(raw) as RecordedRequest['body'];
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, raw };
      const index = requests.push(recorded) - 1;
      const reply = await respond(recorded, index);
      if (reply !== 'hang') {
        const status = reply.status ?? 200;
        if (status >= 200 && status < 300) for (const event of body?.batch ?? []) stored.set(event.messageId, event);
        res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body ?? (status < 300 ? '{"success":true}' : '{"status":"error"}'));
      }
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stored: () => [...stored.values()],
    peakConcurrency: () => peak,
    respond(next) {
      respond = next;
    },
    waitFor(predicate, ms = 5_000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waitFor: condition not met within ${ms} ms (${requests.length} requests seen)`));
        }, ms);
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
