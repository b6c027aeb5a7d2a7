import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TidemarkError } from '@tidemark/core';
import { FileStore } from '@tidemark/node-store';
import { initMain, type InitMainOptions } from './init-main.js';
import { IPC_CHANNEL } from './ipc-protocol.js';
import { exposeTidemark, type TidemarkRendererApi } from './preload.js';
import { contextBridgeStandIn, electronStandIn } from './test-support/electron-stand-ins.js';
import { type FakeCollector, startFakeCollector, tempDir, testEvent } from '@tidemark/test-kit';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const { dir, remove } = tempDir();
  const server = await startFakeCollector();
  cleanups.push(remove, () => server.close());
  const electron = electronStandIn(dir);
  const errors: TidemarkError[] = [];
  const start = (options: Partial<InitMainOptions> = {}) => {
    const client = initMain({ writeKey: 'wk_test', host: server.url, electron, flushInterval: 60_000, onError: (e) => errors.push(e), ...options });
    cleanups.push(() => client.close(0));
    return client;
  };
  /** A window showing `url`, with the preload's `window.tidemark`. */
  const openWindow = (url: string, id: number): TidemarkRendererApi => {
    const contextBridge = contextBridgeStandIn();
    exposeTidemark({ contextBridge, ipcRenderer: electron.link.renderer(url, id) });
    return contextBridge.exposed.get('tidemark') as TidemarkRendererApi;
  };
  return { dir, server, electron, errors, start, openWindow };
}

const named = (server: FakeCollector, name: string) => server.received.find((e) => e.event === name || e.name === name);

