// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // On wide screens the navigation is always shown; on phones it folds into the menu button.
  function fitMenu() {
    var menu = document.querySelector("details.menu");
    if (menu) { menu.open = window.matchMedia("(min-width: 800px)").matches; }
  }
  document.addEventListener("DOMContentLoaded", fitMenu);
  window.addEventListener("resize", fitMenu);
})();
