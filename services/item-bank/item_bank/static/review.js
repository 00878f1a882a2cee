import { api, flash, h, requireRole, session, showProblem } from "/static/item-bank/common/mockcert.js";
import { question, shortText, when } from "/static/item-bank/question.js";

let cursor = null;

function card(item) {
  const me = session().user;
  const own = item.author_name === me;
  const form = h("form", { class: "review-form", novalidate: true });
  const commentId = `comment-${item.id}`;
  const comment = h("textarea", { id: commentId, name: "comment", rows: 2, maxlength: 2000, "data-field": "comment" });
  const act = async (to) => {
    try {
      await api("POST", `/api/items/${item.id}/transitions`, { to, comment: comment.value, version: item.version });
      section.replaceChildren(h("p", {}, `${to === "approved" ? "Approved" : "Sent back to draft"}: `,
        h("a", { href: `/instructor/items/${item.id}` }, `${item.domain} v${item.version}`), " ",
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
  const section = h("section", { class: "panel", "aria-label": `${item.domain} item by ${item.author_name}` },
    h("h2", {}, h("a", { href: `/instructor/items/${item.id}` }, `${item.domain} · version ${item.version}`)),
    h("p", { class: "muted" }, `By ${item.author_name}, ${when(item.updated_at)}`),
    question(item.stem, item.options, { name: `q-${item.id}` }),
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
    else box.replaceChildren(...(cards.length ? cards : [h("p", { class: "muted" }, "Nothing is waiting for review.")]));
  } catch (err) {
    showProblem(err, null);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  requireRole("instructor", "admin");
  document.getElementById("more").addEventListener("click", () => load(true));
  load(false);
});
