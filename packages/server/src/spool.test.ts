import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TidemarkError } from '@tidemark/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServerClient } from './create-server-client.js';
import type { ServerClient } from './server-client.js';
import type { ServerClientOptions } from './server-options.js';
import { type FakeCollector, ManualClock, startFakeCollector, tempDir } from '@tidemark/test-kit';

let server: FakeCollector;
let work: { dir: string; remove: () => void };
let clients: ServerClient[];
let errors: TidemarkError[];

beforeEach(async () => {
  server = await startFakeCollector();
  work = tempDir('tidemark-spool-');
  clients = [];
  errors = [];
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  work.remove();
});

function client(options: ServerClientOptions = {}): ServerClient {
  const made = createServerClient({ writeKey: 'wk_test', host: server.url, flushInterval: 0, spool: { dir: work.dir }, onError: (e) => errors.push(e), ...options });
  clients.push(made);
  return made;
}

const spoolText = () =>
  readdirSync(work.dir)
    .filter((name) => name.startsWith('seg-'))
    .map((name) => readFileSync(join(work.dir, name), 'utf8'))
    .join('');

describe('the durable spool', () => {
  it('resolves track() once the event is in the spool file', async () => {
    server.respond(() => 'hang');
    const clock = new ManualClock();
    const tm = client({ clock, timeout: 30_000 });
    await tm.track({ event: 'Durable', messageId: 'evt_durable_0001' });
    expect(spoolText()).toContain('"messageId":"evt_durable_0001"');
    const closing = tm.close();
    await server.waitFor(() => server.requests.length === 1);
    clock.tick(5_000);
    expect(await closing).toEqual({ delivered: 0, dropped: 0, kept: 1 });
  });

  it('keeps what close() could not send during an outage, and the next start sends it once', async () => {
    server.respond(() => ({ status: 503 }));
    const clock = new ManualClock();
    const first = client({ clock, timeout: 30_000 });
    for (let i = 0; i < 30; i++) void first.track({ event: 'Outage', properties: { i } });
    const closing = first.close();
    await clock.waitForTimer(1_000);
    clock.tick(5_000);
    expect(await closing).toEqual({ delivered: 0, dropped: 0, kept: 30 });
    expect(first.stats().dropped).toBe(0);

    const refused = new Set(server.requests.flatMap((r) => r.body?.batch ?? []).map((e) => e.messageId));
    server.respond(() => ({ status: 200 }));
    const answered = server.requests.length;
    const second = client();
    expect(await second.close()).toEqual({ delivered: 30, dropped: 0, kept: 0 });
    expect(server.events.map((e) => e.properties?.i)).toEqual([...Array(30).keys()]);
    // Each sent once after the restart, under the ID it was refused with.
    const resent = server.requests.slice(answered).flatMap((r) => r.body?.batch ?? []).map((e) => e.messageId);
    expect(resent).toHaveLength(30);
    expect(resent.every((id) => refused.has(id))).toBe(true);

    // Delivered events left the files: a third start has nothing to send.
    const third = client();
    await third.flush();
    expect(third.stats()).toMatchObject({ delivered: 0, queued: 0 });
    expect(errors.filter((e) => e.code !== 'server')).toEqual([]);
  });

  it('gives a second client on the same directory a memory queue and says why', async () => {
    const owner = client();
    await owner.track({ event: 'Mine' });
    const second = client();
    await second.track({ event: 'Theirs' });
    await Promise.all([owner.flush(), second.flush()]);
    expect(server.events.map((e) => e.event).sort()).toEqual(['Mine', 'Theirs']);
    expect(errors.map((e) => [e.code, e.message])).toEqual([['storage_unavailable', expect.stringContaining(`in use by process ${process.pid}`)]]);
  });

  it('counts what such a memory queue still holds at close() as dropped, not kept', async () => {
    const owner = client();
    await owner.track({ event: 'Mine' });
    await owner.flush();
    server.respond(() => ({ status: 503 }));
    const clock = new ManualClock();
    const second = client({ clock, timeout: 30_000 });
    for (let i = 0; i < 3; i++) await second.track({ event: 'Theirs' });
    const closing = second.close();
    await clock.waitForTimer(1_000);
    clock.tick(5_000);
    expect(await closing).toEqual({ delivered: 0, dropped: 3, kept: 0 });
  });
});
