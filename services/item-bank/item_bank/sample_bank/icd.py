"""ICD-10-CM items built from the official code set, so every code in a vignette item is real.

ICD-10-CM (CMS/NCHS) is public domain and ships offline with simple_icd_10_cm. Building the
vignette from the key's own tabular description keeps key and stem from drifting apart, and lets
the tests re-check every item against the same source. Distractors come from the same families
(other side, other 7th character, the most similar siblings), which is where coders actually slip.
Guideline questions are our own wording of the Official Guidelines' rules.
"""

from __future__ import annotations

import difflib
import random
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from ._common import Spec, normalise, pick, spec

with warnings.catch_warnings():
    # The package reads its data through a deprecated importlib.resources call; that warning is
    # not ours to act on and would break runs that turn warnings into errors.
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as cm

DOMAIN = "ICD"
VIGNETTE_COUNT = 27
GUIDELINE_COUNT = 13
TABULAR = "ICD-10-CM Tabular List of Diseases and Injuries"
GUIDELINES = "ICD-10-CM Official Guidelines for Coding and Reporting"

_VAGUE = re.compile(r"\b(unspecified|other|NOS|NEC|not elsewhere)\b", re.IGNORECASE)
_SIDES = {"right": "left", "left": "right"}
_SIDE_RE = re.compile(r"\b(right|left)\b")


@dataclass(frozen=True, slots=True)
class Family:
    """A group of related codes: keys are drawn from it, distractors from it plus `extra`."""

    slug: str
    parents: tuple[str, ...]
    ages: tuple[int, int]
    person: str
    settings: tuple[str, ...]
    tags: tuple[str, ...]
    refs: tuple[str, ...]
    keys: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    ask: str = "Which ICD-10-CM code is reported for this diagnosis?"


_ED = ("in the emergency department", "at an urgent care center")
_OFFICE = ("in the office", "at a scheduled clinic visit")
_INJ_REFS = (f"{GUIDELINES}, Section I.C.19", f"{GUIDELINES}, Section I.A.5")
_LAT_REF = f"{GUIDELINES}, Section I.B.13"

