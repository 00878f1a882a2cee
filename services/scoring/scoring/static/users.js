// Users and accommodations, through exam delivery's public API.

import { api, flash, h, requireRole, showProblem } from "/static/scoring/common/mockcert.js";
import { pageStyles, query, when } from "/static/scoring/admin.js";
import { dataTable } from "/static/scoring/tables.js";

const PAGE_SIZE = 50;
const SIMULATED = "simulated";  // the group of `mockcert simulate`'s candidates
const ROLES = ["candidate", "instructor", "admin"];
// The page as it is: the search, the cursors of the pages before (to go back), the users shown.
const state = { cursor: null, before: [], users: [], selected: new Set() };

function multiplierForm(user) {
  const id = `mult-${user.id}`;
  const input = h("input", { id, type: "number", min: "1", max: "4", step: "0.05", value: String(user.time_multiplier),
                             "data-field": "time_multiplier" });
  const form = h("form", { class: "inline-form", "aria-label": `Set the time multiplier of ${user.username}` },
    h("label", { for: id, class: "visually-hidden" }, `Time multiplier of ${user.username}`), input,
    h("button", { type: "submit" }, "Save"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const out = await api("PATCH", `/api/users/${encodeURIComponent(user.id)}`, { time_multiplier: parseFloat(input.value) });
      user.time_multiplier = out.time_multiplier;
      flash(`${user.username}: time multiplier ${out.time_multiplier}.`, "ok");
    } catch (err) {
      showProblem(err, form);
    }
  });
  return form;
}

function groupForm(user) {
  const id = `group-${user.id}`;
  const input = h("input", { id, type: "text", value: user.group || "", "data-field": "group" });
  const form = h("form", { class: "inline-form", "aria-label": `Set the group of ${user.username}` },
    h("label", { for: id, class: "visually-hidden" }, `Group of ${user.username}`), input,
    h("button", { type: "submit" }, "Save"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const out = await api("PATCH", `/api/users/${encodeURIComponent(user.id)}`, { group: input.value.trim() });
      user.group = out.group;
      flash(`${user.username}: group ${out.group || "(none)"}.`, "ok");
    } catch (err) {
      showProblem(err, form);
    }
  });
  return form;
}

function roleForm(user) {
  const id = `role-${user.id}`;
  const select = h("select", { id, "data-field": "role" },
    ...ROLES.map((r) => h("option", { value: r, selected: r === user.role }, r)));
  const form = h("form", { class: "inline-form", "aria-label": `Set the role of ${user.username}` },
    h("label", { for: id, class: "visually-hidden" }, `Role of ${user.username}`), select,
    h("button", { type: "submit" }, "Save"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (select.value === user.role) return;
    // A role change ends the user's sessions: ask first.
    if (!confirm(`Make ${user.username} ${select.value === "admin" ? "an" : "a"} ${select.value}? Their sessions end.`)) {
      select.value = user.role;
      return;
    }
    try {
      const out = await api("PATCH", `/api/users/${encodeURIComponent(user.id)}`, { role: select.value });
      user.role = out.role;
      flash(`${user.username}: role ${out.role}.`, "ok");
    } catch (err) {
      select.value = user.role;
      showProblem(err, form);
    }
  });
  return form;
}

// Disable or enable: a disabled user cannot log in, and their tokens stop working.
function statusCell(user) {
  const label = () => (user.disabled ? "Enable" : "Disable");
  const text = h("span", { class: user.disabled ? "badge flag" : "" }, user.disabled ? "disabled" : "active");
  const button = h("button", { type: "button", "aria-label": `${label()} ${user.username}` }, label());
  button.addEventListener("click", async () => {
    try {
      const out = await api("PATCH", `/api/users/${encodeURIComponent(user.id)}`, { disabled: !user.disabled });
      user.disabled = out.disabled;
      text.textContent = user.disabled ? "disabled" : "active";
      text.className = user.disabled ? "badge flag" : "";
      button.textContent = label();
      button.setAttribute("aria-label", `${label()} ${user.username}`);
      flash(`${user.username} is ${user.disabled ? "disabled: they cannot log in" : "enabled again"}.`, "ok");
    } catch (err) {
      showProblem(err);
    }
  });
  return h("span", { class: "inline-form" }, text, button);
}

const PASSWORD_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

function newPassword() {
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  return [...bytes].map((b) => PASSWORD_LETTERS[b % PASSWORD_LETTERS.length]).join("");
}

// Reset: a new random password, shown once here for the admin to hand over; old sessions end.
function resetCell(user) {
  const out = h("output", { class: "new-password", "aria-live": "polite" });
  const button = h("button", { type: "button", "aria-label": `Reset password of ${user.username}` }, "Reset password");
  button.addEventListener("click", async () => {
    if (!confirm(`Give ${user.username} a new password? Their sessions end.`)) return;
    const password = newPassword();
    try {
      await api("PATCH", `/api/users/${encodeURIComponent(user.id)}`, { password });
      out.replaceChildren("New password: ", h("code", {}, password));
      flash(`${user.username}: password reset. Hand over the new one; it is shown only now.`, "ok");
    } catch (err) {
      showProblem(err);
    }
  });
  return h("span", { class: "inline-form" }, button, out);
}

