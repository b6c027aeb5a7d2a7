// Page script of both windows: plain DOM, no Node. Calls go to the main process and
// resolve once handled there; none of them rejects.
const log = document.querySelector('#log');
const show = (text) => {
  const line = document.createElement('li');
  line.textContent = text;
  log.prepend(line);
};

window.tidemark.page();
window.tidemark.getAnonymousId().then((id) => show(`anonymous ID (shared by all windows): ${id}`));
window.tidemark.getSessionId().then((id) => show(`session ID (shared by all windows): ${id}`));

document.querySelector('#track').addEventListener('click', async () => {
  await window.tidemark.track('Button Clicked', { window: document.title, at: new Date() });
  show('tracked "Button Clicked"');
});
document.querySelector('#identify').addEventListener('click', async () => {
  await window.tidemark.identify('user_42', { plan: 'pro' });
  show('identified as user_42');
});
document.querySelector('#flush').addEventListener('click', async () => {
  const result = await window.tidemark.flush();
  show(`flushed: ${result ? `${result.delivered} delivered, ${result.pending} pending` : 'not available'}`);
});
