"""The item linter: what a certified coder would object to in an item, found without I/O.

`lint_item` checks one item (the codes in its options, its form, the cues in its wording) and
returns findings, each naming the field it concerns (`options[2].text`, `stem`, `key`) so an
editor can show it next to that field. `lint_bank` measures a whole bank per content area
(code-selection share, templates, key balance, the longest-option cue, near-duplicates) against
the targets of docs/item-bank.md; `format_report` renders that table as text.

Errors are things that are wrong (an invalid or non-billable ICD-10-CM code, an unknown
modifier, two keys, repeated options); warnings are cues and shapes a reviewer should look at.
Codes follow the shared definitions: a code string is one or more codes joined by ", ", each
with optional two-character modifiers ("-51") and units (" x 2").
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any, Literal

import msgspec

from shared.contracts import LABELS
from shared.domains import DOMAIN_BY_CODE, DOMAINS

with warnings.catch_warnings():
    # The package reads its data through a deprecated importlib.resources call (not ours to fix).
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as cm

# The ICD-10-CM release simple-icd-10-cm ships (the April 1, 2026 update of the FY2026 code set).
ICD_CODE_SET_YEAR = 2026

Level = Literal["error", "warning"]


class Finding(msgspec.Struct, frozen=True):
    level: Level
    field: str
    rule: str
    message: str


# ------------------------------------------------------------------ codes

_CODE = r"(?:\d{5}|\d{4}[FTU]|[A-V]\d{4}|[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)"
_PART_RE = re.compile(rf"^(?P<code>{_CODE})(?P<mods>(?:-[0-9A-Z]{{2}})*)(?: x (?P<units>[1-9]\d{{0,3}}))?$")
# Looks like a code someone meant to write (for format messages), but may be malformed.
_LOOSE_PART_RE = re.compile(r"^(?=[0-9A-Za-z.]*\d)[0-9A-Za-z][0-9A-Za-z.]{2,9}(?:-[0-9A-Za-z]{1,4})*(?: x \d+)?$")
_CODE_IN_TEXT_RE = re.compile(rf"(?<![\w.-]){_CODE}(?:-[0-9A-Z]{{2}})*(?![\w])")
_MODIFIER_OPTION_RE = re.compile(r"^modifiers? (?P<mods>[0-9A-Z]{2}(?:(?:, | and | ?- ?| )[0-9A-Z]{2})*)$", re.I)
_BARE_MODIFIER_RE = re.compile(r"^[0-9A-Z]{2}$")

CPT_MODIFIERS = frozenset(
    "22 23 24 25 26 27 32 33 47 50 51 52 53 54 55 56 57 58 59 62 63 66 73 74 76 77 78 79 80 81 82 "
    "90 91 92 93 95 96 97 99 1P 2P 3P 8P".split()
)
PHYSICAL_STATUS = frozenset(f"P{n}" for n in range(1, 7))
HCPCS_MODIFIERS = frozenset(
    (
        "AA AD QK QX QY QZ QS G8 G9 "  # anesthesia
        "E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 TA T1 T2 T3 T4 T5 T6 T7 T8 T9 LT RT "  # anatomic
        "LC LD LM RC RI "  # coronary arteries
        "XE XS XP XU "  # distinct services
        "GA GX GY GZ GC GE GG GH GJ GN GO GP GT GQ GV GW GL "  # notices, teaching, therapy, hospice
        "JA JB JG JW JZ "  # drugs
        "KX KH KI KJ KO KP KQ KS KF KE "  # DME and requirements met
        "NU RR UE MS RA RB CG CO CQ CR CS "  # DME purchase/rental, therapy assistants, disaster
        "TC SA SB SL SG AS AI AH AF AG AJ AK AM AE AT AQ AR "  # components, non-physician practitioners
        "FS FT FX FY PO PN PD PT TH TS TT TW ST SU SS "  # split/shared, imaging, facility, obstetric
        "Q0 Q1 Q5 Q6 QW QJ QN QM QL 25 95 93"  # trials, locum, CLIA-waived
    ).split()
)
# Ambulance origin and destination: two letters from D E G H I J N P R S (X: destination only).
AMBULANCE_MODIFIERS = frozenset(a + b for a in "DEGHIJNPRS" for b in "DEGHIJNPRSX")
KNOWN_MODIFIERS = CPT_MODIFIERS | PHYSICAL_STATUS | HCPCS_MODIFIERS | AMBULANCE_MODIFIERS

# Add-on codes (reported with a primary code, never with modifier 51): a well-known subset, not the whole set.
ADD_ON_CODES = frozenset(
    (
        "11008 11045 11046 11047 11201 11732 11922 15003 15005 15101 15116 15121 15136 15151 15152 15156 "
        "15157 15201 15221 15241 15261 15272 15274 15276 15278 17003 17312 17314 17315 19001 19082 19084 "
        "19086 19126 19282 19284 19286 19288 22103 22116 22216 22226 22328 22512 22515 22552 22585 22614 "
        "22632 22634 22840 22841 22842 22843 22844 22845 22846 22847 22848 22853 22854 22858 22859 22870 "
        "27358 32501 33225 34812 36218 36227 36228 36248 37185 37186 37222 37223 37232 37233 37234 37235 "
        "37237 37239 37247 37249 38746 38900 43273 43283 43338 44015 44121 44128 44139 44203 44213 44701 "
        "44955 47001 49326 49327 49412 49435 50606 50705 50706 51797 52442 58110 58611 59525 60512 61517 "
        "61781 61782 61783 61797 61799 61864 61868 62148 62160 63035 63043 63044 63048 63057 63066 63076 "
        "63078 63082 63086 63088 63091 63103 63295 63308 64462 64480 64484 64491 64492 64494 64495 64634 "
        "64636 64643 64645 64727 64778 64783 64787 64832 64837 64859 64872 64874 64876 64901 64902 65757 "
        "66990 67225 67320 67331 67332 67334 67335 67340 69990 74301 75774 76802 76810 76812 76814 76937 "
        "77001 77063 77293 88177 88185 88311 88314 88334 88341 88350 88364 88369 88373 90461 90472 90474 "
        "90785 90833 90836 90838 90840 90863 92921 92925 92929 92934 92938 92944 93320 93321 93325 93352 "
        "93463 93464 93563 93564 93565 93566 93567 93568 93571 93572 93609 93613 93621 93622 93623 93655 "
        "93657 93662 95873 95874 95885 95886 95887 95940 95941 96361 96366 96367 96368 96370 96371 96375 "
        "96376 96411 96415 96417 96423 96570 96571 97546 97598 97811 97814 99100 99116 99135 99140 99153 "
        "99157 99292 99417 99418"
    ).split()
)
# Modifier-51-exempt codes (CPT Appendix E): a subset.
MODIFIER_51_EXEMPT = frozenset(
    "17004 20974 20975 31500 36620 44500 61107 93600 93602 93603 93610 93612 93615 93616 93618 93619 "
    "93620 93631 93640 93641 93642 95900 95907 95908 95909 95910 95911 95912 95913 99151 99152".split()
)

# CPT sections by code number (shared definitions). Category I codes only.
_SURGERY_SERIES = {
    "CPT-10000": (10004, 19999),
    "CPT-20000": (20000, 29999),
    "CPT-30000": (30000, 39999),
    "CPT-40000": (40000, 49999),
    "CPT-50000": (50000, 59999),
    "CPT-60000": (60000, 69990),
}
AREA_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "EM": ((99202, 99499),),
    "ANES": ((100, 1999), (99100, 99140)),
    **{area: (span,) for area, span in _SURGERY_SERIES.items()},
    "RAD": ((70010, 79999),),
    "PATH": ((80047, 89398),),
    "MED": ((90281, 99199), (99500, 99607)),
}
SECTION_NAMES = {
    "EM": "Evaluation and Management (99202-99499)",
    "ANES": "Anesthesia (00100-01999, 99100-99140)",
    "CPT-10000": "Surgery 10000 series (10004-19999)",
    "CPT-20000": "Surgery 20000 series (20000-29999)",
    "CPT-30000": "Surgery 30000 series (30000-39999)",
    "CPT-40000": "Surgery 40000 series (40000-49999)",
    "CPT-50000": "Surgery 50000 series (50000-59999)",
    "CPT-60000": "Surgery 60000 series (60000-69990)",
    "RAD": "Radiology (70010-79999)",
    "PATH": "Pathology and Laboratory (80047-89398, PLA ...U)",
    "MED": "Medicine (90281-99199, 99500-99607)",
}
CPT_AREAS = tuple(AREA_RANGES)


class Code(msgspec.Struct, frozen=True):
    code: str
    kind: Literal["cpt", "cpt2", "cpt3", "pla", "hcpcs", "icd"]
    modifiers: tuple[str, ...]
    units: int | None


def code_kind(code: str) -> Literal["cpt", "cpt2", "cpt3", "pla", "hcpcs", "icd"]:
    if code.isdigit():
        return "cpt"
    if code[:4].isdigit():
        return {"F": "cpt2", "T": "cpt3"}.get(code[4], "pla")  # type: ignore[return-value]
    if len(code) == 5 and code[1:].isdigit() and "." not in code:
        return "hcpcs"
    return "icd"


def parse_code_string(text: str) -> list[Code] | None:
    """The codes of a code-string option ("11603, 12032-51", "J3420 x 2"), or None if it is not one."""
    parts = text.strip().split(", ")
    out: list[Code] = []
    for part in parts:
        match = _PART_RE.match(part)
        if match is None:
            return None
        code = match["code"]
        mods = tuple(m for m in match["mods"].split("-") if m)
        units = int(match["units"]) if match["units"] else None
        out.append(Code(code=code, kind=code_kind(code), modifiers=mods, units=units))
    return out


def cpt_area_of(number: int) -> str | None:
    """The CPT area whose section holds a Category I code number (None: no section)."""
    for area, spans in AREA_RANGES.items():
        if any(lo <= number <= hi for lo, hi in spans):
            return area
    return None


def in_area(code: Code, area: str) -> bool:
    if code.kind == "pla":
        return area == "PATH"
    if code.kind != "cpt":
        return False
    return any(lo <= int(code.code) <= hi for lo, hi in AREA_RANGES[area])


def _malformed_message(part: str, domain: str) -> str:
    token = part.split(" x ")[0]
    code, _, mods = token.partition("-")
    bad_mods = [m for m in mods.split("-") if m and len(m) != 2]
    if bad_mods:
        return f"{part!r}: a modifier has two characters ({'-'.join(bad_mods)!r})"
    if code != code.upper():
        return f"{part!r}: codes are written in capital letters ({code.upper()})"
    if "." in code:
        return (f"{code!r} is not an ICD-10-CM code: a letter, a digit, a character, then a dot and "
                f"up to four characters")
    if code[:1].isalpha():
        dotted = code[:3] + "." + code[3:]
        if domain != "HCPCS" and len(code) > 3 and cm.is_valid_item(dotted):
            return f"{code!r}: an ICD-10-CM code is written with its dot ({dotted})"
        if code[0] in "WXYZ" and len(code) == 5:
            return f"{code!r} is not a HCPCS Level II code: the letter is A to V"
        return f"{code!r} is not a HCPCS Level II code (one letter A-V and four digits) nor an ICD-10-CM code"
    return f"{code!r} is not a CPT code: five digits, or four digits and F, T or U"


def _icd_problem(code: str) -> str | None:
    """None if the code is valid and billable; otherwise what is wrong, in words a coder acts on."""
    if cm.is_valid_item(code):
        if cm.is_leaf(code):
            return None
        children = cm.get_children(code)
        if children and all(len(c.replace(".", "")) == 7 for c in children):
            letters = ", ".join(c[-1] for c in children[:6])
            return f"{code} needs a 7th character ({letters}{', ...' if len(children) > 6 else ''})"
        sample = ", ".join(children[:3])
        return f"{code} is not billable: it has children ({sample}{', ...' if len(children) > 3 else ''})"
    bare = code.replace(".", "")
    if len(bare) == 7:
        base = bare[:6].rstrip("X")
        # A short code with a 7th character needs placeholder X up to the sixth place.
        candidate = base.ljust(6, "X") + bare[6]
        candidate = candidate[:3] + "." + candidate[3:]
        if candidate != code and cm.is_valid_item(candidate):
            return f"{code} is not a code: the 7th character needs placeholder X ({candidate})"
        stem6 = bare[:6]
        stem6 = stem6[:3] + "." + stem6[3:]
        if cm.is_valid_item(stem6) and not cm.get_seven_chr_def(stem6) and cm.is_leaf(stem6):
            return f"{code} is not a code: {stem6} takes no 7th character"
    if 4 <= len(bare) < 7 and cm.is_valid_item(bare[:3]):
        # A 7th character written too early: placeholder X fills the empty places before it.
        for places in combinations(range(3, len(bare)), 7 - len(bare)):
            chars = list(bare[:-1])
            for offset, place in enumerate(places):
                chars.insert(place + offset, "X")
            padded = "".join(chars)[:6].ljust(6, "X") + bare[-1]
            padded = padded[:3] + "." + padded[3:]
            if cm.is_valid_item(padded) and cm.is_leaf(padded):
                return f"{code} is not a code: the 7th character needs placeholder X ({padded})"
    if "." not in code and len(code) > 3:
        dotted = code[:3] + "." + code[3:]
        if cm.is_valid_item(dotted):
            return f"{code}: write the dot ({dotted})"
    return f"{code} is an unknown ICD-10-CM code"


def icd_title(code: str) -> str:
    return cm.get_description(code) if cm.is_valid_item(code) else ""


# ------------------------------------------------------------------ item access


class LintItem(msgspec.Struct, frozen=True):
    domain: str
    stem: str
    options: tuple[str, ...]
    labels: tuple[str, ...]
    key: str
    code_set_year: int | None = None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def as_lint_item(item: Any) -> LintItem:
    """Read an item dict, an ItemIn/ItemContent, or anything with the same fields."""
    labels: list[str] = []
    texts: list[str] = []
    for i, opt in enumerate(_get(item, "options", ()) or ()):
        if isinstance(opt, (tuple, list)) and len(opt) == 2:
            label, text = opt
        else:
            label, text = _get(opt, "label", LABELS[i] if i < 4 else "?"), _get(opt, "text", "")
        labels.append(str(label))
        texts.append(str(text or ""))
    return LintItem(
        domain=str(_get(item, "domain", "") or "").strip(),
        stem=str(_get(item, "stem", "") or ""),
        options=tuple(texts),
        labels=tuple(labels),
        key=str(_get(item, "key", "") or "").strip(),
        code_set_year=_get(item, "code_set_year"),
    )


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _words(text: str) -> str:
    return " " + " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()) + " "


_ABOVE_RE = re.compile(r"\b(all|none|both|neither) of the (above|options|answers)\b", re.I)


def key_index(item: LintItem) -> int | None:
    if item.key in item.labels:
        return item.labels.index(item.key)
    return None


def is_code_selection(codes: Sequence[list[Code] | None]) -> bool:
    return len(codes) == 4 and all(c is not None for c in codes)


# ------------------------------------------------------------------ one item


def lint_item(item: Any) -> list[Finding]:
    """Every finding on one item, errors first, each naming its field."""
    it = item if isinstance(item, LintItem) else as_lint_item(item)
    findings: list[Finding] = []
    add = findings.append

    # --- the key
    key = it.key
    letters = re.findall(r"[A-Za-z]", key)
    if len(letters) > 1 or re.search(r"[,;/&+]| and ", key):
        add(Finding("error", "key", "one-key", f"an item has exactly one key; {key!r} names {len(letters)}"))
    elif key not in LABELS:
        add(Finding("error", "key", "one-key", "the key must be one of A, B, C, D"))
    elif key not in it.labels:
        add(Finding("error", "key", "one-key", f"no option is labelled {key}"))
    if len(it.options) != 4:
        add(Finding("error", "options", "four-options", f"exactly four options A-D (got {len(it.options)})"))

    # --- options distinct, no "all/none of the above"
    seen: dict[str, int] = {}
    for i, text in enumerate(it.options):
        norm = _norm(text)
        field = f"options[{i}].text"
        if norm and norm in seen:
            add(Finding("error", field, "distinct-options",
                        f"option {_label(it, i)} repeats option {_label(it, seen[norm])}"))
        elif norm:
            seen[norm] = i
        if above := _ABOVE_RE.search(text):
            add(Finding("error", field, "no-all-none",
                        f"option {_label(it, i)} points at other options ({above[0]!r}): "
                        "write a choice that stands alone"))

    # --- codes in the options
    codes = [parse_code_string(t) for t in it.options]
    code_ish = sum(1 for c in codes if c is not None) >= 2
    stem_asks_modifier = _modifier_item(it.options, it.stem)
    for i, (text, parsed) in enumerate(zip(it.options, codes, strict=True)):
        field = f"options[{i}].text"
        if parsed is None:
            if code_ish:
                for part in text.strip().split(", "):
                    if _LOOSE_PART_RE.match(part) and not _PART_RE.match(part):
                        add(Finding("error", field, "code-format", _malformed_message(part, it.domain)))
            mods = _option_modifiers(text, stem_asks_modifier)
            for mod in mods:
                if mod not in KNOWN_MODIFIERS:
                    add(Finding("error", field, "known-modifier", f"{mod} is not a known CPT or HCPCS modifier"))
            continue
        for code in parsed:
            if code.kind == "icd":
                problem = _icd_problem(code.code)
                if problem:
                    add(Finding("error", field, "icd-valid", problem))
                if code.modifiers:
                    add(Finding("error", field, "known-modifier",
                                f"{code.code}: ICD-10-CM codes take no modifiers"))
            for mod in code.modifiers:
                if mod not in KNOWN_MODIFIERS:
                    add(Finding("error", field, "known-modifier",
                                f"-{mod} on {code.code} is not a known CPT or HCPCS modifier"))
            # Only in the key: a distractor with 51 on an add-on code is a fair trap.
            if (i == key_index(it) and "51" in code.modifiers
                    and (code.code in ADD_ON_CODES or code.code in MODIFIER_51_EXEMPT)):
                what = "an add-on code" if code.code in ADD_ON_CODES else "exempt from modifier 51"
                add(Finding("warning", field, "modifier-51",
                            f"{code.code}-51: {code.code} is {what}, reported without modifier 51"))
            if code.kind == "cpt" and cpt_area_of(int(code.code)) is None:
                add(Finding("warning", field, "cpt-section", f"{code.code} is in no CPT section"))

    has_icd = any(c.kind == "icd" for parsed in codes if parsed for c in parsed)
    if has_icd and it.code_set_year is not None and it.code_set_year != ICD_CODE_SET_YEAR:
        add(Finding("warning", "code_set_year", "code-set-year",
                    f"the ICD-10-CM codes were checked against the {ICD_CODE_SET_YEAR} code set, "
                    f"not {it.code_set_year}'s"))

    k = key_index(it)
    selection = is_code_selection(codes)
    if k is not None and k < len(codes):
        key_codes = codes[k]
        if selection and key_codes and it.domain in AREA_RANGES:
            _check_section(it.domain, k, key_codes, add)
        if selection and key_codes and it.domain == "ICD":
            _check_sibling(k, codes, add)
        _check_shape(it, k, codes, add)
        _check_title_quote(it, k, codes, add)
        _check_longest(it, k, codes, add)
    findings.sort(key=lambda f: (f.level != "error", _field_order(f.field)))
    return findings


def _label(it: LintItem, i: int) -> str:
    return it.labels[i] if i < len(it.labels) else str(i + 1)


def _field_order(field: str) -> tuple[int, str]:
    order = {"domain": 0, "stem": 1, "options": 2, "key": 3}
    return order.get(field.split("[")[0].split(".")[0], 9), field


def _option_modifiers(text: str, stem_asks_modifier: bool) -> list[str]:
    """Modifiers named by a modifier-only option ("Modifier 59", "XS" when the stem asks for one)."""
    match = _MODIFIER_OPTION_RE.match(text.strip())
    if match:
        return re.findall(r"[0-9A-Z]{2}", match["mods"].upper())
    if stem_asks_modifier and _BARE_MODIFIER_RE.match(text.strip()):
        return [text.strip()]
    return []


def _modifier_item(options: Sequence[str], stem: str) -> bool:
    """A question about a modifier whose options are bare modifiers ("XS", "59"): most are known ones."""
    if "modifier" not in stem.casefold():
        return False
    bare = [t.strip() for t in options if _BARE_MODIFIER_RE.match(t.strip())]
    return len(bare) == len(options) and sum(1 for t in bare if t in KNOWN_MODIFIERS) >= len(options) - 1


def _check_section(domain: str, k: int, key_codes: list[Code], add: Any) -> None:
    """The key's first code belongs to the area's section; outside E/M, E/M codes may lead it
    (a visit with 25 or 57 before the procedure, a visit before its psychotherapy add-on)."""
    first = key_codes[0]
    if domain != "EM":
        rest = [c for c in key_codes if not (c.kind == "cpt" and cpt_area_of(int(c.code)) == "EM")]
        first = rest[0] if rest else first
    if first.kind in ("cpt", "pla"):
        if not in_area(first, domain):
            where = cpt_area_of(int(first.code)) if first.kind == "cpt" else "PATH"
            where_name = SECTION_NAMES.get(where or "", "no CPT section")
            add(Finding("error", f"options[{k}].text", "cpt-section",
                        f"the key's code {first.code} is in {where_name}, not in this item's area "
                        f"{SECTION_NAMES[domain]}"))
    elif first.kind == "icd":
        add(Finding("warning", f"options[{k}].text", "cpt-section",
                    f"a {domain} item whose key starts with the ICD-10-CM code {first.code}"))


def _check_sibling(k: int, codes: Sequence[list[Code] | None], add: Any) -> None:
    key_codes = codes[k] or []
    first = key_codes[0]
    if first.kind != "icd":
        return
    category = first.code[:3]
    for i, parsed in enumerate(codes):
        if i != k and parsed and any(c.kind == "icd" and c.code[:3] == category for c in parsed):
            return
    add(Finding("warning", "options", "icd-sibling",
                f"no distractor is a code of the key's category {category}: the nearest sibling of "
                f"{first.code} is what a candidate confuses it with"))


def _shape(text: str, parsed: list[Code] | None) -> dict[str, bool]:
    if parsed is None:
        return {"a code string": False, "a modifier": False, "more than one code": False, "units": False}
    return {
        "a code string": True,
        "a modifier": any(c.modifiers for c in parsed),
        "more than one code": len(parsed) > 1,
        "units": any(c.units for c in parsed),
    }


def _check_shape(it: LintItem, k: int, codes: Sequence[list[Code] | None], add: Any) -> None:
    if len(it.options) != 4:
        return
    shapes = [_shape(t, c) for t, c in zip(it.options, codes, strict=True)]
    for feature, has in shapes[k].items():
        if has and not any(s[feature] for i, s in enumerate(shapes) if i != k):
            add(Finding("warning", f"options[{k}].text", "key-shape",
                        f"the key is the only option with {feature}: a candidate can pick it without "
                        "reading the case"))
            return


def _title_candidates(code: str) -> list[str]:
    titles = [icd_title(code)]
    if len(code.replace(".", "")) == 7 and cm.is_valid_item(code):
        parent = cm.get_parent(code)
        if parent:
            titles.append(icd_title(parent))
    return [t for t in titles if len(t.split()) >= 3]


def _check_title_quote(it: LintItem, k: int, codes: Sequence[list[Code] | None], add: Any) -> None:
    stem = _words(it.stem)
    for code in codes[k] or []:
        if code.kind != "icd" or not cm.is_valid_item(code.code):
            continue
        for title in _title_candidates(code.code):
            if _words(title) in stem:
                add(Finding("warning", "stem", "title-quote",
                            f"the stem quotes the title of the key's code {code.code} ({title!r}): "
                            "describe the case in clinical words"))
                return


def _check_longest(it: LintItem, k: int, codes: Sequence[list[Code] | None], add: Any) -> None:
    if len(it.options) != 4 or any(c is not None for c in codes):
        return
    key_len = len(it.options[k].strip())
    others = [len(t.strip()) for i, t in enumerate(it.options) if i != k]
    if others and key_len > 1.2 * max(others) and key_len - max(others) >= 10:
        add(Finding("warning", f"options[{k}].text", "longest-option",
                    "the key is clearly the longest option: lengthen a distractor or trim the key"))


# ------------------------------------------------------------------ masking

_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE_RES = (
    re.compile(rf"\b{_MONTHS}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b", re.I),
    re.compile(rf"\b\d{{1,2}} {_MONTHS}(?: \d{{4}})?\b", re.I),
    re.compile(r"\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b"),
)
_NUMBER_RE = re.compile(r"(?<![#\w])\d+(?:[.,:]\d+)*(?:st|nd|rd|th)?\b")


def mask(text: str) -> str:
    """Lowercased, codes -> #code, numbers/sizes/dates -> #n, whitespace collapsed."""
    for date_re in _DATE_RES:
        text = date_re.sub(" #n ", text)
    text = _CODE_IN_TEXT_RE.sub(" #code ", text)
    text = _NUMBER_RE.sub(" #n ", text)
    return " ".join(text.casefold().split())


