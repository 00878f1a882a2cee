"""Form assembly on synthetic banks: exact blueprint, no repeats, seen items and
exposure avoided where the bank allows, difficulty steering, option shuffles."""

from __future__ import annotations

import random
import statistics
from collections import Counter

import pytest

from exam_delivery.assembly import (
    Bank,
    BankItem,
    BankShortfall,
    Exposure,
    assemble,
    order_sensitive,
    shown_options,
)
from shared.contracts import IDENTITY_ORDER, LABELS, original_label, shown_label
from shared.domains import DOMAINS

CPC150 = [(d.code, d.classic_count) for d in DOMAINS]
CODEBOOK = [d.code for d in DOMAINS]


def bank_of(
    factor: float = 3.0, difficulty: bool = False, seed: int = 0, per_domain: dict[str, int] | None = None
) -> Bank:
    rng = random.Random(seed)
    items = []
    for d in DOMAINS:
        n = per_domain.get(d.code, 0) if per_domain is not None else int(factor * d.classic_count)
        for i in range(n):
            p = rng.uniform(0.2, 0.95) if difficulty else None
            items.append(BankItem(f"{d.code}-{i}", 1, d.code, p))
    return Bank(items)


def test_form_meets_the_blueprint_exactly_in_codebook_order():
    bank = bank_of()
    form = assemble(bank, CPC150, rng=random.Random(1))
    assert len(form.items) == 150
    assert Counter(i.domain for i in form.items) == dict(CPC150)
    assert len({i.item_id for i in form.items}) == 150
    domains_in_order = [i.domain for i in form.items]
    assert domains_in_order == sorted(domains_in_order, key=CODEBOOK.index)
    assert all(i.item_id.startswith(i.domain) for i in form.items)


def test_one_version_per_item_the_highest():
    bank = Bank(
        [BankItem("x", 1, "EM"), BankItem("x", 3, "EM"), BankItem("x", 2, "EM"), BankItem("y", 1, "EM")]
    )
    assert len(bank) == 2
    form = assemble(bank, [("EM", 2)], rng=random.Random(0))
    assert sorted((i.item_id, i.version) for i in form.items) == [("x", 3), ("y", 1)]


def test_a_bank_that_cannot_fill_names_the_domains_short():
    bank = bank_of(per_domain={d.code: d.classic_count for d in DOMAINS} | {"ANES": 5, "COMP": 0})
    with pytest.raises(BankShortfall) as info:
        assemble(bank, CPC150, rng=random.Random(0))
    short = {s.domain: (s.needed, s.available) for s in info.value.short}
    assert short == {"ANES": (8, 5), "COMP": (6, 0)}


def test_seen_items_are_avoided_where_the_bank_allows():
    bank = bank_of(factor=3)
    rng = random.Random(2)
    seen: set[str] = set()
    for _ in range(3):  # three forms use the whole 3x bank without a repeat
        form = assemble(bank, CPC150, rng=rng, seen=frozenset(seen))
        ids = {i.item_id for i in form.items}
        assert not ids & seen
        assert form.reused_seen == 0
        seen |= ids
    fourth = assemble(bank, CPC150, rng=rng, seen=frozenset(seen))
    assert fourth.reused_seen == 150  # nothing fresh is left: the form is still complete


def test_only_the_shortfall_of_fresh_items_is_reused():
    bank = bank_of(per_domain={"EM": 15})
    seen = frozenset(f"EM-{i}" for i in range(8))  # 7 fresh items for 10 places
    form = assemble(bank, [("EM", 10)], rng=random.Random(3), seen=seen)
    assert form.reused_seen == 3
    assert sum(i.item_id not in seen for i in form.items) == 7


