"""Linear-on-the-fly form assembly. Pure: no I/O, no clock; a seeded
`random.Random` makes it reproducible.

A form meets its blueprint exactly (so many items per domain, domains in
code-book order), uses each item at most once (one approved version per item),
and, within each domain, prefers in this order:

1. items the candidate has not seen in an earlier attempt and that are under
   the exposure limit;
2. unseen items over the exposure limit;
3. seen items under the limit;
4. seen items over the limit,

so an earlier form is repeated, or an item over-used, only where the bank
leaves no other choice. Within a tier the choice is uniformly random. Once
items have a difficulty (proportion correct), spare items of the best tier are
swapped in to bring the form's mean difficulty close to a target.

Cost: a random sample of a little more than the needed count per domain, so
the cost does not grow with the bank's size: bench/bench_delivery_assembly.py
measures about 150-350 microseconds per cpc-150 form on one core (the upper end
with seen items to avoid and difficulty steering). The whole domain is scanned
only when the sample holds too few items of the best tier.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from shared.contracts import IDENTITY_ORDER, LABELS

_PERMUTATIONS: tuple[str, ...] = tuple("".join(p) for p in itertools.permutations(LABELS))
_LABEL = f"[{''.join(LABELS)}]"  # one option label, in a pattern
# Options that point at other options ("all of the above", "A and B") only make
# sense in their written order: such items are never shuffled.
_ORDER_SENSITIVE = re.compile(
    r"\b(?:all|none|both|neither)\s+of\s+(?:the\s+)?(?:above|these|them|the\s+options)\b"
    r"|\b(?:options?\s+)?{L}\s*(?:and|or|&|,)\s*{L}\b".replace("{L}", _LABEL),
    re.IGNORECASE,
)
# Forms are kept within this distance of the target mean difficulty when the bank allows.
DIFFICULTY_TOLERANCE = 0.01


# A rationale that names options by letter would point at the wrong options once
# they are shuffled. "Answer B", "Option C", "Choice D" are relabelled for the
# order a candidate saw when the result is shown (static/result.js); any other
# letter reference ("B is wrong", "(C)", "A:") keeps the item in written order.
REFERENCE = re.compile(r"\b((?i:options?|answers?|choices?))\s+({L})\b".replace("{L}", _LABEL))
_OTHER_LETTER_REFERENCE = re.compile(
    (
        r"\b(?i:letter)\s+{L}\b"
        r"|\b{L}\s+(?i:is|was|are|were|would\s+be)\s+(?i:correct|incorrect|right|wrong|not|the|a|an|also|true|false)\b"
        r"|\(\s*{L}\s*\)"
        r"|(?:^|[\s;]){L}[):]\s"
    ).replace("{L}", _LABEL)
)


def order_sensitive(option_texts: Iterable[str], rationale: str = "") -> bool:
    """True when the item only makes sense with its options in the written order."""
    if any(_ORDER_SENSITIVE.search(text) for text in option_texts):
        return True
    return bool(_OTHER_LETTER_REFERENCE.search(REFERENCE.sub(" ", rationale)))


@dataclass(frozen=True, slots=True)
class BankItem:
    item_id: str
    version: int
    domain: str
    difficulty: float | None = None  # proportion correct, once scoring has measured it
    shuffle_ok: bool = True


class FormItem(NamedTuple):
    item_id: str
    version: int
    domain: str
    order: str  # original labels in the order shown as A..D ("ABCD": not shuffled)


@dataclass(frozen=True, slots=True)
class Shortfall:
    domain: str
    needed: int
    available: int


class BankShortfall(Exception):
    """The approved bank cannot fill the blueprint."""

    def __init__(self, short: list[Shortfall]) -> None:
        super().__init__(", ".join(f"{s.domain}: {s.available} of {s.needed}" for s in short))
        self.short = short


@dataclass(frozen=True, slots=True)
class Form:
    items: list[FormItem]
    reused_seen: int  # items the candidate had seen before (bank too small to avoid them)
    over_exposed: int  # items over the exposure limit (bank too small to avoid them)
    mean_difficulty: float | None  # over the items with a known difficulty


class Bank:
    """The approved items, one version per item (the highest), grouped by domain."""

    __slots__ = ("items", "by_domain", "mean_difficulty")

    def __init__(self, items: Iterable[BankItem]) -> None:
        best: dict[str, BankItem] = {}
        for item in items:
            held = best.get(item.item_id)
            if held is None or item.version > held.version:
                best[item.item_id] = item
        self.items: tuple[BankItem, ...] = tuple(best.values())
        grouped: dict[str, list[BankItem]] = {}
        for item in self.items:
            grouped.setdefault(item.domain, []).append(item)
        self.by_domain: dict[str, tuple[BankItem, ...]] = {d: tuple(v) for d, v in grouped.items()}
        known = [i.difficulty for i in self.items if i.difficulty is not None]
        self.mean_difficulty: float | None = sum(known) / len(known) if known else None

    def __len__(self) -> int:
        return len(self.items)

    def count(self, domain: str) -> int:
        return len(self.by_domain.get(domain, ()))

    def shortfall(self, need: Sequence[tuple[str, int]]) -> list[Shortfall]:
        return [Shortfall(code, n, self.count(code)) for code, n in need if self.count(code) < n]

    def target_for(self, need: Sequence[tuple[str, int]]) -> float | None:
        """The blueprint-weighted mean difficulty of the domains it draws from."""
        total = weight = 0.0
        for code, n in need:
            known = [i.difficulty for i in self.by_domain.get(code, ()) if i.difficulty is not None]
            if known:
                total += n * sum(known) / len(known)
                weight += n
        return total / weight if weight else None


class Exposure:
    """How many of the recent forms (at most `window`) carried each item.

    An item is over the limit once it sits on `max(1, max_share * n)` of the
    last n forms: early on (few forms) that keeps consecutive forms apart where
    the bank allows; with a full window, no item reaches `max_share` of it.
    """

    __slots__ = ("window", "max_share", "_forms", "_counts", "_held")

    def __init__(self, window: int, max_share: float) -> None:
        self.window = max(1, window)
        self.max_share = max_share
        self._forms: deque[tuple[str, ...]] = deque()
        self._counts: dict[str, int] = {}
        # Forms counted before their attempt is stored (`hold`), by id: a `reset` from the
        # database, which cannot see them yet, keeps them.
        self._held: dict[int, tuple[str, ...]] = {}

    def record(self, item_ids: Iterable[str]) -> tuple[str, ...]:
        """Count a form; return it as the token `forget` takes."""
        form = tuple(item_ids)
        self._add(form)
        return form

    def hold(self, item_ids: Iterable[str]) -> tuple[str, ...]:
        """Count a form whose attempt is about to be stored; then `settle` or `forget` the token.

        Called right after assembling (before any await), so concurrent starts
        assemble against it.
        """
        form = self.record(item_ids)
        self._held[id(form)] = form
        return form

    def settle(self, form: tuple[str, ...]) -> None:
        """The attempt of a held form is stored: a later `reset` finds it in the database."""
        self._held.pop(id(form), None)

    def forget(self, form: tuple[str, ...]) -> bool:
        """Take back a form `record` or `hold` returned (its attempt was never stored).

        A no-op when the form has left the window or a `reset` replaced it. A form
        the recording pushed out of the window is not brought back: the counts
        cover one form fewer until the next one.
        """
        self._held.pop(id(form), None)
        forms = self._forms
        for i in range(len(forms) - 1, -1, -1):  # the newest first: it was recorded moments ago
            if forms[i] is form:
                del forms[i]
                self._uncount(form)
                return True
        return False

    def reset(self, forms: Iterable[Sequence[str]]) -> None:
        """Start again from the given forms, oldest first (e.g. the database's recent forms).

        Held forms are counted again after them: their attempts are not in the
        database yet. (One stored just before the database was read counts twice
        until the next reset: too cautious, never too lax.)
        """
        self._forms.clear()
        self._counts.clear()
        for form in forms:
            self._add(tuple(form))
        for held in self._held.values():
            self._add(held)

    def _add(self, form: tuple[str, ...]) -> None:
        self._forms.append(form)
        counts = self._counts
        for item_id in form:
            counts[item_id] = counts.get(item_id, 0) + 1
        while len(self._forms) > self.window:
            self._uncount(self._forms.popleft())

    def _uncount(self, form: tuple[str, ...]) -> None:
        counts = self._counts
        for item_id in form:
            left = counts[item_id] - 1
            if left:
                counts[item_id] = left
            else:
                del counts[item_id]

    def limit(self) -> float:
        return max(1.0, self.max_share * len(self._forms))

    def count(self, item_id: str) -> int:
        return self._counts.get(item_id, 0)

    def share(self, item_id: str) -> float:
        return self._counts.get(item_id, 0) / len(self._forms) if self._forms else 0.0

    def __len__(self) -> int:
        return len(self._forms)


def assemble(
    bank: Bank,
    need: Sequence[tuple[str, int]],
    *,
    rng: random.Random,
    seen: frozenset[str] | set[str] = frozenset(),
    exposure: Exposure | None = None,
    shuffle: bool = True,
    target_difficulty: float | None = None,
    counts: Mapping[str, int] | None = None,
) -> Form:
    """One form for `need` ([(domain, count)] in code-book order). Raises BankShortfall.

    `target_difficulty` (mean proportion correct) applies only when items have
    difficulties; pass `bank.target_for(need)` to aim at the bank's own mean.
    `counts` overrides the exposure counts (for tests); normally `exposure` gives them.
    """
    short = bank.shortfall(need)
    if short:
        raise BankShortfall(short)
    if counts is None and exposure is not None:
        counts = exposure._counts  # read-only use of the live counts: no copy per form
    limit = exposure.limit() if exposure is not None else float("inf")
    targeting = target_difficulty is not None and bank.mean_difficulty is not None
    chosen: list[list[BankItem]] = []
    spares: list[list[BankItem]] = []
    reused = over = 0
    # Share of the bank expected to fall outside the best tier: sizes the first sample.
    bad_share = min(0.9, len(seen) / len(bank)) if seen and len(bank) else 0.0
    for code, k in need:
        if k <= 0:
            chosen.append([])
            spares.append([])
            continue
        items = bank.by_domain[code]
        picked, spare, tier_seen, tier_over = _pick_domain(
            items, k, rng, seen, counts, limit, targeting, bad_share
        )
        reused += tier_seen
        over += tier_over
        chosen.append(picked)
        spares.append(spare)
    if targeting:
        assert target_difficulty is not None
        _steer(chosen, spares, target_difficulty)
    form_items: list[FormItem] = []
    known: list[float] = []
    random_ = rng.random
    for (code, _), picked in zip(need, chosen, strict=True):
        for item in picked:
            order = _PERMUTATIONS[int(random_() * 24)] if shuffle and item.shuffle_ok else IDENTITY_ORDER
            form_items.append(FormItem(item.item_id, item.version, code, order))
            if item.difficulty is not None:
                known.append(item.difficulty)
    mean = sum(known) / len(known) if known else None
    return Form(items=form_items, reused_seen=reused, over_exposed=over, mean_difficulty=mean)


def _pick_domain(
    items: tuple[BankItem, ...],
    k: int,
    rng: random.Random,
    seen: frozenset[str] | set[str],
    counts: Mapping[str, int] | None,
    limit: float,
    targeting: bool,
    bad_share: float,
) -> tuple[list[BankItem], list[BankItem], int, int]:
    """k items of one domain by tier, plus spares of the best tier for difficulty steering."""
    n = len(items)
    want = 2 * k if targeting else k
    size = min(n, int(want / (1.0 - bad_share)) + max(2, k // 4))
    get = counts.get if counts is not None else None
    while True:
        sample = rng.sample(items, size)
        tiers: tuple[list[BankItem], list[BankItem], list[BankItem], list[BankItem]] = ([], [], [], [])
        if not seen and get is None:
            tiers[0].extend(sample)
        else:
            for item in sample:
                # Tier: +2 when seen by the candidate, +1 when over the exposure limit.
                t = 2 if item.item_id in seen else 0
                if get is not None and get(item.item_id, 0) >= limit:
                    t += 1
                tiers[t].append(item)
        if len(tiers[0]) >= want or size == n:
            break
        size = min(n, 2 * size)  # too few in the best tier: a larger sample (at most the whole domain)
    picked: list[BankItem] = []
    tier_seen = tier_over = 0
    for t, group in enumerate(tiers):
        take = group[: k - len(picked)]
        picked.extend(take)
        if t & 2:
            tier_seen += len(take)
        if t & 1:
            tier_over += len(take)
        if len(picked) == k:
            break
    # Spares come only from the best tier, so steering never trades a fresh item for a seen one.
    spare = tiers[0][k:] if len(tiers[0]) > k else []
    return picked, spare, tier_seen, tier_over


def _steer(chosen: list[list[BankItem]], spares: list[list[BankItem]], target: float) -> None:
    """Swap spares in (same domain) while that brings the form's mean difficulty nearer the target.

    Items without a difficulty count as on target. One pass over the spares,
    each tried against every chosen item of its domain: O(spares x k).
    """
    total = sum(len(c) for c in chosen)
    if total == 0:
        return
    devs = [[(i.difficulty - target) if i.difficulty is not None else 0.0 for i in c] for c in chosen]
    dev = sum(sum(d) for d in devs)
    tolerance = DIFFICULTY_TOLERANCE * total
    for picked, picked_dev, spare in zip(chosen, devs, spares, strict=True):
        for candidate in spare:
            if abs(dev) <= tolerance:
                return
            cand_dev = (candidate.difficulty - target) if candidate.difficulty is not None else 0.0
            # The best swap replaces the item whose deviation is closest to dev + cand_dev.
            wanted = dev + cand_dev
            best_j = min(range(len(picked_dev)), key=lambda j: abs(wanted - picked_dev[j]))
            if abs(wanted - picked_dev[best_j]) < abs(dev) - 1e-12:
                dev = wanted - picked_dev[best_j]
                picked_dev[best_j] = cand_dev
                picked[best_j] = candidate


def shown_options(order: str, options: Mapping[str, str]) -> list[tuple[str, str]]:
    """[(shown label, text)] for the original options {label: text} in form order."""
    return [(LABELS[i], options[original]) for i, original in enumerate(order)]
