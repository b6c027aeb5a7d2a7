import { LIMITS } from '@tidemark/protocol';
import { TidemarkError, type JsonObject, type JsonValue } from '@tidemark/core';
import { IPC_METHODS, type IpcMethod, type RendererPage } from './ipc-protocol.js';

/** A renderer call that passed validation: plain JSON, within limits. */
export type IpcCall =
  | { method: 'track'; event: string; properties?: JsonObject }
  | { method: 'page'; name?: string; properties?: JsonObject }
  | { method: 'identify'; userId?: string | null; traits?: JsonObject }
  | { method: 'group'; groupId: string; traits?: JsonObject }
  | { method: 'alias'; newId: string; previousId?: string }
  | { method: 'reset' | 'flush' | 'getAnonymousId' | 'getSessionId' };

/** Outcome of {@link validateIpcRequest}. */
export type IpcValidation = { ok: true; call: IpcCall; page?: RendererPage } | { ok: false; error: TidemarkError };

/** Options of {@link validateIpcRequest}. */
export interface IpcValidationOptions {
  /** Methods renderers may call. @default all of `IPC_METHODS` */
  methods?: readonly IpcMethod[];
}

/** Longest user, group or previous ID. */
const MAX_ID_LENGTH = 256;
/** Longest page URL or referrer; the longest page title. */
const MAX_URL_LENGTH = 4096;
const MAX_TITLE_LENGTH = 1024;
/** Deepest nesting of properties or traits (the core's JSON copy keeps 20 levels). */
const MAX_DEPTH = 20;
/** Keys the copy leaves out, so no prototype can be reached when the event is merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class Refusal extends Error {
  constructor(
    readonly code: 'invalid_event' | 'event_too_large',
    message: string,
  ) {
    super(message);
  }
}

const refuse = (message: string): never => {
  throw new Refusal('invalid_event', message);
};

/**
 * Copy a structured-cloned value into plain JSON within a byte budget, or refuse. Only
 * strings, finite numbers, booleans, null, arrays and plain objects pass: a `Map`, `Date`,
 * typed array or cycle means the call did not come from Tidemark's preload (which sends JSON).
 * Sizes are checked before anything is walked, so a 1e9-long sparse array costs nothing.
 */
function copyJson(value: unknown, budget: { left: number }, depth: number, seen: Set<object>): JsonValue {
  const spend = (bytes: number) => {
    budget.left -= bytes;
    if (budget.left < 0) throw new Refusal('event_too_large', `the call's data is larger than ${LIMITS.maxEventBytes} bytes`);
  };
  switch (typeof value) {
    case 'string':
      spend(value.length + 2);
      return value;
    case 'number':
      if (!Number.isFinite(value)) refuse('numbers must be finite');
      spend(8);
      return value;
    case 'boolean':
      spend(5);
      return value;
    case 'object':
      break;
    default:
      return refuse(`a ${typeof value} is not JSON`);
  }
  if (value === null) return spend(4), null;
  if (depth >= MAX_DEPTH) refuse(`data nested deeper than ${MAX_DEPTH} levels`);
  if (seen.has(value)) refuse('data with a cycle');
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value) && proto === Array.prototype) {
    spend(value.length + 2);
    seen.add(value);
    const out: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) out.push(copyJson(value[i], budget, depth + 1, seen));
    seen.delete(value);
    return out;
  }
  if (proto !== Object.prototype && proto !== null) refuse('only plain objects and arrays are accepted');
  const keys = Object.keys(value);
  spend(keys.length + 2);
  seen.add(value);
  const out: JsonObject = {};
  for (const key of keys) {
    spend(key.length + 3);
    const item = copyJson((value as Record<string, unknown>)[key], budget, depth + 1, seen);
    if (!FORBIDDEN_KEYS.has(key)) out[key] = item;
  }
  seen.delete(value);
  return out;
}

function optionalObject(value: unknown, what: string, budget: { left: number }): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) refuse(`${what} must be an object`);
  return copyJson(value, budget, 0, new Set()) as JsonObject;
}

