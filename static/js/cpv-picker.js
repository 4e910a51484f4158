// CPV picker: suggestions from the server's CPV search while typing in a field marked
// data-cpv-search. The fields work without it (type a code, or use the CPV search page).
(function () {
  "use strict";
  var timer = null;
  var lastQuery = {};

  function fill(list, results) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    results.forEach(function (entry) {
      var option = document.createElement("option");
      option.value = entry.code;
      option.label = entry.code + " " + entry.label;
      option.textContent = entry.code + " " + entry.label;
      list.appendChild(option);
    });
  }

  function lookup(input) {
    var query = input.value.trim();
    var listId = input.getAttribute("list");
    var list = listId && document.getElementById(listId);
    if (!list || query.length < 2 || lastQuery[listId] === query) { return; }
    lastQuery[listId] = query;
    var url = input.getAttribute("data-cpv-search") + "?q=" + encodeURIComponent(query);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (input.value.trim() === query) { fill(list, data.results || []); } })
      .catch(function () { /* suggestions are a convenience only */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-cpv-search]")) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { lookup(input); }, 200);
  });
})();
