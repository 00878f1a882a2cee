"""The pages delivery serves: the login page (the product's front door), the API
reference, and the candidates' pages."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

from shared.auth import PUBLIC
from shared.pages import add_page_static, html_response, page_response, render_page
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


DASHBOARD_BODY = """
<section class="panel" aria-labelledby="open-h" id="open-attempt" hidden>
<h2 id="open-h">Exam in progress</h2>
<div id="open-body"></div>
</section>
<section aria-labelledby="bp-h">
<h2 id="bp-h">Start a mock exam</h2>
<p class="muted">The clock starts when you press Start and runs on the server:
closing the browser does not stop it. Every answer is saved as you go.</p>
<div id="blueprints" class="exam-cards"><p class="muted">Loading…</p></div>
</section>
<section aria-labelledby="past-h">
<h2 id="past-h">Your attempts</h2>
<div id="attempts"><p class="muted">Loading…</p></div>
</section>
"""

# The exam pages (question screen and review) share one top bar: exam name, where the
# candidate is, a large clock they may hide, the save state, "Save and leave" (never the
# site's navigation or "Log out" while an attempt is open) and a row for tools.
EXAM_TOP = """
<link rel="stylesheet" href="/static/exam.css">
<div id="exam-top" class="exam-top" role="region" aria-label="Exam status and tools">
  <div class="exam-top-row">
    <p id="exam-name" class="exam-name"></p>
    <p id="q-count" class="exam-count">{count}</p>
    <div class="exam-clock">
      <span id="clock-box" class="clock-box"><span id="clock-label" class="clock-label">Time left</span>
      <span id="timer" class="timer" role="timer" aria-labelledby="clock-label" aria-live="off">--:--:--</span></span>
      <span id="clock-hidden-note" class="clock-label" hidden>Clock hidden</span>
      <button type="button" id="clock-toggle" class="exam-tool" aria-controls="clock-box">Hide clock</button>
    </div>
  </div>
  <div id="exam-tools" class="exam-tools">
    {tools}
    <p id="queue-state" class="save-state" role="status" aria-live="polite"></p>
    <span class="exam-tools-end">{links}
      <button type="button" id="leave" class="exam-tool">Save and leave</button></span>
  </div>
  <div id="save-alert" class="exam-offline" role="status" aria-live="polite" hidden></div>
  <div id="time-warning" role="alert" class="exam-alert" hidden></div>
</div>
"""

EXAM_BODY = EXAM_TOP.format(
    count="Question – of –",
    # The code book mounts its button here; per-question tools (strike-out, highlight,
    # a note) go in #question-tools.
    tools='<div id="codebook-host"></div>\n    <div id="question-tools" class="question-tools"></div>',
    links='<a id="review-link" class="button exam-tool" href="#">'
    'Review<span class="narrow-hide"> and submit</span></a>',
) + """
<script type="module" src="/static/codebook.js"></script>
<script type="module" src="/static/tools.js"></script>
<div class="exam-layout">
<section class="exam-question" aria-labelledby="q-heading">
  <h2 id="q-heading" tabindex="-1">Question</h2>
  <p id="q-domain" class="muted"></p>
  <p id="stem" class="question-stem"></p>
  <fieldset class="exam-options">
    <legend id="options-legend">Choose one answer</legend>
    <ul class="options" id="options"></ul>
  </fieldset>
  <div class="exam-answer-row">
    <p id="answer-state" class="save-state" aria-live="polite"></p>
    <button type="button" id="clear">Clear answer</button>
  </div>
  <div class="exam-actions exam-move" role="group" aria-label="Move and flag">
    <button type="button" id="prev"><kbd>P</kbd>revious</button>
    <button type="button" id="flag" aria-pressed="false"
      ><kbd>F</kbd>lag<span class="flag-more"> for review</span></button>
    <button type="button" id="next" class="primary"><kbd>N</kbd>ext</button>
  </div>
  <div id="part-box" class="exam-part" hidden></div>
  <p class="muted kbd-hint">Keyboard: <kbd>A</kbd>–<kbd>D</kbd> answer, <kbd>N</kbd> next, <kbd>P</kbd> previous,
  <kbd>F</kbd> flag for review.</p>
