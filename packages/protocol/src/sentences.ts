/**
 * Whether this build carries Tidemark's runtime messages as sentences: `true` in the npm
 * packages and in `tidemark.debug.js`. The script-tag bundles are built with this module
 * replaced by `export const SENTENCES = false` (rollup.config.mjs, `"codes": true` in the cdn
 * package's iife list). Each message is written `SENTENCES ? '…' : explain('TMnn')`, so the
 * build keeps one side only: the npm packages pay nothing for the codes, and the tag bundle
 * nothing for the sentences (~0.8 KB gzip of it).
 *
 * @default true
 * @example
 * new TidemarkError('network', SENTENCES ? 'The transport threw' : explain('TM20'), err);
 */
export const SENTENCES: boolean = true;
