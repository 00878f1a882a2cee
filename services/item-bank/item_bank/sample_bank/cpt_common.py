"""Building blocks shared by the CPT-area generators.

CPT descriptors are AMA copyright, so these templates only ever name a code by its number and
ask about where it sits in the code book, which modifier a situation calls for, or how a global
period counts. None of that needs a descriptor, and all of it can be parameterised over real
code numbers to give many distinct, checkable questions per content area.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ._common import Spec, spec

REF_SURGERY = "CPT Surgery section guidelines"
REF_MODIFIERS = "CPT Appendix A (modifiers)"
REF_GLOBAL = "Medicare Claims Processing Manual, Chapter 12 (global surgery)"
REF_NCCI = "NCCI Policy Manual for Medicare Services"


@dataclass(frozen=True, slots=True)
class Span:
    name: str
    lo: int
    hi: int

    def holds(self, code: int) -> bool:
        return self.lo <= code <= self.hi

    @property
    def label(self) -> str:
        return f"{self.lo:05d}-{self.hi:05d}"


SECTIONS: tuple[Span, ...] = (
    Span("Evaluation and Management", 99202, 99499),
    Span("Anesthesia", 100, 1999),
    Span("Surgery", 10004, 69990),
    Span("Radiology", 70010, 79999),
    Span("Pathology and Laboratory", 80047, 89398),
    Span("Medicine", 90281, 99607),
)

SURGERY_SUBSECTIONS: tuple[Span, ...] = (
    Span("General", 10004, 10021),
    Span("Integumentary System", 10030, 19499),
    Span("Musculoskeletal System", 20100, 29999),
    Span("Respiratory System", 30000, 32999),
    Span("Cardiovascular System", 33016, 37799),
    Span("Hemic and Lymphatic Systems", 38100, 38999),
    Span("Mediastinum and Diaphragm", 39000, 39599),
    Span("Digestive System", 40490, 49999),
    Span("Urinary System", 50010, 53899),
    Span("Male Genital System", 54000, 55899),
    Span("Female Genital System", 56405, 58999),
    Span("Maternity Care and Delivery", 59000, 59899),
    Span("Endocrine System", 60000, 60699),
    Span("Nervous System", 61000, 64999),
    Span("Eye and Ocular Adnexa", 65091, 68899),
    Span("Auditory System", 69000, 69979),
)


def range_item(domain: str, code: int, spans: Sequence[Span], scope: str, rng: random.Random,
               tags: Sequence[str], reference: str) -> Spec:
    """'Where in the code book is code N?': the key is the span that holds it, distractors are neighbours."""
    idx = next(i for i, s in enumerate(spans) if s.holds(code))
    key = spans[idx]
    near = [spans[j] for j in (idx - 2, idx - 1, idx + 1, idx + 2) if 0 <= j < len(spans) and j != idx]
    rest = [s for s in spans if s is not key and s not in near]
    pool = near + rng.sample(rest, max(0, 3 - len(near))) if len(near) < 3 else near
    wrong = rng.sample(pool, 3)
    return spec(
        domain,
        f"Code {code:05d} is found in which {scope}?",
        (key.name, f"{key.name} spans codes {key.label}, which includes {code:05d}"),
        [(s.name, f"{s.name} spans codes {s.label}, which does not include {code:05d}") for s in wrong],
        ["code-ranges", "cpt-structure", *tags],
        [reference],
    )


# --- modifier scenarios --------------------------------------------------------------------
# Each scenario is (slug, stem template, key, [(distractor, why wrong)], key why). {code} is the
# procedure's number; {g} the global-period phrase. No scenario says what a code describes.

MODIFIER_MEANINGS: dict[str, str] = {
    "22": "increased procedural services, substantially greater than typically required",
    "23": "unusual anesthesia, general anesthesia for a procedure that usually needs none or only local",
    "24": "an unrelated E/M service by the same physician during a postoperative period",
    "25": "a significant, separately identifiable E/M service on the same day as a procedure",
    "47": "anesthesia provided by the surgeon",
    "50": "a bilateral procedure performed at the same session",
    "51": "multiple procedures performed at the same session by the same provider",
    "52": "a reduced service, partially reduced or eliminated at the physician's discretion",
    "53": "a discontinued procedure, stopped because of risk to the patient's well-being",
    "54": "surgical care only",
    "55": "postoperative management only",
    "56": "preoperative management only",
    "57": "the E/M service at which the decision for surgery was made",
    "58": "a staged or related procedure by the same physician during the postoperative period",
    "59": "a distinct procedural service",
    "62": "two surgeons, each performing distinct parts of one procedure",
    "66": "team surgery",
    "76": "a repeat procedure by the same physician",
    "77": "a repeat procedure by another physician",
    "78": "an unplanned return to the operating room by the same physician for a related procedure",
    "79": "an unrelated procedure by the same physician during the postoperative period",
    "80": "an assistant surgeon",
    "XE": "a separate encounter",
    "XS": "a separate structure or organ",
    "XP": "a separate practitioner",
    "XU": "an unusual, non-overlapping service",
}


def _m(mod: str) -> str:
    return f"Modifier {mod}"


def _why(mod: str) -> str:
    return f"Modifier {mod} reports {MODIFIER_MEANINGS[mod]}"


_SCENARIOS: tuple[tuple[str, str, str, tuple[str, str, str], str], ...] = (
    ("24", "major",
     "Three weeks after performing procedure {code}, which has a 90-day global period, the surgeon sees the "
     "patient for a new problem unrelated to the surgery. Which modifier is appended to the E/M service?",
     ("25", "57", "79"), "The visit falls in the global period but is unrelated to the surgery"),
    ("57", "major",
     "The day before procedure {code}, which has a 90-day global period, the surgeon evaluates the patient "
     "and makes the initial decision to operate. Which modifier is appended to the E/M service?",
     ("25", "24", "58"),
     "For a major procedure, the visit at which the decision to operate is made takes 57"),
    ("25", "minor",
     "On the day the physician performs minor procedure {code}, the physician also provides a significant, "
     "separately identifiable evaluation and management service for an unrelated chronic problem. Which "
     "modifier is appended to the E/M service?",
     ("57", "59", "24"), "The E/M work goes beyond the usual pre-procedure evaluation of a minor procedure"),
    ("78", "major",
     "During the 90-day global period of procedure {code}, the patient develops a complication of the "
     "surgery and the same surgeon takes the patient back to the operating room to treat it. Which modifier "
     "is appended to the procedure for the complication?",
     ("76", "79", "58"), "The return to the operating room is unplanned and related to the first procedure"),
    ("79", "major",
     "Six weeks after procedure {code}, which has a 90-day global period, the same surgeon operates on the "
     "patient for a condition unrelated to the first surgery. Which modifier is appended to the new "
     "procedure?",
     ("78", "58", "76"), "The new procedure is unrelated to the one whose global period is running"),
    ("58", "major",
     "When performing procedure {code}, the surgeon documents that a planned second-stage procedure will be "
     "needed. It is performed during the global period. Which modifier is appended to the second-stage "
     "procedure?",
     ("78", "79", "76"), "The second procedure was planned (staged) at the time of the first"),
    ("76", "minor",
     "Later on the same day, the physician who performed procedure {code} has to repeat the same procedure "
     "on the patient. Which modifier is appended to the repeated procedure?",
     ("77", "78", "59"), "The same procedure is repeated by the same physician"),
    ("77", "minor",
     "The day after one physician performs procedure {code}, a different physician repeats the same "
     "procedure. Which modifier does the second physician append?",
     ("76", "78", "79"), "The same procedure is repeated by a different physician"),
    ("22", "major",
     "Because of the patient's morbid obesity, procedure {code} takes substantially more time and work than "
     "usual, and the operative note documents the extra time and the reason. Which modifier is appended?",
     ("52", "53", "62"), "The work is substantially greater than typically required and is documented"),
    ("53", "major",
     "After anesthesia is induced and procedure {code} has begun, the surgeon stops the procedure because "
     "the patient's blood pressure becomes dangerously unstable. Which modifier is appended?",
     ("52", "22", "76"), "The procedure was started and then discontinued because of risk to the patient"),
    ("54", "major",
     "A surgeon performs procedure {code}, which has a 90-day global period, and by written agreement "
     "transfers all postoperative care to the patient's local physician. Which modifier does the surgeon "
     "append?",
     ("55", "56", "57"), "The surgeon provided the surgical care only"),
    ("55", "major",
     "A physician takes over all postoperative care after another surgeon performed procedure {code} (90-day "
     "global period), under a written transfer-of-care agreement. Which modifier does this physician append "
     "to the procedure code?",
     ("54", "56", "24"), "This physician provides only the postoperative management"),
    ("80", "major",
     "A second surgeon assists the primary surgeon throughout procedure {code}. Which modifier does the "
     "assisting surgeon append?",
     ("62", "66", "76"), "The second surgeon acts as assistant, not as a co-surgeon"),
    ("62", "major",
     "Two surgeons of different specialties each perform a distinct part of procedure {code}, which is "
     "reported with a single code, and each acts as a primary surgeon. Which modifier does each surgeon "
     "append?",
     ("80", "66", "51"), "Each surgeon performs a distinct part of one procedure as a co-surgeon"),
    ("XS", "major",
     "Procedure {code} and a second procedure that NCCI normally bundles with it are performed at the same "
     "session on a different organ, through a separate incision. Which modifier most specifically reports "
     "why the second procedure is distinct?",
     ("XE", "XP", "XU"), "The second procedure was performed on a separate structure or organ"),
    ("XE", "any",
     "Procedure {code} is performed in the morning. In the evening the patient returns and the same "
     "physician performs a second procedure that NCCI normally bundles with it. Which modifier most "
     "specifically reports why the second procedure is distinct?",
     ("XS", "XP", "XU"), "The second procedure was performed at a separate encounter on the same date"),
)


def modifier_items(domain: str, major: Sequence[int], minor: Sequence[int], rng: random.Random,
                   tags: Sequence[str]) -> list[Spec]:
    """Every modifier scenario, each instantiated with one or two codes of the right kind."""
    out = []
    for key, kind, template, wrong, reason in _SCENARIOS:
        codes = {"major": major, "minor": minor, "any": [*major, *minor]}[kind]
        for code in rng.sample(list(codes), min(2, len(codes))):
            out.append(spec(
                domain,
                template.format(code=f"{code:05d}"),
                (_m(key), f"{reason}. {_why(key)}"),
                [(_m(w), f"{_why(w)}, which is not the situation described") for w in wrong],
                ["modifier", f"modifier-{key.lower()}", *tags],
                [REF_MODIFIERS, REF_GLOBAL] if kind == "major" else [REF_MODIFIERS],
            ))
    return out


def bilateral_items(domain: str, codes: Sequence[int], tags: Sequence[str]) -> list[Spec]:
    out = []
    for code in codes:
        out.append(spec(
            domain,
            f"The physician performs procedure {code:05d} on both the right and the left side at the same "
            "session. The code describes a unilateral procedure. Which modifier reports this under CPT?",
            (_m("50"), f"Both sides at one session. {_why('50')}"),
            [(_m("51"), f"{_why('51')}; CPT reports the same procedure on both sides with 50"),
             (_m("76"), f"{_why('76')}; doing the other side is not a repeat of the same procedure"),
             (_m("59"), f"{_why('59')}; it is not used to report bilateral procedures")],
            ["modifier", "modifier-50", "bilateral", *tags],
            [REF_MODIFIERS],
        ))
    return out


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _date(d: dt.date) -> str:
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def global_date_items(domain: str, major: Sequence[int], ten_day: Sequence[int], rng: random.Random,
                      tags: Sequence[str], count: int = 3) -> list[Spec]:
    """Global-period end dates: CMS counts the postoperative days from the day after surgery.

    `major` codes must carry a 90-day and `ten_day` codes a 10-day global period.
    """
    out = []
    for i in range(count):
        days, codes = (10, ten_day) if i % 2 == 1 and ten_day else (90, major)
        code = rng.choice(list(codes))
        surgery = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
        end = surgery + dt.timedelta(days=days)
        wrong = [
            (surgery + dt.timedelta(days=days - 1),
             f"This counts the day of surgery as day 1; the {days} postoperative days start the day after "
             "surgery"),
            (surgery + dt.timedelta(days=90 if days == 10 else 10),
             f"This applies a {'90' if days == 10 else '10'}-day global period instead of {days} days"),
            (surgery + dt.timedelta(days=days + 30), "This adds 30 days that are not part of the global "
                                                     "period"),
        ]
        out.append(spec(
            domain,
            f"Procedure {code:05d}, which has a {days}-day global period under the Medicare fee schedule, is "
            f"performed on {_date(surgery)}. On which date does the postoperative global period end?",
            (_date(end), f"The {days} postoperative days begin the day after surgery, so the period ends "
                         f"{days} days after {_date(surgery)}, on {_date(end)}"),
            [(_date(d), why) for d, why in wrong],
            ["global-period", "global-surgery", *tags],
            [REF_GLOBAL],
        ))
    return out


def fact(domain: str, stem: str, key: tuple[str, str], wrong: Sequence[tuple[str, str]],
         tags: Sequence[str], refs: Sequence[str]) -> Spec:
    """A hand-written guideline question (our wording)."""
    return spec(domain, stem, key, wrong, tags, refs)
