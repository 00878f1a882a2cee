"""No spelling of a path reaches an internal endpoint or /metrics through the front door: the local
entry (mockcert/entry.py) and nginx with deploy/nginx/nginx.conf, each in front of the same real
services. Malformed spellings (dot-segments, encoded dots, encoded slashes, backslashes, empty
segments) get a 400 naming the path; a clean private path gets a 404. The public API, pages,
static files and query strings keep working through both.

Requests are written on a raw socket: an HTTP client would normalise the very spellings tested."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from mockcert.entry import BadPath, checked_path
from shared.auth import issue_service_token
from shared.web import ENDPOINTS_KEY
from tests.support import Stack, auth, free_port, start_stack

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"

# How a private path P can be spelt so that a resolver downstream lands on P: each must be refused.
MALFORMED = {
    "dot-segment after /api": lambda p: "/api/.." + p,
    "single dot-segment": lambda p: "/." + p,
    "dot-segment after /static": lambda p: "/static/.." + p,
    "two dot-segments after an item": lambda p: "/api/items/../.." + p,
    "trailing dot-segments": lambda p: p + "/../" + p.rsplit("/", 1)[-1],
    "encoded %2e%2e": lambda p: "/api/%2e%2e" + p,
    "encoded %2E%2e": lambda p: "/api/%2E%2e" + p,
    "encoded single dot": lambda p: "/%2e" + p,
    "half-encoded .%2e": lambda p: "/api/.%2e" + p,
    "double-encoded %252e%252e": lambda p: "/api/%252e%252e" + p,
    "encoded slash %2f": lambda p: "/api%2f..%2f" + p[1:],
    "encoded slash %2F": lambda p: "/api%2F..%2F" + p[1:],
    "backslash": lambda p: "/api\\..\\" + p[1:],
    "encoded backslash %5c": lambda p: "/api%5c..%5c" + p[1:],
    "encoded backslash %5C as separator": lambda p: "/api/%5C.." + p,
    "double slash": lambda p: "/" + p,
    "double slash then dot-segment": lambda p: "/api//.." + p,
}
# Clean spellings of the private path itself: no 400 to hide behind, a plain 404.
CLEAN = {
    "as is": lambda p: p,
    "letter percent-encoded": lambda p: f"/%{ord(p[1]):02x}" + p[2:],
    "with a query": lambda p: p + "?after=0",
}


def private_paths(stack: Stack) -> list[str]:
    """Every /internal/ route the services declare (ids filled in), and /metrics."""
    paths = {"/metrics"}
    for app in stack.apps.values():
        for ep in app[ENDPOINTS_KEY]:
            if ep.path.startswith("/internal"):
                paths.add(re.sub(r"\{[^}]+\}", str(uuid.uuid4()), ep.path))
    assert {"/internal/feed", "/internal/events", "/internal/item-stats", "/internal/revocations"} <= paths
    return sorted(paths)


async def raw_request(port: int, method: str, target: str, headers: dict[str, str] | None = None,
                      body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request with the target exactly as given."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                 f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body:
            lines.append("Content-Type: application/json")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout=30)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    head, _, payload = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    out_headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        out_headers[name.strip().lower()] = value.strip()
    if out_headers.get("transfer-encoding", "").lower() == "chunked":
        payload = dechunk(payload)
    return int(status_line.split()[1]), out_headers, payload


def dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2:]
    return out


# ---------------------------------------------------------------- nginx in front of the same services


def nginx_conf(stack: Stack, port: int, folder: Path) -> str:
    """deploy/nginx/nginx.conf as shipped, with the compose service names pointed at the test services."""
    text = (DEPLOY / "nginx" / "nginx.conf").read_text()
    for name, service in (("item-bank", "item-bank"), ("exam-delivery", "exam-delivery"), ("scoring", "scoring")):
        text, n = re.subn(rf"server {name}:8000", f"server {stack.urls[service].removeprefix('http://')}", text)
        assert n == 1, name
    text, n = re.subn(r"listen 8080;", f"listen 127.0.0.1:{port};", text)
    assert n == 1
    temp = "".join(f"  {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
    text = text.replace("worker_processes auto;", "worker_processes 1;", 1)
    return text.replace("http {\n", f"http {{\n  access_log off;\n{temp}", 1)


@contextlib.contextmanager
def running_nginx(stack: Stack) -> Iterator[int]:
    exe = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if exe is None:
        pytest.fail("nginx is missing: `make test` installs Debian's nginx (scripts/system-deps.sh)")
    folder = Path(tempfile.mkdtemp(prefix="mockcert-nginx-"))
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(stack, port, folder))
    user = "user root;" if os.geteuid() == 0 else ""  # workers as root only where the test runs as root
    glob = f"daemon off; pid {folder / 'nginx.pid'}; error_log {folder / 'error.log'} warn; {user}"
    check = subprocess.run([exe, "-t", "-p", str(folder), "-c", str(conf), "-g", glob], capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([exe, "-p", str(folder), "-c", str(conf), "-g", glob], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if proc.poll() is not None:
                pytest.fail(f"nginx exited: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.05)
        yield port
    finally:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
async def front(database_url: str) -> AsyncIterator[tuple[Stack, dict[str, int]]]:
    """The stack, and the port of each front door: the local entry and nginx."""
    async with start_stack(database_url) as stack:
        entry_port = int(stack.base_url.rsplit(":", 1)[1])
        with running_nginx(stack) as nginx_port:
            yield stack, {"entry": entry_port, "nginx": nginx_port}


# ---------------------------------------------------------------- the tests


def test_checked_path_refuses_every_malformed_spelling_and_keeps_clean_ones():
    for spell in MALFORMED.values():
        for private in ("/metrics", "/internal/feed", "/internal/events"):
            with pytest.raises(BadPath):
                checked_path(spell(private))
    assert checked_path("/api/items?q=%2e%2e%2f&tag=a/b") == ("/api/items", "/api/items?q=%2e%2e%2f&tag=a/b")
    assert checked_path("/static/common/mockcert.css") == ("/static/common/mockcert.css",) * 2
    assert checked_path("/") == ("/", "/")
    assert checked_path("/api/items/abc%20def/") == ("/api/items/abc def/", "/api/items/abc%20def/")
    assert checked_path("/%69nternal/feed")[0] == "/internal/feed"  # decoded before the filter looks
    for target in ("http://elsewhere/internal/feed", "*", "internal/feed", "/api/items#x"):
        with pytest.raises(BadPath):
            checked_path(target)


@pytest.mark.parametrize("door", ["entry", "nginx"])
async def test_no_spelling_reaches_internal_endpoints_or_metrics(front, door):
    stack, ports = front
    port = ports[door]
    service = {"Authorization": f"Bearer {issue_service_token(stack.settings['exam-delivery'])}"}
    privates = private_paths(stack)
    wrong: list[str] = []
    for private in privates:
        for how, spell in MALFORMED.items():
            target = spell(private)
            for method in ("GET", "POST"):
                status, headers, body = await raw_request(port, method, target, service, b"{}")
                if status != 400:
                    wrong.append(f"{method} {target} ({how}): {status} {body[:120]!r}")
                    continue
                problem = json.loads(body)
                if not headers.get("content-type", "").startswith("application/problem+json") or \
                        problem["errors"][0]["field"] != "path":
                    wrong.append(f"{method} {target} ({how}): 400 without a problem naming the path: {body!r}")
        for how, spell in CLEAN.items():
            target = spell(private)
            for method in ("GET", "POST"):
                status, _, body = await raw_request(port, method, target, service, b"{}")
                if status != 404:
                    wrong.append(f"{method} {target} ({how}): {status}, not 404 {body[:120]!r}")
        # A trailing slash is no way round either.
        status, _, _ = await raw_request(port, "GET", private + "/", service)
        if status not in (400, 404):
            wrong.append(f"GET {private}/: {status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("door", ["entry", "nginx"])
async def test_the_public_api_pages_static_files_and_queries_still_work(front, door):
    stack, ports = front
    port = ports[door]
    _, instructor = await stack.new_user("instructor")
    who = auth(instructor)
    status, _, body = await raw_request(port, "GET", "/api/domains", who)
    assert status == 200 and any(d["code"] == "ICD" for d in json.loads(body))
    # Dots, slashes and encoded slashes in a query string are data, not path.
    status, _, body = await raw_request(port, "GET", "/api/items?q=%2e%2e%2f..%2Finternal&limit=2", who)
    assert status == 200 and "items" in json.loads(body), body[:300]
    status, _, body = await raw_request(port, "GET", "/api/items?limit=1&status=approved", who)
    assert status == 200 and len(json.loads(body)["items"]) <= 1
    status, _, _ = await raw_request(port, "GET", "/api/health")
    assert status == 200
    for page in ("/", "/instructor", "/admin", "/exam"):
        status, headers, _ = await raw_request(port, "GET", page)
        assert status == 200 and headers["content-type"].startswith("text/html"), (page, status)
    for asset in ("/static/common/mockcert.css", "/static/item-bank/common/mockcert.css",
                  "/static/scoring/scoring.css"):
        status, _, body = await raw_request(port, "GET", asset)
        assert status == 200 and body, asset
    status, _, body = await raw_request(port, "GET", "/openapi/scoring.json")
    assert status == 200 and json.loads(body)["openapi"].startswith("3.1")
    # A write through the door: a new item, then its page of versions by id.
    item = {"domain": "ICD", "stem": f"Path check {uuid.uuid4().hex[:6]}: which code set lists diagnoses?",
            "options": [{"label": label, "text": f"Choice {label}"} for label in "ABCD"], "key": "A",
            "rationale": "ICD-10-CM codes diagnoses.", "tags": ["paths"]}
    status, _, body = await raw_request(port, "POST", "/api/items", who, json.dumps(item).encode())
    assert status == 201, body
    item_id = json.loads(body)["id"]
    status, _, body = await raw_request(port, "GET", f"/api/items/{item_id}/versions", who)
    assert status == 200, body
