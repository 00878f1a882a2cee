"""SQL of the scoring service. Functions take `conn` first; callers own transactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import asyncpg

INSERT_EVENT = """
INSERT INTO scoring.events (event_id, attempt_id) VALUES ($1, $2)
ON CONFLICT DO NOTHING
RETURNING event_id
"""

# Insert only the versions not yet known (so the id sequence is not burned on
# every event), in a fixed order so concurrent events cannot deadlock.
UPSERT_ITEM_VERSIONS = """
INSERT INTO scoring.item_versions (item_id, version, domain, key, rationale)
SELECT u.item_id, u.version, u.domain, u.key, u.rationale
FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[])
     AS u(item_id, version, domain, key, rationale)
WHERE NOT EXISTS (
    SELECT 1 FROM scoring.item_versions iv WHERE iv.item_id = u.item_id AND iv.version = u.version)
ORDER BY u.item_id, u.version
ON CONFLICT (item_id, version) DO NOTHING
"""

ITEM_VERSION_IDS = """
SELECT u.ord, iv.id
FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS u(item_id, version, ord)
JOIN scoring.item_versions iv ON iv.item_id = u.item_id AND iv.version = u.version
ORDER BY u.ord
"""

LATEST_CALIBRATION = """
SELECT * FROM scoring.calibrations WHERE model = $1 ORDER BY id DESC LIMIT 1
"""

CALIBRATION_BY_ID = "SELECT * FROM scoring.calibrations WHERE id = $1"

FORM_PARAMS = """
SELECT item_version_id, a, b FROM scoring.item_params
WHERE calibration_id = $1 AND item_version_id = ANY($2::int[])
"""

REFERENCE_FORM = """
SELECT a, b FROM scoring.reference_forms WHERE calibration_id = $1 AND blueprint_id = $2
"""

INSERT_RESULT = """
INSERT INTO scoring.results (
    attempt_id, event_id, candidate_id, candidate_group, blueprint_id, blueprint_name,
    question_count, answered_count, raw_score, percent, passed, blueprint_cut_percent,
    cut_used, cut_score_percent, raw_cut, scaled_score, theta, theta_se, calibration_id,
    started_at, submitted_at, time_limit_seconds, submitted_by, domains, item_ix, choices, keys, orders,
    review_mode, review_after, low_answer)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)
"""

GET_RESULT = "SELECT * FROM scoring.results WHERE attempt_id = $1"

ITEM_VERSIONS_BY_IDS = """
SELECT id, item_id, version, domain, key, rationale FROM scoring.item_versions WHERE id = ANY($1::int[])
"""

ALL_ITEM_VERSIONS = "SELECT id, item_id, version, domain, key FROM scoring.item_versions ORDER BY id"

RESULT_SUMMARY_COLUMNS = """
seq, attempt_id, candidate_id, candidate_group, blueprint_id, blueprint_name, raw_score, question_count,
percent, passed, cut_used, scaled_score, submitted_at, theta, theta_se, low_answer
"""

LIST_RESULTS = f"""
SELECT {RESULT_SUMMARY_COLUMNS} FROM scoring.results
WHERE ($1::text IS NULL OR candidate_id = $1)
  AND ($2::text IS NULL OR blueprint_id = $2)
  AND ($3::bigint IS NULL OR seq < $3)
ORDER BY seq DESC
LIMIT $4
"""

# The statistics' read model: scalar columns plus the compact form. `seq` is
# taken at insert, so a result may commit after one with a higher seq: the
# reader asks again for the seqs it has not seen below the highest it has.
FRAME_ROWS = """
SELECT seq, blueprint_id, blueprint_name, candidate_group,
       extract(epoch FROM submitted_at)::float8 AS submitted,
       extract(epoch FROM started_at)::float8 AS started, passed, raw_score, question_count,
       cut_used, blueprint_cut_percent, calibration_id, item_ix, choices, low_answer
FROM scoring.results
WHERE seq > $1 OR seq = ANY($2::bigint[])
ORDER BY seq
LIMIT $3
"""

INSERT_CALIBRATION = """
INSERT INTO scoring.calibrations (model, n_attempts, n_items, max_seq, converged, iterations, loglik, seconds,
                                  linked_to, link_a, link_b, link_common)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id, calibrated_at
