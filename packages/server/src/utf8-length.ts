/**
 * Bytes of a string in UTF-8, without allocating an encoded copy (edge runtimes have no
 * `Buffer.byteLength`).
 *
 * @param text - any string
 * @returns its UTF-8 length
 * @example utf8Length('é') // 2
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff) i++, (bytes += 2); // a surrogate pair is 4 bytes for 2 units
    else bytes += 2;
  }
  return bytes;
}
