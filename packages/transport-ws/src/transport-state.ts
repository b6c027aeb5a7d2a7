import type { Refusal } from './key-refusal.js';

/**
 * Where a `WsTransport` stands:
 * - `idle`: nothing sent yet, so no socket opened.
 * - `connecting`: waiting for the socket (first attempt or after a drop).
 * - `open`: streaming over the socket.
 * - `fallback`: the socket could not connect; sends go to the fallback transport while it
 *   keeps trying in the background.
 * - `stopped`: the collector refused the app ID or write key; nothing is sent.
 * - `closed`: `close()` was called.
 */
export type WsTransportState = 'idle' | 'connecting' | 'open' | 'fallback' | 'stopped' | 'closed';

/**
 * The transport's own phase, its one field of state; the socket and the fallback say the rest
 * of where it stands (see {@link stateOf}).
 */
export type Phase =
  /** Sending: over the socket, or through the fallback while the socket cannot connect. */
  | { name: 'running' }
  /** The collector refused the key: every send answers `{ stop: true }` until the key changes. */
  | ({ name: 'stopped' } & Refusal)
  /** `close()` was called: for good. */
  | { name: 'closed' };

/**
 * The public state from the transport's phase, the socket's and the fallback's.
 *
 * @param phase - the transport's phase
 * @param socket - whether the socket is open, and whether one was started
 * @param inFallback - whether sends go to the fallback
 * @returns the state to show
 * @example stateOf({ name: 'running' }, { isOpen: false, started: true }, false) // 'connecting'
 */
export function stateOf(phase: Phase, socket: { isOpen: boolean; started: boolean }, inFallback: boolean): WsTransportState {
  if (phase.name !== 'running') return phase.name;
  if (socket.isOpen) return 'open';
  if (inFallback) return 'fallback';
  return socket.started ? 'connecting' : 'idle';
}
