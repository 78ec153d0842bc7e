// Names offered while typing in a filter's box (organisation, person, source): the page lists none of them, so that
// it stays light however many there are; this asks the site for the ten that match what is typed. Without it, a
// name typed whole, or an address, still works.
(function () {
  "use strict";
  var WAIT_MS = 200;

  function offer(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) {
          return;
        }
        asked = text;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (found) {
            list.replaceChildren.apply(list, found.map(function (record) {
              var option = document.createElement("option");
              option.value = record.value;
              option.label = record.label;
              option.textContent = record.label;
              return option;
            }));
          })
          .catch(function () { /* no suggestions: typing a name whole still works */ });
      }, WAIT_MS);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(offer);
})();
