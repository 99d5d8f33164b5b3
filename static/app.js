// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // On wide screens the navigation is always shown; on phones it folds into the menu button.
  function fitMenu() {
    var menu = document.querySelector("details.menu");
    if (menu) { menu.open = window.matchMedia("(min-width: 1100px)").matches; }
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
  // Photos: say at once when too many or too large are chosen, before a long upload fails.
  // The server checks again; the message comes from the page (data-too-many), in its language.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[type=file][data-max-files]")) { return; }
    var max = parseInt(input.getAttribute("data-max-files"), 10);
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
    var bad = input.files.length > max;
    for (var i = 0; i < input.files.length; i++) { if (input.files[i].size > maxBytes) { bad = true; } }
    input.setCustomValidity(bad ? input.getAttribute("data-too-many") : "");
    input.reportValidity();
  });
  // Long checklists (co-signers, studio members): a search box narrows the names shown.
  // Hidden boxes stay in the form, so ticked names are kept while the filter changes.
  document.addEventListener("input", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("input[data-filter-list]")) { return; }
    var list = document.querySelector(box.getAttribute("data-filter-list"));
    if (!list) { return; }
    var q = box.value.trim();
    list.querySelectorAll("label").forEach(function (label) {
      var ticked = label.querySelector("input:checked");
      label.hidden = q !== "" && !ticked && label.textContent.indexOf(q) < 0;
    });
  });
})();
