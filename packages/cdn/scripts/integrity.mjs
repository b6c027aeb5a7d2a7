// Subresource Integrity of the script-tag files, published with the build: writes
// dist/integrity.json ({ "tidemark.min.js": "sha384-…", … }) for every dist/*.min.js, so a page
// can pin the exact bundle: <script src="…/tidemark.min.js" integrity="sha384-…" crossorigin="anonymous">.
// Run after the build: `node packages/cdn/scripts/integrity.mjs` (prints the hashes).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * The SRI value of some bytes.
 *
 * @param {Buffer | string} bytes - the file's contents, exactly as served
 * @returns {string} `sha384-<base64>`
 */
function integrityOf(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

const manifest = Object.fromEntries(
  readdirSync(dist)
    .filter((file) => file.endsWith('.min.js'))
    .sort()
    .map((file) => [file, integrityOf(readFileSync(`${dist}${file}`))]),
);
if (!Object.keys(manifest).length) {
  console.error('integrity: no dist/*.min.js; build first (TIDEMARK_ONLY=cdn npx rollup -c)');
  process.exit(1);
}
writeFileSync(`${dist}integrity.json`, `${JSON.stringify(manifest, null, 2)}\n`);
for (const [file, hash] of Object.entries(manifest)) console.log(`${file}  ${hash}`);
