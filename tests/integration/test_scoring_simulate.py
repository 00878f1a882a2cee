"""`mockcert simulate` end to end: candidates created through the admin API sit a blueprint
through the public API (start, answer every question, submit), delivery's outbox carries the
events to scoring, and the results and statistics appear."""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mockcert import cli_simulate
from tests.support import ADMIN_PASSWORD, Stack, start_stack

PER_DOMAIN = {"EM": 4, "ICD": 4}


@pytest.fixture(scope="module")
async def stack(database_url: str) -> AsyncIterator[Stack]:
    async with start_stack(
        database_url, stats_refresh_seconds=0.2, feed_poll_seconds=0.2, outbox_poll_seconds=0.2
    ) as running:
        yield running


def question(domain: str, i: int, key: str) -> dict:
    marker = uuid.uuid4().hex[:6]
    return {
        "domain": domain,
        "stem": f"Simulation question {domain}-{i} ({marker}): which code applies?",
        "options": [{"label": lab, "text": f"{domain}-{i} option {lab} {marker}"} for lab in "ABCD"],
        "key": key,
        "rationale": f"{key} is right for {domain}-{i}.",
        "tags": ["simulation"],
    }


@pytest.fixture(scope="module")
async def blueprint(stack: Stack) -> str:
    """A small approved bank written and reviewed through the item bank's API, and a blueprint over it."""
    admin = await stack.admin_token()
    _, reviewer = await stack.new_user("instructor")
    for domain, n in PER_DOMAIN.items():
        for i in range(n):
            status, item = await stack.request(
                "POST", "/api/items", admin, json=question(domain, i, "ABCD"[i % 4])
            )
            assert status == 201, item
            for who, to in ((admin, "in_review"), (reviewer, "approved")):
                status, body = await stack.request(
                    "POST", f"/api/items/{item['id']}/transitions", who, json={"to": to}
                )
                assert status == 200, body
    name = f"sim-mini-{uuid.uuid4().hex[:6]}"
    body = {
        "name": name,
        "question_count": 4,
        "time_limit_seconds": 600,
        "cut_score_percent": 50.0,
        "domains": [{"code": code, "count": 2} for code in PER_DOMAIN],
    }
    for _ in range(100):  # delivery sees the approved items at its next feed poll
        status, created = await stack.request("POST", "/api/blueprints", admin, json=body)
        if status == 201:
            return name
        assert status == 422, created
        await asyncio.sleep(0.1)
    raise AssertionError(f"the blueprint was never accepted: {created}")


async def test_simulate_command_sits_exams_through_the_public_api(stack, blueprint, tmp_path: Path, capsys):
    parser = argparse.ArgumentParser(prog="mockcert")
    cli_simulate.register(parser.add_subparsers(dest="command"))
    truth = tmp_path / "truth.json"
    args = parser.parse_args(
        [
            "simulate",
            "--blueprint",
            blueprint,
            "--candidates",
            "4",
            "--url",
            stack.base_url,
            "--username",
            "admin",
            "--password",
            ADMIN_PASSWORD,
            "--seed",
            "5",
            "--concurrency",
            "2",
            "--wait",
            "30",
            "--truth-out",
            str(truth),
            "--json",
            "--group",
            "sim-cohort",
        ]
    )
    code = await asyncio.to_thread(args.func, args)  # the command runs its own event loop
    # The services under test log to the same stdout: the report is the line that is one JSON object.
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith('{"blueprint"')]
    out = json.loads(lines[-1])
    assert code == 0, out
    assert (out["submitted"], out["failed"], out["scored"]) == (4, 0, 4)
    data = json.loads(truth.read_text())
    assert len(data["items"]) == sum(PER_DOMAIN.values()) and len(data["attempts"]) == 4
    assert all(0.0 < v["a"] and -6 < v["b"] < 6 for v in data["items"].values())

    admin = await stack.admin_token()
    for attempt in data["attempts"]:
        status, result = await stack.request("GET", f"/api/results/{attempt['attempt_id']}", admin)
        assert (
            status == 200 and result["question_count"] == 4 and result["blueprint_cut_score_percent"] == 50.0
        )
        # Every question was answered, and scored as the simulated candidate meant it: the shuffled
        # labels went from delivery to scoring and back to the item's own options correctly.
        assert result["answered_count"] == 4
        assert result["raw_score"] == attempt["answered_right"]
        assert {r["item_id"] for r in result["review"]} <= set(data["items"])
        for entry in result["review"]:
            status, item = await stack.request("GET", f"/api/items/{entry['item_id']}", admin)
            assert entry["key_original"] == item["key"]  # the item's own key, whatever the candidate saw
    for _ in range(100):
        status, rates = await stack.request("GET", "/api/stats/pass-rates?group_by=group", admin)
        if any(g["label"] == "sim-cohort" and g["attempts"] == 4 for g in rates["groups"]):
            break
        await asyncio.sleep(0.1)
    assert any(g["label"] == "sim-cohort" and g["attempts"] == 4 for g in rates["groups"]), rates


async def test_simulate_refuses_without_a_password(stack, capsys, monkeypatch):
    monkeypatch.delenv("MOCKCERT_ADMIN_PASSWORD", raising=False)
    parser = argparse.ArgumentParser(prog="mockcert")
    cli_simulate.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["simulate", "--url", stack.base_url, "--candidates", "1"])
    assert args.func(args) == 2
    assert "password" in capsys.readouterr().err
    args = parser.parse_args(
        ["simulate", "--url", stack.base_url, "--password", "wrong-password", "--candidates", "1"]
    )
    assert await asyncio.to_thread(args.func, args) == 1
    assert "simulation failed" in capsys.readouterr().err
