// Server client (@tidemark/server): the cost of one track() call, and delivered events/s for
// 50,000 events over loopback — to a bare counting HTTP server (the client's own ceiling) and,
// when its build exists, to the reference collector (SQLite, dedupe, auth: the real path),
// three of each in turns, beside SQLite's own insert rate.
// Then a 50,000-event burst as a busy server makes one (chunks of 100 calls, setImmediate
// between, nobody awaiting) with the default options: how many arrive and how long the last
// takes; and the durable spool's append rate (track() calls whose promise resolved, i.e.
// fsynced). Each server runs in its own process, as it would in production, so the client has
// this process to itself. Needs `pnpm build` first.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf } from './process-cpu.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const AID = 'V1StGXR8_Z5jdHi6B-myT';
const DELIVER = 50_000;
const BURST = 50_000;
const SPOOLED = 20_000;
/** Deliveries of DELIVER events to each server, taken in turns. */
const ROUNDS = 3;
const CORES = availableParallelism();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Run a server process and resolve with its URL once it prints `listening on <url>`. */
async function startProcess(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 15_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  const stop = () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM'))));
  return { url, stop, cpuSeconds: () => cpuSecondsOf(child.pid) };
}

/** ns per track() over 100,000 calls; the fetch is a stub because only the call is measured. */
async function enqueueCost(createServerClient) {
  const ok = async () => new Response('{"success":true}');
  const client = createServerClient({ writeKey: 'wk_bench', fetch: ok, flushAt: 100, maxQueueSize: 10_000, flushInterval: 0 });
  const call = (i) => client.track({ event: 'Purchase Completed', userId: 'user_123', anonymousId: AID, properties: { amount: 99.99, currency: 'USD', i } });
  for (let i = 0; i < 20_000; i++) call(i);
  await client.flush();
  let elapsed = 0n;
  // 20 rounds of 5,000 calls; the queue is drained between rounds, untimed, so no round overflows.
  for (let round = 0; round < 20; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 5_000; i++) call(i);
    elapsed += process.hrtime.bigint() - t0;
    await client.flush();
  }
  await client.close();
  return Number(elapsed) / 100_000;
}

/**
 * Track `total` events, `chunk` a tick, and time until the last is acknowledged. With
 * `backPressure`, the producer awaits the last call of each chunk: the client's own
 * back-pressure holds it while the queue is nearly full. (A producer that polled the queue
 * with setImmediate instead kept a core busy doing nothing, taken from the collector on a
 * 2-core machine, so the collector row read low.)
 */
async function timedRun(client, { total, chunk, backPressure = false }) {
  const t0 = process.hrtime.bigint();
  for (let sent = 0; sent < total; ) {
    let last;
    for (let i = 0; i < chunk; i++, sent++) last = client.track({ event: 'Purchase Completed', userId: `user_${sent % 500}`, anonymousId: AID, properties: { amount: 99.99, n: sent } });
    if (backPressure) await last;
    await new Promise((r) => setImmediate(r));
  }
  await client.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const stats = client.stats();
  await client.close();
  return { seconds, delivered: stats.delivered };
}

/**
 * 50,000 events as fast as the queue allows: delivered events/s, and the CPU each side spent
 * per event (µs): this process (the client), and the server process, all its threads.
 */
async function deliver(createServerClient, server, writeKey) {
  const client = createServerClient({ writeKey, host: server.url, flushAt: 100, maxQueueSize: 10_000, flushInterval: 0 });
  const serverCpu = server.cpuSeconds();
  const clientCpu = process.cpuUsage();
  // Chunks of 1,000 under a 10,000 bound: waiting at 9,000, nothing is ever dropped.
  const { seconds, delivered } = await timedRun(client, { total: DELIVER, chunk: 1_000, backPressure: true });
  const { user, system } = process.cpuUsage(clientCpu);
  return {
    rate: delivered / seconds,
    lost: DELIVER - delivered,
    clientUs: (user + system) / delivered,
    serverUs: ((server.cpuSeconds() - serverCpu) * 1e6) / delivered,
  };
}

