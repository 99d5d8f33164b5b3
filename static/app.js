// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // On wide screens the navigation is always shown; on phones it folds into the menu button.
  function fitMenu() {
    var menu = document.querySelector("details.menu");
    if (menu) { menu.open = window.matchMedia("(min-width: 800px)").matches; }
  }
  document.addEventListener("DOMContentLoaded", fitMenu);
  // Large rosters: show how much of the file has been sent (htmx reports upload progress).
  document.addEventListener("htmx:xhr:progress", function (e) {
    var bar = document.getElementById("upload-progress");
    if (bar && e.detail && e.detail.lengthComputable && e.detail.total > 0) {
      bar.value = Math.round((e.detail.loaded / e.detail.total) * 100);
    }
  });
  window.addEventListener("resize", fitMenu);
})();
