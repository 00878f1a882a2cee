"""The admins' pages: shells with labelled regions, filled by scripts from the public API.

Charts are SVG built in the browser with createElementNS and text nodes only
(the strict CSP forbids inline script and style; no CDN). Each chart has a
title, axis labels, a text alternative, and its data as a table beside it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

from shared.auth import PUBLIC
from shared.pages import add_page_static, html_response, page_response, render_page
from shared.web import Handler, RouteTable

STATIC_PREFIX = "/static/scoring/"
STATIC_DIR = Path(str(resources.files("scoring").joinpath("static")))
routes = RouteTable("pages")

FILTERS = """
<form id="filters" class="panel filters" aria-label="Filters">
  <div class="row">
    <div><label for="f-blueprint">Blueprint</label>
      <select id="f-blueprint" name="blueprint_id" data-field="blueprint_id"></select></div>
    <div><label for="f-from">From</label><input id="f-from" name="from" type="date" data-field="from"></div>
    <div><label for="f-to">To</label><input id="f-to" name="to" type="date" data-field="to"></div>
    <div><label for="f-period">Trend by</label>
      <select id="f-period" name="group_by"><option value="week">Week</option>
      <option value="month">Month</option></select></div>
    <div><label class="inline" for="f-low"><input id="f-low" name="include_low_answer" type="checkbox"
      data-field="include_low_answer"> Include low-answer attempts</label></div>
  </div>
  <p id="low-note" class="muted"></p>
</form>
"""

DASHBOARD_BODY = (
    FILTERS
    + """
<section aria-labelledby="kpi-h" class="panel">
  <h2 id="kpi-h">At a glance</h2>
  <dl id="kpis" class="kpis"></dl>
  <p id="freshness" class="muted"></p>
</section>
<div class="charts">
  <section class="panel chart" aria-labelledby="trend-h">
    <h2 id="trend-h">Pass-rate trend</h2>
    <div id="trend-chart"></div>
  </section>
  <section class="panel chart" aria-labelledby="hist-h">
    <h2 id="hist-h">Score distribution</h2>
    <div id="hist-chart"></div>
  </section>
</div>
<section class="panel chart" aria-labelledby="domain-h">
  <h2 id="domain-h">Performance by content area</h2>
  <div id="domain-chart"></div>
</section>
<div class="charts">
  <section class="panel" aria-labelledby="groups-h">
    <h2 id="groups-h">Pass rates by candidate group</h2>
    <div id="groups-table"></div>
  </section>
  <section class="panel" aria-labelledby="bp-h">
    <h2 id="bp-h">Pass rates by blueprint</h2>
    <div id="blueprints-table"></div>
  </section>
</div>
<section class="panel" aria-labelledby="recent-h">
  <h2 id="recent-h">Recent results</h2>
  <div id="recent-table"></div>
  <p><a href="/admin/results">All results</a> · <a href="/admin/items">Item quality and IRT</a></p>
</section>
"""
)

ITEMS_BODY = """
<form id="item-filters" class="panel filters" aria-label="Filters">
  <div class="row">
    <div><label for="i-blueprint">Blueprint</label>
      <select id="i-blueprint" name="blueprint_id"></select></div>
    <div><label for="i-min-n">Minimum responses</label>
      <input id="i-min-n" name="min_n" type="number" min="0" value="30" data-field="min_n"></div>
    <div><label for="i-flag">Show</label>
      <select id="i-flag" name="flag"><option value="">All item versions</option>
      <option value="flagged">Flagged only</option></select></div>
    <div><label for="i-search">Item id contains</label><input id="i-search" name="q" type="search"></div>
    <div><label class="inline" for="i-low"><input id="i-low" name="include_low_answer" type="checkbox"
      data-field="include_low_answer"> Include low-answer attempts</label></div>
  </div>
</form>
<section class="panel chart" aria-labelledby="scatter-h">
  <h2 id="scatter-h">Difficulty against discrimination</h2>
  <div id="scatter-chart"></div>
</section>
<section class="panel" aria-labelledby="table-h">
  <h2 id="table-h">Item quality</h2>
  <p class="muted" id="items-note"></p>
  <div id="items-table"></div>
</section>
<section class="panel" aria-labelledby="irt-h">
  <h2 id="irt-h">IRT calibration</h2>
  <div id="irt-summary"></div>
  <p><button type="button" id="calibrate" aria-describedby="calibrate-why">Calibrate now</button>
    <span id="calibrate-why" class="muted"></span></p>