/**
 * The ceiling over the collector row, for scale: SQLite alone (the collector's libsql and file
 * settings: WAL, synchronous=normal, 32 MB cache, no checkpoint in the writing thread) storing
 * DELIVER events as bare as a deduplicating store can: a row per event with its random unique
 * key and its JSON text, in the fastest shape measured here (50-row INSERTs, 500 rows a
 * transaction: a commit writes every index page its random keys touched, so 100-row commits
 * ran at ~70% of this), in this thread. No HTTP, validation, sessions or second index. One
 * connection writes at a time, so no SQLite collector stores much faster than this.
 */
function rawSqliteRate() {
  const Database = createRequire(join(root, 'packages/collector/package.json'))('libsql');
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-sqlite-'));
  const db = new Database(join(dir, 'raw.db'));
  try {
    for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'cache_size = -32000', 'wal_autocheckpoint = 0']) db.exec(`PRAGMA ${pragma}`);
    db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, received_ms INTEGER NOT NULL, raw TEXT NOT NULL)');
    const insert = db.prepare(`INSERT INTO events (key, received_ms, raw) VALUES ${Array(50).fill('(?, ?, ?)').join(', ')}`);
    // Keys, text and parameter lists are made before the clock starts: only SQLite is timed.
    const params = [];
    for (let n = 0; n < DELIVER; n++) {
      const messageId = randomUUID();
      const event = { type: 'track', event: 'Purchase Completed', userId: `user_${n % 500}`, anonymousId: AID, properties: { amount: 99.99, n }, messageId, timestamp: new Date().toISOString(), context: { library: { name: '@tidemark/server', version: '0.0.0' } } };
      if (n % 50 === 0) params.push([]);
      params.at(-1).push(messageId, Date.now(), JSON.stringify(event));
    }
    const t0 = process.hrtime.bigint();
    for (let start = 0; start < params.length; start += 10) {
      db.exec('BEGIN');
      for (const list of params.slice(start, start + 10)) insert.run(list);
      db.exec('COMMIT');
    }
    return DELIVER / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A burst as a busy server makes one: 100 calls a tick, nothing awaited, default options. */
async function burst(createServerClient, host, writeKey) {
  const { seconds, delivered } = await timedRun(createServerClient({ writeKey, host }), { total: BURST, chunk: 100 });
  return { ms: seconds * 1000, delivered };
}

/**
 * Spool appends: SPOOLED calls in chunks of 100 a tick, until every track() promise resolved
 * (on disk). Batches go to a stub that answers at once, so the files see what they see in
 * service: appends, and the removals of what was delivered, group-committed together.
 */
