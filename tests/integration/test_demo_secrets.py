"""Demo secrets: random per data folder, made on the first start in a file only the owner can read,
reused on a restart, the operator's variables still winning; each process sees only the keys it
uses; a demo instance reachable from other machines says what demo mode means; and no secret is
written in the source."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from mockcert import demo_secrets
from mockcert.launcher import Launcher, is_loopback
from shared import event_signing
from shared.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
PORTS = {"item-bank": 1, "exam-delivery": 2, "scoring": 3}
SECRET_VARS = ("MOCKCERT_JWT_SECRET", "MOCKCERT_SERVICE_SECRET", "MOCKCERT_EVENT_SIGNING_KEY",
               "MOCKCERT_EVENT_VERIFY_KEY")


@pytest.fixture
def launcher_env(monkeypatch, tmp_path):
    """A launcher's environment as a user's shell gives it: a data folder, no mode, no secrets."""
    for name in (*SECRET_VARS, "MOCKCERT_MODE", "MOCKCERT_HTTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOCKCERT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def child_env() -> dict[str, str]:
    launcher = Launcher()
    launcher.database_url = "postgresql://127.0.0.1/unused"  # set by prepare_database in a real start
    return launcher.child_env(PORTS)


def test_first_start_makes_the_secrets_file_owner_only_and_a_restart_reuses_it(launcher_env, capsys):
    env = child_env()
    path = launcher_env / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "demo secrets: made" in capsys.readouterr().out
    kept = demo_secrets.read(launcher_env)
    assert env["MOCKCERT_JWT_SECRET"] == kept.jwt_secret and env["MOCKCERT_SERVICE_SECRET"] == kept.service_secret
    assert env["MOCKCERT_EVENT_SIGNING_KEY"] == kept.event_signing_key
    assert env["MOCKCERT_EVENT_VERIFY_KEY"] == event_signing.verify_key_for(kept.event_signing_key)
    assert len({kept.jwt_secret, kept.service_secret}) == 2 and min(map(len, (kept.jwt_secret,
                                                                              kept.service_secret))) >= 32
    assert not [p.name for p in launcher_env.iterdir() if p.name != "secrets.json"]  # no temporary left behind
    # A restart (a new launcher on the same folder) finds the same secrets: tokens stay valid.
    before = path.read_bytes()
    again = child_env()
    assert path.read_bytes() == before
    assert {k: again[k] for k in SECRET_VARS} == {k: env[k] for k in SECRET_VARS}
    assert "made" not in capsys.readouterr().out
    # Every service starts with what it is given: delivery signs, scoring verifies, in demo mode.
    for name in PORTS:
        settings = load_settings(name, Launcher.service_env(again, name))
        assert settings.demo and settings.jwt_secret == kept.jwt_secret
    body = b'{"attempt_id": "a"}'
    signer = load_settings("exam-delivery", Launcher.service_env(again, "exam-delivery")).event_signing_key
    checker = load_settings("scoring", Launcher.service_env(again, "scoring")).event_verify_key
    assert event_signing.verify(checker, body, event_signing.sign(signer, body))


def test_a_loosened_file_is_closed_again_and_deleting_it_rotates(launcher_env):
    first = child_env()
    path = launcher_env / "secrets.json"
    path.chmod(0o644)
    assert child_env()["MOCKCERT_JWT_SECRET"] == first["MOCKCERT_JWT_SECRET"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.unlink()
    rotated = child_env()
    assert all(rotated[k] != first[k] for k in SECRET_VARS)


def test_a_damaged_file_stops_the_start_with_what_to_do(launcher_env, capsys):
    child_env()
    (launcher_env / "secrets.json").write_text('{"jwt_secret": "x"}')
    with pytest.raises(SystemExit):
        child_env()
    out = capsys.readouterr().out
    assert "secrets.json is damaged" in out and "delete it" in out


def test_the_file_is_never_readable_by_others_even_under_a_loose_umask(launcher_env):
    old = os.umask(0)
    try:
        demo_secrets.load_or_create(launcher_env)
    finally:
        os.umask(old)
    assert stat.S_IMODE((launcher_env / "secrets.json").stat().st_mode) == 0o600


def test_two_data_folders_have_different_secrets(tmp_path):
    one, _ = demo_secrets.load_or_create(tmp_path / "one")
    two, _ = demo_secrets.load_or_create(tmp_path / "two")
    assert one.jwt_secret != two.jwt_secret and one.service_secret != two.service_secret
    assert one.event_signing_key != two.event_signing_key


def test_the_operators_variables_win(launcher_env, monkeypatch):
    own_key = event_signing.new_signing_key()
    monkeypatch.setenv("MOCKCERT_JWT_SECRET", "operator-jwt-secret-" + "o" * 32)
    monkeypatch.setenv("MOCKCERT_EVENT_SIGNING_KEY", own_key)
    env = child_env()
    assert env["MOCKCERT_JWT_SECRET"] == "operator-jwt-secret-" + "o" * 32
    assert env["MOCKCERT_SERVICE_SECRET"] == demo_secrets.read(launcher_env).service_secret
    assert env["MOCKCERT_EVENT_SIGNING_KEY"] == own_key
    assert env["MOCKCERT_EVENT_VERIFY_KEY"] == event_signing.verify_key_for(own_key)  # the pair stays a pair


def test_production_mode_makes_no_secrets(launcher_env, monkeypatch):
    monkeypatch.setenv("MOCKCERT_MODE", "production")
    env = child_env()
    assert not any(k in env for k in SECRET_VARS)
    assert not (launcher_env / "secrets.json").exists()


def test_each_process_gets_only_the_keys_it_uses(launcher_env):
    env = child_env()
    delivery = Launcher.service_env(env, "exam-delivery")
    scoring = Launcher.service_env(env, "scoring")
    item_bank = Launcher.service_env(env, "item-bank")
    entry = Launcher.service_env(env, "entry")
    assert "MOCKCERT_EVENT_SIGNING_KEY" in delivery and "MOCKCERT_EVENT_VERIFY_KEY" not in delivery
    assert "MOCKCERT_EVENT_VERIFY_KEY" in scoring and "MOCKCERT_EVENT_SIGNING_KEY" not in scoring
    assert not any(k in item_bank for k in SECRET_VARS[2:])
    assert not any(k in entry for k in SECRET_VARS)
    for one in (delivery, scoring, item_bank):
        assert one["MOCKCERT_JWT_SECRET"] == env["MOCKCERT_JWT_SECRET"]
    assert entry["DATABASE_URL"] == env["DATABASE_URL"] and entry["MOCKCERT_HTTP_PORT"] == env["MOCKCERT_HTTP_PORT"]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "exam.example.org"])
def test_demo_mode_on_a_non_loopback_address_warns_what_demo_mode_means(launcher_env, monkeypatch, capsys, host):
    monkeypatch.setenv("MOCKCERT_HTTP_HOST", host)
    child_env()
    out = capsys.readouterr().out
    assert "WARNING: demo mode is listening on " + host in out
    for words in ("demo accounts", "passwords", "secrets.json", "not for production", "MOCKCERT_MODE=production"):
        assert words in out, words


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_no_warning_on_loopback_or_outside_demo_mode(launcher_env, monkeypatch, capsys, host):
    assert is_loopback(host)
    monkeypatch.setenv("MOCKCERT_HTTP_HOST", host)
    child_env()
    assert "WARNING" not in capsys.readouterr().out
    monkeypatch.setenv("MOCKCERT_HTTP_HOST", "0.0.0.0")
    monkeypatch.setenv("MOCKCERT_MODE", "production")
    child_env()
    assert "WARNING" not in capsys.readouterr().out


def test_no_secret_is_written_in_the_source():
    """The demo secrets used to be constants anyone could read; no signing secret or key is spelt out in
    what ships (services, shared, the launcher, deploy/), and nothing imports the old constants."""
    tracked = subprocess.run(["git", "ls-files", "shared", "services", "mockcert", "deploy", "bench", "tests",
                              "Makefile", "README.md"], cwd=ROOT, capture_output=True, text=True, check=True)
    files = [ROOT / f for f in tracked.stdout.split() if f.endswith((".py", ".yml", ".conf", ".md", "Makefile"))]
    files += [p for p in (ROOT / "shared").glob("*.py")] + [p for p in (ROOT / "mockcert").glob("*.py")]
    this = Path(__file__).resolve()
    old_names = re.compile(r"DEMO_(JWT|SERVICE)_SECRET|mockcert-demo-[a-z]+-secret|change-me")
    assigned = re.compile(
        r"""(?i)(jwt_secret|service_secret|signing_key|verify_key|_SECRET|_KEY)\s*[:=]\s*["'][A-Za-z0-9_\-+/=]{16,}["']""")
    found = []
    for path in sorted(set(files)):
        if path.resolve() == this or not path.exists():
            continue
        text = path.read_text(errors="replace")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in old_names.finditer(text)]
        if not str(path.relative_to(ROOT)).startswith(("tests/", "bench/")):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in assigned.finditer(text)]
    assert not found, "\n".join(found)


def test_private_files_exist_only_owner_only(tmp_path, monkeypatch):
    """demo-accounts.json is written like the secrets: the bytes are never in a file others may
    read, even under umask 0, and an existing loose file is replaced by an owner-only one."""
    target = tmp_path / "demo-accounts.json"
    target.write_text("old")
    target.chmod(0o644)
    seen = []
    real_replace = os.replace

    def replace(src, dst):
        seen.append((stat.S_IMODE(os.stat(src).st_mode), Path(src).read_bytes()))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    old = os.umask(0)
    try:
        demo_secrets.write_private(target, b'[["admin", "pw", "admin"]]')
    finally:
        os.umask(old)
    assert seen == [(0o600, b'[["admin", "pw", "admin"]]')]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b'[["admin", "pw", "admin"]]'
    assert [p.name for p in tmp_path.iterdir()] == ["demo-accounts.json"]
