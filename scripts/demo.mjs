// `pnpm demo`: the whole story of a campaign on one machine. The reference collector on an
// embedded SQLite file, and the demo shop (examples/demo-site/ with its backend,
// scripts/demo/shop.mjs): a visitor lands from a newsletter campaign (UTM + a click ID), the
// page's events go through the shop's own relay, the checkout calls the shop's backend, which
// records the purchase with its revenue under the visitor; the dashboard's Campaigns panel
// credits the campaign with the conversion and its revenue. Runs until Ctrl+C.
// `pnpm demo --headless`: the same, driven by headless Chromium (scripts/demo/drive.mjs);
// prints the events and the campaign's row of the dashboard, and exits 0 only when that row
// shows one visitor, one conversion and the order's revenue under both models.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startShop } from './demo/shop.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BUILT = ['packages/collector/dist/index.mjs', 'packages/server/dist/index.mjs', 'packages/cdn/dist/tidemark.min.js'].map((file) => join(root, file));
const WRITE_KEY = 'wk_demo'; // the server's: only the relay and the backend hold it
const BROWSER_KEY = 'wk_demo_public'; // the page's: the relay accepts it and forwards with WRITE_KEY
const READ_KEY = 'rk_demo';
const CAMPAIGN = { source: 'newsletter', medium: 'email', campaign: 'spring_sale' };
const LANDING = `/?utm_source=${CAMPAIGN.source}&utm_medium=${CAMPAIGN.medium}&utm_campaign=${CAMPAIGN.campaign}&gclid=demo-gclid-1`;
/** Both products of the shop, as the drive puts them in the cart (scripts/demo/shop.mjs prices them). */
const ORDER_REVENUE = '36.5';
const headless = process.argv.includes('--headless');

const fail = (message) => {
  console.error(`demo: ${message}`);
  process.exit(1);
};

for (const file of BUILT) {
  if (!existsSync(file)) fail(`${relative(root, file)} is missing; build it first with \`pnpm build\` (\`pnpm demo\` does).`);
}
if (headless) {
  // Before anything starts: without a browser, say how to get one.
  const { chromiumPath, noChromiumMessage } = await import(pathToFileURL(join(root, 'scripts/chromium.mjs')).href);
  if (!chromiumPath()) fail(noChromiumMessage());
}

const dbDir = headless ? mkdtempSync(join(tmpdir(), 'tidemark-demo-')) : join(root, '.tmp/demo');
mkdirSync(dbDir, { recursive: true });
const dbPath = join(dbDir, 'tidemark.db');
const [{ startCollector }, server] = await Promise.all(BUILT.slice(0, 2).map((file) => import(pathToFileURL(file).href)));
const collector = await startCollector({ port: 0, dbPath, writeKeys: [WRITE_KEY], readKeys: [READ_KEY], appIds: ['demo-app'] });
const shop = await startShop({ root, server, collectorUrl: collector.url, writeKey: WRITE_KEY, browserKey: BROWSER_KEY });

const stop = async () => {
  await shop.close();
  await collector.close();
  if (headless) rmSync(dbDir, { recursive: true, force: true });
};

console.log('Tidemark demo');
console.log(`  landing:   ${shop.url}${LANDING}`);
console.log(`  dashboard: ${collector.url}/#key=${READ_KEY}`);
console.log(`  collector: ${collector.url} (server write key ${WRITE_KEY}; the page's ${BROWSER_KEY} goes through the shop's relay, read key ${READ_KEY})`);
console.log(`  database:  ${dbPath.startsWith(process.cwd()) ? relative(process.cwd(), dbPath) : dbPath}`);

/** A Campaigns row as one line: source/medium/campaign, visitors, conversions, revenue. */
const describe = (row) => `${row.source}/${row.medium}/${row.campaign}  visitors ${row.visitors}  conversions ${row.conversions}  revenue ${row.value}`;

/** What must be true of the dashboard for the demo to pass; each problem as a sentence. */
function problemsOf(campaigns) {
  const problems = [];
  for (const [model, rows] of Object.entries(campaigns)) {
    const row = rows.find((r) => r.source === CAMPAIGN.source && r.medium === CAMPAIGN.medium && r.campaign === CAMPAIGN.campaign);
    if (!row) problems.push(`${model}: no Campaigns row for ${Object.values(CAMPAIGN).join('/')}`);
    else if (row.visitors !== '1' || row.conversions !== '1' || row.value !== ORDER_REVENUE) problems.push(`${model}: expected visitors 1, conversions 1, revenue ${ORDER_REVENUE}; got ${describe(row)}`);
  }
  return problems;
}

if (headless) {
  try {
    const { drive, EXPECTED_EVENTS } = await import('./demo/drive.mjs');
    const { events, counts, campaigns, order } = await drive({ root, landingUrl: `${shop.url}${LANDING}`, collectorUrl: collector.url, readKey: READ_KEY });
    console.log(`\n${events.length} events arrived at the collector:`);
    for (const e of events) {
      const who = e.userId ? `user ${e.userId}` : `visitor ${e.anonymousId}`;
      const from = e.event.context?.library?.name === '@tidemark/server' ? 'backend' : 'browser';
      const detail = e.type === 'page' ? (e.event.properties?.path ?? e.event.context?.page?.path ?? '') : JSON.stringify(e.event.properties ?? e.event.traits ?? {});
      console.log(`  ${e.timestamp}  ${from.padEnd(7)} ${e.type.padEnd(8)} ${e.name.padEnd(16)} ${who}  ${detail}`);
    }
    console.log(`\nThe shop said: ${order}`);
    console.log(`The dashboard counts: ${counts.join(', ')}`);
    console.log('The dashboard\'s Campaigns panel (source/medium/campaign, visitors, conversions, revenue):');
    for (const [model, rows] of Object.entries(campaigns)) for (const row of rows) console.log(`  ${model.padEnd(11)} ${describe(row)}`);
    await stop();
    if (events.length < EXPECTED_EVENTS) fail(`expected at least ${EXPECTED_EVENTS} events, got ${events.length}`);
    const problems = problemsOf(campaigns);
    if (problems.length) fail(problems.join('; '));
  } catch (err) {
    await stop();
    fail(err instanceof Error ? err.message : String(err));
  }
} else {
  console.log('\nOpen the landing URL, add to cart, check out, and watch the dashboard\'s Campaigns panel. Ctrl+C stops the demo.');
  const shutdown = () => stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
