// "Utiliser ce code" buttons of the CPV suggestions: copy the code into the CPV field and refresh guidance.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-cpv]");
  if (!button) return;
  event.preventDefault();
  var input = document.getElementById("id_code_cpv");
  if (!input) return;
  input.value = button.getAttribute("data-cpv");
  input.dispatchEvent(new Event("change", { bubbles: true }));
  input.focus();
});
