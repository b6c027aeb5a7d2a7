// The site's own script: it calls window.tidemark like any app would. With the plain tag it
// may run before the bundle, so it waits with tidemark.ready(); on the snippet page the stub
// is there from the start and queues.
(function () {
  function whenReady(fn) {
    if (window.tidemark && window.tidemark.ready) window.tidemark.ready(fn);
    else addEventListener('load', function () { if (window.tidemark) window.tidemark.ready(fn); });
  }

  document.addEventListener('click', function (e) {
    var el = e.target.closest('[data-track]');
    if (el) whenReady(function (tm) { tm.track(el.dataset.track, { plan: el.dataset.plan }); });
  });

  var checkout = document.getElementById('checkout');
  if (checkout) {
    checkout.addEventListener('submit', function (e) {
      e.preventDefault();
      var email = new FormData(checkout).get('email');
      whenReady(function (tm) {
        tm.identify(String(email), { email: email });
        tm.track('Order Completed', { revenue: 12, currency: 'EUR' });
        // A real shop would send tm.attributionHeaders() with its checkout request, so the
        // backend's own events join this visitor and their campaign.
        tm.flush().then(function (r) { show(tm, 'Order sent: ' + r.delivered + ' event(s) delivered'); });
      });
    });
  }

  function show(tm, note) {
    var box = document.getElementById('visitor');
    if (box) box.textContent = 'Visitor ' + tm.getAnonymousId() + ' · session ' + tm.getSessionId() + (note ? ' · ' + note : '');
  }
  whenReady(function (tm) { show(tm); });
})();
