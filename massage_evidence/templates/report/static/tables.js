/* The filter box of long tables in the reports: plain JavaScript, nothing loaded from outside.
   Each box (hidden until this script runs, so that it never shows where it cannot work) keeps
   the rows of its table whose text contains every word typed, whatever their case, and says
   how many it shows. */
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (word) { return word.length > 0; });
  }

  function attach(box) {
    var table = box.parentElement.querySelector("table");
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    var count = document.createElement("span");
    count.className = "table-filter-count";
    count.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", count);
    function apply() {
      var wanted = words(box.value);
      var shown = 0;
      rows.forEach(function (row, i) {
        var keep = wanted.every(function (word) { return texts[i].indexOf(word) !== -1; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      count.textContent = wanted.length ? shown + " of " + rows.length + " rows" : "";
    }
    box.addEventListener("input", apply);
    box.hidden = false;
    apply();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input.table-filter"), attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