def test_exposure_keeps_every_item_under_the_share_of_recent_forms():
    bank = bank_of(factor=3)
    exposure = Exposure(window=60, max_share=0.4)
    rng = random.Random(4)
    worst_over = 0
    for _ in range(300):
        form = assemble(bank, CPC150, rng=rng, exposure=exposure)
        worst_over = max(worst_over, form.over_exposed)
        exposure.record(i.item_id for i in form.items)
    assert worst_over == 0
    assert len(exposure) == 60
    shares = [exposure.share(i.item_id) for i in bank.items]
    assert max(shares) <= 0.4 + 1e-9
    # With no control, a uniform draw from a 3x bank averages a third; the cap only trims the tail.
    assert 0.25 < statistics.mean(shares) < 0.4


def test_exposure_limit_early_on_separates_consecutive_forms():
    bank = bank_of(factor=2)
    exposure = Exposure(window=200, max_share=0.5)
    rng = random.Random(5)
    first = assemble(bank, CPC150, rng=rng, exposure=exposure)
    exposure.record(i.item_id for i in first.items)
    second = assemble(bank, CPC150, rng=rng, exposure=exposure)
    assert not {i.item_id for i in first.items} & {i.item_id for i in second.items}


def test_exposure_window_forgets_old_forms():
    exposure = Exposure(window=2, max_share=0.5)
    exposure.record(["a", "b"])
    exposure.record(["a"])
    exposure.record(["c"])
    assert exposure.count("a") == 1 and exposure.count("b") == 0 and exposure.count("c") == 1
    exposure.reset([["x"], ["x", "y"]])
    assert exposure.count("x") == 2 and exposure.count("a") == 0 and len(exposure) == 2


def test_a_forgotten_form_no_longer_counts():
    exposure = Exposure(window=10, max_share=0.5)
    kept = exposure.record(["a", "b"])
    undone = exposure.record(["a", "c"])
    twin = exposure.record(["a", "c"])  # an equal form: only the one recorded is taken back
    assert exposure.forget(undone)
    assert len(exposure) == 2 and exposure.count("a") == 2 and exposure.count("c") == 1
    assert not exposure.forget(undone), "forgetting twice is harmless"
    assert exposure.forget(twin) and exposure.forget(kept)
    assert len(exposure) == 0 and exposure.count("a") == exposure.count("b") == exposure.count("c") == 0
    stale = exposure.record(["d"])
    exposure.reset([["d"]])  # the counts were rebuilt meanwhile: the old token is gone
    assert not exposure.forget(stale) and exposure.count("d") == 1


def test_a_held_form_survives_a_reset_until_settled_or_forgotten():
    exposure = Exposure(window=10, max_share=0.5)
    stored = exposure.hold(["a", "b"])
    pending = exposure.hold(["a", "c"])
    exposure.settle(stored)
    # The database shows the stored form only: the pending one is counted again after it.
    exposure.reset([["a", "b"]])
    assert len(exposure) == 2 and exposure.count("a") == 2 and exposure.count("c") == 1
    assert exposure.forget(pending)  # its insert failed after the reset
    assert len(exposure) == 1 and exposure.count("c") == 0
    exposure.reset([["a", "b"]])
    assert len(exposure) == 1 and exposure.count("a") == 1


def test_a_form_counts_for_the_next_assembly_before_its_attempt_is_stored():
    # What a start does: record right after assembling, forget if the insert fails.
    bank = bank_of(per_domain={"EM": 4})
    exposure = Exposure(window=10, max_share=0.5)
    rng = random.Random(11)
    first = assemble(bank, [("EM", 2)], rng=rng, exposure=exposure)
    token = exposure.hold(i.item_id for i in first.items)
    second = assemble(bank, [("EM", 2)], rng=rng, exposure=exposure)
    assert not {i.item_id for i in first.items} & {i.item_id for i in second.items}
    exposure.forget(token)  # its insert failed
    assert all(exposure.count(i.item_id) == 0 for i in bank.items)


def test_difficulty_steering_keeps_forms_near_the_target():
    bank = bank_of(factor=3, difficulty=True, seed=6)
    rng = random.Random(7)
    target = 0.62
    steered = [assemble(bank, CPC150, rng=rng, target_difficulty=target).mean_difficulty for _ in range(200)]
    free = [assemble(bank, CPC150, rng=rng).mean_difficulty for _ in range(200)]
    assert all(m is not None and abs(m - target) <= 0.01 + 1e-9 for m in steered)
    assert statistics.pstdev(free) > 3 * statistics.pstdev(steered)  # type: ignore[arg-type]


