import { describe, expect, it } from 'vitest';
import { holdQuit } from './quit-hold.js';
import { AppStandIn } from './test-support/electron-stand-ins.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

async function waitForExit(app: AppStandIn): Promise<void> {
  for (let i = 0; i < 400 && !app.exited; i++) await settle();
  if (!app.exited) throw new Error(`the app did not exit: ${app.log.join(' → ')}`);
}

describe('holdQuit', () => {
  it('flushes before the windows close and closes before the app exits, once each', async () => {
    const app = new AppStandIn('/unused');
    const steps: string[] = [];
    holdQuit({
      app,
      flush: async () => void steps.push(`flush while ${app.log.at(-1)}`),
      close: async (ms) => void steps.push(`close(${ms}) while ${app.log.at(-1)}`),
      timeoutMs: 1000,
    });
    app.quit();
    app.quit(); // the user presses Cmd+Q twice
    await waitForExit(app);
    // The flush ran before Electron went on to close windows; the close used no second wait.
    expect(steps).toEqual(['flush while before-quit (held)', 'close(0) while will-quit (held)']);
    expect(app.log.filter((l) => l === 'exit')).toHaveLength(1);
  });

  it('lets the quit go after the time limit when the flush never ends', async () => {
    const app = new AppStandIn('/unused');
    let closedWith = -1;
    holdQuit({ app, flush: () => new Promise(() => {}), close: async (ms) => void (closedWith = ms), timeoutMs: 50 });
    app.quit();
    await waitForExit(app);
    expect(closedWith).toBe(0);
  });

  it('flushes in will-quit when before-quit never came (Windows shutdown)', async () => {
    const app = new AppStandIn('/unused');
    let closedWith = -1;
    holdQuit({ app, flush: async () => {}, close: async (ms) => void (closedWith = ms), timeoutMs: 1500 });
    let prevented = false;
    app.emit('will-quit', { preventDefault: () => void (prevented = true) });
    expect(prevented).toBe(true);
    await settle();
    expect(closedWith).toBe(1500);
  });

  it('stays out of the way once removed', () => {
    const app = new AppStandIn('/unused');
    const release = holdQuit({ app, flush: async () => {}, close: async () => {}, timeoutMs: 10 });
    release();
    app.quit();
    expect(app.log).toEqual(['quit()', 'before-quit', 'will-quit', 'exit']);
  });
});
