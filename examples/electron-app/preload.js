// Runs in each window before its page, with access to Electron's IPC. It gives the page
// `window.tidemark` (track, page, identify, group, alias, reset, flush, getAnonymousId,
// getSessionId) and nothing else: the page never sees ipcRenderer.
const { exposeTidemark } = require('@tidemark/electron/preload');

exposeTidemark(require('electron'));