FAMILIES: tuple[Family, ...] = (
    Family("distal-radius-fracture", ("S52.5",), (22, 80), "patient", _ED,
           ("fracture", "seventh-character", "laterality"), _INJ_REFS),
    Family("ankle-fracture", ("S82.6", "S82.5"), (18, 75), "patient", _ED,
           ("fracture", "seventh-character", "laterality"), _INJ_REFS),
    Family("clavicle-fracture", ("S42.0",), (16, 60), "patient", _ED,
           ("fracture", "seventh-character", "laterality"), _INJ_REFS),
    Family("finger-fracture", ("S62.6",), (18, 70), "patient", _ED,
           ("fracture", "seventh-character", "laterality"), _INJ_REFS),
    Family("metatarsal-fracture", ("S92.3",), (18, 70), "patient", _ED,
           ("fracture", "seventh-character", "laterality"), _INJ_REFS),
    Family("ankle-sprain", ("S93.4",), (15, 60), "patient", _ED,
           ("sprain", "seventh-character", "laterality"), _INJ_REFS),
    Family("knee-sprain", ("S83.5",), (16, 50), "patient", _ED,
           ("sprain", "seventh-character", "laterality"), _INJ_REFS),
    Family("finger-laceration", ("S61.2",), (18, 70), "patient", _ED,
           ("open-wound", "seventh-character", "laterality"), _INJ_REFS),
    Family("hand-burn", ("T23.2",), (18, 70), "patient", _ED,
           ("burn", "seventh-character", "laterality"), _INJ_REFS, extra=("T23.1", "T23.3")),
    Family("concussion", ("S06.0",), (14, 40), "patient", _ED,
           ("head-injury", "seventh-character", "placeholder-x"), _INJ_REFS),
    Family("shoulder-dislocation", ("S43.0",), (18, 60), "patient", _ED,
           ("dislocation", "seventh-character", "laterality"), _INJ_REFS),
    Family("knee-contusion", ("S80.0",), (10, 70), "patient", _ED,
           ("contusion", "seventh-character", "placeholder-x"), _INJ_REFS, extra=("S80.1",)),
    Family("elbow-contusion", ("S50.0",), (10, 70), "patient", _ED,
           ("contusion", "seventh-character", "placeholder-x"), _INJ_REFS, extra=("S50.1",)),
    Family("knee-osteoarthritis", ("M17",), (50, 85), "patient", _OFFICE,
           ("musculoskeletal", "laterality"), (_LAT_REF,)),
    Family("hip-osteoarthritis", ("M16",), (50, 85), "patient", _OFFICE,
           ("musculoskeletal", "laterality"), (_LAT_REF,)),
    Family("cataract", ("H25.1", "H25.0"), (60, 88), "patient", ("in the ophthalmology clinic",),
           ("eye", "laterality"), (_LAT_REF,)),
    Family("impacted-cerumen", ("H61.2",), (20, 85), "patient", _OFFICE,
           ("ear", "laterality"), (_LAT_REF,)),
    Family("otitis-media", ("H65.0",), (2, 9), "child", ("at a pediatric office visit",),
           ("ear", "laterality"), (_LAT_REF,)),
    Family("rotator-cuff", ("M75.1",), (40, 75), "patient", ("in the orthopedic clinic",),
           ("musculoskeletal", "laterality"), (_LAT_REF,)),
    Family("carpal-tunnel", ("G56.0",), (30, 70), "patient", _OFFICE,
           ("nervous-system", "laterality"), (_LAT_REF,), extra=("G56.1",)),
    Family("trigger-finger", ("M65.3",), (40, 80), "patient", ("in the hand clinic",),
           ("musculoskeletal", "laterality"), (_LAT_REF,)),
    Family("pressure-ulcer", ("L89.6", "L89.15"), (65, 95), "patient",
           ("in a skilled nursing facility", "during a home visit"),
           ("pressure-ulcer", "skin"), (f"{GUIDELINES}, Section I.C.12",)),
    Family("stroke-sequela", ("I69.3", "I69.1"), (55, 85), "patient", ("in the neurology clinic",),
           ("sequela", "cerebrovascular"), (f"{GUIDELINES}, Section I.C.9.d",),
           keys=("I69.351", "I69.352", "I69.353", "I69.354", "I69.151", "I69.152", "I69.153", "I69.154")),
    Family("asthma", ("J45",), (8, 60), "patient", _OFFICE, ("respiratory", "asthma"),
           (f"{GUIDELINES}, Section I.C.10",)),
    Family("diabetes", ("E11",), (35, 80), "patient", _OFFICE, ("diabetes", "endocrine"),
           (f"{GUIDELINES}, Section I.C.4.a",),
           keys=("E11.9", "E11.21", "E11.42", "E11.51", "E11.65", "E11.36", "E11.649"), extra=("E10",)),
    Family("chronic-kidney-disease", ("N18",), (45, 85), "patient", ("in the nephrology clinic",),
           ("kidney", "ckd"), (f"{GUIDELINES}, Section I.C.14.a",),
           keys=("N18.1", "N18.2", "N18.31", "N18.32", "N18.4", "N18.5")),
    Family("copd", ("J44",), (50, 85), "patient", _OFFICE, ("respiratory", "copd"),
           (f"{GUIDELINES}, Section I.C.10.a",), keys=("J44.0", "J44.1")),
    Family("atrial-fibrillation", ("I48",), (55, 90), "patient", ("in the cardiology clinic",),
           ("cardiovascular", "arrhythmia"), (f"{GUIDELINES}, Section I.C.9",),
           keys=("I48.0", "I48.11", "I48.21", "I48.3", "I48.4")),
    Family("appendicitis", ("K35",), (10, 60), "patient", ("in the emergency department",),
           ("digestive", "appendicitis"), (f"{GUIDELINES}, Section I.C.11",)),
    Family("gallbladder", ("K80.0", "K80.1", "K80.2"), (30, 75), "patient", ("in the surgical clinic",),
           ("digestive", "cholelithiasis"), (f"{GUIDELINES}, Section I.C.11",)),
    Family("inguinal-hernia", ("K40",), (25, 80), "patient", ("in the surgical clinic",),
           ("digestive", "hernia"), (f"{GUIDELINES}, Section I.C.11",)),
    Family("cellulitis", ("L03.11",), (20, 80), "patient", _OFFICE,
           ("skin", "infection", "laterality"), (_LAT_REF,)),
    Family("glaucoma", ("H40.11",), (50, 85), "patient", ("in the ophthalmology clinic",),
           ("eye", "laterality"), (_LAT_REF, f"{GUIDELINES}, Section I.C.7.a")),
    Family("depression", ("F32", "F33"), (20, 70), "patient", ("in the behavioral health clinic",),
           ("mental-health", "depression"), (f"{GUIDELINES}, Section I.C.5",),
           keys=("F32.0", "F32.1", "F32.2", "F32.3", "F32.4", "F32.5", "F33.0", "F33.1", "F33.2", "F33.3",
                 "F33.41", "F33.42")),
    Family("breast-cancer", ("C50.4", "C50.2"), (40, 80), "woman", ("in the oncology clinic",),
           ("neoplasm", "laterality"), (f"{GUIDELINES}, Section I.C.2",),
           keys=("C50.411", "C50.412", "C50.211", "C50.212")),
    Family("adult-exam", ("Z00.0",), (25, 64), "patient", ("for a scheduled preventive visit",),
           ("z-codes", "preventive"), (f"{GUIDELINES}, Section I.C.21",), extra=("Z00.1",),
           ask="Which ICD-10-CM code is reported as the first-listed diagnosis?"),
    Family("child-exam", ("Z00.12",), (2, 12), "child", ("for a scheduled well-child visit",),
           ("z-codes", "preventive"), (f"{GUIDELINES}, Section I.C.21",), extra=("Z00.0",),
           ask="Which ICD-10-CM code is reported as the first-listed diagnosis?"),
)


