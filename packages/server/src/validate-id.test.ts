import { describe, expect, it } from 'vitest';
import { validateAnonymousId, validateSessionId } from './validate-id.js';

describe('validateAnonymousId', () => {
  it.each([
    ['a nanoid', 'V1StGXR8_Z5jdHi6B-myT'],
    ['a UUID', '3f8236bc-c010-43bb-a341-cd30b5228e9d'],
    ['8 characters', 'abcdEFG1'],
    ['64 characters', 'a'.repeat(64)],
  ])('accepts %s', (_name, id) => {
    expect(validateAnonymousId(id)).toEqual({ ok: true, value: id });
  });

  it.each([
    ['CRLF header injection', 'abcdefgh\r\nSet-Cookie: admin=1', 'invalid_characters'],
    ['a bare LF', 'abcdefgh\nx', 'invalid_characters'],
    ['a NUL byte', 'abcdefgh\u0000', 'invalid_characters'],
    ['an ESC sequence for terminals', 'abcdefgh\u001b[31m', 'invalid_characters'],
    ['a DEL', 'abcdefgh\u007f', 'invalid_characters'],
    ['a Cyrillic lookalike а', 'V1StGXR8_Z5jdHi6B-myа', 'invalid_characters'],
    ['fullwidth digits', 'abcdefgh１２', 'invalid_characters'],
    ['a zero-width space', 'abcd\u200befgh', 'invalid_characters'],
    ['a right-to-left override', 'abcd\u202efgh', 'invalid_characters'],
    ['percent-encoding', 'abcdefgh%0d%0a', 'invalid_characters'],
    ['quotes (JSON-quoted cookies)', '"abcdefghij"', 'invalid_characters'],
    ['a space', 'abcd efgh', 'invalid_characters'],
    ['HTML', '<img src=x onerror=alert(1)>', 'invalid_characters'],
    ['a 10 KB string', 'a'.repeat(10 * 1024), 'too_long'],
    ['65 characters', 'a'.repeat(65), 'too_long'],
    ['7 characters', 'abcdefg', 'too_short'],
    ['an empty string', '', 'empty'],
  ])('ignores %s', (_name, id, reason) => {
    expect(validateAnonymousId(id)).toEqual({ ok: false, reason });
  });

  it.each([[42], [null], [undefined], [['abcdefghij']], [{ toString: () => 'abcdefghij' }]])('ignores the non-string %j', (value) => {
    expect(validateAnonymousId(value)).toEqual({ ok: false, reason: 'not_a_string' });
  });
});

describe('validateSessionId', () => {
  it('accepts digits and whole numbers', () => {
    expect(validateSessionId('1732530000000')).toEqual({ ok: true, value: 1732530000000 });
    expect(validateSessionId(1732530000000)).toEqual({ ok: true, value: 1732530000000 });
  });

  it.each([
    ['1.5', 'not_an_integer'],
    ['-1', 'not_an_integer'],
    ['12ab', 'not_an_integer'],
    ['1\r\n2', 'not_an_integer'],
    ['１２３', 'not_an_integer'],
    ['1'.repeat(17), 'not_an_integer'],
    ['0', 'out_of_range'],
    ['9999999999999999', 'out_of_range'],
    ['', 'empty'],
  ])('ignores %j', (value, reason) => {
    expect(validateSessionId(value)).toEqual({ ok: false, reason });
  });

  it('ignores non-integers and other types', () => {
    expect(validateSessionId(1.5)).toEqual({ ok: false, reason: 'not_an_integer' });
    expect(validateSessionId(-5)).toEqual({ ok: false, reason: 'out_of_range' });
    expect(validateSessionId({})).toEqual({ ok: false, reason: 'not_a_string' });
  });
});
