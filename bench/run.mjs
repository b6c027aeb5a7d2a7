// `pnpm bench`: runs every bench/*.bench.mjs (after the build), prints one table and writes
// bench/results.json. Each bench module exports `default async () => Row[]`, where a Row is
// { area, metric, value, unit, budget?, better?: 'lower' | 'higher' }.
// Pass names to run only some: `pnpm bench core collector`.
import { readdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => !only.length || only.some((o) => f.startsWith(o)))
  .sort();

const resultsFile = `${here}results.json`;
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')).rows ?? [] : [];
const rows = [];
for (const file of files) {
  const started = Date.now();
  process.stderr.write(`bench: ${file}…\n`);
  try {
    const mod = await import(`${here}${file}`);
    rows.push(...(await mod.default()));
  } catch (err) {
    rows.push({ area: file.replace('.bench.mjs', ''), metric: 'FAILED', value: NaN, unit: String(err?.message ?? err) });
    process.exitCode = 1;
  }
  process.stderr.write(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const verdict = (r) => {
  if (r.budget === undefined || !Number.isFinite(r.value)) return '';
  return (r.better === 'higher' ? r.value >= r.budget : r.value <= r.budget) ? 'ok' : 'OVER';
};
const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(+v.toFixed(2))) : String(v));
const table = rows.map((r) => ({
  area: r.area,
  metric: r.metric,
  value: `${fmt(r.value)} ${r.unit}`,
  budget: r.budget === undefined ? '' : `${r.better === 'higher' ? '≥' : '≤'} ${fmt(r.budget)} ${r.unit}`,
  verdict: verdict(r),
}));
const widths = ['area', 'metric', 'value', 'budget', 'verdict'].map((k) => Math.max(k.length, ...table.map((t) => t[k].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(['area', 'metric', 'value', 'budget', 'verdict']));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const t of table) console.log(line([t.area, t.metric, t.value, t.budget, t.verdict]));

// Keep rows of benches not run this time, so a partial run does not erase the others.
const ran = new Set(rows.map((r) => r.area));
const kept = only.length ? previous.filter((r) => !ran.has(r.area)) : [];
const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '' };
writeFileSync(resultsFile, JSON.stringify({ date: new Date().toISOString(), machine, rows: [...kept, ...rows] }, null, 2) + '\n');

const { updateFigures } = await import('../scripts/bench-figures.mjs');
for (const page of updateFigures()) process.stderr.write(`bench: ${page} figures updated\n`);
