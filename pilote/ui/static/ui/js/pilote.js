/* Small behaviours shared by every page, here because the Content-Security-Policy allows no inline script
   and no on*= attribute.
   - data-fill-target="<id>" data-fill-value="<text>" on a button: clicking it puts the text in that field
     (a suggested CPV code into the census form, for instance). */
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
})();
