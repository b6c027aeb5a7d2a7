import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TidemarkError } from '@tidemark/core';
import { wsTransport } from './ws-transport.js';
import type { WsTransportOptions } from './options.js';

const setUpError = (options: unknown): TidemarkError | undefined => {
  try {
    void wsTransport(options as WsTransportOptions).close();
  } catch (error) {
    return error as TidemarkError;
  }
  return undefined;
};

describe('wsTransport set-up', () => {
  it('throws invalid_option with the fix in the message', () => {
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /needs options/],
      [{ url: 'collect.example.com', appId: 'a', WebSocket }, /ws\(s\):\/\/ or http\(s\):\/\//],
      [{ url: 'wss://collect.example.com', WebSocket }, /appId is required/],
      [{ url: 'wss://collect.example.com', appId: 'a' }, /pass \{ WebSocket \} from the 'ws' package/],
      [{ url: 'wss://collect.example.com', appId: 'a', WebSocket, ackTimeoutMs: 0 }, /ackTimeoutMs must be a positive/],
      [{ url: 'wss://collect.example.com', appId: 'a', WebSocket, maxInFlight: Number.NaN }, /maxInFlight/],
      [{ url: 'wss://collect.example.com', appId: 'a', WebSocket, fallback: {} }, /fallback must be a Transport/],
      [{ url: 'wss://collect.example.com', appId: 'a', WebSocket, nucleus: 'yes' }, /nucleus must be/],
    ];
    for (const [options, message] of cases) {
      const error = setUpError(options);
      expect(error).toBeInstanceOf(TidemarkError);
      expect(error?.code).toBe('invalid_option');
      expect(error?.message).toMatch(message);
    }
  });

  it('accepts an http(s) URL and opens nothing before the first send', async () => {
    const transport = wsTransport({ url: 'https://collect.example.com/', appId: 'a', WebSocket });
    expect(transport.state).toBe('idle');
    await transport.close();
    expect(transport.state).toBe('closed');
  });
});
