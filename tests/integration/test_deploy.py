"""deploy/: the compose file is valid, names real services, and nginx maps every public route."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.routing import OPENAPI_PATHS, ROUTES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SECRETS = {
    "POSTGRES_PASSWORD": "pw",
    "MOCKCERT_JWT_SECRET": "j" * 40,
    "MOCKCERT_SERVICE_SECRET": "s" * 40,
    "MOCKCERT_ADMIN_PASSWORD": "admin-password",
    "MOCKCERT_EVENT_SIGNING_KEY": "k" * 43,
    "MOCKCERT_EVENT_VERIFY_KEY": "v" * 43,
}


def compose(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail("docker-compose is missing: `make test` installs Debian's docker-compose")
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run([exe, "-f", str(DEPLOY / "docker-compose.yml"), *args], env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


def test_compose_file_is_valid_with_secrets():
    result = compose("config", "-q", env=SECRETS)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_secrets():
    for missing in SECRETS:
        env = {k: v for k, v in SECRETS.items() if k != missing}
        result = compose("config", "-q", env=env)
        assert result.returncode != 0, f"{missing} should be required"
        assert missing in result.stderr


def test_compose_names_every_service_and_their_health():
    result = compose("config", "--services", env=SECRETS)
    services = set(result.stdout.split())
    assert {"postgres", "migrate", "item-bank", "exam-delivery", "scoring", "entry"} <= services
    text = (DEPLOY / "docker-compose.yml").read_text()
    delivery_block = text.split("\n  exam-delivery:\n")[1].split("\n  scoring:\n")[0]
    assert "replicas: 2" in delivery_block
    assert text.count("condition: service_healthy") >= 4
    # Each service's command runs a module that exists in the project.
    for module in re.findall(r'"python", "-m", "([a-z_]+)"', text):
        root = Path(__file__).resolve().parents[2]
        assert any(root.glob(f"services/*/{module}/__main__.py")), module


def test_nginx_maps_every_route_of_the_entry_to_its_service():
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    upstream = {"item-bank": "item_bank", "exam-delivery": "exam_delivery", "scoring": "scoring"}
    locations = dict(re.findall(r"location\s+(/[^\s{]*)\s*\{\s*proxy_pass http://([a-z_]+)", conf))
    for prefix, service in ROUTES:
        assert prefix in locations, f"nginx has no location for {prefix}"
        assert locations[prefix] == upstream[service], f"{prefix} goes to {locations[prefix]}, not {service}"
    exact = dict(re.findall(r"location = (/openapi/[^\s]+)\s*\{\s*proxy_pass http://([a-z_]+)/openapi.json", conf))
    for path, service in OPENAPI_PATHS.items():
        assert exact.get(path) == upstream[service]
    assert "location ^~ /internal/ { return 404; }" in conf
    assert "location = /metrics { return 404; }" in conf


def test_compose_gives_the_event_keys_only_to_the_services_that_use_them():
    result = compose("config", env=SECRETS)
    assert result.returncode == 0, result.stderr
    services: dict[str, dict[str, str]] = {}
    current = None
    for line in result.stdout.splitlines():  # `config` prints normalised YAML: services at 2, variables at 6
        if re.fullmatch(r"[a-z]+:.*", line):
            current = None
        elif line == "services:" or (m := re.fullmatch(r"  ([a-z-]+):", line)) is None:
            if current is not None and (v := re.fullmatch(r"      ([A-Z_]+): (.*)", line)):
                services[current][v[1]] = v[2].strip("'\"")
            continue
        else:
            current = m[1]
            services[current] = {}
    assert {"item-bank", "exam-delivery", "scoring", "migrate", "entry"} <= set(services), services
    for name, env in services.items():
        assert ("MOCKCERT_EVENT_SIGNING_KEY" in env) == (name == "exam-delivery"), name
        assert ("MOCKCERT_EVENT_VERIFY_KEY" in env) == (name == "scoring"), name
        if name in ("item-bank", "exam-delivery", "scoring"):
            assert env["MOCKCERT_MODE"] == "production" and env["MOCKCERT_JWT_SECRET"] == "j" * 40, name