# ------------------------------------------------------------------ the bank

TEMPLATE_WORDS = 12
NEAR_DUPLICATE_RATIO = 0.9
TARGETS: dict[str, Any] = {
    "size_factor": 3,  # items >= 3 x the area's count on the 150-question form
    "code_selection": 0.5,  # CPT areas: share of items that are code selection
    "multi_code": 0.25,  # CPT areas: share of code-selection items with a multi-code key
    "template_share": 0.25,
    "longest_cue": 0.30,
    "key_share": (0.15, 0.35),
    "section_items": 2,
    "seventh_character_keys": 3,  # ICD: items keyed with each of the 7th characters A, D, S
}
SEED_KEYS = {"ICD": ("E11.9",), "EM": ("99213",), "HCPCS": ("J3420",)}
_SECTION_RE = re.compile(
    r"\b(?:which|what)\s+(?:[\w/-]+\s+){0,3}?(?:sub)?sections?\b|\bfound in (?:which|what)\b"
    r"|\bbelongs? to which\b|\bwhich part of (?:the )?(?:cpt|icd-10-cm|hcpcs)\b", re.I
)


class AreaRow(msgspec.Struct):
    domain: str
    items: int
    size_target: int
    code_selection: float
    multi_code: float
    template_share: float
    key_balance: dict[str, float]
    longest_cue: float
    section_items: int
    near_duplicates: int  # the area's items that are in a near-duplicate pair (with any item)
    missed: list[str]


