import type { JsonObject, JsonValue, TidemarkEvent } from '@tidemark/core';

/**
 * One event in Nucleus field names (the Nucleus tracking API's "events data"). `event` is
 * the name as in that API's example; `type` and `name` are the same facts as in its field
 * table, so a collector reading either form understands it.
 */
export interface NucleusEvent {
  /**
   * Nucleus event type:
   * - `init`: a new session (our `session_start`), with the device fields below.
   * - `event`: any other track, page, screen, group or alias call.
   * - `userid`: an identify call without traits.
   * - `props`: an identify call with traits (they go in `payload`).
   */
  type: 'init' | 'event' | 'userid' | 'props';
  /** Event name (`init` for a session start; the call type for page/screen/group/alias). */
  name: string;
  /** Same as `name`. */
  event: string;
  /** Our `messageId`: the collector echoes it in `reportedIds`. */
  id: string;
  /** ISO 8601 time of the call. */
  date: string;
  anonId: string;
  userId?: string;
  /** `context.device.id`, else the anonymous ID (Nucleus requires one). */
  deviceId: string;
  sessionId: number;
  payload?: JsonObject;
  platform?: string;
  osVersion?: string;
  totalRam?: number;
  version?: string;
  language?: string;
}

const text = (value: JsonValue | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

function payloadOf(event: TidemarkEvent): JsonObject | undefined {
  switch (event.type) {
    case 'identify':
      return event.traits;
    case 'page':
    case 'screen':
      return { ...(event.name === undefined ? {} : { name: event.name }), ...event.properties };
    case 'group':
      return { groupId: event.groupId ?? null, ...event.traits };
    case 'alias':
      return { previousId: event.previousId ?? null };
    default:
      return event.properties;
  }
}

/**
 * Map a Tidemark event to Nucleus field names. Device fields (`platform`, `osVersion`,
 * `totalRam`, `version`, `language`) go only on `init` events: Nucleus wants them there and
 * leaves them off regular events to save bandwidth.
 *
 * @param event - an event as the core built it
 * @returns the same event in Nucleus field names
 * @example
 * nucleusEncoder({ type: 'track', event: 'Signed Up', messageId: 'm1', … })
 * // { type: 'event', name: 'Signed Up', event: 'Signed Up', id: 'm1', anonId: …, sessionId: …, … }
 */
export function nucleusEncoder(event: TidemarkEvent): NucleusEvent {
  const { context } = event;
  const init = event.type === 'track' && event.event === 'session_start';
  const type: NucleusEvent['type'] =
    init ? 'init' : event.type === 'identify' ? (event.traits && Object.keys(event.traits).length ? 'props' : 'userid') : 'event';
  const name = init ? 'init' : event.type === 'track' ? (event.event ?? 'event') : event.type;
  const out: NucleusEvent = {
    type,
    name,
    event: name,
    id: event.messageId,
    date: event.timestamp,
    anonId: event.anonymousId,
    deviceId: text(context.device?.id) ?? event.anonymousId,
    sessionId: context.sessionId,
  };
  if (event.userId !== undefined) out.userId = event.userId;
  const payload = payloadOf(event);
  if (payload !== undefined) out.payload = payload;
  if (init) {
    const platform = text(context.os?.name);
    const osVersion = text(context.os?.version);
    const version = text(context.app?.version);
    const totalRam = context.device?.totalRam;
    if (platform !== undefined) out.platform = platform;
    if (osVersion !== undefined) out.osVersion = osVersion;
    if (typeof totalRam === 'number') out.totalRam = totalRam;
    if (version !== undefined) out.version = version;
    if (context.locale !== undefined) out.language = context.locale;
  }
  return out;
}
