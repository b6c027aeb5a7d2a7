// The hostile-input corpus in real Chromium against the reference collector (SQLite in a temp
// dir): every careless or hostile call of e2e/support/hostile-calls.ts between good events,
// then counted at the collector. Nothing may throw into the page, no promise may reject
// unhandled, every good event is stored once, and each bad call is reported once.
import type { Page } from '@playwright/test';
import { test, expect, pageUrl } from './support/core-fixture.js';
import { loadCollector, removeTempDirs, tempDir } from './support/collector-process.js';
import { HELPERS, HOSTILE_CALLS, type HostileCall } from './support/hostile-calls.js';
import type { RunningCollector } from '@tidemark/collector';

const READ_KEY = 'rk_hostile';
let collector: RunningCollector;
test.beforeEach(async () => {
  const { startCollector } = await loadCollector();
  collector = await startCollector({ port: 0, dbPath: `${tempDir()}/events.db`, writeKeys: ['wk_test'], readKeys: [READ_KEY] });
});
test.afterEach(async () => {
  await collector.close();
  removeTempDirs();
});

interface Stored {
  messageId: string;
  name: string;
  type: string;
}

/** Every event the collector stored, through its cursor export. */
async function exported(): Promise<Stored[]> {
  const out: Stored[] = [];
  let cursor = '';
  for (let page = 0; page < 100; page++) {
    const res = await fetch(`${collector.url}/v1/export/events?pageSize=1000${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${READ_KEY}` } });
    const body = (await res.json()) as { items: Stored[]; nextCursor: string };
    if (!body.items.length) break;
    out.push(...body.items);
    cursor = body.nextCursor;
  }
  return out;
}

/** Uncaught errors and unhandled rejections of the page. */
async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  await page.addInitScript(() => {
    window.addEventListener('unhandledrejection', (e) => console.error(`unhandledrejection: ${String(e.reason)}`));
  });
  page.on('console', (msg) => {
    if (msg.text().startsWith('unhandledrejection')) problems.push(msg.text());
  });
  return problems;
}

/** Run one case between good events; what the client reported and anything thrown at the caller. */
async function runCase(page: Page, c: HostileCall, i: number) {
  return page.evaluate(
    async ([run, n, good]) => {
      window.tm.track(good);
      await window.tm.flush(); // the good event is out: a case's own optOut() cannot touch it
      window.tmReports.length = 0;
      let thrown: string | null = null;
      try {
        new Function('tm', 'N', 'H', run)(window.tm, n, (window as unknown as { H: unknown }).H);
      } catch (err) {
        thrown = String(err);
      }
      // Events are prepared in a microtask; a timer turn later every report is in.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return { thrown, reports: window.tmReports.splice(0) };
    },
    [c.run, `case-${i}`, `good-${i}`] as const,
  );
}

const REFUSED_CODES = ['invalid_event', 'event_too_large', 'invalid_option'];