class ItemFindings(msgspec.Struct):
    index: int
    domain: str
    findings: list[Finding]


class BankReport(msgspec.Struct):
    areas: list[AreaRow]
    findings: list[Finding]  # bank level: near-duplicate pairs
    items: list[ItemFindings]  # item level, only items with findings
    errors: int
    warnings: int

    @property
    def targets_missed(self) -> list[str]:
        return [f"{row.domain}: {m}" for row in self.areas for m in row.missed]


def is_section_item(stem: str) -> bool:
    return bool(_SECTION_RE.search(stem))


def _share(n: int, total: int) -> float:
    return n / total if total else 0.0


def near_duplicates(items: Sequence[LintItem]) -> list[tuple[int, int]]:
    """Pairs whose masked stem and masked option set are equal (or stems >= 0.9 alike, options equal)."""
    groups: dict[frozenset[str], list[int]] = defaultdict(list)
    stems = [mask(i.stem) for i in items]
    for index, it in enumerate(items):
        groups[frozenset(mask(t) for t in it.options)].append(index)
    pairs: list[tuple[int, int]] = []
    for members in groups.values():
        words = {m: stems[m].split() for m in members}
        for a_pos, a in enumerate(members):
            matcher = difflib.SequenceMatcher(autojunk=False)
            matcher.set_seq2(words[a])
            for b in members[a_pos + 1:]:
                if stems[a] == stems[b]:
                    pairs.append((a, b))
                    continue
                len_a, len_b = len(words[a]), len(words[b])
                if 2 * min(len_a, len_b) / max(1, len_a + len_b) < NEAR_DUPLICATE_RATIO:
                    continue
                matcher.set_seq1(words[b])
                if (matcher.real_quick_ratio() >= NEAR_DUPLICATE_RATIO
                        and matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO
                        and matcher.ratio() >= NEAR_DUPLICATE_RATIO):
                    pairs.append((a, b))
    return sorted(pairs)


