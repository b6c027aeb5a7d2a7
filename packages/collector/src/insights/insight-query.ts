import { HttpError } from '../http/reply.js';
import { parseDateRange, type DateRange } from '../queries/range.js';

/** How a conversion (or a visitor) is credited to a touch. */
export type AttributionModel = 'first_touch' | 'last_touch';

/** `GET /v1/attribution` after parsing. */
export interface AttributionQuery extends DateRange {
  /** @default 'last_touch' */
  model: AttributionModel;
  /** Event name of a conversion. @default 'Order Completed' (Segment's e-commerce spec) */
  conversion: string;
  /** Property summed as value. @default 'revenue' */
  value: string;
  /** Days before a conversion whose touches may take credit. @default 30 */
  windowDays: number;
}

/** `GET /v1/funnel` after parsing. */
export interface FunnelQuery extends DateRange {
  /** Event names, in order (1 to {@link MAX_FUNNEL_STEPS}). */
  steps: string[];
  /** Days from a person's first step within which the later steps must happen. @default 30 */
  windowDays: number;
}

/** `GET /v1/journey` after parsing: exactly one of the two IDs. */
export type JourneyQuery = { userId: string; anonymousId: null } | { userId: null; anonymousId: string };

/** Most steps of a funnel (Mixpanel and Amplitude stop near here too). */
export const MAX_FUNNEL_STEPS = 20;
/** Longest event name, property or ID a report takes: the ingest limit of names and IDs. */
const MAX_NAME_CHARS = 200;
/** Longest conversion or funnel window, in days. */
const MAX_WINDOW_DAYS = 365;

const bad = (message: string) => new HttpError(400, 'bad_request', message);

/**
 * A name from the query: 1 to 200 characters with no control characters (nothing stored can
 * hold one the reports should match, and it keeps forged input out of logs and answers).
 */
function nameParam(query: URLSearchParams, param: string, fallback: string): string {
  const value = query.get(param);
  if (value === null) return fallback;
  if (value === '' || value.length > MAX_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(value)) throw bad(`${param} must be 1 to ${MAX_NAME_CHARS} characters without control characters`);
  return value;
}

function windowParam(query: URLSearchParams): number {
  const value = query.get('window_days');
  if (value === null) return 30;
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_WINDOW_DAYS) throw bad(`window_days must be a whole number from 1 to ${MAX_WINDOW_DAYS}`);
  return Number(value);
}

/**
 * Read `start_date`, `end_date` (the `/v1/metrics` rules), `model`, `conversion`, `value`
 * and `window_days`.
 *
 * @param query - the query string
 * @returns the query with its defaults
 * @throws HttpError 400 naming the bad parameter
 * @example parseAttributionQuery(new URLSearchParams('start_date=2025-01-01&end_date=2025-01-31&model=first_touch'))
 */
export function parseAttributionQuery(query: URLSearchParams): AttributionQuery {
  const range = parseDateRange(query);
  const model = query.get('model') ?? 'last_touch';
  if (model !== 'first_touch' && model !== 'last_touch') throw bad('model must be first_touch or last_touch');
  return { ...range, model, conversion: nameParam(query, 'conversion', 'Order Completed'), value: nameParam(query, 'value', 'revenue'), windowDays: windowParam(query) };
}

/**
 * Read `start_date`, `end_date`, `steps` (comma-separated event names, in order) and
 * `window_days`.
 *
 * @param query - the query string
 * @returns the query
 * @throws HttpError 400 for no steps, more than {@link MAX_FUNNEL_STEPS}, or a bad name
 */
export function parseFunnelQuery(query: URLSearchParams): FunnelQuery {
  const range = parseDateRange(query);
  const text = query.get('steps');
  if (!text) throw bad('steps is required: event names separated by commas, e.g. steps=Signed Up,Order Completed');
  const steps = text.split(',');
  // Counted before anything else is looked at, so a huge list costs one split.
  if (steps.length > MAX_FUNNEL_STEPS) throw bad(`steps must name at most ${MAX_FUNNEL_STEPS} events (got ${steps.length})`);
  for (const step of steps) {
    if (step === '' || step.length > MAX_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(step)) throw bad(`each step must be 1 to ${MAX_NAME_CHARS} characters without control characters`);
  }
  return { ...range, steps, windowDays: windowParam(query) };
}

/**
 * Read `user_id` or `anonymous_id` (exactly one).
 *
 * @param query - the query string
 * @returns which person to show
 * @throws HttpError 400 for neither, both, or a bad ID
 */
export function parseJourneyQuery(query: URLSearchParams): JourneyQuery {
  const userId = query.get('user_id');
  const anonymousId = query.get('anonymous_id');
  if ((userId === null) === (anonymousId === null)) throw bad('give exactly one of user_id and anonymous_id');
  const id = (userId ?? anonymousId)!;
  if (id === '' || id.length > MAX_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(id)) throw bad(`${userId === null ? 'anonymous_id' : 'user_id'} must be 1 to ${MAX_NAME_CHARS} characters without control characters`);
  return userId === null ? { userId: null, anonymousId: id } : { userId: id, anonymousId: null };
}
