"""A deterministic sample CPC item bank, so every content area has questions before instructors write any.

Generation is seeded with its own random.Random (never the global one): the same seed always gives
the same bank, which keeps tests and demo data reproducible, and another seed gives a different
selection and option order. Content rules live with each generator: ICD-10-CM items come from the
public-domain code set, HCPCS items from a small hand-written table, and CPT-area items never
reproduce a CPT descriptor.
"""

from __future__ import annotations

import random

from shared.domains import DOMAINS

from . import anatomy, compliance, cpt_guidelines, cpt_sections, hcpcs, icd, surgery, terminology
from ._common import LABELS, Spec, normalise, render, validate_item

__all__ = ["generate_sample_bank", "validate_item"]


def _specs_by_domain(rng: random.Random) -> dict[str, list[Spec]]:
    out: dict[str, list[Spec]] = {}
    out.update(surgery.build(rng))
    for code, builder in cpt_sections.BUILDERS.items():
        out[code] = builder(rng)
    out["TERM"] = terminology.build(rng)
    out["ANAT"] = anatomy.build(rng)
    out["ICD"] = icd.build(rng)
    out["HCPCS"] = hcpcs.build(rng)
    out["GUIDE"] = cpt_guidelines.build(rng)
    out["COMP"] = compliance.build(rng)
    return out


def generate_sample_bank(seed: int = 2026) -> list[dict]:
    """Return the sample bank as item dicts, grouped by domain in code-book order."""
    rng = random.Random(seed)
    by_domain = _specs_by_domain(rng)
    ordered: list[Spec] = []
    blocks: list[int] = []
    for domain in DOMAINS:
        specs = list(by_domain.get(domain.code, []))
        if any(s.domain != domain.code for s in specs):
            raise ValueError(f"a generator for {domain.code} produced items for another domain")
        rng.shuffle(specs)
        ordered += specs
        blocks.append(len(specs))
    # Balance the key letter within each area (each letter a quarter of the area's items, give
    # or take one) instead of leaving it to chance.
    positions: list[int] = []
    for size in blocks:
        block = [i % len(LABELS) for i in range(size)]
        rng.shuffle(block)
        positions += block
    items = [render(s, rng, pos) for s, pos in zip(ordered, positions, strict=True)]
    seen: set[str] = set()
    for item in items:
        validate_item(item)
        stem = normalise(item["stem"])
        if stem in seen:
            raise ValueError(f"duplicate stem: {stem[:80]!r}")
        seen.add(stem)
    return items
