// The fenced code blocks of a Markdown page, with the line each starts on, so a checker can
// write them to files and report problems at their place in the page.

/** Fence languages that are checked, and the module kind each becomes. */
const CHECKED = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };

/**
 * The TypeScript and JavaScript blocks of a page.
 *
 * @param {string} text - the Markdown
 * @returns {Array<{ lang: 'ts' | 'js', line: number, code: string }>} `line`: the 1-based line of the block's first code line
 * @example codeBlocks('```ts\nconst a = 1;\n```') // [{ lang: 'ts', line: 2, code: 'const a = 1;\n' }]
 */
export function codeBlocks(text) {
  const blocks = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)?\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) break;
    const lang = CHECKED[open[1]?.toLowerCase()];
    if (lang) blocks.push({ lang, line: i + 2, code: `${lines.slice(i + 1, end).join('\n')}\n` });
    i = end;
  }
  return blocks;
}

/**
 * The file extension that gives a block its module format: TypeScript blocks are ESM (`.mts`),
 * JavaScript blocks CommonJS (`.cjs`) when they call `require`, else ESM (`.mjs`).
 *
 * @param {{ lang: 'ts' | 'js', code: string }} block - from {@link codeBlocks}
 * @returns {'.mts' | '.cjs' | '.mjs'}
 */
export function extensionOf({ lang, code }) {
  if (lang === 'ts') return '.mts';
  return /\brequire\(/.test(code) ? '.cjs' : '.mjs';
}
