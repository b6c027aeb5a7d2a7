import type { EventRow, JsonRecord, SessionTouch } from './row.js';

/** What one commit adds to one session. */
export interface SessionDelta {
  source: string;
  /** `anonymousId/sessionId`: session IDs are only unique per visitor (Nucleus draws 4 digits). */
  sessionKey: string;
  sessionId: string;
  anonymousId: string | null;
  userId: string | null;
  startMs: number;
  endMs: number;
  /** Stored events (heartbeats keep a session alive but are not events). */
  count: number;
  /** Earliest Nucleus `init` of the commit: a session under this key that ended before it is over. */
  restartAtMs: number | null;
}

/** What one commit adds to one user (a visitor, keyed by anonymous ID, else by user ID). */
export interface UserDelta {
  source: string;
  userKey: string;
  anonymousId: string | null;
  userId: string | null;
  /** Traits to merge (later calls win), or `null` when the commit brought none. */
  traits: JsonRecord | null;
  firstMs: number;
  lastMs: number;
  count: number;
}

/**
 * The key of a session: scoped to the visitor, because a session ID alone is only unique per
 * visitor (a start time in ms for Tidemark, four random digits for Nucleus).
 *
 * @param anonymousId - the visitor's anonymous or device ID, if any
 * @param userId - the user ID, used when there is no anonymous ID
 * @param sessionId - the session ID as text
 * @returns the session key
 */
export function sessionKeyOf(anonymousId: string | null, userId: string | null, sessionId: string): string {
  return `${anonymousId ?? `user:${userId ?? ''}`}/${sessionId}`;
}

/**
 * Sum the newly stored rows and the heartbeats of one commit per session and per user, so a
 * commit writes one row per session and per user, not one per event.
 *
 * @param rows - rows stored for the first time (duplicates must not count twice)
 * @param touches - heartbeats of the commit
 * @returns one delta per session and per user
 */
export function rollup(rows: EventRow[], touches: SessionTouch[]): { sessions: SessionDelta[]; users: UserDelta[] } {
  const sessions = new Map<string, SessionDelta>();
  const users = new Map<string, UserDelta>();
  const touchSession = (
    source: string,
    anonymousId: string | null,
    userId: string | null,
    sessionId: string,
    atMs: number,
    count: number,
    init: boolean,
  ) => {
    const sessionKey = sessionKeyOf(anonymousId, userId, sessionId);
    const id = `${source}\n${sessionKey}`;
    let delta = sessions.get(id);
    if (!delta) {
      delta = { source, sessionKey, sessionId, anonymousId, userId, startMs: atMs, endMs: atMs, count: 0, restartAtMs: null };
      sessions.set(id, delta);
    }
    delta.startMs = Math.min(delta.startMs, atMs);
    delta.endMs = Math.max(delta.endMs, atMs);
    delta.count += count;
    delta.userId = userId ?? delta.userId;
    if (init) delta.restartAtMs = delta.restartAtMs === null ? atMs : Math.min(delta.restartAtMs, atMs);
  };

  for (const row of rows) {
    if (row.sessionId !== null) {
      touchSession(row.source, row.anonymousId, row.userId, row.sessionId, row.eventMs, 1, row.startsSession);
    }
    if (row.anonymousId === null && row.userId === null) continue;
    const userKey = row.anonymousId ?? `user:${row.userId}`;
    const id = `${row.source}\n${userKey}`;
    let user = users.get(id);
    if (!user) {
      user = { source: row.source, userKey, anonymousId: row.anonymousId, userId: row.userId, traits: null, firstMs: row.eventMs, lastMs: row.eventMs, count: 0 };
      users.set(id, user);
    }
    user.firstMs = Math.min(user.firstMs, row.eventMs);
    user.lastMs = Math.max(user.lastMs, row.eventMs);
    user.count += 1;
    user.userId = row.userId ?? user.userId;
    // A null-prototype target: a `__proto__` key in traits stays a plain key and pollutes nothing.
    if (row.traits) user.traits = Object.assign(user.traits ?? Object.create(null), row.traits);
  }
  for (const touch of touches) touchSession(touch.source, touch.anonymousId, touch.userId, touch.sessionId, touch.atMs, 0, false);
  return { sessions: [...sessions.values()], users: [...users.values()] };
}
