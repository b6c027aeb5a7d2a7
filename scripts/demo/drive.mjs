// `pnpm demo --headless`: a visitor from the campaign clicks through the shop in headless
// Chromium and checks out; then the dashboard is read the way a person would read it: its
// event counts and its Campaigns panel under both attribution models.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

/** The events of the drive: session_start, 2 page views, 2 Product Added, identify, Checkout Started, and the backend's Order Completed. */
export const EXPECTED_EVENTS = 8;

async function readJson(url, readKey) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${readKey}` } });
  return res.json();
}

/** Every stored event, oldest first, through the export cursor. */
async function storedEvents(collectorUrl, readKey) {
  const items = [];
  let cursor = '';
  for (let page = 0; page < 100; page++) {
    const body = await readJson(`${collectorUrl}/v1/export/events?pageSize=1000&cursor=${cursor}`, readKey);
    if (body.items.length === 0) break;
    items.push(...body.items);
    cursor = body.nextCursor;
  }
  return items;
}

/** The Campaigns table as objects keyed by its header cells. */
async function campaignRows(dashboard) {
  return dashboard.$$eval('#campaigns tr', ([head, ...rows]) => {
    const names = [...head.children].map((cell) => cell.textContent);
    return rows.map((row) => Object.fromEntries([...row.children].map((cell, i) => [names[i], cell.textContent])));
  });
}

/**
 * Drive the shop, then read the dashboard.
 *
 * @param {{ root: string, landingUrl: string, collectorUrl: string, readKey: string }} options
 * @returns {Promise<{ events: object[], counts: string[], campaigns: Record<'last_touch' | 'first_touch', Array<Record<string, string>>>, order: string }>}
 */
export async function drive({ root, landingUrl, collectorUrl, readKey }) {
  const { launchChromium } = await import(pathToFileURL(join(root, 'scripts/chromium.mjs')).href);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(landingUrl);
    await page.waitForFunction(() => window.tidemark?.client !== undefined || document.querySelectorAll('#log li').length > 0);
    for (const id of ['add-to-cart', 'add-to-cart-2', 'sign-up', 'checkout']) await page.click(`#${id}`);
    await page.waitForFunction(() => document.getElementById('order')?.textContent?.startsWith('Order '));
    const order = await page.textContent('#order');
    await page.evaluate(() => window.tidemark.flush());
    await page.click('a[href="/about.html"]');
    await page.waitForURL('**/about.html');
    await page.evaluate(() => window.tidemark.flush());
    if (problems.length) throw new Error(`the page failed: ${problems.join('; ')}`);

    const deadline = Date.now() + 20_000;
    let events = [];
    while (Date.now() < deadline) {
      events = await storedEvents(collectorUrl, readKey);
      if (events.length >= EXPECTED_EVENTS) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const dashboard = await browser.newPage();
    await dashboard.goto(`${collectorUrl}/#key=${readKey}`);
    await dashboard.waitForSelector('#counts tr');
    const counts = await dashboard.$$eval('#counts tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent).join(': ')));
    await dashboard.waitForSelector('#campaigns tr:nth-child(2)');
    const campaigns = { last_touch: await campaignRows(dashboard) };
    // The panel replaces its rows when the answer arrives: wait for the marked old ones to go.
    await dashboard.$eval('#campaigns tr', (head) => head.setAttribute('data-old', ''));
    await dashboard.selectOption('#model', 'first_touch');
    await dashboard.waitForFunction(() => !document.querySelector('#campaigns tr[data-old]') && document.querySelectorAll('#campaigns tr').length > 1);
    campaigns.first_touch = await campaignRows(dashboard);
    return { events, counts, campaigns, order };
  } finally {
    await browser.close();
  }
}
