// Set-up shared by this package's Node tests (not part of the build): a scripted server,
// the client helpers, and transports with test-sized timings, all cleaned up after each test.
import WebSocket from 'ws';
import { afterEach } from 'vitest';
import type { TidemarkError } from '@tidemark/core';
import { clientHelpers, startWsCollector, type WsCollector } from '@tidemark/test-kit';
import { wsTransport } from '../ws-transport.js';
import type { WsTransport } from '../ws-transport.js';
import type { WsTransportOptions } from '../options.js';

export const helpers = clientHelpers();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Run `cleanup` after the current test (servers, files), latest first.
 *
 * @param cleanup - what to undo
 */
export function afterTest(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

/**
 * A scripted server that stops after the test.
 *
 * @param keys - accepted app IDs and write keys (default: app ID `app`)
 */
export async function server(keys?: { appIds?: string[]; writeKeys?: string[] }): Promise<WsCollector> {
  const started = await startWsCollector(keys);
  cleanups.push(() => started.close());
  return started;
}

/**
 * A transport with Node's `ws`, fast reconnects and a short ack timeout, closed after the
 * test; `errors` collects what it reported through `onError`.
 *
 * @param options - at least `url`; the rest defaults to test values
 */
export function transport(options: Partial<WsTransportOptions> & { url: string }): WsTransport & { errors: TidemarkError[] } {
  const errors: TidemarkError[] = [];
  const made = wsTransport({
    appId: 'app',
    WebSocket,
    ackTimeoutMs: 1_000,
    minReconnectDelayMs: 20,
    maxReconnectDelayMs: 100,
    onError: (error) => errors.push(error),
    ...options,
  });
  cleanups.push(() => made.close());
  return Object.assign(made, { errors });
}

/**
 * Open the transport's socket with one acknowledged event, so a test's deadlines measure
 * acks and not a slow first connection on a loaded machine. Call before changing the script.
 *
 * @param ws - the transport to warm
 */
export async function warm(ws: WsTransport): Promise<void> {
  const result = await ws.send(helpers.makeEvents(1, 'warm'), { writeKey: '' });
  if (result.delivered.length !== 1) throw new Error(`warm-up failed: ${result.error?.message ?? 'not delivered'}`);
}

/**
 * Wait until `condition()` holds, checking every 10 ms, for at most `ms`.
 *
 * @returns whether it held in time
 */
export async function until(condition: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
