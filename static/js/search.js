// "/" focuses the search box of the top bar (as on GitHub and Gmail), unless the user is
// typing somewhere already. No inline handlers: the Content-Security-Policy allows only
// scripts served from static/.
"use strict";
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  var target = event.target;
  if (
    target instanceof Element &&
    (target.closest("input, textarea, select, [contenteditable]") !== null)
  ) {
    return;
  }
  var box = document.querySelector("[data-search-box]");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
