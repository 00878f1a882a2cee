"""The instructors' pages: shells with labelled regions, filled by scripts from the API.

Item text is data and is only ever set as text by the scripts (never parsed as
HTML); the markup below is ours alone.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

from shared.auth import PUBLIC
from shared.contracts import LABELS
from shared.domains import DOMAINS
from shared.pages import add_page_static, page_response
from shared.web import RouteTable

STATIC_PREFIX = "/static/item-bank/"
STATIC_DIR = Path(str(resources.files("item_bank").joinpath("static")))
STAFF_ROLES = ("instructor", "admin")
routes = RouteTable("pages")

_DOMAIN_OPTIONS = "\n".join(f'<option value="{d.code}">{d.code} · {d.name}</option>' for d in DOMAINS)

LIST_BODY = f"""
<p><a class="button primary" href="/instructor/items/new">New item</a></p>
<form id="filters" class="panel filters" role="search" aria-label="Find items">
<div class="row">
  <div class="field"><label for="f-q">Text in question or options</label>
    <input id="f-q" name="q" type="search" data-field="q" placeholder="e.g. bilateral, E11.9, J3420, an item id"
      aria-describedby="f-q-help">
    <p id="f-q-help" class="muted">Whole words (<code>lateral*</code> for a prefix, <code>"a phrase"</code>,
    <code>OR</code>, <code>-word</code>), codes exactly or by prefix (E11.9, E11, J3420, 99213), or an item id
    (its first 8 characters are enough).</p></div>
  <div class="field"><label for="f-domain">Domain</label>
    <select id="f-domain" name="domain" data-field="domain"><option value="">All domains</option>
    {_DOMAIN_OPTIONS}</select></div>
  <div class="field"><label for="f-status">Status</label>
    <select id="f-status" name="status" data-field="status"><option value="">Any status</option>
    <option value="draft">draft</option><option value="in_review">in review</option>
    <option value="approved">approved</option><option value="retired">retired</option></select></div>
  <div class="field"><label for="f-tag">Tag</label>
    <input id="f-tag" name="tag" type="text" data-field="tag"></div>
  <div class="field"><label for="f-author">Author (username)</label>
    <input id="f-author" name="author" type="text" data-field="author"></div>
  <div class="field"><label for="f-year">Code-set year</label>
    <input id="f-year" name="code_set_year" type="number" min="2000" max="2100"
      data-field="code_set_year"></div>
</div>
  <p><button class="primary" type="submit">Search</button>
    <button type="reset" id="f-reset">Clear</button></p>
</form>
<section aria-labelledby="results-h">
<h2 id="results-h">Items</h2>
<p id="result-count" role="status" aria-live="polite"></p>
<form id="bulk-bar" class="panel bulk-bar" aria-labelledby="bulk-h" novalidate>
  <h3 id="bulk-h">With the selected items (<span id="bulk-count">0</span>)</h3>
  <p class="muted">Tick items in the list (or all shown), then choose an action: each item is done on its own,
  and the report says which the workflow refused and why.</p>
  <div class="row">
    <div class="field"><label for="bulk-comment">Comment (required to return to draft)</label>
      <input id="bulk-comment" name="comment" type="text" maxlength="2000" data-field="comment"></div>
    <div class="field"><label for="bulk-tags">Tags to add (comma-separated)</label>
      <input id="bulk-tags" name="tags" type="text" list="tag-list" autocomplete="off" data-field="tags"></div>
  </div>
  <p>
    <button type="button" data-action="submit_for_review">Send for review</button>
    <button type="button" data-action="approve">Approve</button>
    <button type="button" data-action="return">Return to draft</button>
    <button type="button" data-action="retire" class="danger">Retire</button>
    <button type="button" data-action="tag">Add tags</button>
  </p>
  <datalist id="tag-list"></datalist>
  <div id="bulk-report" class="table-wrap" aria-live="polite"></div>
</form>
<div id="results" class="table-wrap" aria-live="polite"></div>
<p><button type="button" id="more" hidden>Show more</button></p>
<p>Export the items these filters find:
  <button type="button" class="export" data-format="jsonl">JSON lines</button>
  <button type="button" class="export" data-format="csv">CSV</button>
  <button type="button" class="export" data-format="moodle">Moodle XML</button>
  <button type="button" class="export" data-format="qti">QTI 2.1 package</button></p>
