// `pnpm test:docs` (part of `pnpm test`, after the build): the docs cannot rot.
//   1. Every ts/js code block of README.md, docs/*.md and the packages' and examples' READMEs
//      is written to a file of its own and type-checked (strict, against the built packages'
//      declarations, as a user's project would see them), so each must stand alone: its own
//      imports, its own client, nothing from an earlier block.
//   2. The figures between bench markers are what bench/results.json says (only the bench
//      writes them: scripts/bench-figures.mjs), and the loader snippet printed in
//      docs/script-tag.md is the built snippet.min.js.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figurePages, renderFigures } from './bench-figures.mjs';
import { codeBlocks, extensionOf } from './docs/code-blocks.mjs';
import { run } from './packages/run.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository, so the blocks' third-party imports (express, ws, electron) resolve
// from its node_modules; @tidemark/* resolve to packages/* through their exports maps.
const work = join(root, '.tmp/docs-check');
const problems = [];

const pages = [
  'README.md',
  ...['docs', 'packages', 'examples'].flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
      if (dir === 'docs') return e.name.endsWith('.md') ? [`docs/${e.name}`] : [];
      return e.isDirectory() && existsSync(join(root, dir, e.name, 'README.md')) ? [`${dir}/${e.name}/README.md`] : [];
    }),
  ),
];

// 1. Code blocks.
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules/@tidemark'), { recursive: true });
for (const name of readdirSync(join(root, 'packages'))) {
  if (existsSync(join(root, 'packages', name, 'package.json'))) symlinkSync(join(root, 'packages', name), join(work, 'node_modules/@tidemark', name), 'dir');
}
writeFileSync(join(work, 'package.json'), '{ "private": true, "type": "module" }\n');
const origin = new Map();
// Blocks that augment a global (`declare global`) are separate apps: each gets a program of
// its own, so the renderer's `window.tidemark` and the script tag's do not collide.
const programs = [[]];
let count = 0;
for (const page of pages) {
  for (const block of codeBlocks(readFileSync(join(root, page), 'utf8'))) {
    const file = `${page.replace(/[/.]/g, '_')}_${block.line}${extensionOf(block)}`;
    writeFileSync(join(work, file), block.code);
    origin.set(file, { page, line: block.line });
    if (/\bdeclare global\b/.test(block.code)) programs.push([file]);
    else programs[0].push(file);
    count++;
  }
}
const compilerOptions = {
  strict: true,
  noEmit: true,
  target: 'es2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  lib: ['es2022', 'dom'],
  types: ['node'],
  allowJs: true,
  checkJs: true,
  skipLibCheck: true,
};
for (const [i, files] of programs.entries()) {
  const tsconfig = join(work, `tsconfig.${i}.json`);
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions, files }, null, 2));
  try {
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig, '--pretty', 'false'], { cwd: work });
  } catch (err) {
    // tsc's lines read `file(line,col): error TS…`: put them back at their place in the page.
    const before = problems.length;
    for (const line of String(err.message).split('\n')) {
      const m = /^([^(\s]+)\((\d+),(\d+)\): (.*)$/.exec(line);
      const at = m && origin.get(m[1]);
      if (at) problems.push(`${at.page}:${at.line + Number(m[2]) - 1}:${m[3]} ${m[4]}`);
      else if (m || /error TS/.test(line)) problems.push(line);
    }
    if (problems.length === before) problems.push(String(err.message));
  }
}

// 2. Figures and the printed snippet.
const resultsFile = join(root, 'bench/results.json');
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const page of figurePages()) {
    const text = readFileSync(join(root, page), 'utf8');
    if (renderFigures(text, results) !== text) problems.push(`${page}: bench figures differ from bench/results.json; run \`node scripts/bench-figures.mjs\` (never edit them by hand)`);
  }
}
const snippetFile = join(root, 'packages/cdn/dist/snippet.min.js');
const snippet = readFileSync(snippetFile, 'utf8').split('\n//# sourceMappingURL')[0].trim();
if (!readFileSync(join(root, 'docs/script-tag.md'), 'utf8').includes(`\n${snippet}\n`)) {
  problems.push(`docs/script-tag.md: the inline loader snippet is not ${relative(root, snippetFile)} as built; paste the built one`);
}

if (problems.length) {
  console.error(`check-docs: ${problems.length} problem(s) in ${count} code blocks of ${pages.length} pages:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
console.log(`check-docs: ${count} code blocks of ${pages.length} pages type-check; figures and snippet match the bench and the build`);
