"""The `mockcert` command: run the product, and the operator's tools."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

import aiohttp

from mockcert import demo_accounts, runs
from mockcert.database import EmbeddedDatabaseMissing, data_dir, ensure_database, migrate_all, start_embedded
from mockcert.launcher import pid_alive, state_path

# Subcommands contributed by the service areas: each module exposes register(subparsers).
EXTRA_COMMAND_MODULES: tuple[str, ...] = ("mockcert.cli_items", "mockcert.cli_simulate", "mockcert.cli_wait")


def _state(anywhere: bool = False) -> dict[str, Any] | None:
    """The running product of this data dir; with `anywhere`, else one started with another data
    dir (found through mockcert/runs.py). The state carries the data dir it was found in."""
    path = state_path(data_dir())
    if path.exists():
        state = json.loads(path.read_text())
        if pid_alive(state.get("launcher_pid")):
            return {**state, "data_dir": str(path.parent.parent)}
    if anywhere:
        for found, state in runs.running_states():
            return {**state, "data_dir": str(found.parent.parent)}
    return None


def running_url() -> str:
    """The address of the product: $MOCKCERT_URL, the running `mockcert run`, or the default port."""
    import os

    if os.environ.get("MOCKCERT_URL"):
        return os.environ["MOCKCERT_URL"].rstrip("/")
    state = _state()
    if state and state.get("url"):
        return str(state["url"]).rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('MOCKCERT_HTTP_PORT', '8080')}"


def demo_password(username: str) -> str:
    """The password `mockcert run` created for a demo account, if this is a demo data folder."""
    return demo_accounts.password_of(data_dir(), username)


async def _database_url() -> tuple[str, Any]:
    """MOCKCERT_DIRECT_DATABASE_URL (PostgreSQL itself where DATABASE_URL names PgBouncer), else
    DATABASE_URL, else the running product's database, else the embedded one started for this command."""
    import os

    for name in ("MOCKCERT_DIRECT_DATABASE_URL", "DATABASE_URL"):
        if os.environ.get(name):
            return os.environ[name], None
    state = _state()
    if state and state.get("database_url"):
        return state["database_url"], None
    server = await asyncio.get_running_loop().run_in_executor(None, start_embedded, data_dir() / "pg")
    return await ensure_database(server.get_uri()), server


async def _with_database(action: Any) -> int:
    url, server = await _database_url()
    try:
        return int(await action(url))
    finally:
        if server is not None:
            server.cleanup()


# ------------------------------------------------------------------ commands


def cmd_run(args: argparse.Namespace) -> int:
    from mockcert.launcher import run

    return run()


def cmd_migrate(args: argparse.Namespace) -> int:
    async def action(url: str) -> int:
        applied = await migrate_all(url)
        for schema, names in applied.items():
            sys.stdout.write(f"{schema}: {', '.join(names) if names else 'up to date'}\n")
        return 0

    return asyncio.run(_with_database(action))


def cmd_users_create(args: argparse.Namespace) -> int:
    import msgspec

    from exam_delivery.accounts.schemas import UserIn
    from exam_delivery.accounts.service import create_user
    from shared.db import create_pool
    from shared.errors import Problem

    try:
        body = msgspec.convert(
            {"username": args.username, "password": args.password, "role": args.role,
             "display_name": args.display_name or args.username, "time_multiplier": args.time_multiplier,
             "group": args.group},
            UserIn,
        )
    except msgspec.ValidationError as exc:
        sys.stderr.write(f"invalid user: {exc}\n")
        return 2

    async def action(url: str) -> int:
        await migrate_all(url)
        pool = await create_pool(url, 1, 2)
        try:
            user = await create_user(pool, body)
        except Problem as exc:
            sys.stderr.write(f"refused: {exc.detail}\n")
            return 1
        finally:
            await pool.close()
        sys.stdout.write(json.dumps({"id": user.id, "username": user.username, "role": user.role}) + "\n")
        return 0

    return asyncio.run(_with_database(action))


async def _probe(url: str, path: str = "/healthz") -> str:
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}{path}", timeout=aiohttp.ClientTimeout(total=3)) as resp:
                if resp.status == 200:
                    return "ok"
                if path == "/healthz" and resp.status == 503:
                    try:
                        body = await resp.json(content_type=None)
                    except ValueError:
                        body = None
                    if isinstance(body, dict) and body.get("database") not in (None, "ok"):
                        return "database unavailable"
                return f"unhealthy ({resp.status})"
    except (aiohttp.ClientError, TimeoutError):
        return "unreachable"


