import type { IncomingMessage, ServerResponse } from 'node:http';
import { dashboardMain } from './client.js';
import { INSIGHTS_CSS, INSIGHTS_HTML, INSIGHTS_SCRIPT } from './insights-page.js';

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tidemark collector</title>
<link rel="stylesheet" href="/dashboard.css">
<script src="/dashboard.js" defer></script>
<script src="/insights.js" defer></script>
</head>
<body>
<header><h1>Tidemark</h1><span id="status">loading…</span></header>
<form id="login" hidden><label>Read key <input id="key" type="password" autocomplete="off"></label> <button>Open</button></form>
<section class="stats">
  <div><b id="stat-totalEvents">0</b> events stored</div>
  <div><b id="stat-stored">0</b> new since start</div>
  <div><b id="stat-duplicates">0</b> duplicates</div>
  <div><b id="stat-rejected">0</b> rejected</div>
</section>
<section>
  <h2>Events per <select id="group"><option value="day">day</option><option value="week">week</option><option value="month">month</option></select></h2>
  <div id="chart"></div>
</section>
<div class="columns">
  <section><h2>Counts per event</h2><table><tbody id="counts"></tbody></table></section>
  <section><h2>Live</h2><ol id="events"></ol></section>
</div>
${INSIGHTS_HTML}</body>
</html>
`;

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px; color: #1d2733; }
header { display: flex; align-items: baseline; gap: 16px; }
h1 { margin: 0; font-size: 22px; } h2 { font-size: 16px; }
#status { color: #667; }
.stats { display: flex; gap: 24px; margin: 16px 0; } .stats b { font-size: 20px; }
#chart svg { width: 100%; height: auto; } .bar { fill: #2f7dd1; } .axis { font-size: 11px; fill: #667; }
.columns { display: grid; grid-template-columns: 1fr 2fr; gap: 24px; }
table { border-collapse: collapse; width: 100%; } td { border-bottom: 1px solid #e3e7ec; padding: 4px; } td.num { text-align: right; }
#events { list-style: none; padding: 0; margin: 0; max-height: 480px; overflow: auto; }
#events li { border-bottom: 1px solid #e3e7ec; padding: 4px 0; display: flex; gap: 8px; flex-wrap: wrap; }
.time { color: #667; } .name { font-weight: 600; } .who { color: #456; } code { color: #345; word-break: break-all; }
`;

const SCRIPT = `"use strict";\n(${String(dashboardMain)})();\n`;

/** Scripts only from this origin (so an injected inline handler could not run either); no images, no frames. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache', ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * Serve the live dashboard: `/` (the page), `/dashboard.js`, `/insights.js` (the report
 * panels), `/dashboard.css`. The page asks
 * for a read key (or takes one from `#key=` in the URL, which never reaches a server log).
 *
 * @param _req - the request
 * @param res - the response
 * @param path - the request path
 * @returns false when the path is not one of the dashboard's
 */
export function serveDashboard(_req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (path === '/' || path === '/index.html') send(res, 'text/html; charset=utf-8', HTML, { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' });
  else if (path === '/dashboard.js') send(res, 'text/javascript; charset=utf-8', SCRIPT);
  else if (path === '/insights.js') send(res, 'text/javascript; charset=utf-8', INSIGHTS_SCRIPT);
  else if (path === '/dashboard.css') send(res, 'text/css; charset=utf-8', CSS + INSIGHTS_CSS);
  else return false;
  return true;
}
