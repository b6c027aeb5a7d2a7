// Under a strict Content-Security-Policy (`script-src 'self'`, no 'unsafe-inline', no
// 'unsafe-eval'), the snippet as a file and the bundle it loads work without a violation.
import { test, expect, waitForEvents, watchPage, stored, named, WRITE_KEY } from './support/cdn-fixture.js';

test('the snippet file and the bundle work under script-src self, with no CSP violation of theirs', async ({ page, site }) => {
  const watched = watchPage(page);
  site.file(
    '/csp-probe.js',
    `window.violations = [];
     document.addEventListener('securitypolicyviolation', function (e) {
       violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI });
     });`,
  );
  site.file('/csp-app.js', `tidemark.track('csp-early'); tidemark.ready(function () { tidemark.track('csp-ready'); });`);
  // No data-src: the snippet file loads tidemark.min.js from beside itself.
  const html = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'">
<title>Strict CSP</title>
<script src="/csp-probe.js"></script>
<script>window.inlineRan = true;</script>
<script src="/sdk/snippet.min.js" data-write-key="${WRITE_KEY}" data-host="${site.origin}" data-auto-page="true"></script>
<script src="/csp-app.js"></script>
</head><body><p>Strict</p></body></html>`;
  await page.goto(site.file('/csp.html', html));
  await page.waitForFunction(() => window.tidemark?.client !== undefined);
  await page.evaluate(() => window.tidemark.flush());
  await waitForEvents(site, named('csp-ready'), 1);
  // The async bundle may run before or after the app script, so only the set is fixed.
  expect(stored(site).map((e) => e.event ?? e.type).sort()).toEqual(['csp-early', 'csp-ready', 'page', 'session_start']);

  const probe = await page.evaluate(() => ({
    inlineRan: (window as unknown as { inlineRan?: boolean }).inlineRan ?? false,
    violations: (window as unknown as { violations: Array<{ directive: string; blocked: string }> }).violations,
  }));
  // The policy is enforced (the page's own inline script was refused) and that is its only violation.
  expect(probe).toEqual({ inlineRan: false, violations: [{ directive: 'script-src-elem', blocked: 'inline' }] });
  expect(watched.pageErrors).toEqual([]);
  expect(watched.warnings).toEqual([]);
});
