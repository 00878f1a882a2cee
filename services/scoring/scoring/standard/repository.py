"""SQL of the standards: each blueprint's cut on the ability scale and its audited changes.

The first standard of a blueprint is written with its first calibration
(`scoring.analysis.calibrations`); the audit row of any change is written there too
(`insert_standard_change`). Functions take `conn` first; callers own transactions."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from scoring.rows import struct_of, struct_or_none

STANDARD_BY_BLUEPRINT = "SELECT * FROM scoring.standards WHERE blueprint_id = $1"

STANDARD_FOR_UPDATE = "SELECT * FROM scoring.standards WHERE blueprint_id = $1 FOR UPDATE"

UPSERT_STANDARD = """
INSERT INTO scoring.standards (blueprint_id, theta_cut, cut_score_percent, source, calibration_id, set_by, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (blueprint_id) DO UPDATE SET
    theta_cut = EXCLUDED.theta_cut, cut_score_percent = EXCLUDED.cut_score_percent, source = EXCLUDED.source,
    calibration_id = EXCLUDED.calibration_id, set_at = now(), set_by = EXCLUDED.set_by, reason = EXCLUDED.reason
RETURNING *
"""

STANDARD_CHANGES = """
SELECT * FROM scoring.standard_changes WHERE blueprint_id = $1 ORDER BY id DESC LIMIT $2
"""


class StandardRow(msgspec.Struct):
    blueprint_id: str
    theta_cut: float
    cut_score_percent: float | None
    source: str
    calibration_id: int
    set_at: dt.datetime
    set_by: str
    reason: str


class StandardChangeRow(msgspec.Struct):
    theta_cut_before: float | None
    theta_cut_after: float
    source: str
    calibration_id: int
    changed_at: dt.datetime
    changed_by: str
    reason: str


async def standard(conn: asyncpg.Connection, blueprint_id: str) -> StandardRow | None:
    return struct_or_none(StandardRow, await conn.fetchrow(STANDARD_BY_BLUEPRINT, blueprint_id))


async def standard_for_update(conn: asyncpg.Connection, blueprint_id: str) -> StandardRow | None:
    """Inside a transaction: the blueprint's standard, locked until the transaction ends."""
    return struct_or_none(StandardRow, await conn.fetchrow(STANDARD_FOR_UPDATE, blueprint_id))


async def upsert_standard(
    conn: asyncpg.Connection, blueprint_id: str, theta_cut: float, cut_percent: float | None, source: str,
    calibration_id: int, set_by: str, reason: str,
) -> StandardRow:
    row = await conn.fetchrow(
        UPSERT_STANDARD, blueprint_id, theta_cut, cut_percent, source, calibration_id, set_by, reason
    )
    return struct_of(StandardRow, row)


async def standard_changes(
    conn: asyncpg.Connection, blueprint_id: str, limit: int = 50
) -> list[StandardChangeRow]:
    return [struct_of(StandardChangeRow, r) for r in await conn.fetch(STANDARD_CHANGES, blueprint_id, limit)]