</section>
"""

BLUEPRINTS_BODY = """
<section class="panel" aria-labelledby="list-h">
  <h2 id="list-h">Blueprints</h2>
  <div id="blueprint-list"></div>
</section>
<section class="panel" aria-labelledby="new-h">
  <h2 id="new-h">New blueprint</h2>
  <form id="blueprint-form" novalidate>
    <div class="row">
      <div><label for="b-name">Name</label>
        <input id="b-name" name="name" type="text" required data-field="name"></div>
      <div><label for="b-minutes">Time limit (minutes)</label>
        <input id="b-minutes" name="minutes" type="number" min="1" required
               data-field="time_limit_seconds"></div>
      <div><label for="b-cut">Cut score (%)</label>
        <input id="b-cut" name="cut" type="number" min="0" max="100" step="0.5" value="70" required
               data-field="cut_score_percent"></div>
    </div>
    <fieldset data-field="domains"><legend>Questions per content area</legend>
      <div id="b-domains" class="domain-grid"></div>
      <p>Total: <output id="b-total" for="b-domains">0</output> questions</p>
    </fieldset>
    <p><label class="inline"><input id="b-codebook" name="code_book" type="checkbox" checked data-field="code_book">
      Candidates may open the code book (ICD-10-CM, HCPCS) during the exam</label></p>
    <p><button class="primary" type="submit">Create blueprint</button></p>
  </form>
</section>
<section class="panel" aria-labelledby="policy-h">
  <h2 id="policy-h">Attempt policy</h2>
  <p class="muted">Per blueprint: how many attempts a candidate may start, how long they wait after one
  ends, when the review with keys and rationales is shown, and below what share of answered questions an
  attempt is left out of pass rates and item statistics (it is kept and shown to the candidate).</p>
  <form id="policy-form" novalidate>
    <div class="row">
      <div><label for="p-blueprint">Blueprint</label>
        <select id="p-blueprint" name="blueprint" data-field="blueprint_id"></select></div>
      <div><label for="p-max">Attempts allowed per candidate (empty: no limit)</label>
        <input id="p-max" name="max_attempts" type="number" min="1" data-field="max_attempts"></div>
      <div><label for="p-cooldown">Cool-down between attempts (minutes)</label>
        <input id="p-cooldown" name="cooldown" type="number" min="0" step="any" data-field="cooldown_seconds"></div>
    </div>
    <div class="row">
      <div><label for="p-review">Review with keys and rationales</label>
        <select id="p-review" name="review_mode" data-field="review_mode">
          <option value="immediate">At once, after submission</option>
          <option value="after_date">From a date</option>
          <option value="never">Never (score and per-area results only)</option></select></div>
      <div><label for="p-after">Review shown from (UTC)</label>
        <input id="p-after" name="review_after" type="datetime-local" data-field="review_after"></div>
      <div><label for="p-share">Counted in statistics from (% answered)</label>
        <input id="p-share" name="share" type="number" min="0" max="100" step="1"
               data-field="min_answered_share"></div>
    </div>
    <p id="p-state" class="muted" aria-live="polite"></p>
    <p><button class="primary" type="submit">Save the policy</button></p>
  </form>
</section>
"""

USERS_BODY = """
<section class="panel" aria-labelledby="users-h">
  <h2 id="users-h">Users</h2>
  <form id="user-search" class="filters" role="search" aria-label="Find users">
    <div class="row">
      <div><label for="u-q">Name contains</label><input id="u-q" name="q" type="search" data-field="q"></div>
      <div><label for="u-role">Role</label>
        <select id="u-role" name="role" data-field="role"><option value="">All</option>
        <option value="candidate">Candidates</option>
        <option value="instructor">Instructors</option><option value="admin">Admins</option></select></div>
      <div><label for="u-group">Group</label><input id="u-group" name="group" type="text" data-field="group"></div>
      <div><button type="submit">Search</button></div>
    </div>
  </form>
  <p id="user-count" class="muted" aria-live="polite"></p>
  <div id="user-list" class="table-wrap" role="region" tabindex="0"
       aria-label="Users (the table scrolls sideways)"></div>
  <p class="pager"><button type="button" id="u-prev" disabled>Previous page</button>
    <button type="button" id="u-next" disabled>Next page</button></p>
  <form id="bulk-group" class="inline-form" aria-label="Set the group of the selected users">
    <label for="b-group">Group of the selected users</label>
    <input id="b-group" name="group" type="text" data-field="group">
    <button type="submit">Set group</button>
    <span id="bulk-state" class="muted" aria-live="polite"></span>
  </form>
