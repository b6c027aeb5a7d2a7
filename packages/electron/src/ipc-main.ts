import { TidemarkError, type Tidemark } from '@tidemark/core';
import type { ElectronIpcMain, IpcInvokeEvent } from './electron-types.js';
import { IPC_CHANNEL, type IpcMethod, type IpcReply } from './ipc-protocol.js';
import { validateIpcRequest, type IpcCall } from './ipc-validate.js';
import { pageOf, type WindowPage } from './window-page.js';

/** The client calls the bridge makes: the core client's own methods, so the two cannot drift. */
export type IpcTarget = Pick<Tidemark, 'track' | 'page' | 'identify' | 'group' | 'alias' | 'reset' | 'flush' | 'getAnonymousId' | 'getSessionId'>;

/** Options of {@link registerIpcBridge}. */
export interface IpcBridgeOptions {
  ipcMain: ElectronIpcMain;
  /** The one client every window feeds. */
  client: IpcTarget;
  /** Where the calling window's page is put for the context provider. */
  windowPage: WindowPage;
  /** Methods renderers may call. @default all */
  methods?: readonly IpcMethod[];
  /** Accept calls only from frames whose URL passes, e.g. `(url) => url.startsWith('app://')`. @default all */
  allowSender?: (url: string) => boolean;
  /** Told about every refused call. */
  onError?: (error: TidemarkError) => void;
}

/** The sending frame's URL; reading it can throw once the frame is gone. */
function senderUrl(event: IpcInvokeEvent | undefined): string | undefined {
  try {
    return event?.senderFrame?.url || event?.sender?.getURL?.() || undefined;
  } catch {
    return undefined;
  }
}

async function dispatch(client: IpcTarget, call: IpcCall): Promise<unknown> {
  switch (call.method) {
    case 'track':
      return client.track(call.event, call.properties);
    case 'page':
      return client.page(call.name, call.properties);
    case 'identify':
      return client.identify(call.userId, call.traits);
    case 'group':
      return client.group(call.groupId, call.traits);
    case 'alias':
      return client.alias(call.newId, call.previousId);
    case 'reset':
      return client.reset();
    case 'flush': {
      // Only numbers cross back: an error object of the result stays in the main process.
      const { delivered, rejected, pending } = await client.flush();
      return { delivered, rejected, pending };
    }
    case 'getAnonymousId':
      return client.getAnonymousId();
    case 'getSessionId':
      return client.getSessionId();
  }
}

/**
 * Serve renderer calls on the Tidemark channel: check the sender, validate the message
 * ({@link validateIpcRequest}), and run the call on the one main-process client with the
 * calling window's page as context. Replies are data; a hostile message gets a refusal and
 * cannot throw in the main process.
 *
 * @param options - see {@link IpcBridgeOptions}
 * @returns a function that removes the handler
 * @example const stop = registerIpcBridge({ ipcMain, client, windowPage });
 */
export function registerIpcBridge(options: IpcBridgeOptions): () => void {
  const { ipcMain, client, windowPage, methods, allowSender, onError } = options;
  const refuse = (error: TidemarkError): IpcReply => {
    try {
      onError?.(error);
    } catch {
      // The app's error listener must not turn a refusal into a crash.
    }
    return { ok: false, code: error.code, message: error.message };
  };
  ipcMain.handle(IPC_CHANNEL, async (event: IpcInvokeEvent, payload: unknown): Promise<IpcReply> => {
    try {
      const frameUrl = senderUrl(event);
      if (allowSender && !allowSender(frameUrl ?? '')) {
        return refuse(new TidemarkError('invalid_event', `Renderer call refused: sender ${String(frameUrl).slice(0, 200)} is not allowed`));
      }
      const checked = methods ? validateIpcRequest(payload, { methods }) : validateIpcRequest(payload);
      if (!checked.ok) return refuse(checked.error);
      const page = pageOf(frameUrl, checked.page);
      // The core shares one context object among the events of one turn of the event loop;
      // running each call in a turn of its own keeps one window's page off another's events.
      await new Promise((resolve) => setImmediate(resolve));
      const value = await windowPage.run(page, () => dispatch(client, checked.call));
      return value === undefined ? { ok: true } : { ok: true, value };
    } catch (err) {
      return refuse(new TidemarkError('invalid_event', 'Renderer call failed in the main process', err));
    }
  });
  return () => ipcMain.removeHandler(IPC_CHANNEL);
}
