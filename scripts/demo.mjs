// `pnpm demo`: the reference collector on an embedded SQLite file, plus the demo shop
// (examples/demo-site/) that loads the script-tag SDK from /sdk/tidemark.min.js. Prints the
// URLs of the site and the dashboard and runs until Ctrl+C.
// `pnpm demo --headless`: the same, driven by headless Chromium; prints the events that
// arrived at the collector and exits (0 when they all arrived), so it works without a screen.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SITE_DIR = join(root, 'examples/demo-site');
const SDK = join(root, 'packages/cdn/dist/tidemark.min.js');
const COLLECTOR = join(root, 'packages/collector/dist/index.mjs');
const WRITE_KEY = 'wk_demo';
const READ_KEY = 'rk_demo';
const headless = process.argv.includes('--headless');

const fail = (message) => {
  console.error(`demo: ${message}`);
  process.exit(1);
};

for (const file of [COLLECTOR, SDK]) {
  if (!existsSync(file)) fail(`${relative(root, file)} is missing; build it first with \`pnpm build\` (\`pnpm demo\` does).`);
}
if (headless) {
  // Before anything starts: without a browser, say how to get one.
  const { chromiumPath, noChromiumMessage } = await import(pathToFileURL(join(root, 'scripts/chromium.mjs')).href);
  if (!chromiumPath()) fail(noChromiumMessage());
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/** The demo shop: its own files, the SDK bundle under /sdk/, and the generated config. */
function startSite(collectorUrl) {
  // Only files that exist at start are served, so no request path reaches the file system.
  const files = new Map(readdirSync(SITE_DIR).map((name) => [`/${name}`, join(SITE_DIR, name)]));
  files.set('/', join(SITE_DIR, 'index.html'));
  files.set('/sdk/tidemark.min.js', SDK);
  if (existsSync(`${SDK}.map`)) files.set('/sdk/tidemark.min.js.map', `${SDK}.map`);
  const config = `window.TIDEMARK_DEMO = ${JSON.stringify({ writeKey: WRITE_KEY, host: collectorUrl })};\n`;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/demo-config.js') {
      res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' });
      return res.end(config);
    }
    const file = files.get(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

async function readJson(url) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${READ_KEY}` } });
  return res.json();
}

/** Every stored event, oldest first, through the export cursor. */
async function storedEvents(collectorUrl) {
  const items = [];
  let cursor = '';
  for (let page = 0; page < 100; page++) {
    const body = await readJson(`${collectorUrl}/v1/export/events?pageSize=1000&cursor=${cursor}`);
    if (body.items.length === 0) break;
    items.push(...body.items);
    cursor = body.nextCursor;
  }
  return items;
}

/** Click through the shop in headless Chromium, then wait for the events at the collector. */
async function drive(siteUrl, collectorUrl) {
  const { launchChromium } = await import(pathToFileURL(join(root, 'scripts/chromium.mjs')).href);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(siteUrl);
    await page.waitForFunction(() => window.tidemark?.client !== undefined || document.querySelectorAll('#log li').length > 0);
    for (const id of ['add-to-cart', 'add-to-cart-2', 'sign-up', 'checkout']) await page.click(`#${id}`);
    await page.evaluate(() => window.tidemark.flush());
    await page.click('a[href="/about.html"]');
    await page.waitForURL('**/about.html');
    await page.evaluate(() => window.tidemark.flush());
    if (problems.length) throw new Error(`the page failed: ${problems.join('; ')}`);

    // page(), 3 tracks and identify on the shop, page() on about, plus session_start: 7 at least.
    const deadline = Date.now() + 20_000;
    let events = [];
    while (Date.now() < deadline) {
      events = await storedEvents(collectorUrl);
      if (events.length >= 7) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const dashboard = await browser.newPage();
    await dashboard.goto(`${collectorUrl}/#key=${READ_KEY}`);
    await dashboard.waitForSelector('#counts tr');
    const counts = await dashboard.$$eval('#counts tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent).join(': ')));
    return { events, counts };
  } finally {
    await browser.close();
  }
}

const dbDir = headless ? mkdtempSync(join(tmpdir(), 'tidemark-demo-')) : join(root, '.tmp/demo');
mkdirSync(dbDir, { recursive: true });
const dbPath = join(dbDir, 'tidemark.db');
const { startCollector } = await import(pathToFileURL(COLLECTOR).href);
const collector = await startCollector({ port: 0, dbPath, writeKeys: [WRITE_KEY], readKeys: [READ_KEY], appIds: ['demo-app'] });
const site = await startSite(collector.url);

const stop = async () => {
  site.server.close();
  await collector.close();
  if (headless) rmSync(dbDir, { recursive: true, force: true });
};

console.log('Tidemark demo');
console.log(`  site:      ${site.url}/`);
console.log(`  dashboard: ${collector.url}/#key=${READ_KEY}`);
console.log(`  collector: ${collector.url} (write key ${WRITE_KEY}, read key ${READ_KEY})`);
console.log(`  database:  ${dbPath.startsWith(process.cwd()) ? relative(process.cwd(), dbPath) : dbPath}`);

if (headless) {
  try {
    const { events, counts } = await drive(site.url, collector.url);
    console.log(`\n${events.length} events arrived at the collector:`);
    for (const e of events) {
      const who = e.userId ? `user ${e.userId}` : `visitor ${e.anonymousId}`;
      const detail = e.type === 'page' ? (e.event.properties?.path ?? e.event.context?.page?.path ?? '') : JSON.stringify(e.event.properties ?? e.event.traits ?? {});
      console.log(`  ${e.timestamp}  ${e.type.padEnd(8)} ${e.name.padEnd(16)} ${who}  ${detail}`);
    }
    console.log(`\nThe dashboard counts: ${counts.join(', ')}`);
    await stop();
    if (events.length < 7) fail(`expected at least 7 events, got ${events.length}`);
  } catch (err) {
    await stop();
    fail(err instanceof Error ? err.message : String(err));
  }
} else {
  console.log('\nOpen the site, click around, and watch the dashboard. Ctrl+C stops the demo.');
  const shutdown = () => stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
