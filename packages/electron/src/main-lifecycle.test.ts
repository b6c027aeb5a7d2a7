import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { electronLifecycle } from './main-lifecycle.js';
import { netStandIn } from './test-support/electron-stand-ins.js';

describe('electronLifecycle', () => {
  it('reports coming back online, found by polling Chromium or on resume after sleep', async () => {
    const net = netStandIn(false);
    const powerMonitor = new EventEmitter();
    const lifecycle = electronLifecycle({ net, powerMonitor }, { pollMs: 10 });
    let onlineCalls = 0;
    lifecycle.onOnline(() => onlineCalls++);
    expect(lifecycle.isOnline()).toBe(false);
    net.online = true;
    for (let i = 0; i < 200 && onlineCalls === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(onlineCalls).toBe(1);
    powerMonitor.emit('resume');
    expect(onlineCalls).toBe(2);
    net.online = false;
    powerMonitor.emit('resume');
    expect(onlineCalls).toBe(2);
    lifecycle.dispose();
    expect(powerMonitor.eventNames()).toEqual([]);
  });

  it('treats suspend and shutdown as the last moment to send', () => {
    const powerMonitor = new EventEmitter();
    const lifecycle = electronLifecycle({ net: netStandIn(), powerMonitor });
    const seen: string[] = [];
    const off = lifecycle.onHide(() => seen.push('hide'));
    powerMonitor.emit('suspend');
    powerMonitor.emit('shutdown');
    off();
    powerMonitor.emit('suspend');
    expect(seen).toEqual(['hide', 'hide']);
    lifecycle.dispose();
  });
});
