// The demo shop's only code: start Tidemark from the script-tag bundle and wire the buttons.
// window.TIDEMARK_DEMO ({ writeKey, host }) comes from /demo-config.js, written by scripts/demo.mjs.
(function () {
  var tidemark = window.tidemark;
  var config = window.TIDEMARK_DEMO;
  var log = document.getElementById('log');

  function note(text) {
    var item = document.createElement('li');
    item.textContent = text;
    log.appendChild(item);
  }

  tidemark.init({ writeKey: config.writeKey, host: config.host });
  tidemark.page();
  note('page()');

  function on(id, handler) {
    var button = document.getElementById(id);
    if (button) button.addEventListener('click', handler);
  }
  ['add-to-cart', 'add-to-cart-2'].forEach(function (id) {
    on(id, function (event) {
      var data = event.currentTarget.dataset;
      var props = { product: data.product, price: Number(data.price), currency: 'EUR' };
      tidemark.track('Product Added', props);
      note('track("Product Added", ' + JSON.stringify(props) + ')');
    });
  });
  on('sign-up', function () {
    tidemark.identify('user-ada', { email: 'ada@example.com', plan: 'free' });
    note('identify("user-ada", { email, plan })');
  });
  on('checkout', function () {
    tidemark.track('Checkout Started', { items: 2, total: 36.5 });
    note('track("Checkout Started")');
  });
  on('flush', function () {
    Promise.resolve(tidemark.flush()).then(function () {
      note('flush() done');
    });
  });
})();
