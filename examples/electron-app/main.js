// Electron main process: one Tidemark client for the whole app. Every window's events come
// here over IPC, go into the file queue under userData/tidemark/queue, and are sent to the
// collector; on quit, the queue is flushed for up to 2 s and the rest waits on disk.
const path = require('node:path');
const electron = require('electron');
const { initMain } = require('@tidemark/electron');

const { app, BrowserWindow } = electron;

function openWindow(page) {
  const win = new BrowserWindow({
    width: 720,
    height: 520,
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      nodeIntegration: false,
      // The preload requires @tidemark/electron/preload from node_modules, which a sandboxed
      // preload cannot do. Bundle preload.js (esbuild, rollup, vite) to keep the sandbox on.
      sandbox: false,
    },
  });
  win.loadFile(path.join(__dirname, page));
  return win;
}

app.whenReady().then(() => {
  const tidemark = initMain({
    writeKey: process.env.TIDEMARK_WRITE_KEY || 'wk_demo',
    // The reference collector: `pnpm --filter @tidemark/collector exec tidemark-collector`
    host: process.env.TIDEMARK_COLLECTOR_URL || 'http://127.0.0.1:8787',
    electron,
    // Only pages of this app may call in; anything else gets a refusal.
    ipc: { allowSender: (url) => url.startsWith('file://') },
    onError: (error) => console.warn(`[tidemark] ${error.code}: ${error.message}`),
  });
  tidemark.track('App Launched', { windows: 2 });
  console.log(`tidemark: anonymous ID ${tidemark.getAnonymousId()}, device ${tidemark.deviceId.slice(0, 12)}…, data in ${tidemark.dataDir}`);

  openWindow('index.html');
  openWindow('settings.html');
  app.on('window-all-closed', () => app.quit());
});
