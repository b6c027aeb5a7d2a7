// The few browser objects the core's platform code touches, typed structurally here so the
// core compiles with neither the DOM library nor Node's types: the Node packages build it
// with Node's types only, the browser packages with the DOM's, and both fit these shapes.

/** `addEventListener` and `removeEventListener`, as windows and documents have them. */
export interface EventTargetLike {
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
}

/** `localStorage`. */
export interface StorageLike {
  readonly length: number;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
}

/** The fields of a `storage` event the core reads. */
export interface StorageEventLike {
  storageArea: unknown;
  key: string | null;
  newValue: string | null;
}

/** `location`. */
export interface LocationLike {
  href: string;
  pathname: string;
  search: string;
  protocol: string;
}

/** `document`. */
export interface DocumentLike extends EventTargetLike {
  visibilityState?: string;
  title: string;
  referrer: string;
  cookie: string;
}

/** `window`. */
export interface WindowLike extends EventTargetLike {
  location: LocationLike;
  document: DocumentLike;
  navigator: NavigatorLike;
  screen?: { width: number; height: number };
  devicePixelRatio?: number;
}

/** A service worker as a page sees it (its controller). */
export interface ServiceWorkerLike {
  readonly scriptURL: string;
  postMessage(message: unknown, transfer: unknown[]): void;
}

/** `navigator`. */
export interface NavigatorLike {
  onLine?: boolean;
  /** Global Privacy Control: true when the visitor asks sites not to sell or share their data. */
  globalPrivacyControl?: boolean;
  language?: string;
  userAgent?: string;
  locks?: { request(name: string, options: { ifAvailable?: boolean }, fn: (lock: unknown) => Promise<unknown>): Promise<unknown> };
  serviceWorker?: { readonly controller: ServiceWorkerLike | null; register(url: string): Promise<unknown> };
}

/** A `MessagePort` end the page listens on. */
export interface MessagePortLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** What the platform code reads off `globalThis` in a browser; every member may be missing elsewhere. */
export interface BrowserGlobals {
  window?: WindowLike;
  document?: DocumentLike;
  navigator?: NavigatorLike;
  location?: LocationLike;
  localStorage?: StorageLike;
  indexedDB?: unknown;
  IDBKeyRange?: { bound(lower: string, upper: string): unknown };
  MessageChannel?: new () => { port1: MessagePortLike; port2: unknown };
  /** TC39 Temporal (Chrome 144+, Firefox 139+): only its time-zone query is used. */
  Temporal?: { Now?: { timeZoneId?(): string } };
}

/** `globalThis`, seen through {@link BrowserGlobals}. */
export const browserGlobals = globalThis as unknown as BrowserGlobals;
