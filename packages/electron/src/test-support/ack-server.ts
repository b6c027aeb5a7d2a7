import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TidemarkEvent } from '@tidemark/core';

/** How the collector stand-in answers: store and ack, or never answer. */
export type AckMode = 'ack' | 'hang';

/** A collector on 127.0.0.1 that acknowledges Segment-style batches. */
export interface AckServer {
  /** Origin to pass as `host`. */
  host: string;
  /** Every event received, in order of arrival (re-sends included). */
  events: TidemarkEvent[];
  /** Requests received. */
  requests: number;
  /** Switch how later requests are answered. */
  mode: AckMode;
  /** Resolves once `count` events have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Start a real HTTP server that answers `POST /v1/batch` with `{"success":true}` after
 * reading the whole body (or holds the request open in `hang` mode).
 *
 * @param mode - initial answering mode
 * @returns the running server
 */
export async function startAckServer(mode: AckMode = 'ack'): Promise<AckServer> {
  const held = new Set<ServerResponse>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const state = {
    host: '',
    events: [] as TidemarkEvent[],
    requests: 0,
    mode,
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      state.requests++;
      if (state.mode === 'hang') return void held.add(res);
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { batch: TidemarkEvent[] };
        state.events.push(...body.batch);
      } catch {
        return void res.writeHead(400).end();
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
      for (const w of waiters.splice(0)) {
        if (state.events.length >= w.count) w.resolve();
        else waiters.push(w);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    waitFor(count: number, timeoutMs = 10_000) {
      if (state.events.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${state.events.length} of ${count} events arrived`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
