// Sortable tables: each heading of a table.sortable becomes a button; numbers sort as numbers.
(function () {
  "use strict";
  function cellValue(row, index, numeric) {
    var cell = row.children[index];
    var raw = cell ? (cell.getAttribute("data-value") || cell.textContent) : "";
    return numeric ? parseFloat(raw) || 0 : raw.trim().toLocaleLowerCase();
  }
  function sortBy(table, header, index) {
    var numeric = header.getAttribute("data-type") === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var order = numeric ? x - y : String(x).localeCompare(String(y));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function enhance(table) {
    table.querySelectorAll("thead th").forEach(function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, header, index); });
    });
  }
  document.querySelectorAll("table.sortable").forEach(enhance);
})();
