"""Wire messages of the statistics endpoints: pass rates, score distributions, item analysis, IRT."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from scoring.wire import Id

MinN = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]

# Item fit of a calibration. Yen's Q1, not Orlando-Thissen S-X2 (which PSYCHOMETRICS.md
# names for the 2PL): S-X2 groups candidates by summed score, and on random forms the
# same summed score means different abilities on different forms. docs/scoring.md.
FitChi2 = Annotated[
    float | None,
    msgspec.Meta(
        description="Yen's Q1 item-fit chi-square: responses in 10 ability bands by the candidate's "
        "EAP without this item, each against its prediction from the candidate's other responses; "
        "df 8 (2PL) or 9 (Rasch). Not S-X2, whose summed-score groups are not comparable across "
        "random forms."
    ),
]
FitP = Annotated[
    float | None,
    msgspec.Meta(description="p-value of the Q1 item-fit chi-square (small: the item misfits the model)."),
]
AlphaIfDeleted = Annotated[
    float | None,
    msgspec.Meta(
        description="Cronbach's alpha without this item: over the candidates who saw it, the mean "
        "alpha of their own form without it (form-averaged, like KR-20 on random forms)."
    ),
]


# ---------------------------------------------------------------- pass rates


class PassRateQuery(msgspec.Struct, forbid_unknown_fields=True, rename={"from_": "from"}):
    blueprint_id: Id | None = None
    from_: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    to: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    group_by: Literal["none", "week", "month", "blueprint", "group"] = "none"
    candidate_group: Annotated[str, msgspec.Meta(max_length=80)] | None = None
    include_low_answer: bool = False  # also attempts with too few questions answered


class PassRateGroup(msgspec.Struct):
    label: str
    attempts: int
    passed: int
    pass_rate: float | None
    ci_low: float | None
    ci_high: float | None
    start: str | None = None  # for week/month groups: the period's first day
    end: str | None = None  # ... and the day after its last


class PassRates(msgspec.Struct):
    group_by: str
    groups: list[PassRateGroup]
    overall: PassRateGroup
    computed_at: str
    n_attempts: int
    low_answer_excluded: int = 0  # attempts in the selection left out for too few answers


# ---------------------------------------------------------------- scores


class ScoresQuery(msgspec.Struct, forbid_unknown_fields=True):
    blueprint_id: Id | None = None
    include_low_answer: bool = False


class HistogramBin(msgspec.Struct):
    low: float  # raw score, inclusive
    high: float  # exclusive
    count: int


class DomainMean(msgspec.Struct):
    code: str
    name: str
    items_per_form: float
    mean_percent: float | None
    sd_percent: float | None
    reliability: float | None  # the area's own KR-20: a 6-item area is a noisy subscore


class DecisionAccuracy(msgspec.Struct, kw_only=True):
    """How often a candidate would get the same pass/fail decision on a parallel form.

    `method` "rudner" (IRT, once a calibration places the blueprint's cut): `accuracy`,
    `consistency`, `theta_cut` and `calibration_id`. Before that, "subkoviak" (classical,
    from the raw scores and KR-20): `consistency` is the agreement p0, `kappa` the agreement
    beyond chance, `raw_cut` the cut it used; `accuracy`, `theta_cut`, `calibration_id` null.
    """

    method: str  # "rudner" or "subkoviak"
    accuracy: float | None
    consistency: float
    theta_cut: float | None = None
    n: int
    calibration_id: int | None = None
    kappa: float | None = None  # Subkoviak's agreement beyond chance
    raw_cut: float | None = None  # Subkoviak: the raw cut the decisions were made against


class ScoreDistribution(msgspec.Struct):
    blueprint_id: str
    blueprint_name: str
    computed_at: str
    n: int
    question_count: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    min: int | None
    max: int | None
    mean_percent: float | None
    histogram: list[HistogramBin]
    cut_score_percent: float
    raw_cut: float
    kr20: float | None
    sem: float | None
    csem_at_cut: float | None
    passed: int
    pass_rate: float | None
    cut_used: dict[str, int]
    domains: list[DomainMean]
    decision: DecisionAccuracy | None
    # Results of another length than the blueprint's current one (its latest started attempt's),
    # left out of every figure above.
    other_length_excluded: int = 0


class BlueprintSummary(msgspec.Struct):
    blueprint_id: str
    blueprint_name: str
    attempts: int
    passed: int
    pass_rate: float | None
    ci_low: float | None
    ci_high: float | None
    mean_percent: float | None
    kr20: float | None
    last_submitted_at: str | None


class BlueprintsQuery(msgspec.Struct, forbid_unknown_fields=True):
    include_low_answer: bool = False


class BlueprintSummaries(msgspec.Struct):
    blueprints: list[BlueprintSummary]
    computed_at: str
    n_attempts: int


# ---------------------------------------------------------------- items


class ItemsQuery(msgspec.Struct, forbid_unknown_fields=True):
    blueprint_id: Id | None = None
    item_id: Id | None = None
    min_n: MinN = 1
    flagged: bool | None = None
    include_low_answer: bool = False


class OptionStats(msgspec.Struct):
    label: str  # "A".."D", or "omit"
    share: float | None
    r_rest: float | None
    key: bool


class IrtParams(msgspec.Struct):
    model: str
    a: float
    b: float
    se_a: float | None
    se_b: float | None
    infit: float | None
    outfit: float | None
    fit_p: FitP
    calibration_id: int


class ItemStatsOut(msgspec.Struct):
    item_id: str
    version: int
    domain: str
    n: int
    p: float | None
    p_ci_low: float | None
    p_ci_high: float | None
    r_pb: float | None
    r_pb_corrected: float | None
    r_ci_low: float | None
    r_ci_high: float | None
    upper_lower: float | None
    alpha_if_deleted: AlphaIfDeleted
    options: list[OptionStats]
    flags: list[str]
    irt: IrtParams | None = None
    # Below the option floor (scoring/disclosure.py) each option's share and r_rest are null.
    options_suppressed: bool = False
    suppression_reason: str | None = None


class ItemStatsList(msgspec.Struct):
    items: list[ItemStatsOut]
    computed_at: str
    n_attempts: int
    min_n: int
    flag_min_n: int
    scope: str
    option_min_n: int = 10  # option-level data only for item versions with at least this many responses


# ---------------------------------------------------------------- IRT


class IrtQuery(msgspec.Struct, forbid_unknown_fields=True):
    model: Literal["2pl", "rasch"] = "2pl"


class IrtItem(msgspec.Struct):
    item_id: str
    version: int
    domain: str
    n: int
    a: float
    b: float
    se_a: float | None
    se_b: float | None
    infit: float | None
    outfit: float | None
    fit_chi2: FitChi2
    fit_p: FitP


class BlueprintCut(msgspec.Struct):
    blueprint_id: str
    reference_items: int
    cut_score_percent: float
    theta_cut: float


class Calibration(msgspec.Struct):
    calibration_id: int
    model: str
    calibrated_at: str
    n_attempts: int
    n_items: int
    converged: bool
    iterations: int
    loglik: float
    seconds: float
    blueprints: list[BlueprintCut]
    items: list[IrtItem]
    # Its link onto the reference scale (theta_ref = link_a * theta + link_b; a and b above are linked).
    linked_to: int | None = None  # None: this calibration defines the reference scale
    link_a: float = 1.0
    link_b: float = 0.0
    link_common: int = 0  # common item versions the Stocking-Lord link used


class CalibrationStatus(msgspec.Struct):
    status: Literal["calibrated", "insufficient_data"]
    detail: str
    calibration: Calibration | None = None
    min_attempts: int = 0
    min_item_responses: int = 0
    # Results the statistics count now: "Calibrate now" needs at least min_attempts of them.
    n_attempts: int = 0
