"""A request target that is no path at all (`OPTIONS * HTTP/1.1`, the asterisk form) gets from the
local entry (mockcert/entry.py) the answer any malformed target gets: a 400 problem+json naming the
path, never aiohttp's plain-text 404; and it reaches no service."""

from __future__ import annotations

import json

from tests.integration.test_entry_paths import raw_request
from tests.integration.test_nginx_entry import public_counts


async def test_the_asterisk_target_gets_a_problem_naming_the_path(stack):
    port = int(stack.base_url.rsplit(":", 1)[1])
    before = public_counts(stack)
    # (Only OPTIONS may use it: aiohttp's parser refuses `GET *` before any route, as it does a
    # request line or header over its size, with its own 400.)
    status, headers, body = await raw_request(port, "OPTIONS", "*")
    assert status == 400, (status, body[:200])
    assert headers["content-type"].startswith("application/problem+json"), headers
    assert json.loads(body)["errors"][0]["field"] == "path", body
    assert public_counts(stack) == before
    status, headers, _ = await raw_request(port, "GET", "/api/health")
    assert status == 200
