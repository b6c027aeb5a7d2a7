// The demo shop's only code: start Tidemark from the script-tag bundle and wire the buttons.
// window.TIDEMARK_DEMO ({ writeKey, path, receiptsPath }) comes from /demo-config.js, written
// by the demo server: events go to the relay on this page's own origin, which forwards them.
(function () {
  var tidemark = window.tidemark;
  var config = window.TIDEMARK_DEMO;
  var log = document.getElementById('log');
  var cart = [];

  function note(text) {
    var item = document.createElement('li');
    item.textContent = text;
    log.appendChild(item);
  }

  // cookie: true keeps the IDs in first-party cookies too, which the server re-issues.
  tidemark.init({ writeKey: config.writeKey, host: location.origin, path: config.path, receiptsPath: config.receiptsPath, cookie: true });
  tidemark.page();
  note('page() — the landing URL\'s UTM and click ID ride on every event of this session');

  function on(id, handler) {
    var button = document.getElementById(id);
    if (button) button.addEventListener('click', handler);
  }
  ['add-to-cart', 'add-to-cart-2'].forEach(function (id) {
    on(id, function (event) {
      var data = event.currentTarget.dataset;
      var props = { product: data.product, price: Number(data.price), currency: 'EUR' };
      cart.push(data.product);
      tidemark.track('Product Added', props);
      note('track("Product Added", ' + JSON.stringify(props) + ')');
    });
  });
  on('sign-up', function () {
    tidemark.identify('user-ada', { email: 'ada@example.com', plan: 'free' });
    note('identify("user-ada", { email, plan })');
  });
  on('checkout', function () {
    tidemark.track('Checkout Started', { items: cart.length });
    note('track("Checkout Started")');
    // The backend prices the cart and records the purchase; the headers carry this visitor.
    var headers = Object.assign({ 'content-type': 'application/json' }, tidemark.attributionHeaders());
    fetch('/api/checkout', { method: 'POST', headers: headers, body: JSON.stringify({ products: cart }) })
      .then(function (res) {
        return res.json();
      })
      .then(function (order) {
        cart = [];
        document.getElementById('order').textContent = 'Order ' + order.orderId + ': ' + order.revenue + ' EUR';
        note('the backend recorded "Order Completed" (' + order.revenue + ' EUR) under this visitor');
      })
      .catch(function (err) {
        note('checkout failed: ' + err.message);
      });
  });
  on('flush', function () {
    Promise.resolve(tidemark.flush()).then(function () {
      note('flush() done');
    });
  });
})();
