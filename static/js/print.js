// A button marked data-print prints the page (the printable single notice). No inline
// handlers: the Content-Security-Policy allows only scripts served from static/.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (button) {
    event.preventDefault();
    window.print();
  }
});
