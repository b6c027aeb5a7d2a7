/** `"` */
const QUOTE = 0x22;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/**
 * The JSON text of each element of a body's top-level array under `key` (`batch` of a
 * Segment body, `data` of a Nucleus frame), exactly as it was sent, so an event is stored as
 * its own text instead of serialized again after parsing (which cost 3.3–6 µs an event
 * against 1.3–2.4 for this scan, the larger figures for browser events). Every reader of a
 * stored event parses it, so an element's text is as good as its re-serialization: it parses
 * to the same value (duplicate keys included: the last wins in both). Only for text that
 * `JSON.parse` accepted: the scan trusts the grammar and tracks no more than strings and
 * nesting.
 *
 * Anything that could make the texts disagree with what `JSON.parse` returned gives
 * `undefined`, and the caller serializes as before: a body that is not an object, a
 * top-level key written with an escape (`"\u0062atch"` is `batch` to the parser), a second
 * `key` (the parser keeps the last), no array under it, or not as many texts as the parsed
 * array has elements.
 *
 * @param text - a request body or frame that `JSON.parse` accepted
 * @param key - the top-level key of the array: plain letters, no escapes
 * @param count - how many elements `JSON.parse` read in that array
 * @returns the elements' texts, trimmed, in order; or `undefined`
 * @example elementTexts('{"batch":[{"a":1}, 2]}', 'batch', 2) // ['{"a":1}', '2']
 */
export function elementTexts(text: string, key: 'batch' | 'data', count: number): string[] | undefined {
  const texts = scan(text, `"${key}"`);
  return texts?.length === count ? texts : undefined;
}

/** The texts of the array under the top-level `quoted` key (see {@link elementTexts}). */
function scan(text: string, quoted: string): string[] | undefined {
  let i = 0;
  while (isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== OPEN_OBJECT) return undefined;
  // Where the next backslash is: strings without one (nearly all) are skipped by indexOf.
  let backslash = text.indexOf('\\');
  let depth = 0;
  let keyNext = false; // at depth 1, the next string is a key
  let arrayKey = false; // the last key at depth 1 was `key`
  let texts: string[] | undefined;
  let current: string[] | undefined; // the array being read
  let start = -1; // where the element being read began
  const end = (at: number) => {
    while (isSpace(text.charCodeAt(at - 1))) at--;
    current!.push(text.slice(start, at));
    start = -1;
  };
  for (const length = text.length; i < length; ) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const from = i;
      let escaped = false;
      for (i += 1; ; ) {
        const quote = text.indexOf('"', i);
        if (quote < 0) return undefined;
        if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
        if (backslash === -1 || backslash > quote) {
          i = quote + 1;
          break;
        }
        // An escape: its two characters are skipped (`\"` does not close the string).
        escaped = true;
        i = backslash + 2;
        backslash = text.indexOf('\\', i);
      }
      if (depth === 1 && keyNext) {
        if (escaped) return undefined;
        arrayKey = i - from === quoted.length && text.startsWith(quoted, from);
        keyNext = false;
      } else if (current && depth === 2 && start < 0) start = from;
      continue;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (current && depth === 2 && start < 0) start = i;
      depth += 1;
      if (depth === 1) keyNext = true;
      else if (depth === 2 && arrayKey && code === OPEN_ARRAY) {
        if (texts) return undefined; // a second `key`: the parser kept that one
        texts = current = [];
      }
      arrayKey = false;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      if (current && depth === 2) {
        if (start >= 0) end(i);
        current = undefined;
      }
      depth -= 1;
    } else if (code === COMMA) {
      if (current && depth === 2) {
        if (start >= 0) end(i);
      } else if (depth === 1) keyNext = true;
    } else if (code !== COLON && !isSpace(code)) {
      // The first character of a number, `true`, `false` or `null`.
      if (current && depth === 2 && start < 0) start = i;
      if (depth === 1) arrayKey = false;
    }
    i += 1;
  }
  return texts;
}
