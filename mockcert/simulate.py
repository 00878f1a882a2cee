"""Simulated candidates: 2PL answers, either as events or through the public API.

`synthetic_bank` / `synthetic_events` build `attempt.submitted` events straight
from a 2PL model (tests and benchmarks post them to /internal/events, or copy
them into the tables). `Simulation` sits real exams through the public API, as
`mockcert simulate` does: it logs in as an admin, learns the keys from the
item bank (matching a shown question by its stem and option texts, since the
options are shuffled per candidate), creates candidates, and each candidate starts an attempt,
answers every question with the 2PL probability of its ability against the
item's true parameters, and submits.

An item's true parameters are a pure function of the seed and its id, so two
runs with one seed agree on them, and a test can compare the calibration with
the truth.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp
import msgspec
import numpy as np

from scoring.stats import simulate as sim
from shared import event_signing
from shared.contracts import LABELS, AttemptSubmitted, SubmittedResponse
from shared.domains import DOMAINS
from shared.times import iso_utc


def true_params(seed: int, item_id: str) -> tuple[float, float]:
    """Deterministic (a, b) for an item: lognormal(0, .25) slope, N(0, 1) difficulty."""
    digest = int.from_bytes(hashlib.sha256(f"{seed}:{item_id}".encode()).digest()[:8], "little")
    a, b = sim.item_params(np.random.default_rng(digest), 1)
    return float(a[0]), float(b[0])


def p_correct(theta: float, a: float, b: float) -> float:
    return float(1.0 / (1.0 + np.exp(-a * (theta - b))))


# ---------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class BankItem:
    item_id: str
    version: int
    domain: str
    key: str
    rationale: str
    a: float
    b: float


def synthetic_bank(rng: np.random.Generator, per_domain: dict[str, int], *, seed: int = 0) -> list[BankItem]:
    """A bank with `per_domain[code]` items per content area and their true 2PL parameters."""
    items = []
    for code, count in per_domain.items():
        for _ in range(count):
            item_id = str(uuid.UUID(bytes=rng.bytes(16), version=4))
            a, b = true_params(seed, item_id)
            key = LABELS[int(rng.integers(0, 4))]
            items.append(BankItem(item_id, 1, code, key, f"Because {key} is right for {code}.", a, b))
    return items


def blueprint_counts(name: str) -> dict[str, int]:
    """Questions per area of the built-in blueprints (cpc-150 classic, cpc-100 current)."""
    if name == "cpc-100":
        return {d.code: d.current_count for d in DOMAINS}
    return {d.code: d.classic_count for d in DOMAINS}


def scaled_counts(counts: dict[str, int], factor: float) -> dict[str, int]:
    return {code: max(1, round(n * factor)) for code, n in counts.items()}


@dataclass
class EventFactory:
    """Makes events for candidates of known ability sitting random forms of a blueprint."""

    bank: list[BankItem]
    counts: dict[str, int]  # questions per area on a form
    blueprint_id: str = "cpc-test"
    blueprint_name: str = "cpc-test"
    cut_score_percent: float = 70.0
    seconds_per_question: float = 144.0
    start: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC))
    shuffle: bool = False  # show each candidate the options in a random order, as delivery does
    by_domain: dict[str, list[BankItem]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_domain = {}
        for item in self.bank:
            self.by_domain.setdefault(item.domain, []).append(item)

    def form(self, rng: np.random.Generator) -> list[BankItem]:
        out: list[BankItem] = []
        for code, n in self.counts.items():
            pool = self.by_domain[code]
            pick = rng.choice(len(pool), size=n, replace=False)
            out.extend(pool[i] for i in sorted(pick.tolist()))
        return out

    def event(
        self,
        rng: np.random.Generator,
        theta: float,
        *,
        candidate_id: str | None = None,
        group: str = "",
        submitted_at: dt.datetime | None = None,
        omit_rate: float = 0.02,
    ) -> AttemptSubmitted:
        items = self.form(rng)
        a = np.asarray([i.a for i in items])
        b = np.asarray([i.b for i in items])
        right = sim.responses(rng, np.asarray([theta]), a, b)[0].astype(bool)
        keys = np.asarray([LABELS.index(i.key) for i in items])
        wrong = (keys + rng.integers(1, 4, size=len(items))) % 4
        omitted = (~right) & (rng.random(len(items)) < omit_rate)
        limit = int(self.seconds_per_question * len(items))
        submitted = submitted_at or self.start
        used = int(limit * float(rng.uniform(0.55, 1.0)))
        chosen = np.where(omitted, -1, np.where(right, keys, wrong))
        responses = []
        for pos, it in enumerate(items, start=1):
            original = int(chosen[pos - 1])
            order = rng.permutation(4).tolist() if self.shuffle else [0, 1, 2, 3]  # original shown under A..D
            responses.append(
                SubmittedResponse(
                    position=pos,
                    item_id=it.item_id,
                    item_version=it.version,
                    domain=it.domain,
                    key=LABELS[order.index(int(keys[pos - 1]))],
                    selected=None if original < 0 else LABELS[order.index(original)],
                    option_order=[LABELS[o] for o in order] if self.shuffle else [],
                    rationale=it.rationale,
                )
            )
        return AttemptSubmitted(
            event_id=str(uuid.uuid4()),
            attempt_id=str(uuid.uuid4()),
            candidate_id=candidate_id or str(uuid.uuid4()),
            blueprint_id=self.blueprint_id,
            blueprint_name=self.blueprint_name,
            cut_score_percent=self.cut_score_percent,
            time_limit_seconds=limit,
            started_at=_iso(submitted - dt.timedelta(seconds=used)),
            submitted_at=_iso(submitted),
            submitted_by="candidate",
            responses=responses,
            candidate_group=group,
        )


_iso = iso_utc


async def post_events(
    session: aiohttp.ClientSession,
    scoring_url: str,
    service_token: str,
    events: list[AttemptSubmitted],
    concurrency: int = 8,
    *,
    signing_key: str,
) -> list[str]:
    """POST events to scoring's /internal/events as delivery does (signed with delivery's event
    signing key); the acknowledgements' statuses."""
    gate = asyncio.Semaphore(concurrency)

    async def one(ev: AttemptSubmitted) -> str:
        body = msgspec.json.encode(ev)
        headers = {"Authorization": f"Bearer {service_token}", "Content-Type": "application/json",
                   event_signing.SIGNATURE_HEADER: event_signing.sign(signing_key, body)}
        async with (
            gate,
            session.post(f"{scoring_url}/internal/events", data=body, headers=headers) as resp,
        ):
            text = await resp.text()
            if resp.status != 200:
                raise SimulationError(f"event {ev.event_id}: {resp.status} {text[:300]}")
            return str(json.loads(text)["status"])

    return list(await asyncio.gather(*(one(ev) for ev in events)))