</section>
<section class="panel" aria-labelledby="sim-h">
  <h2 id="sim-h">Simulated candidates</h2>
  <p class="muted">Candidates made by <code>mockcert simulate</code> are in the group <code>simulated</code>;
  their results are left out of the statistics. Deleting them removes the accounts with their attempts.</p>
  <p id="sim-count"></p>
  <p><button type="button" id="delete-simulated" class="danger" disabled>Delete the simulated candidates</button></p>
</section>
<section class="panel" aria-labelledby="user-new-h">
  <h2 id="user-new-h">New user</h2>
  <form id="user-form" novalidate>
    <div class="row">
      <div><label for="n-username">Username</label>
        <input id="n-username" name="username" type="text" required data-field="username"></div>
      <div><label for="n-password">Password</label>
        <input id="n-password" name="password" type="password" autocomplete="new-password" required
               data-field="password"></div>
      <div><label for="n-role">Role</label><select id="n-role" name="role" data-field="role">
        <option value="candidate">Candidate</option><option value="instructor">Instructor</option>
        <option value="admin">Admin</option></select></div>
    </div>
    <div class="row">
      <div><label for="n-display">Display name</label>
        <input id="n-display" name="display_name" type="text" data-field="display_name"></div>
      <div><label for="n-group">Group</label>
        <input id="n-group" name="group" type="text" data-field="group"></div>
      <div><label for="n-mult">Time multiplier (accommodation)</label>
        <input id="n-mult" name="time_multiplier" type="number" min="1" max="4" step="0.05" value="1"
               data-field="time_multiplier"></div>
    </div>
    <p><button class="primary" type="submit">Create user</button></p>
  </form>
</section>
"""

RESULTS_BODY = """
<section class="panel" aria-labelledby="results-h">
  <h2 id="results-h">Results</h2>
  <div id="results-table"></div>
  <p><button type="button" id="more" hidden>Older results</button></p>
</section>
"""

RESULT_BODY = """
<section class="panel" aria-labelledby="summary-h">
  <h2 id="summary-h">Summary</h2>
  <dl id="result-summary" class="kpis"></dl>
  <p id="cut-note" class="muted"></p>
</section>
<section class="panel" aria-labelledby="diag-h">
  <h2 id="diag-h">Diagnostic</h2>
  <div id="diagnostic"></div>
</section>
<section class="panel" aria-labelledby="domains-h">
  <h2 id="domains-h">By content area</h2>
  <div id="result-domains"></div>
</section>
<section class="panel" aria-labelledby="review-h">
  <h2 id="review-h">Question review</h2>
  <div id="review"></div>
</section>
"""

PAGES = {
    "/admin": ("Dashboard", DASHBOARD_BODY, "dashboard.js", "admin-dashboard"),
    "/admin/items": ("Item quality", ITEMS_BODY, "items.js", "admin-items"),
    "/admin/blueprints": ("Blueprints", BLUEPRINTS_BODY, "blueprints.js", "admin-blueprints"),
    "/admin/users": ("Users and accommodations", USERS_BODY, "users.js", "admin-users"),
    "/admin/results": ("Results", RESULTS_BODY, "results.js", "admin-results"),
}


def _page_handler(title: str, body: str, script: str, page_id: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return page_response(title=title, static_prefix=STATIC_PREFIX, body=body, script=script,
                             page_id=page_id, roles=("admin",))

    handler.__name__ = f"page_{page_id.replace('-', '_')}"
    return handler


for _path, (_title, _body, _script, _page_id) in PAGES.items():
    routes.get(_path, roles=PUBLIC, summary=f"{_title} page", in_schema=False)(
        _page_handler(_title, _body, _script, _page_id)
    )


@routes.get("/admin/results/{attempt_id}", roles=PUBLIC, summary="One result page", in_schema=False)
async def result_page(request: web.Request) -> web.Response:
    return html_response(
        render_page(
            title="Result",
            static_prefix=STATIC_PREFIX,
            body=RESULT_BODY,
            scripts=("result.js",),
            page_id="admin-result",
            roles=("admin",),
        )
    )


def install_static(app: web.Application) -> None:
    add_page_static(app, STATIC_PREFIX, STATIC_DIR)