# --- code-set helpers (public: the tests use them to re-check items) -------------------------


def describe(code: str) -> str:
    """The tabular description, with the package's tab-separated alternates made readable."""
    return normalise(cm.get_description(code).replace("/\t", " / "))


def is_billable(code: str) -> bool:
    return cm.is_valid_item(code) and cm.is_leaf(code)


@cache
def _seven_chr_defs(code: str) -> dict[str, str]:
    for node in [code, *cm.get_ancestors(code)]:
        defs = cm.get_seven_chr_def(node)
        if defs:
            return defs
    return {}


def is_injury(code: str) -> bool:
    """Chapter 19 codes whose 7th character states the encounter (A/D/S and the fracture set)."""
    return code[0] in "ST" and len(code.replace(".", "")) == 7 and bool(_seven_chr_defs(code))


def seventh_meaning(code: str) -> str:
    return normalise(_seven_chr_defs(code)[code[-1]].replace("/\t", " / "))


def encounter_of(code: str) -> str | None:
    """'initial' or 'subsequent' for injury codes with 7th character A or D, else None."""
    if not is_injury(code):
        return None
    return {"A": "initial", "D": "subsequent"}.get(code[-1])


def condition_of(code: str) -> str:
    """The clinical part of the description: for injury codes, without the encounter phrase."""
    desc = describe(code)
    if is_injury(code):
        suffix = ", " + seventh_meaning(code)
        if desc.endswith(suffix):
            return desc[: -len(suffix)]
    return desc


@cache
def _leaves(parent: str) -> tuple[str, ...]:
    if cm.is_leaf(parent):
        return (parent,)
    return tuple(c for c in cm.get_descendants(parent) if cm.is_leaf(c))


def _family_leaves(fam: Family, with_extra: bool) -> list[str]:
    parents = fam.parents + (fam.extra if with_extra else ())
    return list(dict.fromkeys(c for p in parents for c in _leaves(p)))


def _eligible_key(code: str, fam: Family) -> bool:
    if fam.keys:
        return code in fam.keys
    if _VAGUE.search(describe(code)):
        return False
    if is_injury(code):
        return code[-1] in "AD"
    return True


