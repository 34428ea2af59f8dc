// Cycle products step: a "check the whole page" box (hidden without JavaScript; the bulk form's
// "tout sélectionner" button covers every result anyway).
(function () {
  "use strict";
  function setup(root) {
    var box = root.querySelector("#check-page");
    if (!box || box.dataset.ready) { return; }
    box.dataset.ready = "1";
    box.hidden = false;
    box.addEventListener("change", function () {
      root.querySelectorAll('input[name="variants"]').forEach(function (input) { input.checked = box.checked; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.body && document.body.addEventListener("htmx:afterSwap", function () { setup(document); });
})();
