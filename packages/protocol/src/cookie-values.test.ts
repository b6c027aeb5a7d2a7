import { describe, expect, it } from 'vitest';
import { cookieValues } from './cookie-values.js';

describe('cookieValues', () => {
  it('gives every value of one cookie in the order sent, from a header, a repeated header or document.cookie', () => {
    expect(cookieValues('a=1; tm_aid=first;tm_aid = second ; tm_aidx=no', 'tm_aid')).toEqual(['first', 'second']);
    expect(cookieValues(['tm_sid=1', 'x=2; tm_sid=3'], 'tm_sid')).toEqual(['1', '3']);
    expect(cookieValues('novalue; =orphan', 'tm_aid')).toEqual([]);
    expect(cookieValues(undefined, 'tm_aid')).toEqual([]);
  });
});