def _swap_side(text: str) -> str:
    return _SIDE_RE.sub(lambda m: _SIDES[m.group(1)], text)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _pick_distractors(key: str, fam: Family, rng: random.Random) -> list[str] | None:
    pool = [c for c in _family_leaves(fam, with_extra=True) if c != key]
    chosen: list[str] = []
    cond = condition_of(key)
    if _SIDE_RE.search(cond):
        swapped = _swap_side(describe(key))
        chosen += [c for c in pool if describe(c) == swapped][:1]
    if is_injury(key):
        wanted = "DSB" if key[-1] == "A" else "ASG"
        same_site = [c for c in pool if c[:-1] == key[:-1] and c[-1] in wanted]
        if same_site:
            chosen.append(rng.choice(same_site))
    siblings = [
        c for c in pool
        if c not in chosen and (not is_injury(key) or (is_injury(c) and c[-1] == key[-1]))
    ]
    ranked = sorted(siblings, key=lambda c: (-_similarity(cond, condition_of(c)), c))[:5]
    rng.shuffle(ranked)
    chosen += ranked[: 3 - len(chosen)]
    return chosen if len(chosen) == 3 else None


def _differences(documented: str, other: str) -> str:
    a, b = documented.split(), other.split()
    notes: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        said, says = " ".join(a[i1:i2]).strip(","), " ".join(b[j1:j2]).strip(",")
        if op == "replace":
            notes.append(f'it reads "{says}" where the documentation reads "{said}"')
        elif op == "delete":
            notes.append(f'it lacks "{said}", which the documentation states')
        elif op == "insert":
            notes.append(f'it adds "{says}", which the documentation does not support')
    return "; ".join(notes[:2]) or "its description does not match the documentation"


def _why_wrong(key: str, code: str) -> str:
    desc = describe(code)
    if is_injury(key) and code[:-1] == key[:-1]:
        return (
            f"{code} is \"{desc}\". Its 7th character {code[-1]} means {seventh_meaning(code)}, but this "
            f"visit is {seventh_meaning(key)}."
        )
    note = _differences(condition_of(key), condition_of(code))
    what = ""
    if _swap_side(condition_of(key)) == condition_of(code):
        what = ", the opposite side"
    elif "unspecified" in desc.lower():
        what = ", an unspecified code, which is not used when the record supports a more specific one"
    return f"{code} is \"{desc}\"{what}; {note}."


def _article(age: int) -> str:
    return "An" if age in (8, 11, 18) or 80 <= age <= 89 else "A"


_DOC_TEMPLATES = (
    'The provider documents the final diagnosis as "{cond}".',
    'The assessment in the note reads: "{cond}".',
    'After examination, the physician records the diagnosis "{cond}".',
)
_ENCOUNTER_SENTENCES = {
    ("initial", True): (
        "The fracture is closed, and the patient is receiving active treatment for it at this visit (initial "
        "encounter)."
    ),
    ("initial", False): "The patient is receiving active treatment for the injury at this visit (initial "
                        "encounter).",
    ("subsequent", True): (
        "Active treatment was completed at an earlier visit; today the closed fracture is checked and is "
        "healing routinely (subsequent encounter)."
    ),
    ("subsequent", False): (
        "Active treatment was completed at an earlier visit; this is routine follow-up care during healing "
        "(subsequent encounter)."
    ),
}


def _vignette(key: str, fam: Family, rng: random.Random) -> Spec | None:
    distractors = _pick_distractors(key, fam, rng)
    if distractors is None:
        return None
    cond = condition_of(key)
    lo, hi = fam.ages
    person = fam.person
    if "torus" in cond.lower():
        lo, hi, person = 5, 11, "child"
    age = rng.randint(lo, hi)
    encounter = encounter_of(key)
    setting = "for a follow-up visit" if encounter == "subsequent" else rng.choice(fam.settings)
    parts = [
        f"{_article(age)} {age}-year-old {person} is seen {setting}.",
        rng.choice(_DOC_TEMPLATES).format(cond=cond),
    ]
    key_why = f'{key} is "{describe(key)}", which matches the documented diagnosis'
    if encounter:
        fracture = "fracture" in cond.lower()
        parts.append(_ENCOUNTER_SENTENCES[(encounter, fracture)])
        key_why += f" and the {encounter} encounter (7th character {key[-1]})"
    parts.append(fam.ask)
    tags = ["icd-10-cm", "vignette", fam.slug, *fam.tags]
    if not _SIDE_RE.search(cond) and "bilateral" not in cond.lower():
        tags = [t for t in tags if t != "laterality"]
    return spec(
        DOMAIN,
        " ".join(parts),
        (key, key_why + "; it is a billable code at the highest level of specificity."),
        [(c, _why_wrong(key, c)) for c in distractors],
        tags,
        (TABULAR, *fam.refs),
    )


