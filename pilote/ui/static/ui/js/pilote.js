/* Small behaviours shared by every page, here because the Content-Security-Policy allows no inline script
   and no on*= attribute.
   - data-fill-target="<id>" data-fill-value="<text>" on a button: clicking it puts the text in that field
     (a suggested CPV code into the census form, for instance).
   - data-confirm="<question>" on a form: submitting it asks the question first; cancelling stops the submit.
     A quick guard only: the irreversible services still require their own confirmation step server-side.
   - a table that does not fit its wrapper scrolls sideways inside it; a keyboard user must be able to reach and
     scroll that region (WCAG 2.1.1, axe: scrollable-region-focusable), and a screen reader must hear what it is:
     the wrapper becomes a focusable, named region while (and only while) it scrolls. Runs on load, on resize
     and after an HTMX swap. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fill-target]") : null;
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-fill-target"));
    if (!field) { return; }
    field.value = button.getAttribute("data-fill-value") || "";
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.focus();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute ? form.getAttribute("data-confirm") : null;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  function label(wrap) {
    var caption = wrap.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return "Tableau défilant" + (text ? " : " + text : "");
  }
  function update(root) {
    (root || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
        wrap.setAttribute("data-scroll-region", "1");
      } else if (!scrolls && wrap.getAttribute("data-scroll-region") === "1") {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach(function (name) { wrap.removeAttribute(name); });
      }
    });
  }
  var pending = null;
  function later() {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { pending = null; update(document); }, 150);
  }
  document.addEventListener("DOMContentLoaded", function () { update(document); });
  window.addEventListener("load", function () { update(document); });
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", function (event) { update(event.target); });
})();