async function spoolAppends(createServerClient) {
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-spool-'));
  const ok = async () => new Response('{"success":true}');
  const client = createServerClient({ writeKey: 'wk_bench', fetch: ok, flushAt: 100, flushInterval: 0, spool: { dir } });
  try {
    await client.track({ event: 'Warm-up' }); // the store is open and locked
    const pending = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < SPOOLED; i += 100) {
      for (let j = i; j < i + 100; j++) pending.push(client.track({ event: 'Order Shipped', userId: 'user_123', anonymousId: AID, properties: { amount: 99.99, n: j } }));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(pending);
    return SPOOLED / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run() {
  const { createServerClient } = await import(join(root, 'packages/server/dist/index.mjs'));
  const rows = [];
  rows.push({ area: 'server', metric: 'track() enqueue, mean of 100,000 calls', value: await enqueueCost(createServerClient), unit: 'ns', budget: 1_000 });

  const counting = await startProcess([fileURLToPath(new URL('../packages/test-kit/src/counting-server.mjs', import.meta.url))]);
  const collectorCli = join(root, 'packages/collector/dist/cli.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'tm-bench-server-'));
  const collector = existsSync(collectorCli) ? await startProcess([collectorCli, '--port', '0', '--db', join(dir, 'bench.db'), '--write-key', 'wk_bench', '--read-key', 'rk_bench']) : null;
  const arrivedAtBare = async () => Number(await (await fetch(counting.url)).text());
  try {
    // The two rates are compared, so they are taken in turns, ROUNDS of each, and the medians
    // compared: a machine whose speed drifts within a run (shared cores) moves both alike.
    const bare = [];
    const stored = [];
    const cpu = { client: [], bare: [], collector: [] };
    let bareLost = 0;
    let collectorLost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const before = await arrivedAtBare();
      const b = await deliver(createServerClient, counting, 'wk_bench');
      bare.push(b.rate);
      cpu.client.push(b.clientUs);
      cpu.bare.push(b.serverUs);
      bareLost = Math.max(bareLost, b.lost, DELIVER - ((await arrivedAtBare()) - before));
      if (!collector) continue;
      const c = await deliver(createServerClient, collector, 'wk_bench');
      stored.push(c.rate);
      cpu.collector.push(c.serverUs);
      collectorLost = Math.max(collectorLost, c.lost);
    }
    rows.push({ area: 'server', metric: `delivered to a bare node:http server, 50,000 events (median of ${ROUNDS})`, value: median(bare), unit: 'events/s', budget: 50_000, better: 'higher' });
    rows.push({ area: 'server', metric: `events lost of 50,000 (bare server, worst of ${ROUNDS})`, value: bareLost, unit: 'events', budget: 0 });
    const before = await arrivedAtBare();
    const b = await burst(createServerClient, counting.url, 'wk_bench');
    const burstArrived = (await arrivedAtBare()) - before;
    rows.push({ area: 'server', metric: 'burst of 50,000 (100 a tick, not awaited), defaults: arrived (bare server)', value: Math.min(b.delivered, burstArrived), unit: 'events', budget: BURST, better: 'higher' });
    rows.push({ area: 'server', metric: 'burst of 50,000, defaults: until the last is acknowledged (bare server)', value: b.ms, unit: 'ms' });
    if (collector) {
      rows.push({ area: 'server', metric: `delivered to the reference collector, 50,000 events (median of ${ROUNDS}, in turns with the bare server)`, value: median(stored), unit: 'events/s', budget: 50_000, better: 'higher' });
      rows.push({ area: 'server', metric: 'delivered to the reference collector, against the bare server', value: (100 * median(stored)) / median(bare), unit: '%', budget: 80, better: 'higher' });
      const sqliteRate = rawSqliteRate();
      rows.push({ area: 'server', metric: 'platform: SQLite alone, one writer: inserts with a unique key, 500 a transaction (no collector)', value: sqliteRate, unit: 'events/s' });
      // Where the cores go: CPU per event of each process, medians of the rounds above. Client
      // and server share this machine's cores, so the collector's rate is bounded by their sum.
      rows.push({ area: 'server', metric: 'CPU per event: the server client (delivering to the bare server)', value: median(cpu.client), unit: 'µs' });
      rows.push({ area: 'server', metric: 'CPU per event: the bare server (parses each batch, stores nothing)', value: median(cpu.bare), unit: 'µs' });
      rows.push({ area: 'server', metric: 'CPU per event: the reference collector, all its threads', value: median(cpu.collector), unit: 'µs' });
      rows.push({ area: 'server', metric: 'platform: CPU per event of SQLite alone (the row above, one thread)', value: 1e6 / sqliteRate, unit: 'µs' });
      // A collector that only parsed and stored would still cost the bare server's work plus
      // SQLite's, on the cores the client shares: the most any SQLite collector delivers here.
      const ceiling = (CORES * 1e6) / (median(cpu.client) + median(cpu.bare) + 1e6 / sqliteRate);
      rows.push({ area: 'server', metric: `platform: ceiling of the collector row on ${CORES} cores (cores ÷ (client + bare server + SQLite alone)), against the bare server`, value: (100 * Math.min(ceiling, median(bare))) / median(bare), unit: '%' });
      rows.push({ area: 'server', metric: `events lost of 50,000 (collector, worst of ${ROUNDS})`, value: collectorLost, unit: 'events', budget: 0 });
      const c = await burst(createServerClient, collector.url, 'wk_bench');
      rows.push({ area: 'server', metric: 'burst of 50,000 (100 a tick, not awaited), defaults: delivered (collector)', value: c.delivered, unit: 'events', budget: BURST, better: 'higher' });
      rows.push({ area: 'server', metric: 'burst of 50,000, defaults: until the last is acknowledged (collector)', value: c.ms, unit: 'ms' });
    }
  } finally {
    await counting.stop();
    await collector?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push({ area: 'server', metric: 'spool appends, durable (track() resolved), 100 a tick, delivering', value: await spoolAppends(createServerClient), unit: 'events/s', budget: 20_000, better: 'higher' });
  return rows;
}