def _vignettes(rng: random.Random, count: int) -> list[Spec]:
    families = list(FAMILIES)
    rng.shuffle(families)
    keys_by_family = {
        f.slug: sorted(c for c in _family_leaves(f, with_extra=False) if _eligible_key(c, f))
        for f in families
    }
    out: list[Spec] = []
    stems: set[str] = set()
    rounds = 0
    while len(out) < count and rounds < 10:
        rounds += 1
        for fam in families:
            keys = keys_by_family[fam.slug]
            if not keys or len(out) >= count:
                continue
            key = keys.pop(rng.randrange(len(keys)))
            item = _vignette(key, fam, rng)
            if item is not None and item.stem not in stems:
                stems.add(item.stem)
                out.append(item)
    return out


# --- guideline questions (our wording of the Official Guidelines) ----------------------------


def _g(stem: str, key: tuple[str, str], distractors: Sequence[tuple[str, str]], tags: Sequence[str],
       section: str) -> Spec:
    return spec(DOMAIN, stem, key, distractors, ["icd-10-cm", "guideline", *tags],
                (f"{GUIDELINES}, Section {section}",))


def _require(*codes: str) -> None:
    for code in codes:
        if not is_billable(code):
            raise ValueError(f"guideline item cites {code}, which is not a billable code in this code set")


def _placeholder_item(code: str) -> Spec:
    """A 7th-character code that needs X fillers: the tempting wrong forms are not codes at all."""
    no_x = code.replace("X", "")
    zeros = code[:-1].replace("X", "0") + code[-1]
    other = code[:-1] + ("D" if code[-1] == "A" else "A")
    _require(code, other)
    candidates = [c for c in (no_x, zeros) if c and not cm.is_valid_item(c)]
    if len(candidates) != 2:
        raise ValueError(f"placeholder distractors for {code} are unexpectedly valid: {candidates}")
    encounter = "initial" if code[-1] == "A" else "subsequent"
    cond = condition_of(code)
    return _g(
        f'A patient is treated for "{cond}" ({encounter} encounter). The code for this condition is shorter '
        "than six characters, but the category requires a 7th character. Which code is built correctly?",
        (code, f"{code} fills the empty positions with the placeholder X so that the 7th character "
               f"{code[-1]} ({seventh_meaning(code)}) sits in the seventh position"),
        [
            (candidates[0], "Without the X placeholder the 7th character falls in the wrong position; this "
                            "is not a valid ICD-10-CM code"),
            (candidates[1], "Zero is a meaningful character, not a placeholder; this is not a valid "
                            "ICD-10-CM code"),
            (other, f"{other} is built correctly but its 7th character means {seventh_meaning(other)}, which "
                    f"does not match this {encounter} encounter"),
        ],
        ["placeholder-x", "seventh-character"],
        "I.A.4",
    )


