// Script-tag sizes: the HTTP-only bundle `tidemark.min.js` (core + HTTP transport + the
// `window.tidemark` API) against the 6 KB gzip budget (docs/architecture.md), and the loader snippet pasted
// into pages (under 1 KB). Reads packages/cdn/dist, so run after the build (`pnpm bench` builds).
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dist = new URL('../packages/cdn/dist/', import.meta.url);

/** The bytes a browser downloads: the file without its source-map comment (the map is fetched only by DevTools). */
const served = (file) => readFileSync(new URL(file, dist), 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '').trim();

/** Raw, gzip -9 and brotli (max quality, as CDNs serve static files) sizes of one file. */
function sizes(file) {
  const bytes = Buffer.from(served(file));
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export default async function run() {
  const bundle = sizes('tidemark.min.js');
  const snippet = sizes('snippet.min.js');
  const kb = (n) => n / 1024;
  return [
    { area: 'cdn', metric: 'tidemark.min.js (HTTP only), minified', value: kb(bundle.raw), unit: 'KB' },
    { area: 'cdn', metric: 'tidemark.min.js (HTTP only), gzip', value: kb(bundle.gzip), unit: 'KB', budget: 6 },
    { area: 'cdn', metric: 'tidemark.min.js (HTTP only), brotli', value: kb(bundle.brotli), unit: 'KB' },
    { area: 'cdn', metric: 'loader snippet, minified', value: snippet.raw, unit: 'B', budget: 1024 },
    { area: 'cdn', metric: 'loader snippet, gzip', value: snippet.gzip, unit: 'B' },
    { area: 'cdn', metric: 'loader snippet, brotli', value: snippet.brotli, unit: 'B' },
  ];
}