"""

# The scale's origin: the latest calibration of a model that was not linked to another.
SCALE_CALIBRATION = """
SELECT * FROM scoring.calibrations WHERE model = $1 AND linked_to IS NULL ORDER BY id DESC LIMIT 1
"""

ALL_STANDARDS = "SELECT * FROM scoring.standards ORDER BY blueprint_id"

STANDARD_FOR_UPDATE = "SELECT * FROM scoring.standards WHERE blueprint_id = $1 FOR UPDATE"

# The first calibration that places a blueprint sets its standard; a standard already set stays.
INSERT_STANDARD_IF_ABSENT = """
INSERT INTO scoring.standards (blueprint_id, theta_cut, cut_score_percent, source, calibration_id, set_by, reason)
VALUES ($1, $2, $3, 'first_calibration', $4, 'system', $5)
ON CONFLICT (blueprint_id) DO NOTHING
RETURNING blueprint_id
"""

UPSERT_STANDARD = """
INSERT INTO scoring.standards (blueprint_id, theta_cut, cut_score_percent, source, calibration_id, set_by, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (blueprint_id) DO UPDATE SET
    theta_cut = EXCLUDED.theta_cut, cut_score_percent = EXCLUDED.cut_score_percent, source = EXCLUDED.source,
    calibration_id = EXCLUDED.calibration_id, set_at = now(), set_by = EXCLUDED.set_by, reason = EXCLUDED.reason
RETURNING *
"""

INSERT_STANDARD_CHANGE = """
INSERT INTO scoring.standard_changes
    (blueprint_id, theta_cut_before, theta_cut_after, source, calibration_id, changed_by, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""

STANDARD_CHANGES = """
SELECT * FROM scoring.standard_changes WHERE blueprint_id = $1 ORDER BY id DESC LIMIT $2
"""

CALIBRATION_ITEMS = """
SELECT p.*, iv.item_id, iv.version, iv.domain
FROM scoring.item_params p JOIN scoring.item_versions iv ON iv.id = p.item_version_id
WHERE p.calibration_id = $1
ORDER BY iv.item_id, iv.version
"""

CALIBRATION_PARAMS = """
SELECT item_version_id, a, b, se_a, se_b, infit, outfit, fit_p FROM scoring.item_params
WHERE calibration_id = $1
"""

CALIBRATION_REFERENCES = """
SELECT blueprint_id, a, b FROM scoring.reference_forms WHERE calibration_id = $1 ORDER BY blueprint_id
"""

CALIBRATION_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('mockcert-scoring-calibration'))"


async def insert_event(conn: asyncpg.Connection, event_id: str, attempt_id: str) -> bool:
    """True when new; False when this event or another event for the attempt is already stored."""
    return await conn.fetchval(INSERT_EVENT, event_id, attempt_id) is not None


async def item_version_ids(
    conn: asyncpg.Connection,
    item_ids: Sequence[str],
    versions: Sequence[int],
    domains: Sequence[str],
    keys: Sequence[str],
    rationales: Sequence[str],
) -> list[int]:
    """Ids of the given item versions, in input order, registering the unknown ones."""
    await conn.execute(
        UPSERT_ITEM_VERSIONS, list(item_ids), list(versions), list(domains), list(keys), list(rationales)
    )
    rows = await conn.fetch(ITEM_VERSION_IDS, list(item_ids), list(versions))
    return [int(r["id"]) for r in rows]


async def latest_calibration(conn: asyncpg.Connection, model: str = "2pl") -> asyncpg.Record | None:
    return await conn.fetchrow(LATEST_CALIBRATION, model)


async def calibration_by_id(conn: asyncpg.Connection, calibration_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(CALIBRATION_BY_ID, calibration_id)


async def form_params(conn: asyncpg.Connection, calibration_id: int, ids: Sequence[int]) -> dict[int, tuple]:
    rows = await conn.fetch(FORM_PARAMS, calibration_id, list(ids))
    return {int(r["item_version_id"]): (float(r["a"]), float(r["b"])) for r in rows}


async def reference_form(
    conn: asyncpg.Connection, calibration_id: int, blueprint_id: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(REFERENCE_FORM, calibration_id, blueprint_id)


async def insert_result(conn: asyncpg.Connection, values: Sequence[Any]) -> None:
    await conn.execute(INSERT_RESULT, *values)


async def get_result(conn: asyncpg.Connection, attempt_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(GET_RESULT, attempt_id)


async def item_versions_by_ids(conn: asyncpg.Connection, ids: Sequence[int]) -> dict[int, asyncpg.Record]:
    rows = await conn.fetch(ITEM_VERSIONS_BY_IDS, list(set(ids)))
    return {int(r["id"]): r for r in rows}


async def all_item_versions(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(ALL_ITEM_VERSIONS)


async def list_results(
    conn: asyncpg.Connection,
    candidate_id: str | None,
    blueprint_id: str | None,
    before_seq: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    return await conn.fetch(LIST_RESULTS, candidate_id, blueprint_id, before_seq, limit)


async def frame_rows(
    conn: asyncpg.Connection, after_seq: int, missing: Sequence[int], limit: int
) -> list[asyncpg.Record]:
    return await conn.fetch(FRAME_ROWS, after_seq, list(missing), limit)


async def try_calibration_lock(conn: asyncpg.Connection) -> bool:
    """Inside a transaction: only one replica calibrates at a time."""
    return bool(await conn.fetchval(CALIBRATION_LOCK))


async def insert_calibration(
    conn: asyncpg.Connection,
    model: str,
    n_attempts: int,
    n_items: int,
    max_seq_: int,
    converged: bool,
    iterations: int,
    loglik: float,
    seconds: float,
    linked_to: int | None = None,
    link_a: float = 1.0,
    link_b: float = 0.0,
    link_common: int = 0,
) -> tuple[int, dt.datetime]:
    row = await conn.fetchrow(
        INSERT_CALIBRATION, model, n_attempts, n_items, max_seq_, converged, iterations, loglik, seconds,
        linked_to, link_a, link_b, link_common,
    )
    return int(row["id"]), row["calibrated_at"]


async def copy_item_params(conn: asyncpg.Connection, records: list[tuple]) -> None:
    await conn.copy_records_to_table(
        "item_params",
        schema_name="scoring",
        records=records,
        columns=[
            "calibration_id",
            "item_version_id",
            "n",
            "a",
            "b",
            "se_a",
            "se_b",
            "infit",
            "outfit",
            "fit_chi2",
            "fit_p",
        ],
    )


async def insert_reference_forms(conn: asyncpg.Connection, records: list[tuple]) -> None:
    await conn.executemany(
        "INSERT INTO scoring.reference_forms (calibration_id, blueprint_id, a, b) VALUES ($1, $2, $3, $4)",
        records,
    )


async def calibration_items(conn: asyncpg.Connection, calibration_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(CALIBRATION_ITEMS, calibration_id)


async def calibration_params(conn: asyncpg.Connection, calibration_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(CALIBRATION_PARAMS, calibration_id)


async def calibration_references(conn: asyncpg.Connection, calibration_id: int) -> list[asyncpg.Record]:
    return await conn.fetch(CALIBRATION_REFERENCES, calibration_id)


async def scale_calibration(conn: asyncpg.Connection, model: str = "2pl") -> asyncpg.Record | None:
    return await conn.fetchrow(SCALE_CALIBRATION, model)


async def all_standards(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(ALL_STANDARDS)


async def standard_for_update(conn: asyncpg.Connection, blueprint_id: str) -> asyncpg.Record | None:
    """Inside a transaction: the blueprint's standard, locked until the transaction ends."""
    return await conn.fetchrow(STANDARD_FOR_UPDATE, blueprint_id)


async def insert_standard_if_absent(
    conn: asyncpg.Connection, blueprint_id: str, theta_cut: float, cut_percent: float, calibration_id: int,
    reason: str,
) -> bool:
    """True when this set the blueprint's first standard."""
    row = await conn.fetchrow(INSERT_STANDARD_IF_ABSENT, blueprint_id, theta_cut, cut_percent, calibration_id, reason)
    return row is not None


async def upsert_standard(
    conn: asyncpg.Connection, blueprint_id: str, theta_cut: float, cut_percent: float | None, source: str,
    calibration_id: int, set_by: str, reason: str,
) -> asyncpg.Record:
    return await conn.fetchrow(
        UPSERT_STANDARD, blueprint_id, theta_cut, cut_percent, source, calibration_id, set_by, reason
    )


async def insert_standard_change(
    conn: asyncpg.Connection, blueprint_id: str, before: float | None, after: float, source: str,
    calibration_id: int, changed_by: str, reason: str,
) -> None:
    await conn.execute(
        INSERT_STANDARD_CHANGE, blueprint_id, before, after, source, calibration_id, changed_by, reason
    )


async def standard_changes(conn: asyncpg.Connection, blueprint_id: str, limit: int = 50) -> list[asyncpg.Record]:
    return await conn.fetch(STANDARD_CHANGES, blueprint_id, limit)


STANDARD_BY_BLUEPRINT = "SELECT * FROM scoring.standards WHERE blueprint_id = $1"


async def standard(conn: asyncpg.Connection, blueprint_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(STANDARD_BY_BLUEPRINT, blueprint_id)