function selectBox(user) {
  const box = h("input", { type: "checkbox", "aria-label": `Select ${user.username}`, checked: state.selected.has(user.id) });
  box.addEventListener("change", () => {
    if (box.checked) state.selected.add(user.id);
    else state.selected.delete(user.id);
  });
  return box;
}

function searchParams() {
  const form = document.getElementById("user-search");
  return { q: form.q.value.trim(), role: form.role.value, group: form.group.value.trim() };
}

async function loadUsers() {
  const box = document.getElementById("user-list");
  try {
    const out = await api("GET", `/api/users${query({ ...searchParams(), limit: PAGE_SIZE, cursor: state.cursor })}`);
    const users = Array.isArray(out) ? out : out.users;
    state.users = users;
    state.next = out.next_cursor || null;
    const first = state.before.length * PAGE_SIZE;
    document.getElementById("user-count").textContent = out.total === undefined ? "" : out.total
      ? `${out.total} user${out.total === 1 ? "" : "s"} match; showing ${first + 1}–${first + users.length}.`
      : "No user matches.";
    document.getElementById("u-prev").disabled = !state.before.length;
    document.getElementById("u-next").disabled = !state.next;
    box.replaceChildren(dataTable({
      caption: "Users", csv: "users.csv", rows: users,
      columns: [
        { key: "select", label: "Select", value: () => "", csv: false, render: selectBox },
        { key: "username", label: "Username" },
        { key: "display_name", label: "Name" },
        { key: "role", label: "Role", render: roleForm },
        { key: "group", label: "Group", render: groupForm },
        { key: "time_multiplier", label: "Time multiplier", num: true, render: multiplierForm },
        { key: "disabled", label: "Status", format: (v) => (v ? "disabled" : "active"), render: statusCell },
        { key: "password", label: "Password", value: () => "", csv: false, render: resetCell },
        { key: "created_at", label: "Created", format: (v) => when(v) },
      ],
    }));
  } catch (err) {
    box.replaceChildren(h("p", { class: "field-error" }, `Users could not be loaded: ${err.message}`));
  }
}

async function loadSimulated() {
  const line = document.getElementById("sim-count");
  const button = document.getElementById("delete-simulated");
  try {
    const out = await api("GET", `/api/users${query({ group: SIMULATED, role: "candidate", limit: 1 })}`);
    line.textContent = out.total
      ? `${out.total} simulated candidate${out.total === 1 ? "" : "s"}.`
      : "No simulated candidates.";
    button.disabled = !out.total;
  } catch (err) {
    line.textContent = `Simulated candidates could not be counted: ${err.message}`;
  }
}

function firstPage() {
  state.cursor = null;
  state.before = [];
  state.selected.clear();
  return loadUsers();
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("admin");
  pageStyles();
  const search = document.getElementById("user-search");
  search.addEventListener("submit", (ev) => { ev.preventDefault(); firstPage(); });
  document.getElementById("u-role").addEventListener("change", firstPage);
  document.getElementById("u-next").addEventListener("click", () => {
    if (!state.next) return;
    state.before.push(state.cursor);
    state.cursor = state.next;
    loadUsers();
  });
  document.getElementById("u-prev").addEventListener("click", () => {
    if (!state.before.length) return;
    state.cursor = state.before.pop();
    loadUsers();
  });
  const bulk = document.getElementById("bulk-group");
  bulk.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const ids = [...state.selected];
    const note = document.getElementById("bulk-state");
    if (!ids.length) {
      note.textContent = "Select users first (the boxes in the first column).";
      return;
    }
    try {
      const out = await api("POST", "/api/users/bulk", { ids, group: bulk.group.value.trim() });
      note.textContent = `${out.updated} user${out.updated === 1 ? "" : "s"} now in ${bulk.group.value.trim() || "no group"}` +
        (out.missing.length ? `; ${out.missing.length} no longer exist.` : ".");
      state.selected.clear();
      await loadUsers();
    } catch (err) {
      showProblem(err, bulk);
    }
  });
  document.getElementById("delete-simulated").addEventListener("click", async (ev) => {
    if (!confirm("Delete every simulated candidate with their attempts? This cannot be undone.")) return;
    ev.target.disabled = true;
    try {
      const out = await api("POST", "/api/users/delete-group", { group: SIMULATED });
      flash(`Deleted ${out.deleted_users} simulated candidate${out.deleted_users === 1 ? "" : "s"} and ` +
        `${out.deleted_attempts} attempt${out.deleted_attempts === 1 ? "" : "s"}.`, "ok");
    } catch (err) {
      showProblem(err);
    }
    await Promise.all([firstPage(), loadSimulated()]);
  });
  const form = document.getElementById("user-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      username: form.username.value.trim(), password: form.password.value, role: form.role.value,
      display_name: form.display_name.value.trim(), group: form.group.value.trim(),
      time_multiplier: parseFloat(form.time_multiplier.value || "1"),
    };
    try {
      const out = await api("POST", "/api/users", body);
      flash(`User ${out.username} created.`, "ok");
      form.reset();
      await Promise.all([loadUsers(), loadSimulated()]);
    } catch (err) {
      showProblem(err, form);
    }
  });
  await Promise.all([loadUsers(), loadSimulated()]);
  document.body.dataset.loaded = "true";
});
