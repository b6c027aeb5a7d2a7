// publint and Are The Types Wrong over each packed tarball. Every message fails the check,
// except the few listed in KNOWN with the reason they stay; a listed one that no longer
// appears fails too, so the list cannot outlive its reason.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage, formatMessagePath } from 'publint/utils';
import { run } from './run.mjs';

const attwBin = fileURLToPath(new URL('../../node_modules/.bin/attw', import.meta.url));

/**
 * Messages that stay, each with why. `id` is `<tool> <code> <where>` as {@link lintTarball} prints it.
 */
export const KNOWN = [
  {
    name: '@tidemark/cdn',
    id: 'publint FILE_INVALID_FORMAT pkg.exports["./tidemark-ws.min.js"].default',
    why:
      "publint's ESM test is a regular expression, and it matches text inside a string of partysocket's " +
      "(its missing-EventTarget hint, \"import 'partysocket/event-target-polyfill'\"). The file is a classic " +
      'script (an IIFE that defines window.TidemarkWS), neither ESM nor CJS; Node never loads it.',
  },
];

/**
 * Lint one tarball with both tools.
 *
 * @param {{ name: string, tarball: string }} packed - from `packAll`
 * @returns {Promise<Array<{ id: string, text: string }>>} every message, known ones included
 */
export async function lintTarball({ tarball }) {
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) }, level: 'suggestion' });
  const found = messages.map((m) => ({
    id: `publint ${m.code} ${formatMessagePath(m.path)}`,
    text: `publint ${m.type}: ${formatMessage(m, pkg, { color: false })}`,
  }));
  // attw exits 1 when it finds problems; its JSON says which.
  const out = await run(attwBin, [tarball, '--format', 'json', '--profile', 'strict']).catch((err) => {
    const json = String(err.message).slice(String(err.message).indexOf('{'));
    try {
      JSON.parse(json);
      return json;
    } catch {
      throw err;
    }
  });
  for (const p of JSON.parse(out).analysis.problems ?? []) {
    const where = [p.entrypoint, p.resolutionKind].filter(Boolean).join(' ');
    found.push({ id: `attw ${p.kind} ${where}`, text: `attw: ${p.kind} at ${where}` });
  }
  return found;
}

/**
 * Split one package's messages into failures and the known ones that stay.
 *
 * @param {string} name - the package
 * @param {Array<{ id: string, text: string }>} found - from {@link lintTarball}
 * @returns {{ failures: string[], kept: string[] }}
 */
export function judge(name, found) {
  const known = KNOWN.filter((k) => k.name === name);
  const failures = found.filter((f) => !known.some((k) => k.id === f.id)).map((f) => `${name}: ${f.text}`);
  const kept = found.filter((f) => known.some((k) => k.id === f.id)).map((f) => `${name}: ${f.id} — ${known.find((k) => k.id === f.id).why}`);
  for (const k of known) if (!found.some((f) => f.id === k.id)) failures.push(`${name}: "${k.id}" is no longer reported; remove it from KNOWN in scripts/packages/lint.mjs`);
  return { failures, kept };
}
