/**
 * The one meaning of "say each problem once" across Tidemark: a console or log line per
 * distinct problem (the key: an error code, or code and message), never one per event or per
 * retry, so a flood of bad calls or an hour-long outage is one line. Error listeners
 * (`on('error')`, `onError`) are not gated by it: they hear every occurrence.
 *
 * @param write - where a line goes (`console.warn`, a logger method)
 * @returns `say(key, line, ...detail)`: writes the first time `key` is seen, never throws
 * @example
 * const say = sayOnce(console.warn);
 * say('network', '[tidemark] the collector is unreachable'); // written
 * say('network', '[tidemark] the collector is unreachable'); // silent
 */
export function sayOnce<D extends unknown[]>(write: (line: string, ...detail: D) => void): (key: string, line: string, ...detail: D) => void {
  const said = new Set<string>();
  return (key, line, ...detail) => {
    if (said.has(key)) return;
    said.add(key);
    try {
      write(line, ...detail);
    } catch {
      // A broken console or logger must not break tracking.
    }
  };
}
