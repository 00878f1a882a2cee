"""`mockcert simulate`: simulated candidates sit exams through the public API.

    mockcert simulate --blueprint cpc-150 --candidates 200

Each candidate gets an ability drawn from N(mean, sd) and answers every
question with the 2PL probability of that ability against the item's true
parameters (a deterministic function of --seed and the item id), so the
dashboards, the item flags and the calibration have realistic data, and a
calibration can be compared with the truth (--truth-out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any


def _default_url() -> str:
    from mockcert.cli import running_url

    return running_url()


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "simulate",
        help="simulated candidates sit exams through the public API",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--blueprint", default="cpc-150", help="blueprint name or id (default cpc-150)")
    p.add_argument("--candidates", type=int, default=50, help="how many candidates (default 50)")
    p.add_argument("--url", default=None, help="the entry (default: the running product, else :8080)")
    p.add_argument(
        "--username", default=os.environ.get("MOCKCERT_ADMIN_USER", "admin"), help="an admin account"
    )
    p.add_argument(
        "--password",
        default=os.environ.get("MOCKCERT_ADMIN_PASSWORD"),
        help="its password (default $MOCKCERT_ADMIN_PASSWORD)",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed: abilities, answers and item parameters")
    p.add_argument("--concurrency", type=int, default=8, help="candidates sitting at once (default 8)")
    p.add_argument("--group", default="simulated",
                   help="candidate group of the new accounts (the group simulated is left out of the statistics)")
    p.add_argument("--theta-mean", type=float, default=0.0, help="mean ability (default 0)")
    p.add_argument("--theta-sd", type=float, default=1.0, help="ability SD (default 1)")
    p.add_argument(
        "--wait",
        type=float,
        default=30.0,
        help="seconds to wait for the results to be scored and summarised (0: do not wait)",
    )
    p.add_argument(
        "--truth-out", default=None, help="write the true item parameters and abilities (JSON) here"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_simulate)


def cmd_simulate(args: argparse.Namespace) -> int:
    from mockcert.simulate import Simulation, SimulationError

    if args.candidates < 1:
        sys.stderr.write("--candidates must be at least 1\n")
        return 2
    if not args.password:
        from mockcert.cli import demo_password

        args.password = demo_password(args.username)
    if not args.password:
        sys.stderr.write("give the admin password with --password or MOCKCERT_ADMIN_PASSWORD\n")
        return 2

    def log(message: str) -> None:
        sys.stderr.write(message + "\n")

    simulation = Simulation(
        args.url or _default_url(),
        args.username,
        args.password,
        blueprint=args.blueprint,
        candidates=args.candidates,
        seed=args.seed,
        concurrency=args.concurrency,
        group=args.group,
        theta_mean=args.theta_mean,
        theta_sd=args.theta_sd,
        log=log,
    )
    try:
        report = asyncio.run(simulation.run(wait_seconds=args.wait, truth_file=args.truth_out))
    except SimulationError as exc:
        sys.stderr.write(f"simulation failed: {exc}\n")
        return 1
    out = report.as_dict()
    if args.json:
        sys.stdout.write(json.dumps(out) + "\n")
    else:
        sys.stdout.write(
            f"{out['submitted']} of {out['candidates']} candidates submitted {out['blueprint']}"
            f" ({out['failed']} failed); mean ability {out['mean_theta']}\n"
        )
        if out["scored"]:
            sys.stdout.write(
                f"scored {out['scored']}, passed {out['passed']}; correlation of ability with "
                f"percent {out['correlation_theta_percent']}\n"
            )
    return 0 if report.failed == 0 else 1
