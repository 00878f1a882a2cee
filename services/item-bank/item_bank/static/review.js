import { api, flash, h, requireRole, session, showProblem } from "/static/item-bank/common/mockcert.js";
import { areaNames, bulkReport, itemLink, question, shortText, when } from "/static/item-bank/question.js";

let cursor = null;
let names = {};
const selected = new Set();

function updateCount() {
  document.getElementById("bulk-count").textContent = String(selected.size);
  const boxes = [...document.querySelectorAll("#queue input.select-item")];
  document.getElementById("select-all").checked = boxes.length > 0 && boxes.every((b) => b.checked);
}

function card(item) {
  const me = session().user;
  const own = item.author_name === me;
  const form = h("form", { class: "review-form", novalidate: true });
  const commentId = `comment-${item.id}`;
  const comment = h("textarea", { id: commentId, name: "comment", rows: 2, maxlength: 2000, "data-field": "comment" });
  const act = async (to) => {
    try {
      await api("POST", `/api/items/${item.id}/transitions`, { to, comment: comment.value, version: item.version });
      selected.delete(item.id);
      updateCount();
      section.replaceChildren(h("p", {}, `${to === "approved" ? "Approved" : "Sent back to draft"}: `,
        h("a", { href: `/instructor/items/${item.id}` }, `${names[item.domain] || item.domain} v${item.version}`), " ",
        h("span", { class: "muted" }, shortText(item.stem, 160))));
      flash(to === "approved" ? "Approved." : "Sent back to draft.", "ok");
    } catch (err) {
      showProblem(err, form);
    }
  };
  form.append(...[
    h("label", { for: commentId }, "Comment (required to send back)"), comment,
    h("p", {},
      h("button", { type: "button", class: "primary", disabled: own,
        title: own ? "You wrote this version: another instructor must approve it" : null,
        onclick: () => act("approved") }, "Approve"), " ",
      h("button", { type: "button", onclick: () => act("draft") }, "Send back to draft")),
    own ? h("p", { class: "muted" }, "You wrote this version: another instructor must approve it.") : null,
  ].filter(Boolean));
  const area = names[item.domain] || item.domain;
  const box = h("input", { type: "checkbox", class: "select-item", value: item.id,
    "aria-label": `Select ${area} item ${item.id.slice(0, 8)}`,
    onchange: (ev) => { if (ev.target.checked) selected.add(item.id); else selected.delete(item.id); updateCount(); } });
  const section = h("section", { class: "panel", "aria-label": `${area} item by ${item.author_name}`,
    dataset: { id: item.id } },
    h("h2", {}, box, " ", h("a", { href: `/instructor/items/${item.id}` }, `${area} · version ${item.version}`)),
    h("p", { class: "muted" }, "Item ", itemLink(item.id), ` · by ${item.author_name}, ${when(item.updated_at)}`),
    question(item.stem, item.options, { name: `q-${item.id}`, key: item.key }),
    h("p", {}, h("strong", {}, `Key: ${item.key}. `), item.rationale),
    form);
  return section;
}

async function load(append) {
  const box = document.getElementById("queue");
  const more = document.getElementById("more");
  const p = new URLSearchParams({ status: "in_review", limit: "20" });
  if (append && cursor) p.set("cursor", cursor);
  try {
    const page = await api("GET", `/api/items?${p}`);
    cursor = page.next_cursor;
    more.hidden = !cursor;
    const cards = page.items.map(card);
    if (append) box.append(...cards);
    else {
      selected.clear();
      box.replaceChildren(...(cards.length ? cards : [h("p", { class: "muted" }, "Nothing is waiting for review.")]));
    }
    updateCount();
  } catch (err) {
    showProblem(err, null);
  }
}

async function runBulk(action) {
  const bar = document.getElementById("bulk-bar");
  if (!selected.size) { flash("Select at least one version first.", "error"); return; }
  const body = { ids: [...selected], action };
  const comment = bar.elements.comment.value.trim();
  if (comment) body.comment = comment;
  try {
    const r = await api("POST", "/api/items/bulk", body);
    document.getElementById("bulk-report").replaceChildren(...bulkReport(r));
    flash(`${r.done} done, ${r.refused} refused.`, r.refused ? "warn" : "ok");
    await load(false);
  } catch (err) {
    showProblem(err, bar);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("instructor", "admin");
  document.getElementById("more").addEventListener("click", () => load(true));
  const bar = document.getElementById("bulk-bar");
  bar.addEventListener("submit", (ev) => ev.preventDefault());
  for (const button of bar.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", () => runBulk(button.dataset.action));
  }
  document.getElementById("select-all").addEventListener("change", (ev) => {
    for (const b of document.querySelectorAll("#queue input.select-item")) {
      b.checked = ev.target.checked;
      if (b.checked) selected.add(b.value); else selected.delete(b.value);
    }
    updateCount();
  });
  names = await areaNames(api);
  load(false);
});
