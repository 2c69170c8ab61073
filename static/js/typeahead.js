// Type-ahead for a code field (industry, occupation): an <input list="…"
// data-typeahead="URL"> whose <datalist> is filled from the back office's small JSON answer
// (?q=…) as the user types. Without this script the field still takes a code as typed.
// No inline handlers: the Content-Security-Policy allows only scripts served from static/.
"use strict";
(function () {
  var DELAY_MS = 150;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-typeahead");
    if (!list || !url) {
      return;
    }
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (!text || text === asked) {
        return;
      }
      timer = window.setTimeout(function () {
        asked = text;
        var address = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
        fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (answer) {
            if (text !== input.value.trim()) {
              return;
            }
            list.replaceChildren();
            answer.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.code;
              option.textContent = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () {
            // Offline or refused: the field still takes a code as typed.
          });
      }, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-typeahead][list]").forEach(attach);
})();
