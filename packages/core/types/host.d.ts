// What the core takes from its host without importing anything: the globals every browser,
// worker, Node and Electron process has. Only the core's own type-check reads this file
// (packages/core/tsconfig.json): there the core compiles with neither the DOM library nor
// Node's types, so a browser-only or Node-only API in its code fails the build. Packages
// that build the core with the DOM's or Node's types get these from there.
declare function setTimeout(handler: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function setInterval(handler: () => void, ms?: number): unknown;
declare function clearInterval(handle: unknown): void;
declare function queueMicrotask(callback: () => void): void;
declare var console: { warn(...data: unknown[]): void; error(...data: unknown[]): void };
declare class URL {
  constructor(url: string, base?: string);
  href: string;
  pathname: string;
  search: string;
  hostname: string;
  host: string;
  readonly searchParams: { get(name: string): string | null; set(name: string, value: string): void; forEach(fn: (value: string, key: string) => void): void };
}
interface AbortSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
}
