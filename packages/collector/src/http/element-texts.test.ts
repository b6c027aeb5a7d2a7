import { describe, expect, it } from 'vitest';
import { elementTexts } from './element-texts.js';

/** The texts of `batch`, however many the parser read (checked against them below). */
const batchTexts = (text: string) => elementTexts(text, 'batch', (JSON.parse(text) as { batch?: unknown[] }).batch?.length ?? -1);

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRICKY = ['', 'a', '"', '\\', '\\"', '"]}', ',', '{[', '\u2028', 'é😀', '\n\t', 'batch', '"batch":[', '\ud800'];

/** Random JSON values with strings that look like structure, nested a few levels. */
function value(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 3 || pick < 0.3) {
    const kind = Math.floor(next() * 5);
    if (kind === 0) return TRICKY[Math.floor(next() * TRICKY.length)]! + String(Math.floor(next() * 100));
    if (kind === 1) return Math.round(next() * 1e6) / 100;
    if (kind === 2) return next() < 0.5;
    if (kind === 3) return null;
    return -Math.floor(next() * 1e9);
  }
  if (pick < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const out: Record<string, unknown> = {};
  for (let k = Math.floor(next() * 5); k > 0; k--) out[TRICKY[Math.floor(next() * TRICKY.length)]! + k] = value(next, depth + 1);
  return out;
}

/** The same JSON with random whitespace between tokens. */
function spaced(json: string, next: () => number): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    out += c;
    if (inString) {
      if (c === '\\') out += json[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    // After a structural character, where JSON allows whitespace (not inside a literal).
    if (!inString && '{}[],:"'.includes(c) && next() < 0.3) out += [' ', '\n', '\t', '\r\n  '][Math.floor(next() * 4)];
  }
  return out;
}

describe('elementTexts', () => {
  it('gives the exact text of each element, which parses to what JSON.parse gave for it', () => {
    const next = random(17);
    for (let n = 0; n < 400; n++) {
      const batch = Array.from({ length: Math.floor(next() * 6) }, () => value(next, 0));
      const body = { before: value(next, 1), batch, after: value(next, 1) };
      const compact = JSON.stringify(body);
      const texts = batchTexts(compact)!;
      expect(texts).toEqual(batch.map((item) => JSON.stringify(item)));
      const loose = spaced(compact, next);
      const parsed = (JSON.parse(loose) as { batch: unknown[] }).batch;
      const looseTexts = batchTexts(loose)!;
      expect(looseTexts).toHaveLength(parsed.length);
      looseTexts.forEach((text, i) => {
        expect(JSON.parse(text)).toEqual(parsed[i]);
        expect(text).toBe(text.trim());
      });
    }
  });

  it('keeps what the sender wrote: spacing, escapes, number forms and duplicate keys', () => {
    const body = '\n { "sentAt" : "x" , "batch" : [ {"a" : 1.50, "s":"\\u0041\\"]"} ,\t2e3 , "\\\\" , [ ] , {"k":1,"k":2} ] } ';
    expect(batchTexts(body)).toEqual(['{"a" : 1.50, "s":"\\u0041\\"]"}', '2e3', '"\\\\"', '[ ]', '{"k":1,"k":2}']);
    expect(JSON.parse(batchTexts(body)![4]!)).toEqual(JSON.parse(body).batch[4]); // the last `k` wins in both
  });

  it('reads only the top-level batch: one inside an event or another field is an ordinary value', () => {
    expect(batchTexts('{"data":{"batch":[1]},"batch":[{"batch":[2]},3],"z":["batch"]}')).toEqual(['{"batch":[2]}', '3']);
    expect(batchTexts('{"batch":"no","x":[1]}')).toBeUndefined();
    expect(batchTexts('{"batch":{"a":[1]}}')).toBeUndefined();
    expect(batchTexts('{"batch":[]}')).toEqual([]);
  });

  it("reads a Nucleus frame's data the same way, and only the key it is asked for", () => {
    const frame = '{"data":[ {"type":"event","id":1} ,{"type":"init"}],"batch":[9]}';
    expect(elementTexts(frame, 'data', 2)).toEqual(['{"type":"event","id":1}', '{"type":"init"}']);
    expect(elementTexts(frame, 'batch', 1)).toEqual(['9']);
    expect(elementTexts('{"data":[1],"\\u0064ata":[2]}', 'data', 1)).toBeUndefined();
    expect(elementTexts('{"dat":[1],"datas":[2]}', 'data', 1)).toBeUndefined();
    // Texts that do not number as many as the parsed elements are not used.
    expect(elementTexts(frame, 'data', 3)).toBeUndefined();
  });

  it('gives nothing where the texts could disagree with the parser', () => {
    // The parser keeps the last of two keys, and reads an escaped key as the plain one.
    expect(batchTexts('{"batch":[1],"batch":[2]}')).toBeUndefined();
    expect(batchTexts('{"\\u0062atch":[2]}')).toBeUndefined();
    expect(batchTexts('{"batch":[1],"\\u0062atch":[2]}')).toBeUndefined();
    expect(batchTexts('[{"batch":[1]}]')).toBeUndefined();
    expect(batchTexts('"batch"')).toBeUndefined();
    expect(batchTexts('{"sentAt":"x"}')).toBeUndefined();
  });
});
