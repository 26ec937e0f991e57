/* The search box of the index: plain JavaScript over the entries that assets/search-index.js
   sets (window.MASSAGE_EVIDENCE_SEARCH), nothing loaded from anywhere else. An entry matches
   when every word typed occurs in its title or text, ignoring case and accents. Results are
   built as DOM nodes with textContent only: text from the evidence never becomes markup. */
(function () {
  "use strict";
  var LIMIT = 50;
  var input = document.getElementById("search");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!input || !status || !list) return;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var entries = (window.MASSAGE_EVIDENCE_SEARCH || []).map(function (entry) {
    return { entry: entry, title: fold(entry.title), text: fold(entry.text) };
  });

  function excerpt(text, word) {
    if (text.length <= 160) return text;
    var start = Math.max(0, fold(text).indexOf(word) - 60);
    var end = Math.min(text.length, start + 160);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function result(found, words) {
    var item = document.createElement("li");
    var kind = document.createElement("span");
    kind.className = "search-kind";
    kind.textContent = found.entry.kind;
    var link = document.createElement("a");
    link.href = found.entry.href;
    link.textContent = found.entry.title;
    var text = document.createElement("p");
    text.className = "search-text";
    text.textContent = excerpt(found.entry.text, words[0]);
    item.append(kind, " ", link, text);
    return item;
  }

  function search() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (words.length === 0) {
      status.textContent = "";
      return;
    }
    var matches = entries.filter(function (found) {
      return words.every(function (word) {
        return found.title.indexOf(word) >= 0 || found.text.indexOf(word) >= 0;
      });
    });
    var shown = matches.slice(0, LIMIT);
    shown.forEach(function (found) {
      list.appendChild(result(found, words));
    });
    status.textContent =
      matches.length === 0
        ? "Nothing matches."
        : matches.length + (matches.length === 1 ? " match" : " matches") +
          (matches.length > LIMIT ? "; the first " + LIMIT + " are shown." : ".");
  }

  input.addEventListener("input", search);
  search(); // a query the browser kept (back button) is searched again
})();
