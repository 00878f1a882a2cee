"""The standard of a blueprint: its cut on the ability scale, seen and deliberately reset.

The first 2PL calibration that places a blueprint sets its standard automatically
(`scoring.analysis.calibrations`); later calibrations are linked onto the same reference
scale, so new items never move it. Only an admin's reset changes it, and every change is
audited (scoring.standard_changes: who, when, why, from what to what).

The statistics engine knows the blueprint as it is now (its question count and percent
cut) and the calibration in use; the handlers pass both in, so this layer needs only the pool.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import numpy as np
import structlog
from numpy.typing import NDArray

from scoring.analysis import calibrations
from scoring.standard import repository as repo
from scoring.standard import schemas as s
from scoring.stats import irt
from scoring.wire import iso
from shared.auth import Principal
from shared.errors import Problem, field_problem

_log = structlog.get_logger("mockcert.scoring.standard")

BlueprintNow = tuple[int, float] | None  # the blueprint's current question count and percent cut


@dataclass(frozen=True, slots=True)
class Scale:
    """The calibration in use, as far as a reset needs it."""

    calibration_id: int
    reference_form: tuple[NDArray[np.float64], NDArray[np.float64]] | None  # the blueprint's (a, b)


async def describe(pool: asyncpg.Pool, blueprint_id: str, current: BlueprintNow) -> s.Standard:
    async with pool.acquire() as conn:
        row = await repo.standard(conn, blueprint_id)
        changes = await repo.standard_changes(conn, blueprint_id)
        latest = await calibrations.latest_calibration(conn, "2pl")
        scale = await calibrations.scale_calibration(conn, "2pl")
    if row is None and current is None:
        raise field_problem("blueprint_id", "no scored attempts and no standard for this blueprint", status=404)
    link = None
    if latest is not None:
        link = s.LinkInfo(
            calibration_id=latest.id,
            calibrated_at=iso(latest.calibrated_at),
            linked_to=latest.linked_to,
            link_a=round(float(latest.link_a), 6),
            link_b=round(float(latest.link_b), 6),
            common_items=latest.link_common,
        )
    return s.Standard(
        blueprint_id=blueprint_id,
        status="set" if row is not None else "not_set",
        theta_cut=None if row is None else round(float(row.theta_cut), 6),
        cut_score_percent=None if row is None else row.cut_score_percent,
        source=None if row is None else row.source,
        calibration_id=None if row is None else row.calibration_id,
        set_at=None if row is None else iso(row.set_at),
        set_by=None if row is None else row.set_by,
        reason=None if row is None else row.reason,
        scale_calibration_id=None if scale is None else scale.id,
        linked_since=None if scale is None else iso(scale.calibrated_at),
        latest=link,
        blueprint_cut_score_percent=None if current is None else current[1],
        history=[
            s.StandardChange(
                theta_cut_before=None if c.theta_cut_before is None else round(float(c.theta_cut_before), 6),
                theta_cut_after=round(float(c.theta_cut_after), 6),
                source=c.source,
                calibration_id=c.calibration_id,
                changed_at=iso(c.changed_at),
                changed_by=c.changed_by,
                reason=c.reason,
            )
            for c in changes
        ],
    )


def new_theta(scale: Scale | None, current: BlueprintNow, body: s.StandardReset) -> tuple[float, float | None, int]:
    """The new theta_c, the percent cut it stands for (None when given as theta), the calibration."""
    if scale is None:
        raise Problem(409, "no calibration yet: the first calibration sets the standard")
    if body.mode == "theta":
        if body.theta_cut is None:
            raise field_problem("theta_cut", "required with mode theta")
        return float(body.theta_cut), None, scale.calibration_id
    ref = scale.reference_form
    if ref is None or ref[0].size == 0 or current is None:
        raise field_problem(
            "blueprint_id", "the calibration in use has no reference form for this blueprint", status=409
        )
    k, cut_percent = current
    if body.mode == "raw_cut":
        if body.raw_cut is None:
            raise field_problem("raw_cut", "required with mode raw_cut")
        if body.raw_cut >= k:
            raise field_problem("raw_cut", f"must be below the blueprint's {k} questions")
        cut_percent = 100.0 * body.raw_cut / k
    theta_c = irt.equated_theta_cut(ref[0], ref[1], cut_percent / 100.0)
    return theta_c, cut_percent, scale.calibration_id


async def reset(
    pool: asyncpg.Pool, scale: Scale | None, current: BlueprintNow, body: s.StandardReset, who: Principal
) -> None:
    """Set the blueprint's standard deliberately; the change is audited in the same transaction."""
    theta_c, cut_percent, cal_id = new_theta(scale, current, body)
    source = "rederived" if body.mode == "rederive" else body.mode
    async with pool.acquire() as conn, conn.transaction():
        before = await repo.standard_for_update(conn, body.blueprint_id)
        await repo.upsert_standard(
            conn, body.blueprint_id, theta_c, cut_percent, source, cal_id, who.id, body.reason
        )
        await calibrations.insert_standard_change(
            conn,
            body.blueprint_id,
            None if before is None else float(before.theta_cut),
            theta_c,
            source,
            cal_id,
            who.id,
            body.reason,
        )
    _log.info("standard_reset", blueprint_id=body.blueprint_id, theta_cut=round(theta_c, 4), source=source,
              by=who.id)
