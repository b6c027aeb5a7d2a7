/**
 * How long `close()` keeps trying before it drops what is left (with a spool: leaves it on
 * disk for the next start): 5 s, the seed's limit, short enough for a container's SIGTERM
 * grace period (Kubernetes: 30 s) with room for the app's own shutdown.
 */
export const CLOSE_TIMEOUT_MS = 5_000;
