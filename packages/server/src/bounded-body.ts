/**
 * Read a body stream to its end, giving up past `max` bytes: a hostile client must not make
 * the server buffer megabytes to find out that the body was too large.
 *
 * @param stream - a Fetch body (`request.body`, or a clone's)
 * @param max - most bytes read
 * @returns the bytes, or undefined when the body was larger (reading stopped there)
 * @throws what the stream throws (the client went away, the body was used already)
 */
export async function readBounded(stream: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | undefined> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      // Not awaited: cancelling one branch of a tee settles only once the other is cancelled too.
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}

/**
 * Chunks joined into one array.
 *
 * @param chunks - the parts, in order
 * @param total - their summed length
 * @returns the bytes
 */
export function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
