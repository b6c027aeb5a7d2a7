// Writes the figures of bench/results.json into README.md between the bench markers, so
// the README never drifts from the last `pnpm bench`. Run by bench/run.mjs after each bench.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Render the results as a Markdown table. */
export function renderBench(results) {
  const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(+v.toFixed(2))) : 'n/a');
  const lines = [
    `Measured by \`pnpm bench\` on ${results.date.slice(0, 10)} (${results.machine.cpus} cores, Node ${results.machine.node}, loopback, real Chromium):`,
    '',
    '| area | metric | value | budget |',
    '|---|---|---|---|',
  ];
  for (const r of results.rows) {
    const budget = r.budget === undefined ? '' : `${r.better === 'higher' ? '≥' : '≤'} ${fmt(r.budget)} ${r.unit}`;
    lines.push(`| ${r.area} | ${r.metric} | ${fmt(r.value)} ${r.unit} | ${budget} |`);
  }
  return lines.join('\n');
}

/** The one-line headline of the README: bundle size and track() cost, from the rows. */
export function renderHeadline(results) {
  const row = (area, prefix) => results.rows.find((r) => r.area === area && r.metric.startsWith(prefix));
  const gzip = row('cdn', 'tidemark.min.js (HTTP only), gzip');
  const sync = row('core', 'track() synchronous');
  const drain = row('core', 'drain');
  const parts = [];
  if (gzip) parts.push(`script-tag bundle ${gzip.value.toFixed(1)} KB gzip`);
  if (sync) parts.push(`\`track()\` ${sync.value.toFixed(1)} µs`);
  if (drain) parts.push(`a 10,000-event offline backlog delivered in ${drain.value.toFixed(1)} s`);
  return parts.length ? `Measured: ${parts.join(', ')} (all figures under [Figures](#figures)).` : '';
}

/** Replace the marked block of README.md; returns whether it changed. */
export function updateReadme() {
  const resultsFile = `${root}bench/results.json`;
  const readmeFile = `${root}README.md`;
  if (!existsSync(resultsFile) || !existsSync(readmeFile)) return false;
  const readme = readFileSync(readmeFile, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return false;
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  let next = `${readme.slice(0, start + START.length)}\n${renderBench(results)}\n${readme.slice(end)}`;
  next = next.replace(/<!-- headline:start -->[\s\S]*?<!-- headline:end -->/, `<!-- headline:start -->${renderHeadline(results)}<!-- headline:end -->`);
  if (next === readme) return false;
  writeFileSync(readmeFile, next);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) updateReadme();
