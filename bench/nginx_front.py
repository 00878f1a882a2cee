"""Debian's nginx with deploy/nginx/nginx.conf in front of services that are already running.

The shipped file unchanged but for what a run outside compose needs: the upstream addresses
(compose's service names become the services' loopback addresses), a free loopback port, one
folder for pid, logs and temporary files (no root needed). bench_exam_day.py runs exam day through
it beside the local entry; tests/integration/test_entry_paths.py does the same for the tests."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from mockcert.sandbox import free_port

CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "nginx.conf"
UPSTREAMS = {"item-bank": "item-bank:8000", "exam-delivery": "exam-delivery:8000", "scoring": "scoring:8000"}


def nginx_executable() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def render(urls: dict[str, str], port: int, folder: Path, workers: int = 1) -> str:
    """deploy/nginx/nginx.conf for services at `urls` (service -> http://host:port)."""
    text = CONF.read_text()
    for service, compose_address in UPSTREAMS.items():
        text, n = re.subn(rf"server {re.escape(compose_address)}\b", f"server {urls[service].removeprefix('http://')}",
                          text)
        if n != 1:
            raise RuntimeError(f"nginx.conf: no single upstream {compose_address}")
    text, n = re.subn(r"listen 8080;", f"listen 127.0.0.1:{port};", text)
    if n != 1:
        raise RuntimeError("nginx.conf: no `listen 8080;`")
    text = text.replace("worker_processes auto;", f"worker_processes {workers};", 1)
    temp = "".join(f"  {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                           "scgi"))
    return text.replace("http {\n", f"http {{\n  access_log off;\n{temp}", 1)


class NginxFront:
    def __init__(self, urls: dict[str, str], workers: int = 1) -> None:
        self.urls = urls
        self.workers = workers
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="mockcert-nginx-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        exe = nginx_executable()
        if exe is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx; scripts/system-deps.sh)")
        conf = self.folder / "nginx.conf"
        conf.write_text(render(self.urls, self.port, self.folder, self.workers))
        user = "user root;" if os.geteuid() == 0 else ""
        glob = f"daemon off; pid {self.folder / 'nginx.pid'}; error_log {self.folder / 'error.log'} warn; {user}"
        self.proc = subprocess.Popen([exe, "-p", str(self.folder), "-c", str(conf), "-g", glob],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.folder / 'error.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("nginx did not listen in time")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
