// Orders list: a "select the whole page" box (hidden without JavaScript: each order is checked on
// its own), and the reason field of the bulk form shown only for the cancel action (without this
// file it is always shown).
(function () {
  "use strict";
  var box = document.getElementById("check-page");
  if (box) {
    box.hidden = false;
    box.addEventListener("change", function () {
      document.querySelectorAll('input[name="orders"]').forEach(function (input) { input.checked = box.checked; });
    });
  }
  var action = document.getElementById("bulk-action");
  var reason = document.getElementById("bulk-reason-field");
  if (!action || !reason) { return; }
  function update() { reason.hidden = action.value !== "cancel"; }
  action.addEventListener("change", update);
  update();
})();