</section>
<nav class="exam-nav" aria-labelledby="nav-h">
  <h2 id="nav-h">Questions</h2>
  <ul class="muted legend">
    <li><span class="key answered" id="key-answered"></span> answered</li>
    <li><span class="key" id="key-unanswered"></span> not answered</li>
    <li><span class="key" id="key-flagged"></span> flagged</li>
    <li><span class="key current">1</span> current</li>
    <li><span class="key pending"></span> not saved yet</li>
  </ul>
  <ol class="navigator" id="navigator"></ol>
</nav>
</div>
"""

REVIEW_BODY = EXAM_TOP.format(count="Review", tools="", links="") + """
<section class="review-head" aria-labelledby="sum-h">
<h2 id="sum-h">Before you submit</h2>
<p id="review-summary">Loading…</p>
</section>
<div class="review-filters" role="group" aria-label="Show questions">
  <button type="button" data-filter="all" aria-pressed="true">All</button>
  <button type="button" data-filter="unanswered" aria-pressed="false">Unanswered</button>
  <button type="button" data-filter="flagged" aria-pressed="false">Flagged</button>
</div>
<p id="review-shown" class="muted" role="status" aria-live="polite"></p>
<ul id="review-grid" class="review-grid" aria-label="Questions"></ul>
<div class="review-submit">
  <a id="back-link" class="button" href="#">Back to the questions</a>
  <button type="button" id="submit" class="primary">Submit exam</button>
</div>
"""

RESULT_BODY = """
<div id="result-status" role="status" aria-live="polite"><p>Loading your result…</p></div>
<section id="result" hidden aria-labelledby="score-h">
<h2 id="score-h">Your score</h2>
<div id="score" class="exam-score"></div>
<p id="cut-note" class="muted"></p>
<h2 id="time-h">Time and pace</h2>
<div id="time"></div>
<div id="diagnostic"></div>
<h2 id="domains-h">By content area</h2>
<div id="domains"></div>
<h2 id="trend-h">Your attempts at this exam</h2>
<div id="trend"></div>
<h2 id="review-h">Question review</h2>
<p id="review-filters">
<label class="inline"><input type="checkbox" id="missed-only"> Show only the questions I missed</label>
<label class="inline"><input type="checkbox" id="flagged-only"> Show only the questions I flagged</label></p>
<div id="review"></div>
</section>
<p><a href="/exam">Back to my exams</a></p>
"""


def _page(title: str, body: str, script: str, page_id: str) -> web.Response:
    return page_response(title=title, static_prefix=STATIC_PREFIX, body=body, script=script, page_id=page_id,
                         roles=("candidate",))


@routes.get("/exam", roles=PUBLIC, summary="Candidate dashboard", in_schema=False)
async def dashboard_page(request: web.Request) -> web.Response:
    return _page("My exams", DASHBOARD_BODY, "exam.js", "exam-dashboard")


@routes.get("/exam/attempts/{attempt_id}", roles=PUBLIC, summary="Exam screen", in_schema=False)
async def exam_page(request: web.Request) -> web.Response:
    return _page("Exam", EXAM_BODY, "attempt.js", "exam-attempt")


@routes.get("/exam/attempts/{attempt_id}/review", roles=PUBLIC, summary="Review before submission",
            in_schema=False)
async def review_page(request: web.Request) -> web.Response:
    return _page("Review your answers", REVIEW_BODY, "review.js", "exam-review")


@routes.get("/exam/attempts/{attempt_id}/result", roles=PUBLIC, summary="Result of an attempt",
            in_schema=False)
async def result_page(request: web.Request) -> web.Response:
    return _page("Your result", RESULT_BODY, "result.js", "exam-result")


def install_static(app: web.Application) -> None:
    add_page_static(app, STATIC_PREFIX, STATIC_DIR)
