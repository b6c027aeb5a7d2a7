import { startCollector, type RunningCollector } from '@tidemark/collector';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportClient } from './export-client.js';
import type { CloseResult, ClientStats } from './server-client.js';
import type { DropInfo } from './server-options.js';
import { LIMITS } from '@tidemark/protocol';
import { bundleForNode, type ChildExit, type FakeCollector, spawnNode, startFakeCollector, tempDir } from '@tidemark/test-kit';

// Shutdown as a backend process does it, in real child processes: 1,000 track() calls while
// the collector answers 500, then `await client.close()` (or `flush()` first) at top level.
// Before the client kept the process alive, such a process exited by itself ~20 ms later,
// with the promise never settled (exit code 13) and every event gone. Every child here must
// exit by itself with code 0.

const CALLS = 1_000;
let work: { dir: string; remove: () => void };
let child: string;
const servers: FakeCollector[] = [];
let collector: RunningCollector | undefined;

beforeAll(async () => {
  work = tempDir('tidemark-close-');
  child = await bundleForNode(fileURLToPath(new URL('./test-support/close-child.ts', import.meta.url)), join(work.dir, 'close-child.mjs'), {
    runtimeImports: ['@tidemark/node-store'],
  });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await collector?.close();
  work?.remove();
});

interface ChildReport {
  result: CloseResult;
  stats: ClientStats;
  drops: DropInfo[];
  closeMs: number;
  errors: string[];
  flushed?: { stats: ClientStats; flushMs: number };
}

/** Run the child to its own end (no kill, no process.exit in it) and read its report. */
async function runChild(host: string, count: number, prefix: string, flags: string[] = []): Promise<ChildExit & { report: ChildReport }> {
  const exit = await spawnNode(child, [host, String(count), prefix, ...flags]).exited;
  expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
  return { ...exit, report: JSON.parse(exit.stdout) as ChildReport };
}

async function recordingServer(answer: (firstIndex: number, startedAt: number) => number): Promise<FakeCollector> {
  let startedAt = 0;
  const server = await startFakeCollector();
  server.respond((request) => {
    startedAt ||= Date.now();
    return { status: answer(Number(request.body?.batch?.[0]?.properties?.i), startedAt) };
  });
  servers.push(server);
  return server;
}

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}_${String(i).padStart(5, '0')}`);

describe('close() and flush() in a real process during a collector outage', () => {
  it('settle (close() within its limit), report exactly what was dropped, and with a spool keep everything for the next start', async () => {
    // A: a 5 s outage from the first request. Retries come at 1 s and 3 s; the next one
    //    would be at 7 s, past close()'s limit, so all 1,000 are dropped and said to be.
    const outage = await recordingServer((_first, startedAt) => (Date.now() - startedAt < 5_000 ? 500 : 200));
    // B: the collector takes every other full batch and answers 500 to the rest, for good:
    //    what close() reports must match what arrived, to the event.
    const batch = LIMITS.maxBatchEvents;
    const half = await recordingServer((first) => (Math.floor(first / batch) % 2 === 0 ? 200 : 500));
    // C: the same outage with a spool: nothing dropped, all kept.
    const spooled = await recordingServer(() => 503);
    const spoolDir = join(work.dir, 'spool');
    // D: flush() during the same 5 s outage keeps the process alive through its retries (the
    //    fourth attempt, at 7 s, finds the collector back) and delivers everything.
    const flushOutage = await recordingServer((_first, startedAt) => (Date.now() - startedAt < 5_000 ? 500 : 200));

    const [a, b, c, d] = await Promise.all([
      runChild(outage.url, CALLS, 'outage'),
      runChild(half.url, CALLS, 'half'),
      runChild(spooled.url, CALLS, 'spooled', ['--spool', spoolDir]),
      runChild(flushOutage.url, CALLS, 'flushed', ['--flush-first']),
    ]);

    expect(a.report.result).toEqual({ delivered: 0, dropped: CALLS, kept: 0 });
    expect(a.report.drops).toEqual([{ reason: 'closed', count: CALLS }]);
    expect(outage.events).toEqual([]);
    expect(a.report.closeMs).toBeGreaterThanOrEqual(4_900);
    expect(a.report.closeMs).toBeLessThan(7_000);

    const arrived = half.events.map((e) => e.messageId).sort();
    expect(b.report.result).toEqual({ delivered: arrived.length, dropped: CALLS - arrived.length, kept: 0 });
    // Only batches the collector takes arrive; odd ones retry in every request slot until the limit.
    const taken = new Set(ids('half', CALLS).filter((_, i) => Math.floor(i / batch) % 2 === 0));
    expect(arrived.filter((id) => !taken.has(id))).toEqual([]);
    expect(arrived.length).toBeGreaterThan(0);
    expect(arrived.length).toBeLessThan(CALLS / 2 + 1);
    expect(b.report.stats).toMatchObject({ delivered: arrived.length, dropped: CALLS - arrived.length, queued: 0, inFlight: 0 });
    expect(b.report.drops.reduce((sum, d) => sum + d.count, 0)).toBe(CALLS - arrived.length);

    expect(c.report.result).toEqual({ delivered: 0, dropped: 0, kept: CALLS });
    expect(c.report.drops).toEqual([]);
    expect(c.report.closeMs).toBeLessThan(7_000);

    expect(d.report.flushed?.stats).toMatchObject({ delivered: CALLS, dropped: 0, queued: 0 });
    expect(d.report.flushed?.flushMs).toBeGreaterThanOrEqual(6_900);
    expect(d.report.result).toEqual({ delivered: 0, dropped: 0, kept: 0 });
    expect(flushOutage.events.map((e) => e.messageId).sort()).toEqual(ids('flushed', CALLS));

    // The next start, against the reference collector, sends what the spool kept: all of it, once.
    collector = await startCollector({ port: 0, dbPath: join(work.dir, 'events.db'), writeKeys: ['wk_test'], readKeys: ['rk_test'] });
    const next = await runChild(collector.url, 0, 'next', ['--spool', spoolDir]);
    expect(next.report.result).toEqual({ delivered: CALLS, dropped: 0, kept: 0 });
    expect(collector.stats()).toMatchObject({ stored: CALLS, duplicates: 0 });
    const exported: string[] = [];
    for await (const page of createExportClient({ host: collector.url, readKey: 'rk_test' }).pages<{ messageId: string }>('events', { pageSize: 1_000 })) {
      exported.push(...page.items.map((item) => item.messageId));
    }
    expect(exported.sort()).toEqual(ids('spooled', CALLS));
    console.log(
      `close() during an outage: A ${JSON.stringify(a.report.result)} in ${a.report.closeMs} ms (exit ${a.code}); ` +
        `B ${JSON.stringify(b.report.result)}, ${arrived.length} arrived; C ${JSON.stringify(c.report.result)} in ${c.report.closeMs} ms; ` +
        `D flush() delivered ${d.report.flushed?.stats.delivered} in ${d.report.flushed?.flushMs} ms; ` +
        `restart ${JSON.stringify(next.report.result)}, collector stored ${collector.stats().stored}, duplicates ${collector.stats().duplicates}`,
    );
  }, 30_000);
});
