"""The pages delivery serves: the login page (the product's front door), the API
reference, and the candidates' pages."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

from shared.auth import PUBLIC
from shared.pages import add_page_static, html_response, render_page
from shared.web import RouteTable

STATIC_PREFIX = "/static/"
STATIC_DIR = Path(str(resources.files("exam_delivery").joinpath("static")))
routes = RouteTable("pages")

LOGIN_BODY = """
<section class="panel login" aria-labelledby="login-h">
<h2 id="login-h">Log in</h2>
<form id="login-form" novalidate>
  <label for="username">Username</label>
  <input id="username" name="username" type="text" autocomplete="username" required data-field="username">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required data-field="password">
  <p><button class="primary" type="submit">Log in</button></p>
</form>
</section>
<p class="muted">Candidates sit timed CPC-style mock exams; instructors write and review the questions;
admins follow pass rates and item quality. <a href="/docs">API reference</a>.</p>
"""

DOCS_BODY = """
<p>Each service publishes an OpenAPI 3.1 document generated from the schemas it validates with.</p>
<ul>
<li><a href="/openapi/item-bank.json">Item bank</a></li>
<li><a href="/openapi/exam-delivery.json">Exam delivery (and accounts)</a></li>
<li><a href="/openapi/scoring.json">Scoring</a></li>
</ul>
<div id="reference"></div>
"""


@routes.get("/", roles=PUBLIC, summary="Log-in page", in_schema=False)
async def login_page(request: web.Request) -> web.Response:
    return html_response(render_page(title="Welcome", static_prefix=STATIC_PREFIX, body=LOGIN_BODY,
                                     scripts=("login.js",), page_id="login"))


@routes.get("/docs", roles=PUBLIC, summary="API reference page", in_schema=False)
async def docs_page(request: web.Request) -> web.Response:
    return html_response(render_page(title="API reference", static_prefix=STATIC_PREFIX, body=DOCS_BODY,
                                     scripts=("docs.js",), page_id="docs"))


def install_static(app: web.Application) -> None:
    add_page_static(app, STATIC_PREFIX, STATIC_DIR)