def test_target_for_is_the_blueprint_weighted_bank_mean():
    items = [
        BankItem("a", 1, "EM", 0.5),
        BankItem("b", 1, "EM", 0.7),
        BankItem("c", 1, "ANES", 0.9),
        BankItem("d", 1, "ANES", None),
    ]
    bank = Bank(items)
    assert bank.target_for([("EM", 1), ("ANES", 3)]) == pytest.approx((1 * 0.6 + 3 * 0.9) / 4)
    assert Bank([BankItem("a", 1, "EM")]).target_for([("EM", 1)]) is None


def test_options_are_shuffled_per_form_unless_asked_not_to():
    bank = bank_of(factor=3)
    form = assemble(bank, CPC150, rng=random.Random(8), shuffle=True)
    orders = [i.order for i in form.items]
    assert all(sorted(o) == list("ABCD") for o in orders)
    assert len(set(orders)) > 10
    plain = assemble(bank, CPC150, rng=random.Random(8), shuffle=False)
    assert {i.order for i in plain.items} == {IDENTITY_ORDER}


def test_order_sensitive_items_keep_their_order():
    assert order_sensitive(["x", "y", "Both A and B", "All of the above"])
    assert order_sensitive(["none of these", "", "", ""])
    assert not order_sensitive(["99213", "99214", "J3420", "Modifier 25"])
    for rationale in (
        "B is wrong because the lesion is benign.",
        "Options A and B are wrong.",
        "The key (D) follows the guideline.",
        "A: excision includes the closure.",
    ):
        assert order_sensitive(["w", "x", "y", "z"], rationale), rationale
    for rationale in (
        "A 45-year-old patient needs 99214: moderate MDM.",
        "Code J3420 (vitamin B12) per unit.",
        "Laterality matters: RT and LT.",
        "'EM-1 alternative a' is right.",
        "Answer B (High) is correct. Option A (Minimal) is wrong; choice D too.",
    ):
        assert not order_sensitive(["w", "x", "y", "z"], rationale), rationale
    bank = Bank([BankItem(f"i{n}", 1, "EM", None, shuffle_ok=False) for n in range(5)])
    form = assemble(bank, [("EM", 5)], rng=random.Random(9), shuffle=True)
    assert {i.order for i in form.items} == {IDENTITY_ORDER}


def test_shown_key_and_options_follow_the_order():
    options = {"A": "alpha", "B": "beta", "C": "gamma", "D": "delta"}
    order = "CADB"  # shown A is original C, ...
    assert shown_options(order, options) == [("A", "gamma"), ("B", "alpha"), ("C", "delta"), ("D", "beta")]
    assert shown_label(order, "A") == "B"
    assert shown_label(order, "C") == "A"
    assert shown_label(IDENTITY_ORDER, "D") == "D"
    assert shown_label(list(order), "C") == "A"  # the event's option_order is a list


def test_original_label_undoes_shown_label_for_every_order():
    import itertools

    for order in ("".join(p) for p in itertools.permutations(LABELS)):
        for original in LABELS:
            assert original_label(order, shown_label(order, original)) == original
    assert original_label("CADB", "A") == "C"
    assert original_label([], "B") == "B"  # not shuffled: the label is the original


def test_same_seed_same_form_and_every_item_gets_used():
    bank = bank_of(factor=3)
    a = assemble(bank, CPC150, rng=random.Random(10))
    b = assemble(bank, CPC150, rng=random.Random(10))
    assert a == b
    rng = random.Random(11)
    used: Counter[str] = Counter()
    for _ in range(100):
        used.update(i.item_id for i in assemble(bank, CPC150, rng=rng).items)
    assert len(used) == len(bank)
    # Uniform within a domain: each item is drawn about 100/3 times.
    assert 15 < min(used.values()) and max(used.values()) < 55
