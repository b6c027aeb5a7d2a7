import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector, type RunningCollector } from '@tidemark/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportClient } from './export-client.js';
import type { CloseResult } from './server-client.js';
import { bootWaitingChild, bundleForNode, tempDir, type WaitingChild } from '@tidemark/test-kit';

// The spool under SIGKILL: real child processes track events into a spool and deliver them to
// the reference collector, and each is killed at a random moment, KILLS times over (a fifth of
// the kills land during start-up: lock take-over, backlog loading). A last child on each spool
// closes and must exit by itself. Every event whose track() promise resolved in any child must
// then be at the collector.

const KILLS = 120;
let work: { dir: string; remove: () => void };
let child: string;
let collector: RunningCollector;

beforeAll(async () => {
  work = tempDir('tidemark-spool-kill-');
  child = await bundleForNode(fileURLToPath(new URL('./test-support/spool-kill-child.ts', import.meta.url)), join(work.dir, 'spool-kill-child.mjs'), {
    runtimeImports: ['@tidemark/node-store'],
  });
  collector = await startCollector({ port: 0, dbPath: join(work.dir, 'events.db'), writeKeys: ['wk_test'], readKeys: ['rk_test'] });
});
afterAll(async () => {
  await collector?.close();
  work?.remove();
});

/** What one lane of children on one spool directory saw. */
interface Lane {
  resolved: string[];
  kills: number;
  drained: CloseResult;
}

/** Children one after another on one spool, each killed, then one that drains. */
async function runLane(name: string, cycles: number, firstCycle: number): Promise<Lane> {
  const spool = join(work.dir, `spool-${name}`);
  const boot = (cycle: number, drain: boolean): { cycle: number; child: WaitingChild; report: string } => {
    const report = join(work.dir, `report-${cycle}.txt`);
    return { cycle, report, child: bootWaitingChild(child, [spool, collector.url, report, String(cycle), ...(drain ? ['drain'] : [])]) };
  };
  const lane: Lane = { resolved: [], kills: 0, drained: { delivered: 0, dropped: 0, kept: 0 } };
  let next = boot(firstCycle, false);
  for (let i = 0; i < cycles; i++) {
    const current = next;
    next = boot(firstCycle + i + 1, i === cycles - 1);
    const early = i % 5 === 4;
    const exit = await current.child.run(early ? { afterStartMs: Math.random() * 15 } : { afterOutput: 1 + Math.floor(Math.random() * 8), thenMs: Math.random() * 4 });
    expect(exit.signal, `child ${current.cycle} ended by itself (${exit.code}): ${exit.stderr}`).toBe('SIGKILL');
    lane.kills++;
    // Only complete lines count: a report cut short by the kill was never made.
    const text = existsSync(current.report) ? readFileSync(current.report, 'utf8') : '';
    for (const line of text.split('\n').slice(0, -1)) lane.resolved.push(...(JSON.parse(line) as string[]));
  }
  const last = await next.child.run('none');
  expect(last, last.stderr).toMatchObject({ code: 0, signal: null });
  lane.drained = JSON.parse(last.stdout) as CloseResult;
  return lane;
}

describe('the spool under SIGKILL', () => {
  it(`loses no event whose track() resolved, over ${KILLS} kills`, async () => {
    const started = Date.now();
    // Two lanes side by side (each with its own spool), so both cores boot children.
    const lanes = await Promise.all([runLane('a', KILLS / 2, 0), runLane('b', KILLS / 2, 1_000)]);
    const stored = new Set<string>();
    for await (const page of createExportClient({ host: collector.url, readKey: 'rk_test' }).pages<{ messageId: string }>('events', { pageSize: 1_000 })) {
      for (const item of page.items) stored.add(item.messageId);
    }
    const resolved = lanes.flatMap((lane) => lane.resolved);
    expect(resolved.filter((id) => !stored.has(id)), 'events lost').toEqual([]);
    for (const lane of lanes) expect(lane.drained).toMatchObject({ dropped: 0, kept: 0 });
    const kills = lanes.reduce((sum, lane) => sum + lane.kills, 0);
    expect(kills).toBe(KILLS);
    expect(resolved.length).toBeGreaterThan(KILLS * 5);
    const { duplicates } = collector.stats();
    console.log(
      `spool under SIGKILL: ${kills} kills, ${resolved.length} events resolved, ${stored.size} stored at the collector, ` +
        `${duplicates} re-sends deduplicated, drained ${lanes.map((l) => l.drained.delivered).join(' + ')} at the end, ${Date.now() - started} ms`,
    );
  }, 120_000);
});
