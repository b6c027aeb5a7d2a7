import type { TidemarkErrorCode } from '@tidemark/core';

// What travels between a renderer's preload and the main process. This file has no runtime
// imports, so the preload bundle stays free of Node and of the core.

/** The one IPC channel of Tidemark (`ipcMain.handle` / `ipcRenderer.invoke`). */
export const IPC_CHANNEL = 'tidemark:call';

/** Methods a renderer may call. */
export const IPC_METHODS = ['track', 'page', 'identify', 'group', 'alias', 'reset', 'flush', 'getAnonymousId', 'getSessionId'] as const;

/** A method a renderer may call. */
export type IpcMethod = (typeof IPC_METHODS)[number];

/** What the renderer knows of its page; the main process trusts only the frame's own URL. */
export interface RendererPage {
  url?: string;
  title?: string;
  referrer?: string;
}

/** The message a preload sends: `ipcRenderer.invoke(IPC_CHANNEL, request)`. */
export interface IpcRequest {
  method: IpcMethod;
  args: unknown[];
  page?: RendererPage;
}

/** The main process's answer. Failures are data: nothing is thrown across the bridge. */
export type IpcReply =
  /** Done; `value` for methods that return one (`flush`, `getAnonymousId`, `getSessionId`). */
  | { ok: true; value?: unknown }
  /** Refused, with the stable code and why. */
  | { ok: false; code: TidemarkErrorCode; message: string };
