// Users and accommodations, through exam delivery's public API.

import { api, flash, h, requireRole, showProblem } from "/static/scoring/common/mockcert.js";
import { pageStyles, when } from "/static/scoring/admin.js";
import { dataTable } from "/static/scoring/tables.js";

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

async function loadUsers() {
  const role = document.getElementById("u-role").value;
  const box = document.getElementById("user-list");
  try {
    const out = await api("GET", `/api/users${role ? `?role=${encodeURIComponent(role)}` : ""}`);
    const users = Array.isArray(out) ? out : out.users;
    box.replaceChildren(dataTable({
      caption: "Users", csv: "users.csv", rows: users,
      columns: [
        { key: "username", label: "Username" },
        { key: "display_name", label: "Name" },
        { key: "role", label: "Role" },
        { key: "group", label: "Group", render: groupForm },
        { key: "time_multiplier", label: "Time multiplier", num: true, render: multiplierForm },
        { key: "disabled", label: "Status", format: (v) => (v ? "disabled" : "active") },
        { key: "created_at", label: "Created", format: (v) => when(v) },
      ],
    }));
  } catch (err) {
    box.replaceChildren(h("p", { class: "field-error" }, `Users could not be loaded: ${err.message}`));
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  requireRole("admin");
  pageStyles();
  document.getElementById("u-role").addEventListener("change", loadUsers);
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
      await loadUsers();
    } catch (err) {
      showProblem(err, form);
    }
  });
  await loadUsers();
});
