import { messageId } from './message-id.js';
import type { KeyValueStorage } from './key-value.js';
import { toJsonObject } from './json-safe.js';
import type { JsonObject } from './types.js';
import { isValidId } from './validate.js';
import { ANONYMOUS_ID_PATTERN } from '@tidemark/protocol';

/** Storage keys of the identity. */
export const IDENTITY_KEYS = { anonymousId: 'tm_aid', userId: 'tm_uid', traits: 'tm_traits' } as const;


/**
 * Who the events are about: the anonymous ID (made once, persisted, readable synchronously),
 * the user ID and traits. Kept in memory and written through to storage on change only.
 */
export class Identity {
  anonymousId: string;
  userId: string | undefined;
  traits: JsonObject;
  readonly #storage: KeyValueStorage;

  /** @param storage - where the identity persists */
  constructor(storage: KeyValueStorage) {
    this.#storage = storage;
    const stored = storage.get(IDENTITY_KEYS.anonymousId);
    this.anonymousId = stored && ANONYMOUS_ID_PATTERN.test(stored) ? stored : this.#newAnonymousId();
    this.userId = validUserId(storage.get(IDENTITY_KEYS.userId));
    this.traits = parseTraits(storage.get(IDENTITY_KEYS.traits));
    storage.subscribe?.((key, value) => {
      // Another tab identified or reset: follow it, so all tabs report one visitor.
      if (key === IDENTITY_KEYS.anonymousId && value && ANONYMOUS_ID_PATTERN.test(value)) this.anonymousId = value;
      else if (key === IDENTITY_KEYS.userId) this.userId = validUserId(value);
      else if (key === IDENTITY_KEYS.traits) this.traits = parseTraits(value);
    });
  }

  /** Set the user ID (or clear it with `null`) and merge traits. */
  identify(userId: string | null | undefined, traits: JsonObject | undefined): void {
    if (userId === null) this.#setUserId(undefined);
    else if (userId !== undefined) this.#setUserId(userId);
    if (traits && Object.keys(traits).length) {
      this.traits = { ...this.traits, ...traits };
      this.#storage.set(IDENTITY_KEYS.traits, JSON.stringify(this.traits));
    }
  }

  /** Set the user ID after an alias. */
  alias(userId: string): void {
    this.#setUserId(userId);
  }

  /** Forget the user and start a new anonymous ID. */
  reset(): void {
    this.#setUserId(undefined);
    this.traits = {};
    this.#storage.remove(IDENTITY_KEYS.traits);
    this.anonymousId = this.#newAnonymousId();
  }

  #setUserId(userId: string | undefined): void {
    this.userId = userId;
    if (userId === undefined) this.#storage.remove(IDENTITY_KEYS.userId);
    else this.#storage.set(IDENTITY_KEYS.userId, userId);
  }

  #newAnonymousId(): string {
    const id = messageId();
    this.#storage.set(IDENTITY_KEYS.anonymousId, id);
    return id;
  }
}

/** A stored user ID, unless it is one the collector would refuse (written by an older version or a foreign script). */
function validUserId(value: string | null): string | undefined {
  return isValidId(value) ? value : undefined;
}

function parseTraits(text: string | null): JsonObject {
  if (!text) return {};
  try {
    return toJsonObject(JSON.parse(text));
  } catch {
    return {};
  }
}
