"""Calibration persistence: IRT calibrations, their item parameters and reference forms,
and the standards a calibration sets.

Repository functions (`conn` first; the caller owns the transaction). A calibration
is stored on the reference scale, its parameters already moved by its link. The first
2PL calibration that places a blueprint sets the blueprint's standard here
(`store_first_standards`); after that only an admin's reset changes it
(`scoring.standard`), and both write the same audit row (`insert_standard_change`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg
import msgspec
import numpy as np

from scoring.analysis.analytics import DEFAULT_CUT_PERCENT, CalibrationRun, IrtState, Link
from scoring.rows import struct_or_none
from scoring.stats import irt
from scoring.wire import finite_or_none, iso

LATEST_CALIBRATION = """
SELECT * FROM scoring.calibrations WHERE model = $1 ORDER BY id DESC LIMIT 1
"""

# The scale's origin: the latest calibration of a model that was not linked to another.
SCALE_CALIBRATION = """
SELECT * FROM scoring.calibrations WHERE model = $1 AND linked_to IS NULL ORDER BY id DESC LIMIT 1
"""

FORM_PARAMS = """
SELECT item_version_id, a, b FROM scoring.item_params
WHERE calibration_id = $1 AND item_version_id = ANY($2::int[])
"""

REFERENCE_FORM = """
SELECT a, b FROM scoring.reference_forms WHERE calibration_id = $1 AND blueprint_id = $2
"""

INSERT_CALIBRATION = """
INSERT INTO scoring.calibrations (model, n_attempts, n_items, max_seq, converged, iterations, loglik, seconds,
                                  linked_to, link_a, link_b, link_common)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id, calibrated_at
