import type { TidemarkErrorCode } from '@tidemark/core';
import { sayOnce } from '@tidemark/protocol';
import type { ElectronPreload } from './electron-types.js';
import { IPC_CHANNEL, type IpcMethod, type IpcReply, type IpcRequest, type RendererPage } from './ipc-protocol.js';

// The preload side of the bridge, published as `@tidemark/electron/preload`. It imports
// nothing at runtime but Electron's modules handed to it, so it runs in a sandboxed preload
// once bundled, and never pulls Node or the core into a renderer.

export type { ElectronPreload } from './electron-types.js';
export { IPC_CHANNEL } from './ipc-protocol.js';

/** What a flush achieved, as the renderer sees it. */
export interface RendererFlushResult {
  delivered: number;
  rejected: number;
  pending: number;
}

/**
 * `window.tidemark` in a renderer. Every call goes to the main process's one client and
 * resolves when it was handled there; none rejects (a refused call resolves `undefined` and
 * is reported through `onError`).
 */
export interface TidemarkRendererApi {
  /** Record an action. @example window.tidemark.track('Exported', { format: 'pdf' }) */
  track(event: string, properties?: Record<string, unknown>): Promise<void>;
  /** Record a page view; the window's URL, path, title and referrer are added. */
  page(name?: string, properties?: Record<string, unknown>): Promise<void>;
  /** Say who the user is; `null` clears the user ID. */
  identify(userId?: string | null, traits?: Record<string, unknown>): Promise<void>;
  /** Associate the user with a group. */
  group(groupId: string, traits?: Record<string, unknown>): Promise<void>;
  /** Merge `previousId` (default: the current ID) into `newId`. */
  alias(newId: string, previousId?: string): Promise<void>;
  /** Forget the user: new anonymous ID and session. */
  reset(): Promise<void>;
  /** Send what is queued now. */
  flush(): Promise<RendererFlushResult | undefined>;
  /** The anonymous ID shared by every window. */
  getAnonymousId(): Promise<string | undefined>;
  /** The session ID shared by every window. */
  getSessionId(): Promise<number | undefined>;
}

/** Options of {@link exposeTidemark}. */
export interface ExposeOptions {
  /** Name of the global in the page. @default 'tidemark' */
  key?: string;
  /** Told when the main process refused a call (bad arguments, too large). @default a console warning once per code */
  onError?: (error: { code: TidemarkErrorCode; message: string }) => void;
}

/** The page as the preload sees it; undefined outside a renderer. */
function currentPage(): RendererPage | undefined {
  const g = globalThis as { location?: { href?: string }; document?: { title?: string; referrer?: string } };
  if (!g.location?.href) return undefined;
  return { url: g.location.href, title: g.document?.title ?? '', referrer: g.document?.referrer ?? '' };
}

/**
 * Make an argument plain JSON, as the main process requires: Dates become ISO strings,
 * functions and undefined members go. `undefined` itself stays (it means "keep" to identify).
 */
function plain(value: unknown): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value));
}

/**
 * Give the page `window.tidemark`, backed by the main process's client over one IPC
 * channel. Call it in the preload script of every window, with `contextIsolation: true`
 * and `nodeIntegration: false`: the page gets only these functions, never `ipcRenderer`.
 *
 * @param electron - `require('electron')` of the preload (`contextBridge`, `ipcRenderer`)
 * @param options - global name and error handling
 * @returns the API object that was exposed
 * @example
 * // preload.js
 * const { exposeTidemark } = require('@tidemark/electron/preload');
 * exposeTidemark(require('electron'));
 * // page
 * window.tidemark.track('Opened Settings');
 */
export function exposeTidemark(electron: ElectronPreload, options: ExposeOptions = {}): TidemarkRendererApi {
  const warn = sayOnce((line: string) => console.warn(line));
  const report = options.onError ?? ((error: { code: string; message: string }) => warn(error.code, `[tidemark] ${error.message}`));

  async function call(method: IpcMethod, args: unknown[]): Promise<unknown> {
    let request: IpcRequest;
    try {
      request = { method, args: args.map(plain) };
    } catch (err) {
      report({ code: 'invalid_event', message: `${method}() arguments are not JSON: ${(err as Error)?.message ?? err}` });
      return undefined;
    }
    const page = currentPage();
    if (page) request.page = page;
    try {
      const reply = (await electron.ipcRenderer.invoke(IPC_CHANNEL, request)) as IpcReply | undefined;
      if (reply?.ok) return reply.value;
      if (reply) report({ code: reply.code, message: reply.message });
    } catch (err) {
      // No handler in the main process (initMain not called yet), or the window is closing.
      report({ code: 'closed', message: `Tidemark is not listening in the main process: ${(err as Error)?.message ?? err}` });
    }
    return undefined;
  }

  // Trailing undefined arguments are dropped so that `track('x')` and `track('x', undefined)` match.
  const args = (list: unknown[]) => {
    let end = list.length;
    while (end > 0 && list[end - 1] === undefined) end--;
    return list.slice(0, end);
  };
  const api: TidemarkRendererApi = {
    track: (event, properties) => call('track', args([event, properties])) as Promise<void>,
    page: (name, properties) => call('page', args([name, properties])) as Promise<void>,
    identify: (userId, traits) => call('identify', args([userId, traits])) as Promise<void>,
    group: (groupId, traits) => call('group', args([groupId, traits])) as Promise<void>,
    alias: (newId, previousId) => call('alias', args([newId, previousId])) as Promise<void>,
    reset: () => call('reset', []) as Promise<void>,
    flush: () => call('flush', []) as Promise<RendererFlushResult | undefined>,
    getAnonymousId: () => call('getAnonymousId', []) as Promise<string | undefined>,
    getSessionId: () => call('getSessionId', []) as Promise<number | undefined>,
  };
  const key = options.key ?? 'tidemark';
  try {
    electron.contextBridge.exposeInMainWorld(key, api);
  } catch {
    // contextIsolation is off: the preload shares the page's global object.
    (globalThis as Record<string, unknown>)[key] = api;
  }
  return api;
}
