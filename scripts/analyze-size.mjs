// Where the bytes of a built bundle come from: each character of the minified file is given
// to the source its source map names, and each source's share of the gzip size is what the
// gzip of the whole file loses when that source's characters are removed (leave-one-out, so
// a module that only repeats what others say costs little). `pnpm build` first, then
// `node scripts/analyze-size.mjs [packages/cdn/dist/tidemark.min.js] [--strings]`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'packages/cdn/dist/tidemark.min.js';
const code = readFileSync(file, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;

// Line starts, so a mapping's (line, column) becomes an offset into `code`.
const lineStart = [0];
for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStart.push(i + 1);

/**
 * The segments of a source map's `mappings` (base64 VLQ, https://sourcemaps.info/spec.html):
 * where each starts in the generated file and which source it came from (-1: none).
 */
function segments(mappings, lineStarts) {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out = [];
  let source = 0;
  mappings.split(';').forEach((line, n) => {
    let column = 0;
    for (const segment of line.split(',').filter(Boolean)) {
      const fields = [];
      for (let i = 0, value = 0, shift = 0; i < segment.length; i++) {
        const d = digits.indexOf(segment[i]);
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >> 1) : value >> 1);
          value = shift = 0;
        }
      }
      column += fields[0];
      if (fields.length > 1) source += fields[1];
      out.push({ at: lineStarts[n] + column, source: fields.length > 1 ? source : -1 });
    }
  });
  return out.sort((a, b) => a.at - b.at);
}

/** Source of every character of `code` (index into map.sources, -1 for unmapped glue). */
const owner = new Int16Array(code.length).fill(-1);
const marks = segments(map.mappings, lineStart);
for (let i = 0; i < marks.length; i++) owner.fill(marks[i].source, marks[i].at, i + 1 < marks.length ? marks[i + 1].at : code.length);

const total = gz(code);
const rows = map.sources.map((source, id) => {
  let kept = '';
  let bytes = 0;
  for (let i = 0; i < code.length; i++) owner[i] === id ? bytes++ : (kept += code[i]);
  return { source: source.replace(/^.*?packages\//, ''), bytes, gzip: total - gz(kept) };
});
rows.sort((a, b) => b.gzip - a.gzip);
console.log(`${file}: ${code.length} B minified, ${total} B gzip\n`);
console.log('| source | minified B | gzip B (leave-one-out) |\n|---|---:|---:|');
for (const r of rows) console.log(`| ${r.source} | ${r.bytes} | ${r.gzip} |`);

if (process.argv.includes('--strings')) {
  // String and template literals of the output: the sentences a codes-only build would drop.
  const strings = code.match(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g) ?? [];
  const long = strings.filter((s) => s.length > 24);
  console.log(`\n${long.length} literals over 24 chars: ${long.reduce((n, s) => n + s.length, 0)} B minified, ${gz(long.join(''))} B gzip alone`);
}
