/**
 * Queue keys that sort by time of adding and never collide across tabs or processes:
 * 9 base-36 digits of the clock (good until the year 5188), 4 of a per-writer sequence
 * that breaks same-millisecond ties, then the writer's random ID.
 */
export function queueKeyFactory(now: () => number = Date.now): () => string {
  const writer = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  let lastTime = 0;
  let seq = 0;
  return () => {
    // Never go backwards when the wall clock does (NTP step): keep order within a writer.
    const time = Math.max(now(), lastTime);
    seq = time === lastTime ? seq + 1 : 0;
    lastTime = time;
    return time.toString(36).padStart(9, '0') + seq.toString(36).padStart(4, '0') + writer;
  };
}