def _guidelines() -> list[Spec]:
    _require("I12.9", "N18.31", "I10", "I13.10", "E11.9", "Z79.4", "Z79.84", "E10.9", "Z33.1")
    items = [
        _g("In the ICD-10-CM Tabular List, what does an Excludes1 note under a code tell the coder?",
           ("The excluded condition is never reported together with the code above the note",
            "An Excludes1 note marks mutually exclusive conditions: the excluded code is not reported with "
            "the code above the note (the only exception is when the two conditions are unrelated)"),
           [("Both conditions may be reported if the patient has both",
             "That describes an Excludes2 note, which means 'not included here'"),
            ("The underlying condition must be sequenced first",
             "That is the instruction of a 'code first' note"),
            ("An additional code should be added to give more detail",
             "That is the instruction of a 'use additional code' note")],
           ["excludes1", "conventions"], "I.A.12.a"),
        _g("A patient has two conditions, and the code for one of them carries an Excludes2 note that lists "
           "the other. How are they reported?",
           ("Report both codes",
            "Excludes2 means the excluded condition is not part of the condition represented by the code, so "
            "when the patient has both, both may be reported together"),
           [("Report only the code that carries the note",
             "Dropping the second condition treats the note as if it were Excludes1"),
            ("Report only the excluded condition",
             "Nothing in an Excludes2 note removes the first condition"),
            ("Report an unspecified code that covers both",
             "An unspecified code would lose the specificity both documented conditions support")],
           ["excludes2", "conventions"], "I.A.12.b"),
        _g("For most injury categories in Chapter 19, what does the 7th character D indicate?",
           ("A subsequent encounter after active treatment, during healing or recovery",
            "D is used for encounters after the patient has completed active treatment and is receiving "
            "routine care during the healing or recovery phase"),
           [("An initial encounter while the patient is receiving active treatment",
             "That is 7th character A"),
            ("A sequela, a condition arising as a direct result of the injury",
             "That is 7th character S"),
            ("A follow-up visit for a fracture with delayed healing",
             "In the fracture categories delayed healing has its own 7th character (G)")],
           ["seventh-character", "injury"], "I.C.19.a"),
        _g("A patient treated in the emergency department for a fracture is seen two days later by an "
           "orthopedic surgeon, who performs an open reduction. Which 7th character applies to the surgeon's "
           "encounter?",
           ("A",
            "7th character A is used for every encounter at which the patient receives active treatment, "
            "whichever provider delivers it"),
           [("D", "D is for care after active treatment is complete, not for a surgical repair"),
            ("S", "S is for sequelae, conditions that result from the injury after the acute phase"),
            ("No 7th character is needed for a surgical encounter",
             "Codes in these categories are invalid without their 7th character")],
           ["seventh-character", "fracture"], "I.C.19.a"),
        _g("A patient is seen for a contracture of the hand scar left by a burn sustained a year ago. How is "
           "this sequela coded?",
           ("The contracture first, then the burn code with 7th character S",
            "For a sequela the residual condition is sequenced first and the injury code with 7th character "
            "S follows it"),
           [("The burn code with 7th character S first, then the contracture",
             "The S code describes the cause; the residual condition being treated goes first"),
            ("The burn code with 7th character A only",
             "A is for active treatment of the burn itself, which is over"),
            ("The contracture only",
             "The injury code with 7th character S is added to show what caused the residual")],
           ["sequela", "seventh-character", "burn"], "I.B.10"),
        _g("When a code requires a 7th character but has fewer than six characters, what must the coder do?",
           ("Fill the empty positions with the placeholder X",
            "The placeholder X holds the empty positions so the 7th character lands in the seventh place"),
           [("Fill the empty positions with zeros",
             "Zero is a meaningful character in ICD-10-CM and would create a different or invalid code"),
            ("Report the code without the 7th character",
             "A code that requires a 7th character is invalid without one"),
            ("Attach the 7th character directly after the last character",
             "The 7th character must be in the seventh position, so the gap has to be filled")],
           ["placeholder-x", "seventh-character"], "I.A.4"),
        _g("At an office visit the physician's assessment reads 'probable pneumonia, chest X-ray pending' "
           "for a patient with fever and cough. How is the diagnosis reported for this outpatient visit?",
           ("Code the fever and cough; do not code the probable pneumonia",
            "In outpatient settings a diagnosis documented as probable, suspected or rule-out is not coded "
            "as if confirmed; code to the highest degree of certainty, here the signs and symptoms"),
           [("Code pneumonia, because uncertain diagnoses are coded as if established",
             "Coding uncertain diagnoses as established is an inpatient rule, not an outpatient one"),
            ("Code pneumonia and the symptoms together",
             "The pneumonia is not confirmed, so it is not coded at all at this visit"),
            ("Report no diagnosis code until the X-ray is read",
             "The visit is coded with what is known today: the documented signs and symptoms")],
           ["uncertain-diagnosis", "outpatient"], "IV.H"),
        _g("A code title includes the phrase 'in diseases classified elsewhere'. How is that code sequenced?",
           ("After the code for the underlying condition; it is never first-listed",
            "It is a manifestation code under the etiology/manifestation convention: the underlying "
            "condition is coded first"),
           [("First, because it describes the presenting problem",
             "Manifestation codes may not be first-listed"),
            ("Alone, without the underlying condition",
             "The convention requires the underlying condition to be reported as well"),
            ("In either order, at the coder's discretion",
             "The convention fixes the order: etiology first, manifestation second")],
           ["sequencing", "etiology-manifestation"], "I.A.13"),
        _g("A patient has hypertension and chronic kidney disease stage 3a; the provider does not say "
           "whether they are related. Which codes are reported?",
           ("I12.9 and N18.31",
            "ICD-10-CM presumes a causal relationship between hypertension and chronic kidney disease, so "
            "the hypertensive CKD combination code is used with a code for the CKD stage"),
           [("I10 and N18.31",
             "The link between hypertension and CKD is presumed even when the provider does not state it"),
            ("N18.31 only", "The hypertension must be reported, and it is classified to the combination "
                            "category"),
            ("I13.10 and N18.31",
             "I13 is for hypertensive heart and chronic kidney disease, and no heart disease is documented")],
           ["hypertension", "ckd", "sequencing"], "I.C.9.a.2"),
        _g("The record documents 'diabetes mellitus' without stating the type. Which category is assigned by "
           "default?",
           ("E11, type 2 diabetes mellitus",
            "When the type of diabetes is not documented, the guidelines default to category E11"),
           [("E10, type 1 diabetes mellitus", "Type 1 is coded only when documented as type 1"),
            ("E13, other specified diabetes mellitus",
             "E13 requires documentation of another specified type, such as diabetes after pancreatectomy"),
            ("E08, diabetes due to an underlying condition",
             "E08 requires documentation that an underlying condition caused the diabetes")],
           ["diabetes", "default-code"], "I.C.4.a.2"),
        _g("A patient with type 2 diabetes mellitus without complications is treated with insulin only. "
           "Which codes are reported?",
           ("E11.9 and Z79.4",
            "The type of diabetes is coded as documented, and Z79.4 reports the long-term (current) use of "
            "insulin"),
           [("E10.9", "Insulin use does not make the diabetes type 1; the documented type is coded"),
            ("E11.9 only", "Long-term insulin use is reported with an additional Z code"),
            ("E11.9 and Z79.84",
             "Z79.84 reports long-term use of oral hypoglycemic drugs, which this patient does not take")],
           ["diabetes", "insulin"], "I.C.4.a.3"),
        _g("A condition is documented as both acute and chronic, and the Alphabetic Index lists separate "
           "subentries for each at the same indentation level. How is it coded?",
           ("Code both, sequencing the acute condition first",
            "When separate subentries exist at the same level, both are coded and the acute one goes first"),
           [("Code both, sequencing the chronic condition first", "The guideline puts the acute code first"),
            ("Code only the acute condition", "The chronic condition is also documented and indexed "
                                              "separately"),
            ("Code only the chronic condition", "The acute condition is also documented and indexed "
                                                "separately")],
           ["acute-chronic", "sequencing"], "I.B.8"),
        _g("A single ICD-10-CM code fully describes a diagnosis together with its associated complication. "
           "What should the coder report?",
           ("Only the combination code",
            "When a combination code fully identifies the conditions, it is used alone"),
           [("The combination code plus separate codes for each element",
             "Multiple coding is not used when the combination code already captures every element"),
            ("Separate codes for each condition instead of the combination code",
             "Separate codes are used only when no combination code exists or it lacks needed detail"),
            ("The combination code only on inpatient claims",
             "Combination codes apply in every setting")],
           ["combination-code"], "I.B.9"),
        _g("The documentation describes a fracture of the tibial shaft but does not say whether it is "
           "displaced or whether it is open or closed. How is it coded?",
           ("As displaced and closed",
            "A fracture not documented as displaced or nondisplaced defaults to displaced, and one not "
            "documented as open or closed defaults to closed"),
           [("As nondisplaced and closed", "The default for displacement is displaced, not nondisplaced"),
            ("As displaced and open", "The default for open versus closed is closed"),
            ("As nondisplaced and open", "Both defaults are reversed")],
           ["fracture", "default-code"], "I.C.19.c"),
        _g("A patient has the same condition on both sides, but the classification offers only right-side "
           "and left-side codes, with no bilateral code. What is reported?",
           ("Separate codes for the right side and the left side",
            "When no bilateral code exists, the condition is reported with a code for each side"),
           [("The unspecified-side code", "Laterality is documented, so the unspecified code is not used"),
            ("The right-side code with modifier 50",
             "Modifier 50 is a CPT/HCPCS procedure modifier; ICD-10-CM codes take no modifiers"),
            ("The left-side code reported twice", "Reporting one side twice misstates the laterality")],
           ["laterality"], "I.B.13"),
        _g("Which statement about ICD-10-CM external cause codes (V00-Y99) is correct?",
           ("They are never reported as the first-listed diagnosis",
            "External cause codes add information about how an injury happened; they cannot be first-listed"),
           [("They replace the code for the injury itself",
             "They are reported in addition to the injury code, never instead of it"),
            ("They may be reported only at the initial encounter",
             "They may be reported for each encounter at which the injury is treated, with the matching 7th "
             "character"),
            ("A national rule requires them on every claim",
             "There is no national mandate; reporting depends on state rules and payer requirements")],
           ["external-cause"], "I.C.20"),
        _g("A patient has first-degree and second-degree burns of the same area of the right forearm. How is "
           "this coded?",
           ("Only the second-degree burn of the forearm",
            "Burns of the same site in different degrees are classified to the highest degree documented"),
           [("Both burns, first-degree first", "The same site is coded once, at the highest degree"),
            ("Both burns, second-degree first", "The same site is coded once, at the highest degree"),
            ("Only the first-degree burn", "The lower degree is absorbed into the highest degree at that "
                                           "site")],
           ["burn"], "I.C.19.d"),
        _g("A patient has a displaced fracture of the right radius with an abrasion of the skin over the "
           "fracture site. Which injuries are coded?",
           ("Only the fracture",
            "Superficial injuries such as abrasions are not coded when they accompany a more severe injury "
            "of the same site"),
           [("Both injuries, abrasion first", "The abrasion is not coded at all with a more severe injury "
                                              "there"),
            ("Both injuries, fracture first", "The abrasion is not coded at all with a more severe injury "
                                              "there"),
            ("Only the abrasion", "The fracture is the most serious injury and must be coded")],
           ["injury", "sequencing"], "I.C.19.b"),
        _g("A patient with confirmed acute appendicitis has right lower quadrant abdominal pain. Is the pain "
           "coded as well?",
           ("No; signs and symptoms that are routinely part of a confirmed disease are not coded separately",
            "Symptoms integral to a confirmed diagnosis are not reported in addition to it"),
           [("Yes, sequenced before the appendicitis",
             "Symptoms are not first-listed when a related definitive diagnosis is established"),
            ("Yes, sequenced after the appendicitis",
             "Integral symptoms are not reported at all once the diagnosis is confirmed"),
            ("Only if the pain is documented twice", "Repeating the symptom in the note does not change the "
                                                     "rule")],
           ["signs-symptoms"], "I.B.5"),
        _g("For an outpatient encounter, which diagnosis is listed first?",
           ("The condition chiefly responsible for the services provided at the visit",
            "The first-listed diagnosis is the reason, shown after study, chiefly responsible for the "
            "outpatient services"),
           [("The most serious chronic condition on the problem list",
             "Seriousness alone does not decide; the reason for the visit does"),
            ("The condition that brings the highest payment", "Sequencing for payment is not permitted"),
            ("The condition diagnosed earliest in the patient's history",
             "The chronology of diagnoses does not determine the first-listed code")],
           ["first-listed", "outpatient"], "IV.A"),
        _g("A pregnant patient is seen for a condition that complicates the pregnancy. Which codes take "
           "sequencing priority?",
           ("Chapter 15 codes (O codes), with other codes added for detail",
            "Obstetric codes take sequencing priority; codes from other chapters may be added to specify the "
            "condition"),
           [("The code from the other chapter, followed by the O code",
             "O codes take priority when the condition complicates the pregnancy"),
            ("Z33.1, pregnant state, incidental",
             "Z33.1 is for a pregnancy that is incidental to the visit, not a complicated one"),
            ("O codes on the newborn's record",
             "Chapter 15 codes are used only on the maternal record")],
           ["pregnancy", "sequencing"], "I.C.15.a"),
    ]
    items += [_placeholder_item(c) for c in ("S80.01XA", "S50.02XA", "T15.01XA", "S80.12XD")]
    return items


def build(rng: random.Random) -> list[Spec]:
    vignettes = _vignettes(rng, VIGNETTE_COUNT)
    return pick(rng, [(vignettes, VIGNETTE_COUNT), (_guidelines(), GUIDELINE_COUNT)])
