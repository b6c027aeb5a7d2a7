import { webcrypto } from 'node:crypto';
import { messageId, messageIds as protocolIds, setRandomValues, webCryptoRandom } from '@tidemark/protocol';

/**
 * Give the protocol's IDs their random bytes: the runtime's Web Crypto, or `node:crypto`'s
 * on Node 18, which has no `crypto` global.
 */
function useNodeRandom(): void {
  setRandomValues(webCryptoRandom() ?? ((bytes) => webcrypto.getRandomValues(bytes)));
}

/**
 * The `messageId` source of one server client (prefix and counter; see the protocol's `messageIds`).
 *
 * @returns a function returning the next ID
 */
export function messageIds(): () => string {
  useNodeRandom();
  return protocolIds();
}

/**
 * A fresh ID in the anonymous-ID format (21 characters of `[A-Za-z0-9_-]`), for events that
 * carry no browser's ID.
 *
 * @returns the ID
 */
export function newAnonymousId(): string {
  useNodeRandom();
  return messageId();
}
