// Every scored attempt, newest first, with a link to its full report.

import { api, h, requireRole, showProblem } from "/static/scoring/common/mockcert.js";
import { pageStyles, query, when } from "/static/scoring/admin.js";
import { dataTable } from "/static/scoring/tables.js";

const rows = [];
let cursor = null;

const COLUMNS = [
  { key: "submitted_at", label: "Submitted", format: (v) => when(v) },
  { key: "blueprint_name", label: "Blueprint" },
  { key: "candidate_id", label: "Candidate", render: (r) => h("code", { title: r.candidate_id }, r.candidate_id.slice(0, 8)) },
  { key: "candidate_group", label: "Group", format: (v) => v || "—" },
  { key: "raw_score", label: "Raw", num: true, format: (v, r) => `${v} / ${r.question_count}` },
  { key: "percent", label: "%", num: true },
  { key: "scaled_score", label: "Scaled", num: true },
  { key: "passed", label: "Result", format: (v) => (v ? "pass" : "fail") },
  { key: "cut_used", label: "Cut" },
  { key: "attempt_id", label: "Report", render: (r) => h("a", { href: `/admin/results/${encodeURIComponent(r.attempt_id)}` }, "Open") },
];

async function more() {
  try {
    const out = await api("GET", `/api/results${query({ limit: 100, cursor })}`);
    rows.push(...out.results);
    cursor = out.next_cursor;
    document.getElementById("results-table").replaceChildren(dataTable({ caption: "Results", csv: "results.csv", columns: COLUMNS, rows }));
    document.getElementById("more").hidden = !cursor;
  } catch (err) {
    showProblem(err);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("admin");
  pageStyles();
  document.getElementById("more").addEventListener("click", more);
  await more();
});
