// The size check of `pnpm test`: every public browser entry, minified and gzipped as it is
// served (or as an app's bundler would ship it), against its ceiling in size-limits.json, so
// no change grows a bundle unseen. A ceiling sits at the size last accepted; the published
// budget (docs/architecture.md, the bench) is printed beside it, and where a bundle is still
// over its budget the ceiling is the ratchet that only moves down.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';

const limits = JSON.parse(readFileSync(new URL('./size-limits.json', import.meta.url), 'utf8'));

/** The bytes a browser downloads: minified (npm entries the way a bundler would), without the source-map comment. */
async function shipped({ file, minifyFirst }) {
  const text = readFileSync(file, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '').trim();
  if (!minifyFirst) return text;
  const out = await minify(text, { module: true, ecma: 2020, compress: { passes: 2 }, format: { comments: false } });
  return out.code ?? '';
}

const rows = [];
for (const entry of limits.entries) {
  const gzip = gzipSync(Buffer.from(await shipped(entry)), { level: 9 }).length;
  rows.push({ ...entry, gzip, over: gzip > entry.limit });
}
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
for (const r of rows) {
  const budget = r.budget ? `budget ${kb(r.budget)}${r.gzip > r.budget ? ' (over: ceiling is a ratchet)' : ''}` : '';
  console.log(`${r.over ? 'OVER' : 'ok  '} ${r.name.padEnd(38)} ${kb(r.gzip).padStart(9)} gzip, ceiling ${kb(r.limit)}${budget && `, ${budget}`}`);
}
const over = rows.filter((r) => r.over);
if (over.length) {
  console.error(`check-size: ${over.map((r) => r.name).join(', ')} grew past the ceiling in scripts/size-limits.json; make it smaller, or raise the ceiling in the same change and say why`);
  process.exit(1);
}
console.log(`check-size: ${rows.length} entries within their ceilings`);
