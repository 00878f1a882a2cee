"""Wire messages of a blueprint's standard (its cut on the ability scale)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from scoring.wire import Id


class StandardQuery(msgspec.Struct, forbid_unknown_fields=True):
    blueprint_id: Id


class StandardReset(msgspec.Struct, forbid_unknown_fields=True):
    """An admin's deliberate new standard for a blueprint.

    `rederive`: where the latest calibration's reference form has the blueprint's percent
    cut as expected score; `theta`: `theta_cut` as given; `raw_cut`: where that reference
    form's expected score is `raw_cut` points out of the blueprint's current question count.
    """

    blueprint_id: Id
    mode: Literal["rederive", "theta", "raw_cut"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    theta_cut: Annotated[float, msgspec.Meta(ge=-6.0, le=6.0)] | None = None
    raw_cut: Annotated[float, msgspec.Meta(gt=0.0, le=1000.0)] | None = None


class StandardChange(msgspec.Struct):
    theta_cut_before: float | None
    theta_cut_after: float
    source: str
    calibration_id: int
    changed_at: str
    changed_by: str
    reason: str


class LinkInfo(msgspec.Struct):
    calibration_id: int
    calibrated_at: str
    linked_to: int | None  # None: this calibration defines the reference scale
    link_a: float
    link_b: float
    common_items: int


class Standard(msgspec.Struct):
    """A blueprint's cut on the ability scale: set once, kept while the bank grows."""

    blueprint_id: str
    status: Literal["set", "not_set"]
    theta_cut: float | None
    cut_score_percent: float | None  # the percent cut it was derived from (None when set as theta)
    source: str | None  # "first_calibration", "rederived", "theta" or "raw_cut"
    calibration_id: int | None  # the calibration it was set on
    set_at: str | None
    set_by: str | None
    reason: str | None
    scale_calibration_id: int | None  # the calibration that defines the reference scale
    linked_since: str | None  # when that calibration ran: every later one is linked onto its scale
    latest: LinkInfo | None  # the calibration in use and its link
    blueprint_cut_score_percent: float | None  # the blueprint's percent cut on its latest results
    history: list[StandardChange]
