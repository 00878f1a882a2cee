"""The 17 CPC content areas, in code-book order (the order forms present them).

Counts per area for the two built-in blueprints come from the exam's published
format; see docs/domain.md for where the split of the unpublished areas is ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import msgspec


class Domain(msgspec.Struct, frozen=True):
    code: str
    name: str
    classic_count: int
    current_count: int


# Code-book order: CPT sections as printed (E/M, Anesthesia, Surgery series, Radiology,
# Pathology, Medicine), then the general areas, ICD-10-CM and HCPCS.
DOMAINS: tuple[Domain, ...] = (
    Domain("EM", "Evaluation and Management", 10, 6),
    Domain("ANES", "Anesthesia", 8, 4),
    Domain("CPT-10000", "Integumentary system (10000 series)", 10, 6),
    Domain("CPT-20000", "Musculoskeletal system (20000 series)", 10, 6),
    Domain(
        "CPT-30000",
        "Respiratory, cardiovascular, hemic & lymphatic, mediastinum & diaphragm (30000 series)",
        10,
        6,
    ),
    Domain("CPT-40000", "Digestive system (40000 series)", 10, 6),
    Domain("CPT-50000", "Urinary, male & female genital, maternity care & delivery (50000 series)", 10, 6),
    Domain("CPT-60000", "Endocrine, nervous, eye & ocular adnexa, auditory (60000 series)", 10, 6),
    Domain("RAD", "Radiology", 8, 6),
    Domain("PATH", "Pathology and Laboratory", 8, 6),
    Domain("MED", "Medicine", 8, 6),
    Domain("TERM", "Medical terminology", 8, 4),
    Domain("ANAT", "Anatomy", 8, 4),
    Domain("ICD", "ICD-10-CM", 10, 10),
    Domain("HCPCS", "HCPCS Level II", 8, 4),
    Domain("GUIDE", "Coding guidelines", 8, 7),
    Domain("COMP", "Compliance and regulatory", 6, 7),
)

DOMAIN_BY_CODE: Mapping[str, Domain] = MappingProxyType({d.code: d for d in DOMAINS})
DOMAIN_CODES: tuple[str, ...] = tuple(d.code for d in DOMAINS)
DOMAIN_ORDER: Mapping[str, int] = MappingProxyType({d.code: i for i, d in enumerate(DOMAINS)})

assert sum(d.classic_count for d in DOMAINS) == 150
assert sum(d.current_count for d in DOMAINS) == 100
