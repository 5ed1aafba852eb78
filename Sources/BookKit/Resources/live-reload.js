// Injected by `book serve` into the pages it serves (LiveReload.swift), never written to the site: polls the
// build generation twice a second and reloads the page when it changes. The route it polls is
// LiveReload.generationPath, which LiveReload substitutes for the placeholder below.
(function () {
  var seen = null;
  function poll() {
    fetch("__BOOK_GENERATION_PATH__", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (g) {
      if (seen !== null && g !== seen) { location.reload(); }
      seen = g;
    }).catch(function () {}).finally(function () { setTimeout(poll, 500); });
  }
  poll();
})();
