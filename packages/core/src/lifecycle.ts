/** Removes a listener added through {@link Lifecycle}. */
export type Unsubscribe = () => void;

/**
 * The host's life: connectivity and visibility. Browsers get `browserLifecycle`; Node and
 * Electron's main process supply their own.
 */
export interface Lifecycle {
  /** Whether the host believes it is online. */
  isOnline(): boolean;
  /** Called when connectivity returns. */
  onOnline(listener: () => void): Unsubscribe;
  /**
   * Called when the page is being hidden or unloaded (`visibilitychange` → hidden,
   * `pagehide`), or the process is about to quit: the last reliable moment to send.
   */
  onHide(listener: () => void): Unsubscribe;
}

/** Lifecycle of a host that is always online and never hidden (Node, tests). */
export const staticLifecycle: Lifecycle = {
  isOnline: () => true,
  onOnline: () => () => {},
  onHide: () => () => {},
};
