/* The preview's search page: MiniSearch (minisearch.js) over the index the build wrote
 * (search-index.js, window.ILEAD_SEARCH_INDEX), so it works offline and from file://.
 *
 * The tokenizer must be the build's (ilead_shell/web/search_index.py): accents folded away,
 * lower case, runs of letters and digits. */
(function () {
  "use strict";

  var strings = window.IleadStrings;
  var form = document.querySelector("[data-search-form]");
  var input = form && form.querySelector("input[type=search]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  if (!form || !window.MiniSearch || !window.ILEAD_SEARCH_INDEX) { return; }

  function fold(text) {
    return String(text).normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function tokenize(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  var OPTIONS = {
    fields: ["title", "text"],
    storeFields: ["title", "url", "module", "excerpt"],
    idField: "url",
    tokenize: tokenize,
    processTerm: function (term) { return term; },
    searchOptions: {
      boost: { title: 3 },
      prefix: true,
      fuzzy: function (term) { return term.length > 4 ? 0.2 : false; },
      combineWith: "AND"
    }
  };
  var index = window.MiniSearch.loadJS(window.ILEAD_SEARCH_INDEX, OPTIONS);
  window.IleadSearch = { options: OPTIONS, index: index };  // for tests and the curious

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show(query) {
    list.textContent = "";
    query = query.trim();
    if (!query) {
      status.textContent = strings.t("searchEmpty");
      return;
    }
    var found = index.search(query);
    var quoted = strings.t("quoted", { text: query });
    status.textContent = found.length ? strings.tn("searchFound", found.length, { count: found.length, query: quoted })
      : strings.t("searchNone", { query: quoted });
    found.forEach(function (result) {
      var item = element("li", "search-result");
      var heading = element("h2", "search-result-title");
      var link = element("a", null, result.title);
      link.href = result.url;
      heading.appendChild(link);
      item.appendChild(heading);
      if (result.module) { item.appendChild(element("p", "search-result-module", strings.t("searchModule", { module: result.module }))); }
      if (result.excerpt) { item.appendChild(element("p", "search-result-excerpt", result.excerpt)); }
      list.appendChild(item);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    try {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    } catch (error) { /* file:// pages may not rewrite their address */ }
    show(input.value);
  });

  var query = "";
  try { query = new URLSearchParams(window.location.search).get("q") || ""; } catch (error) { query = ""; }
  input.value = query;
  show(query);
  if (!query) { input.focus(); }
}());
