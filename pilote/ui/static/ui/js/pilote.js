/* Small behaviours shared by every page, here because the Content-Security-Policy allows no inline script
   and no on*= attribute.
   - data-fill-target="<id>" data-fill-value="<text>" on a button: clicking it puts the text in that field
     (a suggested CPV code into the census form, for instance).
   - data-confirm="<question>" on a form: submitting it asks the question first; cancelling stops the submit.
     A quick guard only: the irreversible services still require their own confirmation step server-side. */
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
})();
