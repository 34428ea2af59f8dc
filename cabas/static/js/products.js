// Products list: keep the keyboard focus where the producer works during the inline price/stock
// edit (htmx swaps the table row), and show only the value field the chosen bulk action needs.
// Everything works without this file: the edit link opens a page, the bulk form shows every field.
(function () {
  "use strict";

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var row = event.detail.elt;
    if (!row || !row.classList || !row.classList.contains("variant-row")) {
      row = document.getElementById(event.detail.target && event.detail.target.id);
    }
    if (!row) { return; }
    var invalid = row.querySelector("[aria-invalid=true]");
    var target = invalid || row.querySelector(".inline-edit input:not([type=hidden])") || row.querySelector("a.button");
    if (target) { target.focus(); }
  });

  var action = document.getElementById("bulk-action");
  if (!action) { return; }
  var value = document.getElementById("bulk-value");
  var category = document.getElementById("bulk-category");
  function update() {
    if (value) { value.closest(".field").hidden = action.value !== "set_stock"; }
    if (category) { category.closest(".field").hidden = action.value !== "set_category"; }
  }
  action.addEventListener("change", update);
  update();
})();
