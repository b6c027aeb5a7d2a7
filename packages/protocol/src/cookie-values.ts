/**
 * The values of one cookie in a `Cookie` header (or `document.cookie`), in the order the browser sent them (the
 * most specific path first, RFC 6265 §5.4). Values are returned as sent: Tidemark's own
 * cookies hold nanoids, which need no decoding, and anything encoded fails validation.
 *
 * @param header - the `Cookie` header (Node joins repeats with `; `)
 * @param name - the cookie name, e.g. `tm_aid`
 * @returns every value sent under that name (often none or one)
 * @example cookieValues('a=1; tm_aid=V1StGXR8_Z5jdHi6B-myT', 'tm_aid') // ['V1StGXR8_Z5jdHi6B-myT']
 */
export function cookieValues(header: string | string[] | undefined, name: string): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join('; ') : header;
  const values: string[] = [];
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    values.push(part.slice(eq + 1).trim());
  }
  return values;
}