describe('initMain', () => {
  it('feeds every window into one queue and one session, each event with its own page and the device context', async () => {
    const { server, start, openWindow } = await setup();
    const client = start();
    const home = openWindow('app://local/index.html?tab=1', 1);
    const settings = openWindow('app://local/settings.html', 2);
    await home.track('Opened', { from: 'dock' });
    await settings.page('Settings', { section: 'privacy' });
    client.track('Main Process Event');
    await client.flush();

    expect(server.received.map((e) => e.event ?? e.name)).toEqual(['session_start', 'Opened', 'Settings', 'Main Process Event']);
    const sessionStart = named(server, 'session_start')!;
    const opened = named(server, 'Opened')!;
    const page = named(server, 'Settings')!;
    const main = named(server, 'Main Process Event')!;
    expect(new Set(server.received.map((e) => e.anonymousId))).toEqual(new Set([client.getAnonymousId()]));
    expect(new Set(server.received.map((e) => e.context.sessionId))).toEqual(new Set([client.getSessionId()]));
    expect(await home.getAnonymousId()).toBe(client.getAnonymousId());
    expect(await settings.getSessionId()).toBe(client.getSessionId());

    expect(opened.properties).toEqual({ from: 'dock' });
    expect(opened.context.page).toEqual({ url: 'app://local/index.html?tab=1', path: '/index.html', search: '?tab=1', title: '', referrer: '' });
    expect(page.type).toBe('page');
    expect(page.context.page?.url).toBe('app://local/settings.html');
    expect(page.properties).toMatchObject({ section: 'privacy', url: 'app://local/settings.html', path: '/settings.html' });
    expect(main.context.page).toBeUndefined();

    // Every event: app, OS, device ID, locale. The session start: the full Nucleus init set.
    for (const event of server.received) {
      expect(event.context.app).toMatchObject({ name: 'Stand-in App', version: '3.1.4' });
      expect(event.context.os).toEqual({ name: process.platform, version: expect.any(String) });
      expect(event.context.device?.id).toBe(client.deviceId);
      expect(event.context.locale).toBe('en-GB');
      expect(event.context.library).toEqual({ name: '@tidemark/electron', version: expect.any(String) });
    }
    expect(sessionStart.context.device).toEqual({ id: client.deviceId, arch: process.arch, totalRam: expect.any(Number) });
    expect(sessionStart.context.runtime).toMatchObject({ node: process.versions.node });
    expect(opened.context.device).toEqual({ id: client.deviceId });
    expect(opened.context.runtime).toBeUndefined();
  });

  it('refuses hostile renderer messages without harm, and nothing is written outside the queue', async () => {
    const { dir, server, electron, errors, start } = await setup();
    const client = start({ ipc: { allowSender: (url) => url.startsWith('app://') } });
    const renderer = electron.link.renderer('app://local/index.html', 1);
    const replies = await Promise.all(
      [
        { method: 'writeFile', args: ['../../../../etc/passwd', 'x'] },
        { method: 'track', args: ['x', { big: 'y'.repeat(100_000) }] },
        { method: 'track', args: ['../../outside', { __proto__: { polluted: true } }] },
        { method: 'identify', args: [{ $gt: '' }] },
        'not even an object',
      ].map((payload) => renderer.invoke(IPC_CHANNEL, payload)),
    );
    expect(replies.map((r) => r.ok)).toEqual([false, false, true, false, false]);
    expect(replies.map((r) => r.code)).toEqual(['invalid_event', 'event_too_large', undefined, 'invalid_event', 'invalid_event']);
    const foreign = await electron.link.renderer('https://evil.example/', 9).invoke(IPC_CHANNEL, { method: 'track', args: ['x'] });
    expect(foreign).toMatchObject({ ok: false, code: 'invalid_event' });
    expect(errors.map((e) => e.code)).toEqual(['invalid_event', 'event_too_large', 'invalid_event', 'invalid_event', 'invalid_event']);

    // The main process carries on; the path-like name is just a name, stored in the queue.
    client.track('Still Working');
    await client.flush();
    expect(server.received.map((e) => e.event)).toEqual(['session_start', '../../outside', 'Still Working']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['tidemark']);
    expect(readdirSync(join(dir, 'tidemark')).sort()).toEqual(['queue', 'state.json']);
    expect(readdirSync(join(dir, 'tidemark', 'queue')).every((f) => f === 'lock' || /^seg-\d+\.jsonl$/.test(f))).toBe(true);
  });

  it('keeps the anonymous ID and the device ID across restarts; the device ID hashes a random install ID', async () => {
    const { dir, start } = await setup();
    const first = start();
    const { deviceId } = first;
    const anonymousId = first.getAnonymousId();
    await first.close(0);
    const second = start();
    expect(second.getAnonymousId()).toBe(anonymousId);
    expect(second.deviceId).toBe(deviceId);
    expect(deviceId).toMatch(/^[0-9a-f]{64}$/);
    const state = JSON.parse(readFileSync(join(dir, 'tidemark', 'state.json'), 'utf8')) as Record<string, string>;
    expect(state.tm_install_id).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(state)).not.toContain(deviceId);

    const elsewhere = tempDir();
    cleanups.push(elsewhere.remove);
    // A second client while one runs: the IPC channel is taken, so it must opt out of it.
    expect(() => start({ dataDir: elsewhere.dir })).toThrow(/call initMain once per app/);
    const other = start({ dataDir: elsewhere.dir, ipc: false });
    expect(other.deviceId).not.toBe(deviceId);
  });

  it('on quit, holds the app until the queue is flushed, then lets it go without a loop', async () => {
    const { dir, server, electron, start } = await setup();
    const client = start();
    for (let i = 0; i < 50; i++) client.track(`Event ${i}`);
    let deliveredAtExit = -1;
    electron.app.on('quit', () => (deliveredAtExit = server.received.length));
    electron.app.quit();
    await waitUntil(() => electron.app.exited);

    expect(deliveredAtExit).toBe(51);
    expect(electron.app.log).toEqual([
      'quit()',
      'before-quit (held)',
      'quit()',
      'before-quit',
      'will-quit (held)',
      'quit()',
      'before-quit',
      'will-quit',
      'exit',
    ]);
    await expect(count(join(dir, 'tidemark', 'queue'))).resolves.toBe(0);
    client.track('After Quit');
    expect(electron.app.listenerCount('before-quit')).toBe(0);
  });

  it('quits even when the collector never answers; what was not sent stays on disk for the next launch', async () => {
    const { server, electron, start } = await setup();
    server.respond(() => 'hang');
    const client = start({ quitFlushMs: 200 });
    for (let i = 0; i < 5; i++) client.track(`Unsent ${i}`);
    electron.app.quit();
    await waitUntil(() => electron.app.exited);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.received).toEqual([]);

    server.respond(undefined);
    const next = start();
    await next.flush();
    const names = server.received.map((e) => e.event);
    for (let i = 0; i < 5; i++) expect(names.filter((n) => n === `Unsent ${i}`)).toHaveLength(1);
  });

  it('delivers a 10,000-event backlog left by an earlier run once after restart', async () => {
    const { dir, server, start } = await setup();
    const earlier = new FileStore({ dir: join(dir, 'tidemark', 'queue') });
    for (let i = 0; i < 10; i++) await earlier.add(Array.from({ length: 1000 }, (_, j) => testEvent(`backlog-${i * 1000 + j}`)));
    await earlier.close();

    // Above the core's default bound of 10,000, so the session start does not push the oldest out.
    const client = start({ maxQueueSize: 20_000 });
    await server.waitForEvents(10_001, 15_000);
    await client.flush();
    const ids = server.received.map((e) => e.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('backlog-'))).toHaveLength(10_000);
    await client.close(0);
    await expect(count(join(dir, 'tidemark', 'queue'))).resolves.toBe(0);
  });

  it('counts sleep as idle time: a long suspend ends the session', async () => {
    const { server, electron, start } = await setup();
    let now = Date.UTC(2026, 0, 1, 9);
    const clock = { now: () => now, setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    const client = start({ clock });
    client.track('Before Sleep');
    electron.powerMonitor.emit('suspend');
    now += 31 * 60_000;
    electron.powerMonitor.emit('resume');
    client.track('After Sleep');
    await client.flush();
    const sessions = server.received.map((e) => [e.event, e.context.sessionId]);
    const first = Date.UTC(2026, 0, 1, 9);
    expect(sessions).toEqual([
      ['session_start', first],
      ['Before Sleep', first],
      ['session_start', first + 31 * 60_000],
      ['After Sleep', first + 31 * 60_000],
    ]);
  });

  it('sends nothing while Chromium says offline, and sends when the machine is back', async () => {
    const { server, electron, start } = await setup();
    electron.net.online = false;
    const client = start();
    client.track('Offline Event');
    await client.flush();
    expect(server.requests.length).toBe(0);
    electron.net.online = true;
    electron.powerMonitor.emit('resume');
    await server.waitForEvents(2);
    expect(server.received.map((e) => e.event)).toEqual(['session_start', 'Offline Event']);
  });

  it('refuses to start without what it needs, and a refused start leaves the data directory usable', async () => {
    const { dir, errors, start } = await setup();
    const electron = electronStandIn(dir);
    expect(() => initMain({ writeKey: 'wk', electron } as InitMainOptions)).toThrow(/host is required/);
    expect(() => initMain({ writeKey: 'wk', host: 'http://127.0.0.1:1' } as InitMainOptions)).toThrow(/electron is required/);
    expect(() => initMain({ writeKey: '', host: 'http://127.0.0.1:1', electron })).toThrow(/writeKey is required/);
    expect(() => initMain({ writeKey: 'wk', host: 'http://127.0.0.1:1', electron, flushAt: -1 })).toThrow(/flushAt must be/);
    const client = start();
    client.track('x');
    await client.flush();
    expect(errors).toEqual([]);
    expect(electron.powerMonitor.listenerCount('suspend')).toBe(0);
  });
});

async function count(queueDir: string): Promise<number> {
  const store = new FileStore({ dir: queueDir });
  try {
    return await store.count();
  } finally {
    await store.close();
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
