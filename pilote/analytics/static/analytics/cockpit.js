/* Draws every chart of the cockpit from its Vega-Lite spec (a json_script next to it), on load and after an
   HTMX swap of the filtered content. The vega-embed menu offers PNG and SVG export. */
(function () {
  "use strict";
  function draw(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    root.querySelectorAll("[data-spec]").forEach(function (el) {
      var script = document.getElementById(el.getAttribute("data-spec"));
      if (!script) { return; }
      var spec = JSON.parse(script.textContent);
      window.vegaEmbed(el, spec, {
        actions: { export: true, source: false, compiled: false, editor: false },
        i18n: { PNG_ACTION: "Enregistrer en PNG", SVG_ACTION: "Enregistrer en SVG" },
        renderer: "svg",
        // the Content-Security-Policy forbids eval and inline styles: expressions run in vega-interpreter, and
        // the menu's and tooltips' default styles come from vendor/vega-embed/vega-embed.css
        ast: true,
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true }
      }).then(function () { el.setAttribute("data-drawn", "1"); }).catch(function (err) {
        el.textContent = "Graphique indisponible : voir le tableau de données.";
        if (window.console) { window.console.error(err); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
