// The « Menu » button of the header on phones: it shows or hides the main navigation (the
// stylesheet hides the navigation while the button says aria-expanded="false"). Escape folds the
// open menu and gives the focus back to the button. Without this file the button is useless, so the
// stylesheet shows it only when scripting is enabled.
(function () {
  "use strict";
  document.querySelectorAll("[data-menu-button]").forEach(function (button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    function set(open) { button.setAttribute("aria-expanded", open ? "true" : "false"); }
    button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  });
})();
