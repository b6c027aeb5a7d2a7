/**
 * Automatic page views: one now, and one after each URL change of a single-page app.
 *
 * Routers change the URL with `history.pushState`/`replaceState` (which fire no event, so
 * they are wrapped) and the browser's back and forward buttons fire `popstate` (and
 * `hashchange` for fragments). A change is recorded one task later, when the router has
 * usually set the new title, and only when `location.href` differs from the last recorded
 * one: a `replaceState` that keeps the URL (scroll restoration, state updates) or a
 * `pushState` immediately followed by a redirect makes no extra view.
 *
 * @param page - records a page view (the client's `page()`)
 * @param win - the window @default window
 * @returns a function that stops recording
 * @example const stop = autoPageViews(() => tidemark.page());
 */
export function autoPageViews(page: () => void, win: Window = window): () => void {
  const { history, location } = win;
  let last = location.href;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const check = () => {
    if (stopped || pending !== undefined) return;
    pending = setTimeout(() => {
      pending = undefined;
      if (stopped || location.href === last) return;
      last = location.href;
      page();
    }, 0);
  };
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    // Wrapped, not replaced, so a router (or another script) that wrapped it first still runs.
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      check();
      return result;
    };
  }
  win.addEventListener('popstate', check);
  win.addEventListener('hashchange', check);
  page();
  return () => {
    stopped = true;
    clearTimeout(pending);
    win.removeEventListener('popstate', check);
    win.removeEventListener('hashchange', check);
  };
}
