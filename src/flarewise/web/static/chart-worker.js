// flarewise chart worker: draws a page's Vega-Lite spec into SVG text off the page's main
// thread, so a phone stays responsive while the Timeline's small multiples are laid out
// (drawn on the main thread they blocked it for about a second on a mid-range phone). The
// page inserts the SVG; the same vendored libraries, no eval (CSP-safe interpreter).
importScripts("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-interpreter.js");

self.onmessage = function (event) {
  var job = event.data;
  function fail(err) { self.postMessage({ id: job.id, error: String(err) }); }
  try {
    var compiled = self.vegaLite.compile(job.spec, { config: job.config }).spec;
    var runtime = self.vega.parse(compiled, null, { ast: true });
    var view = new self.vega.View(runtime, {
      renderer: "none", expr: self.vegaInterpreter.expressionInterpreter
    });
    view.toSVG().then(function (svg) {
      view.finalize();
      self.postMessage({ id: job.id, svg: svg });
    }, fail);
  } catch (err) {
    fail(err);
  }
};
