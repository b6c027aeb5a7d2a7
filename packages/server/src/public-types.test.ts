import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createExportClient, createServerClient, readAttribution, tidemark, tidemarkRelay, withTidemark,
  type Attribution, type TidemarkRelay, type CloseResult, type ExportPage, type RequestClient, type ServerClient,
} from './index.js';

// Compile-time checks of the public API: `tsc` fails if a misuse stops being an error or a
// result type drifts. The runtime part only proves the module graph loads.
describe('public types', () => {
  it('types the server client', () => {
    const client = createServerClient('wk_test');
    expectTypeOf(client).toEqualTypeOf<ServerClient>();
    expectTypeOf(client.track({ event: 'A' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(client.track(null, 'A', { x: 1 })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(client.close()).toEqualTypeOf<Promise<CloseResult>>();
    expectTypeOf(client.getAnonymousId()).toEqualTypeOf<string>();
    // @ts-expect-error the object form needs an event name
    void client.track({ userId: 'u1' });
    // @ts-expect-error the legacy form needs an event name
    void client.track('u1');
    // @ts-expect-error properties are an object
    void client.track('u1', 'A', 'not an object');
    // @ts-expect-error unknown option
    createServerClient({ writeKey: 'k', flushEvery: 10 });
    // @ts-expect-error group needs a group ID
    void client.group('u1');
    expectTypeOf<CloseResult>().toEqualTypeOf<{ delivered: number; dropped: number; kept: number }>();
    // Misuse is a type error and, for plain JavaScript, an error at once.
    expect(() =>
      // @ts-expect-error a spool needs its directory
      createServerClient({ writeKey: 'k', spool: {} }),
    ).toThrow(/spool needs a directory/);
    expect(() =>
      // @ts-expect-error the byte bound is a number of bytes
      createServerClient({ writeKey: 'k', maxQueueBytes: '64MB' }),
    ).toThrow(/maxQueueBytes must be an integer/);
    void client.close();
  });

  it('types attribution and the request-bound client', () => {
    expectTypeOf(readAttribution({ headers: {} })).toEqualTypeOf<Attribution>();
    expectTypeOf<Attribution['anonymousId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Attribution['sessionId']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RequestClient['track']>().toBeFunction();
    // @ts-expect-error a request needs headers
    readAttribution({});
    const client = createServerClient('wk_test');
    const handler = withTidemark(client, async (_request, tm, env: { key: string }) => Response.json({ id: tm.anonymousId, key: env.key }));
    expectTypeOf(handler).parameters.toEqualTypeOf<[Request, { key: string }]>();
    expectTypeOf(tidemark({ client }).client).toEqualTypeOf<ServerClient>();
    void client.close();
  });

  it('types the relay and cookie issuing', () => {
    const relay = tidemarkRelay({ writeKey: 'wk_server', browserWriteKeys: ['wk_public'], host: 'http://localhost:8787' });
    expectTypeOf(relay).toEqualTypeOf<TidemarkRelay>();
    expectTypeOf(relay.fetch).toEqualTypeOf<(request: Request) => Promise<Response>>();
    expectTypeOf(relay.inFlight).toEqualTypeOf<number>();
    // @ts-expect-error the relay needs the server's write key
    expect(() => tidemarkRelay({ host: 'http://localhost:8787' })).toThrow(/writeKey/);
    // @ts-expect-error paths are strings
    expect(() => tidemarkRelay({ writeKey: 'wk', path: 1 })).toThrow(/path must be a path/);
    relay.close();
    const client = createServerClient('wk_test');
    expectTypeOf(tidemark({ client, issueCookies: { domain: 'shop.example', maxAgeDays: 400 } })).toBeFunction();
    // @ts-expect-error lifetimes are numbers of days
    expect(() => tidemark({ client, issueCookies: { maxAgeDays: '400d' } })).toThrow(/maxAgeDays must be an integer/);
    withTidemark(client, () => new Response('ok'), { issueCookies: true });
    void client.close();
  });

  it('types export pages', () => {
    const exporter = createExportClient({ host: 'http://localhost:8787', readKey: 'rk' });
    // Typed through a function that is never called: calling it would make a real request.
    const exportTyped = () => exporter.exportEvents<{ id: number }>();
    expectTypeOf(exportTyped).returns.toEqualTypeOf<Promise<ExportPage<{ id: number }>>>();
    expectTypeOf<ExportPage<unknown>['nextCursor']>().toEqualTypeOf<string | null>();
    // @ts-expect-error sessions take no event filter
    const misuse = () => exporter.exportSessions({ events: ['x'] });
    expectTypeOf(misuse).toBeFunction();
  });
});
