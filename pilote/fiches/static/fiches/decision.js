// Decision screen: as the support service ticks the clauses to retain, each mandatory obligation of the list
// says whether it is now met (the same tokens as pilote/fiches/obligations.py; the server checks again).
document.querySelectorAll("[data-obligations]").forEach(function (list) {
  var form = list.closest("form");
  if (!form) return;
  function update() {
    var met = new Set();
    form.querySelectorAll("input[name=retained_clauses]:checked").forEach(function (input) {
      (input.getAttribute("data-meets") || "").split(" ").forEach(function (token) {
        if (token) met.add(token);
      });
    });
    list.querySelectorAll("li[data-met-by]").forEach(function (item) {
      var by = item.getAttribute("data-met-by");
      var ok = by === "lot_unique" ? item.getAttribute("data-met") === "1" : met.has(by);
      var badge = item.querySelector(".badge");
      badge.textContent = ok ? "remplie" : "non remplie";
      badge.className = "badge " + (ok ? "badge-succes" : "badge-alerte");
    });
  }
  form.addEventListener("change", update);
  update();
});
