// A tiny single-page app: links marked data-route change the URL with history.pushState and
// swap the content. Tidemark's automatic page views (data-auto-page) see each navigation.
(function () {
  var view = document.getElementById('view');
  function render() {
    var params = new URLSearchParams(location.search);
    var name = location.hash === '#orders' ? 'Orders' : params.get('view') === 'settings' ? 'Settings' : 'Overview';
    document.title = name + ' — Harbor Coffee';
    view.textContent = name + ': nothing here yet.';
  }
  document.addEventListener('click', function (e) {
    var link = e.target.closest('a[data-route]');
    if (!link) return;
    e.preventDefault();
    history.pushState(null, '', link.href);
    render();
  });
  addEventListener('popstate', render);
  render();
})();
