// Writes the figures of bench/results.json into the Markdown that shows them, so no page
// drifts from the last `pnpm bench`: the README's whole table between `<!-- bench:start -->`
// and `<!-- bench:end -->` (and its headline), and one area's rows between
// `<!-- bench:<area>:start -->` and `<!-- bench:<area>:end -->` in docs/*.md. Run by
// bench/run.mjs after each bench; scripts/check-docs.mjs fails when a page differs from it.
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const BLOCK = /(<!-- bench(?::([a-z-]+))?:start -->)[\s\S]*?(<!-- bench(?::\2)?:end -->)/g;
const HEADLINE = /<!-- headline:start -->[\s\S]*?<!-- headline:end -->/;

/**
 * Render the results as a Markdown table: every row, or one area's without the area column.
 *
 * @param {any} results - bench/results.json
 * @param {string} [area] - e.g. `cdn`
 * @returns {string} the table with its heading line
 */
export function renderBench(results, area) {
  const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(+v.toFixed(2))) : 'n/a');
  const rows = results.rows.filter((r) => !area || r.area === area);
  const lines = [
    `Measured by \`pnpm bench\` on ${results.date.slice(0, 10)} (${results.machine.cpus} cores, Node ${results.machine.node}, loopback, real Chromium):`,
    '',
    area ? '| metric | value | budget |' : '| area | metric | value | budget |',
    area ? '|---|---|---|' : '|---|---|---|---|',
  ];
  for (const r of rows) {
    const budget = r.budget === undefined ? '' : `${r.better === 'higher' ? '≥' : '≤'} ${fmt(r.budget)} ${r.unit}`;
    lines.push(`| ${area ? '' : `${r.area} | `}${r.metric} | ${fmt(r.value)} ${r.unit} | ${budget} |`);
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

/**
 * A page with every bench block (and the headline) rendered from `results`.
 *
 * @param {string} text - the Markdown
 * @param {any} results - bench/results.json
 * @returns {string} the Markdown as the bench would write it
 */
export function renderFigures(text, results) {
  return text
    .replace(BLOCK, (_, start, area, end) => `${start}\n${renderBench(results, area)}\n${end}`)
    .replace(HEADLINE, `<!-- headline:start -->${renderHeadline(results)}<!-- headline:end -->`);
}

/** The pages that may hold bench blocks. */
export function figurePages() {
  return ['README.md', ...readdirSync(`${root}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

/**
 * Rewrite the bench blocks of every page from bench/results.json.
 *
 * @returns {string[]} the pages that changed
 */
export function updateFigures() {
  const resultsFile = `${root}bench/results.json`;
  if (!existsSync(resultsFile)) return [];
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const changed = [];
  for (const page of figurePages()) {
    const text = readFileSync(`${root}${page}`, 'utf8');
    const next = renderFigures(text, results);
    if (next !== text) {
      writeFileSync(`${root}${page}`, next);
      changed.push(page);
    }
  }
  return changed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) updateFigures();