"""

INSERT_REFERENCE_FORM = """
INSERT INTO scoring.reference_forms (calibration_id, blueprint_id, a, b) VALUES ($1, $2, $3, $4)
"""

ITEM_PARAM_COLUMNS = [
    "calibration_id", "item_version_id", "n", "a", "b", "se_a", "se_b", "infit", "outfit", "fit_chi2", "fit_p",
]

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

ALL_STANDARDS = "SELECT * FROM scoring.standards ORDER BY blueprint_id"

# The first calibration that places a blueprint sets its standard; a standard already set stays.
INSERT_STANDARD_IF_ABSENT = """
INSERT INTO scoring.standards (blueprint_id, theta_cut, cut_score_percent, source, calibration_id, set_by, reason)
VALUES ($1, $2, $3, 'first_calibration', $4, 'system', $5)
ON CONFLICT (blueprint_id) DO NOTHING
RETURNING blueprint_id
"""

INSERT_STANDARD_CHANGE = """
INSERT INTO scoring.standard_changes
    (blueprint_id, theta_cut_before, theta_cut_after, source, calibration_id, changed_by, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""


class CalibrationRow(msgspec.Struct):
    """One stored calibration run and its link onto the reference scale."""

    id: int
    model: str
    calibrated_at: dt.datetime
    n_attempts: int
    n_items: int
    max_seq: int
    converged: bool
    iterations: int
    loglik: float
    seconds: float
    linked_to: int | None  # None: this calibration defines the reference scale
    link_a: float
    link_b: float
    link_common: int


class ReferenceForm(msgspec.Struct):
    a: list[float]
    b: list[float]


async def latest_calibration(conn: asyncpg.Connection, model: str = "2pl") -> CalibrationRow | None:
    return struct_or_none(CalibrationRow, await conn.fetchrow(LATEST_CALIBRATION, model))


async def scale_calibration(conn: asyncpg.Connection, model: str = "2pl") -> CalibrationRow | None:
    return struct_or_none(CalibrationRow, await conn.fetchrow(SCALE_CALIBRATION, model))


async def form_params(
    conn: asyncpg.Connection, calibration_id: int, ids: Sequence[int]
) -> dict[int, tuple[float, float]]:
    rows = await conn.fetch(FORM_PARAMS, calibration_id, list(ids))
    return {int(r["item_version_id"]): (float(r["a"]), float(r["b"])) for r in rows}


async def reference_form(conn: asyncpg.Connection, calibration_id: int, blueprint_id: str) -> ReferenceForm | None:
    return struct_or_none(ReferenceForm, await conn.fetchrow(REFERENCE_FORM, calibration_id, blueprint_id))


async def item_params(conn: asyncpg.Connection, calibration_id: int) -> dict[int, tuple[float, float]]:
    """(a, b) of every item version the calibration kept."""
    rows = await conn.fetch(CALIBRATION_PARAMS, calibration_id)
    return {int(r["item_version_id"]): (float(r["a"]), float(r["b"])) for r in rows}


async def load_state(conn: asyncpg.Connection, row: CalibrationRow, standards: dict[str, float]) -> IrtState:
    """The stored calibration `row` as the statistics use it, aligned by item version id."""
    params = await conn.fetch(CALIBRATION_PARAMS, row.id)
    full = await conn.fetch(CALIBRATION_ITEMS, row.id)
    refs = await conn.fetch(CALIBRATION_REFERENCES, row.id)
    by_id = {int(r["item_version_id"]): r for r in full}
    ids = np.asarray([int(r["item_version_id"]) for r in params], dtype=np.int64)

    def col(name: str) -> np.ndarray:
        return np.asarray(
            [np.nan if by_id[int(i)][name] is None else by_id[int(i)][name] for i in ids], dtype=np.float64
        )

    return IrtState(
        calibration_id=row.id,
        model=row.model,
        calibrated_at=iso(row.calibrated_at),
        n_attempts=row.n_attempts,
        converged=row.converged,
        iterations=row.iterations,
        loglik=float(row.loglik),
        seconds=float(row.seconds),
        ids=ids,
        n=col("n").astype(np.int64),
        a=col("a"),
        b=col("b"),
        se_a=col("se_a"),
        se_b=col("se_b"),
        infit=col("infit"),
        outfit=col("outfit"),
        fit_chi2=col("fit_chi2"),
        fit_p=col("fit_p"),
        references={
            str(r["blueprint_id"]): (np.asarray(r["a"], dtype=np.float64), np.asarray(r["b"], dtype=np.float64))
            for r in refs
        },
        standards=dict(standards),
        linked_to=row.linked_to,
        link_a=float(row.link_a),
        link_b=float(row.link_b),
        link_common=int(row.link_common),
    )


async def try_lock(conn: asyncpg.Connection) -> bool:
    """Inside a transaction: only one replica calibrates at a time."""
    return bool(await conn.fetchval(CALIBRATION_LOCK))


async def store_run(conn: asyncpg.Connection, run: CalibrationRun, link: Link) -> int:
    """Store the run on the reference scale (its parameters moved by the link); its id."""
    fit, keep = run.fit, run.keep
    A = link.linking.A
    a, b = link.linking.apply(fit.a, fit.b)
    se_a, se_b = np.asarray(fit.se_a) / A, A * np.asarray(fit.se_b)
    row = await conn.fetchrow(
        INSERT_CALIBRATION,
        run.model,
        run.n_attempts,
        int(keep.sum()),
        run.max_seq,
        bool(fit.converged),
        int(fit.iterations),
        float(fit.loglik),
        float(run.seconds),
        link.linked_to,
        float(A),
        float(link.linking.B),
        int(link.linking.n_common),
    )
    cal_id = int(row["id"])
    records = [
        (
            cal_id,
            int(run.ids[j]),
            int(fit.n[j]),
            float(a[j]),
            float(b[j]),
            finite_or_none(se_a[j], None),
            finite_or_none(se_b[j], None),
            finite_or_none(fit.infit[j], None),
            finite_or_none(fit.outfit[j], None),
            finite_or_none(fit.fit_chi2[j], None),
            finite_or_none(fit.fit_p[j], None),
        )
        for j in np.flatnonzero(keep).tolist()
    ]
    await conn.copy_records_to_table("item_params", schema_name="scoring", records=records,
                                     columns=ITEM_PARAM_COLUMNS)
    pos = {int(i): j for j, i in enumerate(run.ids.tolist())}
    refs = []
    for blueprint_id, ids in run.references.items():
        idx = [pos[int(i)] for i in ids.tolist()]
        refs.append((cal_id, blueprint_id, [float(a[j]) for j in idx], [float(b[j]) for j in idx]))
    await conn.executemany(INSERT_REFERENCE_FORM, refs)
    return cal_id


async def store_first_standards(
    conn: asyncpg.Connection, run: CalibrationRun, link: Link, cal_id: int, cuts: dict[str, float]
) -> None:
    """A blueprint placed for the first time gets its standard from this (linked) reference form.

    `cuts`: each blueprint's current percent cut (that of its latest results)."""
    a, b = link.linking.apply(run.fit.a, run.fit.b)
    pos = {int(i): j for j, i in enumerate(run.ids.tolist())}
    for blueprint_id, ids in run.references.items():
        idx = [pos[int(i)] for i in ids.tolist()]
        if not idx:
            continue
        cut = cuts.get(blueprint_id, DEFAULT_CUT_PERCENT)
        theta_c = irt.equated_theta_cut(a[idx], b[idx], cut / 100.0)
        reason = f"first calibration: {cut:g} % of the reference form's {len(idx)} calibrated items"
        placed = await conn.fetchrow(INSERT_STANDARD_IF_ABSENT, blueprint_id, theta_c, cut, cal_id, reason)
        if placed is not None:
            await insert_standard_change(conn, blueprint_id, None, theta_c, "first_calibration", cal_id, "system",
                                         reason)


async def standards_in_force(conn: asyncpg.Connection) -> dict[str, float]:
    """Each blueprint's standard: theta_c on the reference scale."""
    return {str(r["blueprint_id"]): float(r["theta_cut"]) for r in await conn.fetch(ALL_STANDARDS)}


async def insert_standard_change(
    conn: asyncpg.Connection, blueprint_id: str, before: float | None, after: float, source: str,
    calibration_id: int, changed_by: str, reason: str,
) -> None:
    """The audit row of a change of a blueprint's standard."""
    await conn.execute(
        INSERT_STANDARD_CHANGE, blueprint_id, before, after, source, calibration_id, changed_by, reason
    )
