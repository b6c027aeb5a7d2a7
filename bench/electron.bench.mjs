// Electron main process: how fast FileStore makes events durable, and how long a restart
// takes to empty a 10,000-event backlog left on disk into a local collector (budget ≤ 2 s,
// docs/architecture.md). Uses packages/electron/dist, so run after the build (`pnpm bench` builds).
// Electron itself is replaced by minimal stand-ins: initMain only reads names and paths
// from `app` and listens for quit and power events, none of which fire here.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore, initMain } from '../packages/electron/dist/index.mjs';
import { startCountingServer } from '../packages/test-kit/src/counting-server.mjs';

const event = (id) => ({
  type: 'track',
  event: 'Bench Event',
  messageId: `bench-${id}`,
  timestamp: new Date().toISOString(),
  anonymousId: 'anon-bench-0001',
  properties: { index: id, screen: 'editor', words: 1234 },
  context: { library: { name: 'bench', version: '0' }, sessionId: 1 },
});

/** Appends as the core makes them: every call of a tick at once, sharing one write and fsync. */
async function appendsPerSecond(dir) {
  const store = new FileStore({ dir });
  await store.count(); // open first: measure appends, not start-up
  const total = 20_000;
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < total; i += 100) {
    for (let j = i; j < i + 100; j++) pending.push(store.add([event(j)]));
    await new Promise((resolve) => setImmediate(resolve)); // the next tick of calls
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return total / seconds;
}

/** One event at a time, each awaited: the time until an event is on disk (one fdatasync). */
async function appendLatencyMs(dir) {
  const store = new FileStore({ dir });
  await store.count();
  const times = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await store.add([event(i)]);
    times.push(performance.now() - started);
  }
  await store.close();
  times.sort((a, b) => a - b);
  return { p50: times[100], p99: times[198] };
}

function electronStandIn(userData) {
  const app = Object.assign(new EventEmitter(), {
    getPath: () => userData,
    getName: () => 'Bench',
    getVersion: () => '1.0.0',
    getLocale: () => 'en-US',
    quit: () => {},
  });
  return { app, ipcMain: { handle() {}, removeHandler() {} }, powerMonitor: new EventEmitter(), net: { isOnline: () => true } };
}

/** 10,000 events on disk from an earlier run; time from initMain to the last acknowledgement. */
async function restartToDrainedMs(userData) {
  const earlier = new FileStore({ dir: join(userData, 'tidemark', 'queue') });
  for (let i = 0; i < 10; i++) await earlier.add(Array.from({ length: 1000 }, (_, j) => event(i * 1000 + j)));
  await earlier.close();
  const server = await startCountingServer();
  const started = performance.now();
  const client = initMain({ writeKey: 'wk_bench', host: server.url, electron: electronStandIn(userData), maxQueueSize: 20_000 });
  while (server.received() < 10_001) {
    if (performance.now() - started > 30_000) throw new Error(`only ${server.received()} of 10,001 events arrived`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const elapsed = performance.now() - started;
  await client.close(0);
  await server.close();
  return elapsed;
}

export default async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-electron-'));
  try {
    const rate = await appendsPerSecond(join(dir, 'rate'));
    const latency = await appendLatencyMs(join(dir, 'latency'));
    const drained = await restartToDrainedMs(join(dir, 'restart'));
    return [
      { area: 'electron', metric: 'FileStore appends (durable, group commit)', value: rate, unit: 'events/s', budget: 20_000, better: 'higher' },
      { area: 'electron', metric: 'FileStore add() until on disk, p50', value: latency.p50, unit: 'ms', budget: 100 },
      { area: 'electron', metric: 'FileStore add() until on disk, p99', value: latency.p99, unit: 'ms', budget: 100 },
      { area: 'electron', metric: 'restart to drained, 10,000-event backlog', value: drained, unit: 'ms', budget: 2_000 },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