test(`the client corpus (${HOSTILE_CALLS.length} calls) between good events: nothing thrown, every good event stored once, each bad call reported once`, async ({ page, server }) => {
  test.setTimeout(120_000);
  const problems = await watch(page);
  await page.goto(pageUrl(server, { host: collector.url, flushAt: 1_000, flushInterval: 60_000 }));
  await page.evaluate(HELPERS);
  const wrong: string[] = [];
  const tally = { refused: 0, repaired: 0, accepted: 0 };
  for (const [i, c] of HOSTILE_CALLS.entries()) {
    const { thrown, reports } = await runCase(page, c, i);
    tally[c.outcome] += 1;
    if (thrown) wrong.push(`${c.name}: threw ${thrown}`);
    const codes = reports.map((r) => r.code);
    if (c.outcome === 'accepted' && codes.length) wrong.push(`${c.name}: expected no report, got ${codes}`);
    if (c.outcome === 'repaired' && codes.join() !== 'unreadable_value') wrong.push(`${c.name}: expected one unreadable_value, got ${codes}`);
    if (c.outcome === 'refused' && (codes.length !== 1 || !REFUSED_CODES.includes(codes[0]!))) wrong.push(`${c.name}: expected one refusal, got ${codes}`);
    // A message says what to pass instead, never only that something failed.
    for (const r of reports) if (!/must|needs|takes|limit|pass|use|Send less/.test(r.message)) wrong.push(`${c.name}: message says no fix: ${r.message}`);
  }
  await page.evaluate(async (n) => {
    window.tm.track(`good-${n}`);
    await window.tm.flush();
  }, HOSTILE_CALLS.length);

  const events = await exported();
  const byName = new Map<string, number>();
  for (const e of events) byName.set(e.name, (byName.get(e.name) ?? 0) + 1);
  const goods = HOSTILE_CALLS.map((_, i) => byName.get(`good-${i}`) ?? 0);
  const missingGood = goods.flatMap((n, i) => (n === 1 ? [] : [`good-${i}: ${n}`]));
  for (const [i, c] of HOSTILE_CALLS.entries()) {
    const sent = byName.get(`case-${i}`) ?? 0;
    if (c.outcome === 'refused' && sent) wrong.push(`${c.name}: refused but ${sent} stored`);
    if (c.sends && !sent) wrong.push(`${c.name}: its event never arrived`);
  }
  const stats = collector.stats();
  console.log(
    `hostile corpus: ${HOSTILE_CALLS.length} calls (${tally.refused} refused, ${tally.repaired} repaired, ${tally.accepted} accepted); ` +
      `${events.length} events stored, ${stats.duplicates} copies on the wire, ${problems.length} page errors`,
  );
  expect(wrong).toEqual([]);
  expect(missingGood).toEqual([]);
  expect(stats.duplicates).toBe(0);
  expect(problems).toEqual([]);
});

test('consent changes keep the queue in IndexedDB, whose reads Chromium bounds at 2^32 − 1 rows (defect 5)', async ({ page, server }) => {
  // The first page cannot reach any collector, so everything it tracks must survive in IndexedDB.
  await page.goto(pageUrl(server, { host: 'http://127.0.0.1:9', flushAt: 1_000, flushInterval: 60_000 }));
  const reports = await page.evaluate(async () => {
    for (let i = 0; i < 50; i++) window.tm.track(`before-${i}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    window.tm.setConsent('pending');
    window.tm.setConsent('granted');
    for (let i = 0; i < 50; i++) window.tm.track(`after-${i}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return window.tmReports.map((r) => r.code);
  });
  expect(reports.filter((code) => code === 'storage_unavailable')).toEqual([]);
  await page.goto(pageUrl(server, { host: collector.url }));
  await expect.poll(async () => (await exported()).filter((e) => /^(before|after)-/.test(e.name)).length, { timeout: 15_000 }).toBe(100);
  console.log(`consent pending → granted with 50 events in IndexedDB: 100/100 delivered by the next page, ${collector.stats().duplicates} copies`);
  expect(collector.stats().duplicates).toBe(0);
});

test('a 5 MB WebSocket frame from Chromium is closed with 1009, and the collector keeps serving (defect 9)', async ({ page, server }) => {
  await page.goto(pageUrl(server, { host: collector.url }));
  const url = `${collector.url.replace(/^http/, 'ws')}/app/wk_test/track`;
  const outcome = await page.evaluate(async (wsUrl) => {
    const ws = new WebSocket(wsUrl);
    await new Promise((resolve) => (ws.onopen = resolve));
    const code = new Promise<number>((resolve) => (ws.onclose = (e) => resolve(e.code)));
    ws.send(JSON.stringify({ data: [{ type: 'track', event: 'x', properties: { s: 'x'.repeat(5 * 1024 * 1024) } }] }));
    const other = new WebSocket(wsUrl);
    await new Promise((resolve) => (other.onopen = resolve));
    const ack = new Promise<string>((resolve) => (other.onmessage = (e) => resolve(String(e.data))));
    other.send(JSON.stringify({ data: [{ type: 'track', messageId: 'after-big-frame', event: 'ok', anonymousId: 'anon-12345678' }] }));
    return { code: await code, ack: JSON.parse(await ack) };
  }, url);
  expect(outcome.code).toBe(1009);
  expect(outcome.ack.reportedIds).toEqual(['after-big-frame']);
});