</section>
"""

_OPTION_FIELDS = "\n".join(
    f"""  <div class="field option-field">
    <label for="opt-{label}">Option {label}</label>
    <textarea id="opt-{label}" name="option_{label}" rows="2" maxlength="500" required
      data-field="options[{i}].text"></textarea>
  </div>"""
    for i, label in enumerate(LABELS)
)
_KEY_RADIOS = "\n".join(
    f'    <label><input type="radio" name="key" value="{label}"{" required" if i == 0 else ""}> {label}</label>'
    for i, label in enumerate(LABELS)
)

EDITOR_BODY = f"""
<div class="row editor">
<form id="item-form" class="panel" novalidate aria-labelledby="form-h">
  <h2 id="form-h">Question</h2>
  <div class="field"><label for="domain">Domain</label>
    <select id="domain" name="domain" required data-field="domain">{_DOMAIN_OPTIONS}</select></div>
  <div class="field"><label for="stem">Question stem</label>
    <textarea id="stem" name="stem" rows="5" maxlength="4000" required data-field="stem"></textarea></div>
  <fieldset data-field="options"><legend>Options (exactly four, all different)</legend>
{_OPTION_FIELDS}
  </fieldset>
  <fieldset data-field="key"><legend>Correct answer (key)</legend>
    <div class="radios">
{_KEY_RADIOS}
    </div>
  </fieldset>
  <div class="field"><label for="rationale">Rationale (why the key is right and each distractor wrong)</label>
    <textarea id="rationale" name="rationale" rows="5" maxlength="8000" required
      data-field="rationale"></textarea>
  </div>
  <div class="field"><label for="tags">Tags (comma-separated; suggestions are the tags in use)</label>
    <input id="tags" name="tags" type="text" list="tag-list" autocomplete="off" data-field="tags">
    <datalist id="tag-list"></datalist></div>
  <div class="field"><label for="code_set_year">Code-set year</label>
    <input id="code_set_year" name="code_set_year" type="number" min="2000" max="2100"
      data-field="code_set_year"
      placeholder="empty: the current code set">
  </div>
  <div class="field"><label for="references">References (one per line)</label>
    <textarea id="references" name="references" rows="3" data-field="references"></textarea></div>
  <p id="lint-summary" class="muted" role="status" aria-live="polite"></p>
  <p><button class="primary" type="submit" id="save">Save</button>
    <a href="/instructor" id="cancel">Cancel</a></p>
</form>
<section class="panel preview" aria-labelledby="preview-h">
  <h2 id="preview-h">Preview (as a candidate sees it)</h2>
  <div id="preview" class="question"></div>
</section>
</div>
"""

ITEM_BODY = """
<div id="item-head" class="panel" aria-live="polite"></div>
<div id="actions" class="panel" aria-labelledby="actions-h" tabindex="-1">
  <h2 id="actions-h">Review</h2>
  <div id="action-buttons"></div>
  <form id="transition-form" novalidate>
    <label for="comment">Comment (required when sending back to draft)</label>
    <textarea id="comment" name="comment" rows="2" maxlength="2000" data-field="comment"></textarea>
  </form>
</div>
<section class="panel" aria-labelledby="current-h">
  <h2 id="current-h">Question as a candidate sees it</h2>
  <div id="current" class="question"></div>
  <h3>Key and rationale</h3>
  <div id="current-key"></div>
</section>
<section class="panel" aria-labelledby="stats-h" id="statistics">
  <h2 id="stats-h">Item statistics</h2>
  <div id="stats" class="table-wrap" aria-live="polite"><p class="muted">Loading…</p></div>
</section>
<section class="panel" aria-labelledby="versions-h">
  <h2 id="versions-h">Version history</h2>
  <div id="versions" class="table-wrap"></div>
  <form id="diff-form" class="inline" novalidate>
    <label for="diff-from">Compare version</label>
    <select id="diff-from" name="from" data-field="from"></select>
    <label for="diff-to">with version</label> <select id="diff-to" name="to" data-field="to"></select>
    <button type="submit">Show changes</button>
  </form>
  <div id="diff" class="table-wrap" aria-live="polite"></div>
</section>
<section class="panel" aria-labelledby="audit-h">
  <h2 id="audit-h">Audit trail</h2>
  <div id="audit" class="table-wrap"></div>
</section>
"""

REVIEW_BODY = """
<p>Versions waiting for review, newest first. You cannot approve a version you wrote.</p>
<form id="bulk-bar" class="panel bulk-bar" aria-labelledby="bulk-h" novalidate>
  <h2 id="bulk-h">With the selected versions (<span id="bulk-count">0</span>)</h2>
  <p><label><input type="checkbox" id="select-all"> Select all shown</label></p>
  <div class="field"><label for="bulk-comment">Comment (required to return to draft)</label>
    <input id="bulk-comment" name="comment" type="text" maxlength="2000" data-field="comment"></div>
  <p><button type="button" class="primary" data-action="approve">Approve selected</button>
    <button type="button" data-action="return">Return selected to draft</button></p>
  <div id="bulk-report" class="table-wrap" aria-live="polite"></div>
