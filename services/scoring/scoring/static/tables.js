// Sortable tables with a CSV export of exactly what the table holds.

import { csvLine } from "/static/scoring/common/csv.js";
import { h } from "/static/scoring/common/mockcert.js";

function cellText(col, row) {
  const v = typeof col.value === "function" ? col.value(row) : row[col.key];
  if (col.format) return col.format(v, row);
  return v === null || v === undefined ? "—" : String(v);
}

function csvValue(col, row) {
  const v = typeof col.value === "function" ? col.value(row) : row[col.key];
  if (col.csv) return col.csv(v, row);
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.join("; ");
  if (typeof v === "number") return v;  // a number stays a number cell
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

export function toCsv(allColumns, rows) {
  // Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers.
  // Columns of controls only (csv: false, e.g. a selection box) are left out of the file.
  const columns = allColumns.filter((c) => c.csv !== false);
  const lines = [csvLine(columns.map((c) => c.label))];
  for (const row of rows) lines.push(csvLine(columns.map((c) => csvValue(c, row))));
  return lines.join("\r\n") + "\r\n";
}

export function download(name, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// columns: [{key, label, num?, format?(v,row), value?(row), sort?(row), render?(row) -> Node, csv?}]
export function dataTable({ columns, rows, caption, csv, empty = "Nothing to show yet.", sortable = true, initialSort }) {
  let sortKey = initialSort ? initialSort.key : null;
  let dir = initialSort ? initialSort.dir : 1;
  const tbody = h("tbody");
  const headRow = h("tr");
  const wrap = h("div", { class: "table-wrap" });

  const sortValue = (col, row) => {
    if (col.sort) return col.sort(row);
    return typeof col.value === "function" ? col.value(row) : row[col.key];
  };

  function ordered() {
    if (!sortKey) return rows;
    const col = columns.find((c) => c.key === sortKey);
    return [...rows].sort((a, b) => {
      const x = sortValue(col, a), y = sortValue(col, b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
  }

  function renderHead() {
    headRow.replaceChildren(...columns.map((col) => {
      const state = col.key === sortKey ? (dir > 0 ? "ascending" : "descending") : "none";
      const label = sortable
        ? h("button", { type: "button", class: "sort", onclick: () => {
            dir = sortKey === col.key ? -dir : 1;
            sortKey = col.key;
            render();
          } }, col.label, state === "none" ? "" : state === "ascending" ? " ▲" : " ▼")
        : col.label;
      return h("th", { scope: "col", "aria-sort": sortable ? state : null, class: col.num ? "num" : null }, label);
    }));
  }

  function render() {
    renderHead();
    const list = ordered();
    tbody.replaceChildren(...(list.length ? list.map((row) => h("tr", {},
      ...columns.map((col) => h("td", { class: col.num ? "num" : null }, col.render ? col.render(row) : cellText(col, row)))))
      : [h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, empty))]));
  }

  render();
  const table = h("table", {}, caption ? h("caption", {}, caption) : null, h("thead", {}, headRow), tbody);
  const tools = csv ? h("p", { class: "table-tools" }, h("button", { type: "button", class: "csv",
    onclick: () => download(csv, toCsv(columns, ordered())) }, `Export CSV${caption ? ` (${caption})` : ""}`)) : null;
  wrap.append(tools || "", table);
  return wrap;
}
