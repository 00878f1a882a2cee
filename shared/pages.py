"""Server-rendered page shells.

Pages carry no data of their own: the HTML is a shell with labelled regions,
and a script served from the same origin fills it from the public API with the
bearer token kept in the browser. So pages need no cookie (no CSRF surface),
and a strict Content-Security-Policy (no inline script or style) holds.
Everything is vendored: no CDN.
"""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path

from aiohttp import web

from shared.web import add_static

COMMON_STATIC = Path(str(resources.files("shared").joinpath("static")))

def render_page(
    *, title: str, static_prefix: str, body: str, scripts: tuple[str, ...] = (), page_id: str = "",
    roles: tuple[str, ...] = (),
) -> str:
    """`body` is trusted markup written in this repository, never user data."""
    script_tags = "\n".join(
        f'<script type="module" src="{html.escape(static_prefix + s)}"></script>' for s in scripts
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · mockcert</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{html.escape(static_prefix)}common/mockcert.css">
<script type="module" src="{html.escape(static_prefix)}common/mockcert.js"></script>
{script_tags}
</head>
<body data-page="{html.escape(page_id)}" data-roles="{html.escape(','.join(roles))}">
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
  <a class="brand" href="/">mockcert</a>
  <nav aria-label="Main" id="main-nav"></nav>
  <div class="who"><span id="who"></span> <button type="button" id="logout" hidden>Log out</button></div>
</header>
<main id="main" tabindex="-1">
<h1>{html.escape(title)}</h1>
<div id="flash" role="status" aria-live="polite"></div>
{body}
</main>
</body>
</html>
"""


def html_response(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8", status=status)


def add_page_static(app: web.Application, static_prefix: str, service_static: Path | None) -> None:
    """Serve the shared assets under `{prefix}common/` and the service's own under `{prefix}`.

    Each service serves its own copy of the common assets, so one service being
    down never breaks another's pages.
    """
    add_static(app, static_prefix + "common", COMMON_STATIC)
    if service_static is not None:
        add_static(app, static_prefix.rstrip("/"), service_static)


def page_response(*, title: str, static_prefix: str, body: str, script: str, page_id: str,
                  roles: tuple[str, ...]) -> web.Response:
    """One page of a service: the shell, its script, and the roles its script expects."""
    return html_response(render_page(title=title, static_prefix=static_prefix, body=body, scripts=(script,),
                                     page_id=page_id, roles=roles))