</form>
<div id="queue" aria-live="polite"></div>
<p><button type="button" id="more" hidden>Show more</button></p>
"""

IMPORT_BODY = f"""
<form id="import-form" class="panel" novalidate>
  <p>JSON lines (one item per line, the fields of the item form) or CSV with the columns
  <code>id, version, status, domain, stem, option_a, option_b, option_c, option_d, key, rationale, tags,
  code_set_year, references</code>
  (tags separated by <code>;</code>, references as a JSON array; id, version and status come from an export
  and may be left empty for new items). A <strong>Moodle XML</strong> file (multiple-choice questions with
  one correct answer; the category names the area) or an <strong>IMS QTI 2.1</strong> package (.zip) is
  read too. New items arrive as drafts; a row with the id of an item of this bank updates that item with a
  new draft version (unchanged rows are left alone).</p>
  <p>Start from a template: <button type="button" class="template" data-format="csv">CSV template</button>
    <button type="button" class="template" data-format="jsonl">JSON lines template</button></p>
  <div class="field"><label for="file">File (.jsonl, .csv, .xml or .zip)</label>
    <input id="file" name="file" type="file" required data-field="body"
      accept=".jsonl,.ndjson,.json,.csv,.xml,.zip,text/csv,application/xml,application/zip">
  </div>
  <div class="field"><label for="import-domain">Area for questions whose file names none (Moodle, QTI)</label>
    <select id="import-domain" name="domain" data-field="domain"><option value="">None: refuse them</option>
    {_DOMAIN_OPTIONS}</select></div>
  <p><button type="button" id="dry-run">Check only (dry run)</button>
    <button class="primary" type="submit">Import</button></p>
</form>
<section class="panel" aria-labelledby="report-h">
  <h2 id="report-h">Report</h2>
  <div id="report" class="table-wrap" aria-live="polite"><p class="muted">No import yet.</p></div>
</section>
<section class="panel" aria-labelledby="export-h">
  <h2 id="export-h">Export</h2>
  <p>Every item's latest version, with its id, version and status (to export only what a search finds, use the
  export buttons under the item list).</p>
  <p><button type="button" id="export-jsonl">Download JSON lines</button>
  <button type="button" id="export-csv">Download CSV</button>
  <button type="button" id="export-moodle">Download Moodle XML</button>
  <button type="button" id="export-qti">Download QTI 2.1 package</button></p>
</section>
"""

ROLLOVER_BODY = """
<p id="rollover-intro">Approved items in service written for an older code-set year: review them at the annual
code update and edit or retire them.</p>
<div id="rollover" class="table-wrap" aria-live="polite"></div>
<p><button type="button" id="more" hidden>Show more</button></p>
"""


def _page(title: str, body: str, script: str, page_id: str) -> web.Response:
    return page_response(title=title, static_prefix=STATIC_PREFIX, body=body, script=script, page_id=page_id,
                         roles=STAFF_ROLES)


@routes.get("/instructor", roles=PUBLIC, summary="Item list", in_schema=False)
async def list_page(request: web.Request) -> web.Response:
    return _page("Items", LIST_BODY, "list.js", "item-list")


@routes.get("/instructor/items/new", roles=PUBLIC, summary="New item", in_schema=False)
async def new_page(request: web.Request) -> web.Response:
    return _page("New item", EDITOR_BODY, "editor.js", "item-new")


@routes.get("/instructor/items/{item_id}/edit", roles=PUBLIC, summary="Edit an item", in_schema=False)
async def edit_page(request: web.Request) -> web.Response:
    return _page("Edit item", EDITOR_BODY, "editor.js", "item-edit")


@routes.get("/instructor/items/{item_id}", roles=PUBLIC, summary="One item", in_schema=False)
async def item_page(request: web.Request) -> web.Response:
    return _page("Item", ITEM_BODY, "item.js", "item")


@routes.get("/instructor/review", roles=PUBLIC, summary="Review queue", in_schema=False)
async def review_page(request: web.Request) -> web.Response:
    return _page("Review queue", REVIEW_BODY, "review.js", "review")


@routes.get("/instructor/import", roles=PUBLIC, summary="Import and export", in_schema=False)
async def import_page(request: web.Request) -> web.Response:
    return _page("Import and export", IMPORT_BODY, "import.js", "import")


@routes.get("/instructor/rollover", roles=PUBLIC, summary="Code-set rollover", in_schema=False)
async def rollover_page(request: web.Request) -> web.Response:
    return _page("Code-set rollover", ROLLOVER_BODY, "rollover.js", "rollover")


def install_static(app: web.Application) -> None:
    add_page_static(app, STATIC_PREFIX, STATIC_DIR)