def _seventh(code: Code) -> str | None:
    bare = code.code.replace(".", "")
    return bare[6] if code.kind == "icd" and len(bare) == 7 else None


def lint_bank(items: Iterable[Any]) -> BankReport:
    """Lint every item and measure the bank per content area against the targets."""
    its = [i if isinstance(i, LintItem) else as_lint_item(i) for i in items]
    item_findings: list[ItemFindings] = []
    errors = warnings_ = 0
    for index, it in enumerate(its):
        found = lint_item(it)
        if found:
            item_findings.append(ItemFindings(index=index, domain=it.domain, findings=found))
            errors += sum(1 for f in found if f.level == "error")
            warnings_ += sum(1 for f in found if f.level == "warning")

    by_area: dict[str, list[int]] = defaultdict(list)
    for index, it in enumerate(its):
        by_area[it.domain].append(index)
    areas = [d.code for d in DOMAINS if d.code in by_area] + sorted(a for a in by_area if a not in DOMAIN_BY_CODE)
    pairs = near_duplicates(its)
    in_pair = {i for pair in pairs for i in pair}
    rows = [
        _area_row(area, [its[i] for i in by_area[area]], sum(1 for i in by_area[area] if i in in_pair))
        for area in areas
    ]

    findings: list[Finding] = []
    for a, b in pairs:
        findings.append(Finding(
            "error", f"items[{a}], items[{b}]", "near-duplicate",
            f"items {a + 1} ({its[a].domain}) and {b + 1} ({its[b].domain}) differ only in codes, numbers "
            f"or dates: {its[a].stem[:60]!r} / {its[b].stem[:60]!r}",
        ))
    return BankReport(areas=rows, findings=findings, items=item_findings, errors=errors, warnings=warnings_)


