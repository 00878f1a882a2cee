"""Where to find a running product whatever data dir it was started with.

`mockcert run` keeps its state in `<data dir>/run/state.json`; it also leaves a pointer to that
file in a per-user runtime folder (`$MOCKCERT_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/mockcert`,
else `<tmp>/mockcert-<uid>`, made mode 700 and used only when this user owns it), one file per
launcher pid, removed when the launcher stops. `mockcert status` reads the data dir's own state
first, then these pointers, so a product started with another `MOCKCERT_DATA_DIR` is found.
A pointer whose launcher is gone is removed when read."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def runtime_dir() -> Path:
    if os.environ.get("MOCKCERT_RUNTIME_DIR"):
        return Path(os.environ["MOCKCERT_RUNTIME_DIR"])
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and Path(xdg).is_dir():
        return Path(xdg) / "mockcert"
    return Path(tempfile.gettempdir()) / f"mockcert-{os.getuid()}"


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _own_folder(folder: Path) -> bool:
    """The folder is this user's and nobody else may write in it."""
    try:
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def register(state_file: Path, pid: int) -> None:
    """Leave a pointer to a launcher's state file (best effort: a failure only costs the lookup)."""
    folder = runtime_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own_folder(folder):
            return
        pointer = folder / f"{pid}.json"
        tmp = pointer.with_suffix(".tmp")
        tmp.write_text(json.dumps({"state": str(state_file.resolve()), "launcher_pid": pid}))
        tmp.replace(pointer)
    except OSError:
        return


def unregister(pid: int) -> None:
    try:
        (runtime_dir() / f"{pid}.json").unlink(missing_ok=True)
    except OSError:
        return


def running_states() -> list[tuple[Path, dict[str, Any]]]:
    """(state file, state) of every product whose launcher is alive, oldest pointer first."""
    folder = runtime_dir()
    if not _own_folder(folder):
        return []
    found: list[tuple[float, Path, dict[str, Any]]] = []
    for pointer in folder.glob("*.json"):
        try:
            ref = json.loads(pointer.read_text())
            mtime = pointer.stat().st_mtime
        except (OSError, ValueError):
            continue
        if not isinstance(ref, dict) or not _alive(ref.get("launcher_pid")):
            pointer.unlink(missing_ok=True)  # its launcher is gone
            continue
        path = Path(str(ref.get("state", "")))
        try:
            state = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(state, dict) and state.get("launcher_pid") == ref["launcher_pid"]:
            found.append((mtime, path, state))
    return [(path, state) for _, path, state in sorted(found, key=lambda f: f[0])]
