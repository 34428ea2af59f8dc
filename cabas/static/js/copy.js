// Copy buttons: <button data-copy-target="input-id" data-copied-label="Copié !" hidden>.
// The button stays hidden without JavaScript; the value can still be selected and copied by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input || !navigator.clipboard) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = button.getAttribute("data-copied-label") || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {
        input.focus();
        input.select();
      });
    });
  });
})();
