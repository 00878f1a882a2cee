// Shared browser helpers: token storage, API calls that understand problem+json,
// and DOM building that only ever sets text (never innerHTML with data).

const TOKEN = "mockcert.token";
const ROLE = "mockcert.role";
const USER = "mockcert.user";

export const NAV = {
  candidate: [["/exam", "My exams"]],
  instructor: [["/instructor", "Items"], ["/instructor/review", "Review queue"],
               ["/instructor/import", "Import"], ["/instructor/rollover", "Code-set rollover"]],
  admin: [["/admin", "Dashboard"], ["/admin/items", "Item quality"], ["/admin/blueprints", "Blueprints"],
          ["/admin/users", "Users"], ["/instructor", "Items"]],
};

export function session() {
  return {
    token: localStorage.getItem(TOKEN),
    role: localStorage.getItem(ROLE),
    user: localStorage.getItem(USER),
  };
}

export function saveSession(login) {
  localStorage.setItem(TOKEN, login.token);
  localStorage.setItem(ROLE, login.role);
  localStorage.setItem(USER, login.username || "");
}

export function logout() {
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(ROLE);
  localStorage.removeItem(USER);
  location.href = "/";
}

// "Log out": end the token on the server first (every service refuses it from then on),
// then forget it here. Leaving never waits on the server: a failed call still logs out locally.
export async function signOut() {
  const s = session();
  if (s.token) {
    try {
      await fetch("/api/auth/logout", {
        method: "POST", headers: { "Authorization": `Bearer ${s.token}` }, cache: "no-store", keepalive: true,
      });
    } catch (e) { /* offline: the token still expires by itself */ }
  }
  logout();
}

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = (problem && problem.errors) || [];
  }
}

// fetch + JSON + problem+json; a 401 sends the user back to the login page.
export async function api(method, path, body, { raw = false, headers = {} } = {}) {
  const h = { ...headers };
  const s = session();
  if (s.token) h["Authorization"] = `Bearer ${s.token}`;
  let payload;
  if (body !== undefined && body !== null) {
    if (raw) { payload = body; } else { h["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  }
  const resp = await fetch(path, { method, headers: h, body: payload, cache: "no-store" });
  const ctype = resp.headers.get("Content-Type") || "";
  let data = null;
  if (ctype.includes("json")) data = await resp.json();
  else if (method === "GET") data = await resp.text();
  if (resp.status === 401 && s.token && !path.startsWith("/api/auth/")) {
    logout();
    throw new ApiError(401, data);
  }
  if (!resp.ok) throw new ApiError(resp.status, data);
  return data;
}

// h("tag", {attr: value, onclick: fn}, child, ...): children are nodes or text.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function flash(message, kind = "info") {
  const box = document.getElementById("flash");
  if (!box) return;
  box.replaceChildren(h("p", { class: `flash ${kind}` }, message));
}

// Put each field error of a problem next to its field (an element with
// data-field="name"), and summarise the rest in the flash area.
export function showProblem(err, form) {
  if (form) form.querySelectorAll(".field-error").forEach((e) => e.remove());
  if (form) form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  const unplaced = [];
  for (const fe of err.errors || []) {
    const base = String(fe.field).replace(/\[.*$/, "").split(".")[0];
    const target = form && (form.querySelector(`[data-field="${CSS.escape(fe.field)}"]`) ||
                            form.querySelector(`[data-field="${CSS.escape(base)}"]`));
    if (target) {
      const id = `err-${Math.random().toString(36).slice(2)}`;
      target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-describedby", id);
      target.insertAdjacentElement("afterend", h("p", { class: "field-error", id }, `${fe.field}: ${fe.message}`));
    } else unplaced.push(`${fe.field}: ${fe.message}`);
  }
  flash(unplaced.length ? `${err.message} (${unplaced.join("; ")})` : err.message, "error");
}

export function requireRole(...roles) {
  const s = session();
  if (!s.token || (roles.length && !roles.includes(s.role))) {
    location.href = `/?next=${encodeURIComponent(location.pathname + location.search)}`;
    throw new Error("login required");
  }
  return s;
}

// Where to go after logging in: `next` only when, resolved against this page's
// origin, it stays on that origin. Browsers read "/\host", "/<tab>/host" and
// "//host" as another host, so the check is on the resolved URL, never on the text;
// anything else goes to `fallback`.
export function sameOriginNext(next, fallback) {
  if (!next || !next.startsWith("/")) return fallback;
  let url;
  try {
    url = new URL(next, location.origin);
  } catch {
    return fallback;
  }
  if (url.origin !== location.origin || !url.pathname.startsWith("/")) return fallback;
  return url.pathname + url.search + url.hash;
}

export function fmtPercent(x, digits = 1) {
  return x === null || x === undefined ? "—" : `${(100 * x).toFixed(digits)} %`;
}

function chrome() {
  const s = session();
  const nav = document.getElementById("main-nav");
  if (nav && s.role && NAV[s.role]) {
    nav.replaceChildren(...NAV[s.role].map(([href, label]) =>
      h("a", { href, "aria-current": location.pathname === href ? "page" : null }, label)));
  }
  const who = document.getElementById("who");
  if (who && s.token) who.textContent = `${s.user || ""} (${s.role})`;
  const out = document.getElementById("logout");
  if (out && s.token) { out.hidden = false; out.addEventListener("click", signOut); }
}

// Each user's home, and who a page is for (the page shell's data-roles).
export const HOME = { candidate: ["/exam", "My exams"], instructor: ["/instructor", "Items"],
                      admin: ["/admin", "Dashboard"] };
const ROLE_NAMES = { candidate: "candidates", instructor: "instructors", admin: "admins" };

function pageRoles() {
  const roles = (document.body && document.body.dataset.roles) || "";
  return roles ? roles.split(",") : [];
}

// A logged-in user on a page of another role: say whose page it is and offer their own home,
// instead of a login form they do not need.
function wrongRolePage(s, roles) {
  const names = roles.map((r) => ROLE_NAMES[r] || r);
  const whom = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names[0];
  const [home, label] = HOME[s.role] || ["/", "the home page"];
  document.title = `This page is for ${whom} · mockcert`;
  document.body.dataset.wrongRole = "true";
  const main = document.getElementById("main");
  if (!main) return;
  main.replaceChildren(
    h("h1", {}, `This page is for ${whom}`),
    h("p", { id: "wrong-role" }, `You are logged in as ${s.user || "a user"} (${s.role}), and this page is not part of `
      + `what ${ROLE_NAMES[s.role] || s.role} can do.`),
    h("p", {}, h("a", { class: "button primary", href: home }, `Go to ${label}`)));
}

// Runs before any page script (they all import this module): with no session the login page,
// with another role's session the wrong-role page; the page's own script is then never run.
function gate() {
  const roles = pageRoles();
  if (!roles.length) return false;
  const s = session();
  if (!s.token) {
    location.replace(`/?next=${encodeURIComponent(location.pathname + location.search)}`);
    return true;
  }
  if (!roles.includes(s.role)) {
    wrongRolePage(s, roles);
    return true;
  }
  return false;
}

document.addEventListener("DOMContentLoaded", chrome);
// The modules importing this one wait for it: a page stopped here never runs its script, and
// nothing is thrown.
if (gate()) await new Promise(() => {});