def _database_status(state: dict[str, Any]) -> dict[str, Any]:
    """The database's line: the launcher's view, checked against the data dir (whose postmaster
    owns it now: one restarted by hand shows its own pid)."""
    from pathlib import Path

    from mockcert import postmaster

    db = dict(state.get("database") or {"state": "running", "pid": state.get("database_pid")})
    if db.get("state") != "external" and db.get("data_dir"):
        pid = postmaster.owner_pid(Path(db["data_dir"]))
        if pid is not None:
            db["pid"], db["state"] = pid, "running"
        elif db.get("state") == "running":
            db["state"] = "down"  # gone since the launcher last looked: it restarts it shortly
    elif db.get("state") != "external" and not pid_alive(db.get("pid")):
        db["state"] = "down"
    return db


def cmd_status(args: argparse.Namespace) -> int:
    import os

    # A data dir named in MOCKCERT_DATA_DIR is the one reported on, running or not; without it a
    # product started with another data dir is found through the per-user runs folder.
    anywhere = not os.environ.get("MOCKCERT_DATA_DIR")
    state = _state(anywhere=anywhere)
    if state is None:
        # Say where it looked, so a product started elsewhere is not taken for none at all.
        looked = [str(state_path(data_dir()))] + ([str(runs.runtime_dir())] if anywhere else [])
        out: dict[str, Any] = {"running": False, "services": {}, "looked_in": looked}
        code = 1
    else:
        async def gather() -> dict[str, Any]:
            services: dict[str, Any] = {}
            for name, proc in state["processes"].items():
                alive = pid_alive(proc.get("pid"))
                if not alive:
                    health = "down"
                elif name == "entry":  # the entry is healthy when the whole system is
                    health = await _probe(state["url"], "/api/health")
                else:
                    health = await _probe(proc["url"])
                services[name] = {"pid": proc.get("pid"), "port": proc["port"], "health": health,
                                  "restarts": proc.get("restarts", 0)}
            return services

        services = asyncio.run(gather())
        database = _database_status(state)
        db_down = database["state"] not in ("running", "external")
        for s in services.values():
            # With the database down every service is unhealthy: name the cause, not them.
            if s["health"] != "ok" and (db_down or s["health"] == "database unavailable"):
                s["cause"] = "database"
        out = {"running": True, "url": state["url"], "data_dir": state["data_dir"],
               "launcher_pid": state["launcher_pid"], "database_pid": database.get("pid"), "database": database,
               "services": services}
        code = 0 if all(s["health"] == "ok" for s in services.values()) and not db_down else 1
    if args.json:
        sys.stdout.write(json.dumps(out, indent=1) + "\n")
    elif not out["running"]:
        runs_in = f" and the runs in {out['looked_in'][1]}" if len(out["looked_in"]) > 1 else ""
        sys.stdout.write(f"not running (looked at {out['looked_in'][0]}{runs_in})\n")
    else:
        sys.stdout.write(f"running at {out['url']} (data dir {out['data_dir']})\n")
        db = out["database"]
        restarts = f" ({db['restarts']} restarts)" if db.get("restarts") else ""
        sys.stdout.write(f"  {'database':<14} pid {db.get('pid') or '-'!s:<8} {'':<11} {db['state']}{restarts}\n")
        for name, s in out["services"].items():
            cause = " (cause: the database is down)" if s.get("cause") == "database" else ""
            sys.stdout.write(f"  {name:<14} pid {s['pid']:<8} port {s['port']:<6} {s['health']}{cause}\n")
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockcert", description="Mock CPC exam engine")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the whole product in the foreground").set_defaults(func=cmd_run)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    status = sub.add_parser("status", help="each process: pid, port, health")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)
    users = sub.add_parser("users", help="manage accounts").add_subparsers(dest="users_command", required=True)
    create = users.add_parser("create", help="create an account")
    create.add_argument("--username", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True, choices=["candidate", "instructor", "admin"])
    create.add_argument("--display-name", default="")
    create.add_argument("--time-multiplier", type=float, default=1.0)
    create.add_argument("--group", default="")
    create.set_defaults(func=cmd_users_create)
    import importlib

    for module in EXTRA_COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except EmbeddedDatabaseMissing as exc:
        sys.stderr.write(f"mockcert: {exc}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