# ---------------------------------------------------------------- through the public API


class SimulationError(RuntimeError):
    pass


@dataclass
class Report:
    blueprint: str
    candidates: int
    submitted: int
    failed: int
    mean_theta: float
    scored: int = 0
    passed: int = 0
    correlation_theta_percent: float | None = None
    truth_file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class KnownItem:
    item_id: str
    domain: str
    key_text: str
    option_texts: frozenset[str]


class Simulation:
    """Candidates sitting a blueprint through the public API, answering by a 2PL model."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        blueprint: str,
        candidates: int,
        seed: int = 1,
        concurrency: int = 8,
        group: str = "simulated",
        theta_mean: float = 0.0,
        theta_sd: float = 1.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.password = password
        self.blueprint = blueprint
        self.candidates = candidates
        self.seed = seed
        self.concurrency = max(1, concurrency)
        self.group = group
        self.rng = np.random.default_rng(seed)
        self.thetas = sim.abilities(self.rng, candidates, mean=theta_mean, sd=theta_sd)
        self.log = log or (lambda _m: None)
        self.attempts: list[tuple[str, float, str]] = []  # (attempt id, theta, candidate token)
        self.intended: dict[str, int] = {}  # attempt id -> questions answered with the key
        self._by_stem: dict[str, list[KnownItem]] = {}

    async def _call(
        self,
        session: aiohttp.ClientSession,
        method: str,
        path: str,
        token: str | None = None,
        body: Any = None,
        expect: tuple[int, ...] = (200,),
    ) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for attempt in range(5):
            async with session.request(method, self.base_url + path, json=body, headers=headers) as resp:
                text = await resp.text()
                if resp.status in expect:
                    return (
                        json.loads(text) if text and "json" in resp.headers.get("Content-Type", "") else text
                    )
                if resp.status in (502, 503, 504, 429) and attempt < 4:
                    await asyncio.sleep(0.2 * 2**attempt)
                    continue
                raise SimulationError(f"{method} {path} -> {resp.status}: {text[:300]}")
        raise SimulationError(f"{method} {path}: no answer")

    async def _login(self, session: aiohttp.ClientSession, username: str, password: str) -> str:
        out = await self._call(
            session, "POST", "/api/auth/login", body={"username": username, "password": password}
        )
        return str(out["token"])

    def _know(self, item_id: str, domain: str, stem: str, options: list[dict[str, str]], key: str) -> None:
        texts = {o["label"]: o["text"] for o in options}
        self._by_stem.setdefault(stem, []).append(
            KnownItem(
                item_id=item_id, domain=domain, key_text=texts[key], option_texts=frozenset(texts.values())
            )
        )

    async def _learn_bank(self, session: aiohttp.ClientSession, admin: str) -> None:
        """Every item's content and key from the item bank (admins may read it), to recognise questions.

        The list gives each item's latest version; where that is not the one in
        service (an edit under review), the versions are read too.
        """
        cursor: str | None = None
        while True:
            page = await self._call(
                session, "GET", "/api/items?limit=200" + (f"&cursor={quote(cursor)}" if cursor else ""), admin
            )
            for item in page["items"]:
                self._know(item["id"], item["domain"], item["stem"], item["options"], item["key"])
                if item.get("approved_version") not in (None, item["version"]):
                    versions = await self._call(session, "GET", f"/api/items/{item['id']}/versions", admin)
                    for v in versions.get("versions", []):
                        self._know(item["id"], v["domain"], v["stem"], v["options"], v["key"])
            cursor = page.get("next_cursor")
            if not cursor:
                break
        if not self._by_stem:
            raise SimulationError("the item bank is empty")

    def _identify(self, question: dict[str, Any]) -> KnownItem | None:
        """The bank item a shown question is: same stem and the same option texts (labels may be shuffled)."""
        texts = frozenset(o["text"] for o in question["options"])
        for known in self._by_stem.get(question["stem"], []):
            if known.option_texts == texts:
                return known
        return None

    async def _blueprint_id(self, session: aiohttp.ClientSession, admin: str) -> str:
        out = await self._call(session, "GET", "/api/blueprints", admin)
        blueprints = out if isinstance(out, list) else out.get("blueprints", [])
        for bp in blueprints:
            if bp["name"] == self.blueprint or str(bp["id"]) == self.blueprint:
                return str(bp["id"])
        raise SimulationError(f"no blueprint named {self.blueprint!r}")

    async def _candidate(self, session: aiohttp.ClientSession, admin: str, i: int, run: str) -> str:
        username = f"sim-{run}-{i:05d}"
        password = secrets.token_urlsafe(12)
        await self._call(
            session,
            "POST",
            "/api/users",
            admin,
            body={
                "username": username,
                "password": password,
                "role": "candidate",
                "display_name": f"Simulated {i}",
                "group": self.group,
            },
            expect=(201,),
        )
        return await self._login(session, username, password)

    async def _sit(
        self,
        session: aiohttp.ClientSession,
        token: str,
        blueprint_id: str,
        theta: float,
        rng: np.random.Generator,
    ) -> str:
        attempt = await self._call(
            session, "POST", "/api/attempts", token, body={"blueprint_id": blueprint_id}, expect=(201,)
        )
        attempt_id = str(attempt["id"])
        right = 0
        for position in range(1, int(attempt["question_count"]) + 1):
            q = await self._call(session, "GET", f"/api/attempts/{attempt_id}/questions/{position}", token)
            known = self._identify(q)
            labels = [o["label"] for o in q["options"]]
            if known is None:
                choice = labels[int(rng.integers(0, len(labels)))]  # an item we cannot identify: a guess
            else:
                a, b = true_params(self.seed, known.item_id)
                key_label = next(o["label"] for o in q["options"] if o["text"] == known.key_text)
                if rng.random() < p_correct(theta, a, b):
                    choice = key_label
                    right += 1
                else:
                    others = [lab for lab in labels if lab != key_label]
                    choice = others[int(rng.integers(0, len(others)))]
            await self._call(
                session,
                "PUT",
                f"/api/attempts/{attempt_id}/responses/{position}",
                token,
                body={"selected": choice},
            )
        await self._call(session, "POST", f"/api/attempts/{attempt_id}/submit", token)
        self.intended[attempt_id] = right
        return attempt_id

    async def run(self, *, wait_seconds: float = 0.0, truth_file: str | None = None) -> Report:
        run = secrets.token_hex(3)
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            admin = await self._login(session, self.username, self.password)
            await self._learn_bank(session, admin)
            blueprint_id = await self._blueprint_id(session, admin)
            self.log(
                f"blueprint {self.blueprint} ({blueprint_id}); {sum(map(len, self._by_stem.values()))} "
                f"items known; {self.candidates} candidates"
            )
            gate = asyncio.Semaphore(self.concurrency)
            failures: list[str] = []

            async def one(i: int) -> None:
                async with gate:
                    try:
                        token = await self._candidate(session, admin, i, run)
                        rng = np.random.default_rng([self.seed, i])
                        attempt_id = await self._sit(session, token, blueprint_id, float(self.thetas[i]), rng)
                        self.attempts.append((attempt_id, float(self.thetas[i]), token))
                        if len(self.attempts) % 10 == 0:
                            self.log(f"{len(self.attempts)} of {self.candidates} submitted")
                    except (SimulationError, aiohttp.ClientError, TimeoutError) as exc:
                        failures.append(str(exc))

            await asyncio.gather(*(one(i) for i in range(self.candidates)))
            if failures:
                self.log(f"{len(failures)} candidate(s) failed; first: {failures[0]}")
            report = Report(
                blueprint=self.blueprint,
                candidates=self.candidates,
                submitted=len(self.attempts),
                failed=len(failures),
                mean_theta=round(float(np.mean(self.thetas)), 3) if self.candidates else 0.0,
            )
            if wait_seconds > 0 and self.attempts:
                await self._collect(session, report, wait_seconds)
        if truth_file:
            self._write_truth(truth_file)
            report.truth_file = truth_file
        return report

    async def _collect(self, session: aiohttp.ClientSession, report: Report, wait_seconds: float) -> None:
        """Wait for the results; report the pass rate and how well ability explains the score."""
        deadline = asyncio.get_running_loop().time() + wait_seconds
        percents: dict[str, float] = {}
        passed = 0
        while asyncio.get_running_loop().time() < deadline and len(percents) < len(self.attempts):
            for attempt_id, _theta, token in self.attempts:
                if attempt_id in percents:
                    continue
                out = await self._call(session, "GET", f"/api/results/{attempt_id}", token, expect=(200, 202))
                if out.get("status") == "scored":
                    percents[attempt_id] = float(out["percent"])
                    passed += bool(out["passed"])
            if len(percents) < len(self.attempts):
                await asyncio.sleep(0.5)
        report.scored, report.passed = len(percents), passed
        pairs = [(theta, percents[a]) for a, theta, _ in self.attempts if a in percents]
        if len(pairs) >= 3:
            th, pc = np.asarray(pairs).T
            if th.std() > 0 and pc.std() > 0:
                report.correlation_theta_percent = round(float(np.corrcoef(th, pc)[0, 1]), 3)

    def _write_truth(self, path: str) -> None:
        items = {}
        for entries in self._by_stem.values():
            for known in entries:
                a, b = true_params(self.seed, known.item_id)
                items[known.item_id] = {"a": a, "b": b}
        data = {
            "seed": self.seed,
            "items": items,
            "attempts": [
                {"attempt_id": a, "theta": t, "answered_right": self.intended.get(a)}
                for a, t, _ in self.attempts
            ],
        }
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
