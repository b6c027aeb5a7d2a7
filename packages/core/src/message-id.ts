import { explain, SENTENCES, setRandomValues, type RandomValues } from '@tidemark/protocol';
import { TidemarkError } from './errors.js';

export { messageId } from '@tidemark/protocol';
export type { RandomValues } from '@tidemark/protocol';

/**
 * Choose where IDs get their random bytes (see `setRandomValues` of the protocol), refusing
 * at set-up, with the fix, what cannot work. Called by `createTidemark`.
 *
 * @param randomValues - an injected source (Node 18: `node:crypto`'s `webcrypto.getRandomValues`)
 * @throws TidemarkError `invalid_option` when neither exists, or `randomValues` is not a function
 */
export function useRandomValues(randomValues?: RandomValues): void {
  if (randomValues !== undefined && typeof randomValues !== 'function') {
    throw new TidemarkError('invalid_option', 'randomValues must be a function (bytes: Uint8Array) => Uint8Array, like crypto.getRandomValues');
  }
  if (!setRandomValues(randomValues)) {
    // A set-up error that keeps its sentence in the npm builds only: every browser the script
    // tag supports has Web Crypto, so there it is a code (TM39), not 200 bytes of Node advice.
    throw new TidemarkError(
      'invalid_option',
      SENTENCES
        ? "this runtime has no Web Crypto (globalThis.crypto; Node 18 has it only with --experimental-global-webcrypto): pass { randomValues: (bytes) => require('node:crypto').webcrypto.getRandomValues(bytes) }"
        : explain('TM39'),
    );
  }
}
