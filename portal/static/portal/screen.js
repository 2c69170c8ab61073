/* The big screen's list of jobs, a page at a time, without reloading the screen: every
 * data-rotate-seconds the next page (data-rotate-url) is fetched and its list swapped in; the
 * fetched page names the page after it. Without script the page reloads itself instead
 * (the <noscript> refresh in screen.html). The charts and figures are static/js/charts.js's.
 */
(function () {
  "use strict";

  function rotate(section) {
    var url = section.getAttribute("data-rotate-url");
    window.fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new window.DOMParser().parseFromString(html, "text/html").getElementById(section.id);
        if (!fresh) { return; }
        while (section.firstChild) { section.removeChild(section.firstChild); }
        Array.prototype.forEach.call(fresh.childNodes, function (node) {
          section.appendChild(document.importNode(node, true));
        });
        section.setAttribute("data-rotate-url", fresh.getAttribute("data-rotate-url"));
        section.setAttribute("data-rotated", String(Date.now()));
      })
      .catch(function () { /* the next round tries again */ });
  }

  function start() {
    var section = document.getElementById("screen-jobs");
    if (!section) { return; }
    var seconds = parseInt(section.getAttribute("data-rotate-seconds") || "60", 10);
    window.setInterval(function () { rotate(section); }, Math.max(seconds, 10) * 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
