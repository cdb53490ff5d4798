/* Draws every chart of the cockpit from its Vega-Lite spec (a json_script next to it), on load and after an
   HTMX swap of the filtered content. The vega-embed menu offers PNG and SVG export.
   Accessibility: before drawing, the container is role="img" with its label (nothing to read without
   JavaScript but the table beside); once drawn, it holds the export menu, an interactive control that an
   image must not contain (axe: nested-interactive), so the image role and label move to the drawn SVG and the
   menu's summary gets a name (axe: summary-name). */
(function () {
  "use strict";
  function accessible(el) {
    var label = el.getAttribute("aria-label") || el.getAttribute("data-label") || "Graphique";
    el.setAttribute("data-label", label);
    el.removeAttribute("role");
    el.removeAttribute("aria-label");
    var svg = el.querySelector("svg");
    if (svg) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", label);
      svg.removeAttribute("aria-roledescription");
    }
    var summary = el.querySelector("details > summary");
    if (summary) { summary.setAttribute("aria-label", "Exporter le graphique (" + label.replace(/^Graphique : /, "") + ")"); }
  }
  function draw(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    root.querySelectorAll("[data-spec]").forEach(function (el) {
      var script = document.getElementById(el.getAttribute("data-spec"));
      if (!script) { return; }
      var spec = JSON.parse(script.textContent);
      window.vegaEmbed(el, spec, {
        actions: { export: true, source: false, compiled: false, editor: false },
        i18n: {
          PNG_ACTION: "Enregistrer en PNG", SVG_ACTION: "Enregistrer en SVG",
          CLICK_TO_VIEW_ACTIONS: "Exporter le graphique"
        },
        renderer: "svg",
        // the Content-Security-Policy forbids eval and inline styles: expressions run in vega-interpreter, and
        // the menu's and tooltips' default styles come from vendor/vega-embed/vega-embed.css
        ast: true,
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true }
      }).then(function () {
        accessible(el);
        el.setAttribute("data-drawn", "1");
      }).catch(function (err) {
        el.textContent = "Graphique indisponible : voir le tableau de données.";
        if (window.console) { window.console.error(err); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
