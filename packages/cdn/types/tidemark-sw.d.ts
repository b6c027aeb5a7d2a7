// `tidemark-sw.js` is a service worker script: serve it from your site's origin and name it in
// the `serviceWorker` option (or `data-service-worker`). It exports nothing and defines no
// global of the page; this file only lets tools resolve `@tidemark/cdn/tidemark-sw.js`
// (to copy or serve the file) with types.
export {};
