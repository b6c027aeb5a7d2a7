import type { TidemarkError, TidemarkEvent } from '@tidemark/core';
import { type FakeCollector, startFakeCollector } from '@tidemark/test-kit';
import { afterEach, beforeEach } from 'vitest';
import { createServerClient } from '../create-server-client.js';
import type { ServerClient } from '../server-client.js';
import type { ServerClientOptions } from '../server-options.js';

/** A fake collector per test, and server clients on it that are closed after the test. */
export interface WireClientFixture {
  /** This test's collector. */
  readonly server: FakeCollector;
  /** Errors the clients reported (`onError`), in order. */
  readonly errors: TidemarkError[];
  /** A client on this test's collector (timer off: it sends on flushAt and flush()). */
  client(options?: ServerClientOptions): ServerClient;
  /** The first event of that name the collector received. */
  byEvent(name: string): TidemarkEvent | undefined;
}

/**
 * Register the fixture's set-up and clean-up in the calling test file.
 *
 * @returns the fixture; read its fields inside tests (they are new for every test)
 */
export function wireClientFixture(): WireClientFixture {
  let server: FakeCollector;
  let clients: ServerClient[] = [];
  let errors: TidemarkError[] = [];
  beforeEach(async () => {
    server = await startFakeCollector();
    clients = [];
    errors = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });
  return {
    get server() {
      return server;
    },
    get errors() {
      return errors;
    },
    client(options = {}) {
      const made = createServerClient({ writeKey: 'wk_test', host: server.url, flushInterval: 0, onError: (e) => errors.push(e), ...options });
      clients.push(made);
      return made;
    },
    byEvent: (name) => server.events.find((e) => e.event === name),
  };
}
