import type { PageContext } from '@tidemark/core';
import type { RendererPage } from './ipc-protocol.js';

/**
 * The page of the window whose call is being handled. The core reads event context
 * synchronously inside each call, so the IPC handler sets the page around the call and the
 * context provider reads it: every event carries its own window's page, with one client for
 * all windows.
 */
export class WindowPage {
  #current: PageContext | undefined;

  /** The page of the call in progress; `undefined` for calls made in the main process. */
  get current(): PageContext | undefined {
    return this.#current;
  }

  /**
   * Run `fn` with `page` as the current page.
   *
   * @param page - the calling window's page
   * @param fn - the client call
   * @returns what `fn` returns
   */
  run<T>(page: PageContext | undefined, fn: () => T): T {
    const previous = this.#current;
    this.#current = page;
    try {
      return fn();
    } finally {
      this.#current = previous;
    }
  }
}

/**
 * The page context of a call: the URL from the sending frame (which the page cannot forge)
 * when Electron gives it, else the one the renderer reported; title and referrer as reported.
 *
 * @param frameUrl - `event.senderFrame.url`
 * @param reported - what the preload read from `location` and `document`
 * @returns the page context, or `undefined` when no URL is known
 * @example pageOf('app://local/settings?tab=2', { title: 'Settings' })
 * // { url: 'app://local/settings?tab=2', path: '/settings', search: '?tab=2', title: 'Settings', referrer: '' }
 */
export function pageOf(frameUrl: string | undefined, reported: RendererPage | undefined): PageContext | undefined {
  const url = frameUrl || reported?.url;
  if (!url) return undefined;
  let path = '';
  let search = '';
  try {
    const parsed = new URL(url);
    path = parsed.pathname;
    search = parsed.search;
  } catch {
    // Not a URL we can parse: keep it whole, leave path and search empty.
  }
  return { url, path, search, title: reported?.title ?? '', referrer: reported?.referrer ?? '' };
}
