import { api, sameOriginNext, saveSession, session, showProblem } from "/static/common/mockcert.js";

const HOME = { candidate: "/exam", instructor: "/instructor", admin: "/admin" };

function next(role) {
  // Only a `next` that stays on this origin: never an open redirect.
  return sameOriginNext(new URLSearchParams(location.search).get("next"), HOME[role] || "/");
}

document.addEventListener("DOMContentLoaded", () => {
  const s = session();
  if (s.token && !new URLSearchParams(location.search).get("next")) location.replace(next(s.role));
  const form = document.getElementById("login-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { username: form.username.value.trim(), password: form.password.value };
    try {
      const login = await api("POST", "/api/auth/login", body);
      saveSession(login);
      location.href = next(login.role);
    } catch (err) {
      showProblem(err, form);
    }
  });
});