def _area_row(area: str, its: list[LintItem], duplicated: int = 0) -> AreaRow:
    n = len(its)
    domain = DOMAIN_BY_CODE.get(area)
    size_target = TARGETS["size_factor"] * domain.classic_count if domain else 0
    parsed = [[parse_code_string(t) for t in it.options] for it in its]
    selection = [i for i, codes in enumerate(parsed) if is_code_selection(codes)]
    multi = 0
    key_letters: Counter[str] = Counter()
    longest = 0
    seventh: Counter[str] = Counter()
    keys_used: set[str] = set()
    for i, it in enumerate(its):
        k = key_index(it)
        if k is None:
            continue
        key_letters[it.key] += 1
        if len(it.options) == 4:
            key_len = len(it.options[k])
            if all(key_len > len(t) for j, t in enumerate(it.options) if j != k):
                longest += 1
        key_codes = parsed[i][k] if k < len(parsed[i]) else None
        if i in selection and key_codes:
            multi += len(key_codes) > 1
            keys_used.update(c.code for c in key_codes)
            # An item counts once per 7th character among its key's codes (external causes mirror them).
            for letter in {_seventh(c) for c in key_codes if c.code[0] not in "VWXY"} - {None}:
                seventh[letter] += 1  # type: ignore[index]
    stems = [mask(it.stem).split()[:TEMPLATE_WORDS] for it in its]
    prefix_count = Counter(tuple(s) for s in stems)
    template = sum(1 for s in stems if prefix_count[tuple(s)] > 1)
    section_items = sum(1 for it in its if is_section_item(it.stem))
    row = AreaRow(
        domain=area,
        items=n,
        size_target=size_target,
        code_selection=_share(len(selection), n),
        multi_code=_share(multi, len(selection)),
        template_share=_share(template, n),
        key_balance={label: _share(key_letters[label], n) for label in LABELS},
        longest_cue=_share(longest, n),
        section_items=section_items,
        near_duplicates=duplicated,
        missed=[],
    )
    low, high = TARGETS["key_share"]
    missed = row.missed
    if n < size_target:
        missed.append(f"{n} items, fewer than {size_target} (3 x the 150-question form)")
    if area in CPT_AREAS:
        if row.code_selection < TARGETS["code_selection"]:
            missed.append(f"code selection {row.code_selection:.0%} < {TARGETS['code_selection']:.0%}")
        if row.multi_code < TARGETS["multi_code"]:
            missed.append(f"multi-code {row.multi_code:.0%} of code-selection items < {TARGETS['multi_code']:.0%}")
    if row.template_share > TARGETS["template_share"]:
        missed.append(f"template share {row.template_share:.0%} > {TARGETS['template_share']:.0%}")
    if row.longest_cue > TARGETS["longest_cue"]:
        missed.append(f"longest-option cue {row.longest_cue:.0%} > {TARGETS['longest_cue']:.0%}")
    for label, share in row.key_balance.items():
        if n and not low <= share <= high:
            missed.append(f"key {label} {share:.0%} outside {low:.0%}-{high:.0%}")
    if section_items > TARGETS["section_items"]:
        missed.append(f"{section_items} 'which section' items > {TARGETS['section_items']}")
    if duplicated:
        missed.append(f"{duplicated} items in near-duplicate pairs")
    for code in SEED_KEYS.get(area, ()):
        if code not in keys_used:
            missed.append(f"{code} is the key of no code-selection item")
    if area == "ICD":
        for letter in "ADS":
            if seventh[letter] < TARGETS["seventh_character_keys"]:
                missed.append(f"7th character {letter} keys {seventh[letter]} items "
                              f"< {TARGETS['seventh_character_keys']}")
    return row


def format_report(report: BankReport) -> str:
    """The per-area table, then what misses a target (plain text, for the CLI and the docs)."""
    head = (f"{'area':<10} {'items':>9} {'code-sel':>8} {'multi':>6} {'templ':>6} "
            f"{'keys A/B/C/D %':>15} {'longest':>7} {'sect':>4} {'dups':>4}  status")
    lines = [head, "-" * len(head)]
    for row in report.areas:
        keys = "/".join(f"{round(100 * row.key_balance[label])}" for label in LABELS)
        lines.append(
            f"{row.domain:<10} {row.items:>4}/{row.size_target:<4} {row.code_selection:>8.0%} "
            f"{row.multi_code:>6.0%} {row.template_share:>6.0%} {keys:>15} {row.longest_cue:>7.0%} "
            f"{row.section_items:>4} {row.near_duplicates:>4}  "
            f"{'ok' if not row.missed else 'MISSED: ' + '; '.join(row.missed)}"
        )
    lines.append("")
    lines.append(f"item findings: {report.errors} errors, {report.warnings} warnings; "
                 f"near-duplicate pairs: {len(report.findings)}")
    return "\n".join(lines) + "\n"
