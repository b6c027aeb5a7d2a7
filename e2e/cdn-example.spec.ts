// The example site runs with its one command (a real child process that starts the reference
// collector and the static site) and a visit through it lands in the collector's SQLite with
// the campaign of the landing URL on every event.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TidemarkEvent } from '@tidemark/core';
import { test, expect, watchPage } from './support/cdn-fixture.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Start `node examples/website/serve.mjs --port 0` and read the URLs it prints. */
async function serveExample(): Promise<{ child: ChildProcess; site: string; collector: string }> {
  const child = spawn(process.execPath, ['examples/website/serve.mjs', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ctrl-C')) clearTimeout(timer), resolve(true);
    });
    child.on('exit', () => (clearTimeout(timer), resolve(false)));
  });
  if (!ready) {
    child.kill();
    throw new Error(`serve.mjs did not start:\n${out}`);
  }
  const site = /Example site:\s+(\S+?)\/?\n/.exec(out)![1]!;
  const collector = /Collector:\s+(\S+)/.exec(out)![1]!;
  return { child, site, collector };
}

test('examples/website: one command, and a visit arrives in the collector with its campaign', async ({ page }) => {
  const { child, site, collector } = await serveExample();
  try {
    const watched = watchPage(page);
    await page.goto(`${site}/?utm_source=newsletter&utm_medium=email&utm_campaign=launch&gclid=demo-click`);
    await expect(page.locator('#visitor')).toContainText('Visitor ');
    await page.getByText('Start a free trial').click();
    await page.getByRole('link', { name: 'Pricing' }).click();
    await page.getByRole('button', { name: 'Choose' }).first().click();
    await page.getByRole('button', { name: 'Buy' }).click();
    await expect(page.locator('#visitor')).toContainText('Order sent');
    await page.getByRole('link', { name: 'App' }).click();
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page).toHaveTitle(/Settings/);
    await page.waitForTimeout(100);
    await page.evaluate(() => window.tidemark.flush());
    expect(watched.pageErrors).toEqual([]);

    const res = await fetch(`${collector}/v1/export/events?pageSize=1000`, { headers: { Authorization: 'Bearer rk_example' } });
    const events = ((await res.json()) as { items: Array<{ event: TidemarkEvent }> }).items.map((i) => i.event);
    const names = events.map((e) => (e.type === 'page' ? `page ${e.properties!.path}${e.properties!.search}${new URL(e.properties!.url as string).hash}` : e.event ?? e.type));
    expect(names).toEqual(
      expect.arrayContaining(['session_start', 'page /?utm_source=newsletter&utm_medium=email&utm_campaign=launch&gclid=demo-click', 'Signup Started', 'page /pricing.html', 'Plan Selected', 'identify', 'Order Completed', 'page /app.html', 'page /app.html#orders', 'page /app.html?view=settings']),
    );
    expect(names.filter((n) => n.startsWith('page '))).toHaveLength(5);
    for (const e of events) {
      expect(e.context.campaign, e.event ?? e.type).toEqual({ source: 'newsletter', medium: 'email', name: 'launch' });
      expect(e.context.clickIds).toEqual({ gclid: 'demo-click' });
    }
    expect(events.find((e) => e.event === 'Order Completed')!.userId).toBe('ada@example.com');
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});