function id(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value || value.length > MAX_ID_LENGTH) refuse(`${what} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  return value as string;
}

function text(value: unknown, what: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) refuse(`${what} must be a string of at most ${max} characters`);
  return value as string;
}

function readCall(method: IpcMethod, args: unknown[], budget: { left: number }): IpcCall {
  const [a, b] = args;
  switch (method) {
    case 'track': {
      if (typeof a !== 'string' || !a.trim() || a.length > LIMITS.maxEventNameLength) {
        refuse(`track() needs an event name of 1 to ${LIMITS.maxEventNameLength} characters`);
      }
      const properties = optionalObject(b, 'properties', budget);
      return properties ? { method, event: a as string, properties } : { method, event: a as string };
    }
    case 'page': {
      const call: IpcCall = { method };
      const name = text(a, 'the page name', LIMITS.maxEventNameLength);
      const properties = optionalObject(b, 'properties', budget);
      if (name !== undefined) call.name = name;
      if (properties) call.properties = properties;
      return call;
    }
    case 'identify': {
      const call: IpcCall = { method };
      // `undefined` keeps the user ID, `null` clears it: the preload keeps the difference.
      if (a === null) call.userId = null;
      else if (a !== undefined) call.userId = id(a, 'the user ID');
      const traits = optionalObject(b, 'traits', budget);
      if (traits) call.traits = traits;
      return call;
    }
    case 'group': {
      const call: IpcCall = { method, groupId: id(a, 'the group ID') };
      const traits = optionalObject(b, 'traits', budget);
      if (traits) call.traits = traits;
      return call;
    }
    case 'alias': {
      const call: IpcCall = { method, newId: id(a, 'the new ID') };
      if (b !== undefined && b !== null) call.previousId = id(b, 'the previous ID');
      return call;
    }
    default:
      if (args.length) refuse(`${method}() takes no arguments`);
      return { method };
  }
}

function readPage(value: unknown): RendererPage | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) refuse('page must be an object');
  const raw = value as Record<string, unknown>;
  const page: RendererPage = {};
  const url = text(raw.url, 'page.url', MAX_URL_LENGTH);
  const title = text(raw.title, 'page.title', MAX_TITLE_LENGTH);
  const referrer = text(raw.referrer, 'page.referrer', MAX_URL_LENGTH);
  if (url !== undefined) page.url = url;
  if (title !== undefined) page.title = title;
  if (referrer !== undefined) page.referrer = referrer;
  return page;
}

/**
 * Check a message a renderer sent on the Tidemark channel. Renderers are not trusted: a
 * compromised page can send anything structured clone can carry. Only an allowed method
 * with arguments of the right types and sizes passes, copied into fresh plain JSON; anything
 * else is refused with a typed error. Never throws.
 *
 * @param payload - the message as `ipcMain` received it
 * @param options - which methods are allowed
 * @returns the call, or the error that refused it (`invalid_event` or `event_too_large`)
 * @example
 * validateIpcRequest({ method: 'track', args: ['Opened', { tab: 'home' }] })
 * // { ok: true, call: { method: 'track', event: 'Opened', properties: { tab: 'home' } } }
 */
export function validateIpcRequest(payload: unknown, options: IpcValidationOptions = {}): IpcValidation {
  try {
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) refuse('the message must be an object { method, args }');
    const { method, args, page } = payload as Record<string, unknown>;
    const allowed: readonly string[] = options.methods ?? IPC_METHODS;
    if (typeof method !== 'string' || !allowed.includes(method)) {
      refuse(`method ${typeof method === 'string' ? JSON.stringify(method.slice(0, 40)) : typeof method} is not allowed`);
    }
    if (!Array.isArray(args) || args.length > 2) refuse('args must be an array of at most 2 values');
    const budget = { left: LIMITS.maxEventBytes };
    const call = readCall(method as IpcMethod, args as unknown[], budget);
    const pageHints = readPage(page);
    return pageHints ? { ok: true, call, page: pageHints } : { ok: true, call };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, error: new TidemarkError(err.code, `Renderer call refused: ${err.message}`) };
    // A getter or proxy cannot survive structured clone, but refuse rather than throw if one did.
    return { ok: false, error: new TidemarkError('invalid_event', 'Renderer call refused: unreadable message', err) };
  }
}
