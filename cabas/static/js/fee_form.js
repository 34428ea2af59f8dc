// Fee form: show only the amount field of the chosen calculator (all are shown without JavaScript).
(function () {
  "use strict";
  function update(form) {
    var checked = form.querySelector('input[name="calculator"]:checked');
    var value = checked ? checked.value : "";
    form.querySelectorAll("[data-calculators]").forEach(function (box) {
      var serves = box.getAttribute("data-calculators").split(" ");
      box.hidden = value !== "" && serves.indexOf(value) === -1;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-fee-form]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        if (event.target.name === "calculator") { update(form); }
      });
      update(form);
    });
  });
})();
