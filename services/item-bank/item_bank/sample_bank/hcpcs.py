"""HCPCS Level II items from a small hand-written table of real codes and modifiers.

HCPCS Level II is a public-domain CMS code set, but the official long descriptors are not
shipped offline, so the descriptions here are our own short wording of what each code reports.
The table is kept small and well known on purpose: every key must be unarguably right, and every
distractor must be a real code that is clearly wrong for the scenario.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import cases_hcpcs
from ._common import Spec, pick, spec

DOMAIN = "HCPCS"
REF_CODES = "HCPCS Level II code set (CMS)"
REF_MODIFIERS = "HCPCS Level II modifiers (CMS)"
REF_ABN = "Medicare Claims Processing Manual, Chapter 30 (financial liability protections)"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    what: str  # our short description
    scenario: str  # how a chart would describe the service or item
    group: str


CODES: tuple[Code, ...] = (
    # Canes, crutches, walkers
    Code("E0100", "a standard cane of any material, with tip", "a standard adjustable cane with a rubber tip",
         "mobility"),
    Code("E0105", "a quad or three-prong cane, with tips", "a quad cane", "mobility"),
    Code("E0110", "a pair of forearm crutches with tips and handgrips",
         "a pair of forearm crutches", "mobility"),
    Code("E0112", "a pair of wooden underarm crutches with pads, tips and handgrips",
         "a pair of wooden underarm crutches", "mobility"),
    Code("E0114", "a pair of underarm crutches made of a material other than wood",
         "a pair of aluminum underarm crutches", "mobility"),
    Code("E0130", "a rigid (non-folding) pickup walker", "a rigid, non-folding pickup walker", "mobility"),
    Code("E0135", "a folding pickup walker without wheels", "a folding pickup walker without wheels",
         "mobility"),
    Code("E0143", "a folding walker with wheels", "a folding wheeled walker", "mobility"),
    # Manual wheelchairs
    Code("K0001", "a standard manual wheelchair", "a standard manual wheelchair", "wheelchair"),
    Code("K0002", "a standard hemi (low-seat) manual wheelchair",
         "a standard hemi wheelchair with a low seat height", "wheelchair"),
    Code("K0003", "a lightweight manual wheelchair", "a lightweight manual wheelchair", "wheelchair"),
    Code("K0004", "a high-strength lightweight manual wheelchair", "a high-strength lightweight manual "
                                                                   "wheelchair",
         "wheelchair"),
    # Home equipment
    Code("E0250", "a fixed-height hospital bed with side rails and mattress",
         "a fixed-height hospital bed with side rails and a mattress", "home"),
    Code("E0260", "a semi-electric hospital bed with side rails and mattress",
         "a semi-electric hospital bed with side rails and a mattress", "home"),
    Code("E0601", "a continuous positive airway pressure (CPAP) device",
         "a CPAP device for obstructive sleep apnea", "home"),
    Code("E0570", "a nebulizer with compressor", "a compressor-driven nebulizer", "home"),
    Code("E0630", "a hydraulic or mechanical patient lift with seat or sling",
         "a hydraulic patient lift with a sling", "home"),
    Code("E0607", "a home blood glucose monitor", "a home blood glucose monitor", "home"),
    # Supplies
    Code("A4253", "blood glucose test strips, per 50 strips",
         "a box of 50 blood glucose test strips", "supply"),
    Code("A4259", "lancets, per 100", "a box of 100 lancets", "supply"),
    Code("A4206", "a sterile syringe with needle, 1 cc or less, each",
         "a single sterile 1 cc syringe with needle", "supply"),
    # Ground ambulance
    Code("A0425", "ground ambulance mileage, per statute mile",
         "the miles driven with the patient on board during a ground ambulance transport", "ambulance"),
    Code("A0426", "advanced life support, level 1, non-emergency ground transport",
         "a scheduled, non-emergency ground transport that needs an advanced life support (level 1) "
         "assessment", "ambulance"),
    Code("A0427", "advanced life support, level 1, emergency ground transport",
         "an emergency (911) ground transport with advanced life support (level 1) intervention",
         "ambulance"),
    Code("A0428", "basic life support, non-emergency ground transport",
         "a scheduled, non-emergency ground transport with basic life support", "ambulance"),
    Code("A0429", "basic life support, emergency ground transport",
         "an emergency (911) ground transport with basic life support only", "ambulance"),
    # Drugs (our wording of the drug and its billing unit)
    Code("J3420", "vitamin B-12 (cyanocobalamin) injection, up to 1,000 mcg",
         "an injection of vitamin B-12 (cyanocobalamin) 1,000 mcg", "drug"),
    Code("J1100", "dexamethasone sodium phosphate injection, per 1 mg",
         "an injection of dexamethasone sodium phosphate", "drug"),
    Code("J0696", "ceftriaxone sodium injection, per 250 mg", "an injection of ceftriaxone sodium",
         "drug"),
    Code("J1885", "ketorolac tromethamine injection, per 15 mg",
         "an injection of ketorolac tromethamine", "drug"),
    Code("J2550", "promethazine HCl injection, up to 50 mg", "an injection of promethazine HCl 25 mg",
         "drug"),
    Code("J1200", "diphenhydramine HCl injection, up to 50 mg", "an injection of diphenhydramine HCl 50 mg",
         "drug"),
    Code("J2405", "ondansetron HCl injection, per 1 mg", "an injection of ondansetron HCl", "drug"),
    Code("J1815", "insulin injection, per 5 units", "an injection of regular insulin", "drug"),
    Code("J3301", "triamcinolone acetonide injection (not otherwise specified), per 10 mg",
         "an injection of triamcinolone acetonide", "drug"),
    Code("J0561", "penicillin G benzathine injection, per 100,000 units",
         "an injection of penicillin G benzathine", "drug"),
    Code("J1030", "methylprednisolone acetate injection, 40 mg",
         "an injection of methylprednisolone acetate 40 mg", "drug"),
    Code("J1040", "methylprednisolone acetate injection, 80 mg",
         "an injection of methylprednisolone acetate 80 mg", "drug"),
    Code("J7030", "normal saline infusion, 1,000 cc", "an infusion of 1,000 cc of normal saline", "drug"),
    Code("J2270", "morphine sulfate injection, up to 10 mg", "an injection of morphine sulfate 4 mg", "drug"),
    Code("J0171", "epinephrine (adrenalin) injection, per 0.1 mg", "an injection of epinephrine", "drug"),
    # Medicare preventive services
    Code("G0008", "administration of influenza virus vaccine",
         "the administration of a seasonal influenza vaccine", "preventive"),
    Code("G0009", "administration of pneumococcal vaccine",
         "the administration of a pneumococcal vaccine", "preventive"),
    Code("G0010", "administration of hepatitis B vaccine", "the administration of a hepatitis B vaccine",
         "preventive"),
    Code("G0402", "initial preventive physical examination ('Welcome to Medicare' visit)",
         "the 'Welcome to Medicare' initial preventive physical examination within the first 12 months of "
         "Part B coverage", "preventive"),
    Code("G0438", "annual wellness visit with personalized prevention plan, first visit",
         "the beneficiary's first annual wellness visit with a personalized prevention plan", "preventive"),
    Code("G0439", "annual wellness visit with personalized prevention plan, subsequent visit",
         "a subsequent annual wellness visit, one year after the first", "preventive"),
    Code("G0121", "screening colonoscopy for a patient not at high risk of colorectal cancer",
         "a screening colonoscopy for a patient at average risk of colorectal cancer", "preventive"),
    Code("G0105", "screening colonoscopy for a patient at high risk of colorectal cancer",
         "a screening colonoscopy for a patient at high risk because a parent had colorectal cancer",
         "preventive"),
    Code("G0102", "prostate cancer screening by digital rectal examination",
         "a screening digital rectal examination for prostate cancer", "preventive"),
    Code("G0103", "prostate cancer screening by total prostate-specific antigen (PSA) test",
         "a screening total PSA blood test for prostate cancer", "preventive"),
    Code("G0101", "cervical or vaginal cancer screening by pelvic and clinical breast examination",
         "a screening pelvic examination with clinical breast examination", "preventive"),
    Code("Q0091", "obtaining, preparing and sending a screening Pap smear to the laboratory",
         "obtaining, preparing and sending a screening Pap smear to the laboratory", "preventive"),
)
BY_CODE = {c.code: c for c in CODES}

_LOOKUP_STEMS = {
    "mobility": "After ankle surgery, a Medicare patient is supplied with {s}. Which HCPCS Level II code "
                "reports the item?",
    "wheelchair": "A supplier delivers {s} to a Medicare beneficiary. Which HCPCS Level II code reports the "
                  "item?",
    "home": "A physician orders {s} for use in the patient's home. Which HCPCS Level II code reports the "
            "equipment?",
    "supply": "A patient with diabetes is dispensed {s}. Which HCPCS Level II code reports the supply?",
    "ambulance": "An ambulance supplier bills for {s}. Which HCPCS Level II code reports this?",
    "drug": "In the office, a patient receives {s}. Which HCPCS Level II code reports the drug supplied?",
    "preventive": "A Medicare beneficiary receives {s}. Which HCPCS Level II code reports the service?",
}


_FALLBACK = {"supply": "home"}


def _lookups(rng: random.Random) -> list[Spec]:
    out = []
    for c in CODES:
        peers = [p for p in CODES if p.group == c.group and p.code != c.code]
        if len(peers) < 3:  # small groups borrow from the closest neighbouring group
            peers += [p for p in CODES if p.group == _FALLBACK[c.group]]
        distractors = rng.sample(peers, 3)
        out.append(spec(
            DOMAIN,
            _LOOKUP_STEMS[c.group].format(s=c.scenario),
            (c.code, f"{c.code} reports {c.what}, which is what the scenario describes"),
            [(p.code, f"{p.code} reports {p.what}, which does not match the scenario") for p in distractors],
            ["hcpcs-level-ii", "code-lookup", c.group],
            [REF_CODES],
        ))
    return out


_FINGERS = ("thumb", "index finger (second digit)", "middle finger (third digit)",
            "ring finger (fourth digit)", "little finger (fifth digit)")
_TOES = ("great toe", "second toe", "third toe", "fourth toe", "fifth toe")
_HAND = {("left", i): m for i, m in enumerate(("FA", "F1", "F2", "F3", "F4"))} | {
    ("right", i): m for i, m in enumerate(("F5", "F6", "F7", "F8", "F9"))}
_FOOT = {("left", i): m for i, m in enumerate(("TA", "T1", "T2", "T3", "T4"))} | {
    ("right", i): m for i, m in enumerate(("T5", "T6", "T7", "T8", "T9"))}
_OPPOSITE = {"left": "right", "right": "left"}


def _digit_name(table: dict, side: str, i: int) -> str:
    names = _FINGERS if table is _HAND else _TOES
    part = "hand" if table is _HAND else "foot"
    return f"{side} {part}, {names[i]}"


def _digits(rng: random.Random) -> list[Spec]:
    out = []
    for table, other, where in ((_HAND, _FOOT, "finger"), (_FOOT, _HAND, "toe")):
        procedure = "a laceration repair on" if table is _HAND else "a nail avulsion on"
        for (side, i), mod in table.items():
            neighbour = i + 1 if i < 4 else i - 1
            wrong = [
                (table[(_OPPOSITE[side], i)], _digit_name(table, _OPPOSITE[side], i)),
                (table[(side, neighbour)], _digit_name(table, side, neighbour)),
                (other[(side, i)], _digit_name(other, side, i)),
            ]
            site = _digit_name(table, side, i)
            out.append(spec(
                DOMAIN,
                f"A surgeon performs {procedure} the patient's {site.split(', ')[1]} of the {side} "
                f"{'hand' if table is _HAND else 'foot'}. Which HCPCS Level II modifier identifies the site?",
                (mod, f"{mod} identifies the {site}"),
                [(m, f"{m} identifies the {n}") for m, n in wrong],
                ["modifier", "hcpcs-level-ii", f"{where}-modifier", "anatomic-modifier"],
                [REF_MODIFIERS],
            ))
    return out


_EYELIDS = {"E1": "upper left eyelid", "E2": "lower left eyelid", "E3": "upper right eyelid",
            "E4": "lower right eyelid"}
_CORONARY = {"LC": "left circumflex coronary artery", "LD": "left anterior descending coronary artery",
             "RC": "right coronary artery", "LM": "left main coronary artery", "RI": "ramus intermedius"}


def _site_modifiers(rng: random.Random) -> list[Spec]:
    out = []
    for mod, site in _EYELIDS.items():
        others = [m for m in _EYELIDS if m != mod]
        out.append(spec(
            DOMAIN,
            f"A lesion is excised from the patient's {site}. Which HCPCS Level II modifier identifies the "
            "site?",
            (mod, f"{mod} identifies the {site}"),
            [(m, f"{m} identifies the {_EYELIDS[m]}") for m in others],
            ["modifier", "hcpcs-level-ii", "eyelid-modifier", "anatomic-modifier"],
            [REF_MODIFIERS],
        ))
    for mod, site in _CORONARY.items():
        others = rng.sample([m for m in _CORONARY if m != mod], 3)
        out.append(spec(
            DOMAIN,
            f"A cardiologist places a stent in the {site}. Which HCPCS Level II modifier identifies the "
            "vessel?",
            (mod, f"{mod} identifies the {site}"),
            [(m, f"{m} identifies the {_CORONARY[m]}") for m in others],
            ["modifier", "hcpcs-level-ii", "coronary-modifier", "anatomic-modifier"],
            [REF_MODIFIERS],
        ))
    for side, mod, wrong in (("right", "RT", "LT"), ("left", "LT", "RT")):
        out.append(spec(
            DOMAIN,
            f"A single joint injection is given into the patient's {side} shoulder, and the payer requires a "
            "side-specific modifier. Which HCPCS Level II modifier is appended?",
            (mod, f"{mod} identifies the {side} side of the body"),
            [(wrong, f"{wrong} identifies the {_OPPOSITE[side]} side"),
             ("E3" if side == "right" else "E1", "E1-E4 identify eyelids, not a shoulder"),
             ("F5" if side == "right" else "FA", "FA-F9 identify fingers, not a shoulder")],
            ["modifier", "hcpcs-level-ii", "laterality", "anatomic-modifier"],
            [REF_MODIFIERS],
        ))
    return out


_PAYMENT_MODS = {
    "GA": "a waiver of liability (ABN) was issued as required by payer policy",
    "GZ": "the item or service is expected to be denied as not reasonable and necessary and no ABN is on "
          "file",
    "GY": "the item or service is statutorily excluded or does not meet the definition of any Medicare "
          "benefit",
    "GX": "a voluntary notice of liability was issued under payer policy",
    "KX": "the requirements in the payer's medical policy have been met and documented",
    "NU": "the durable medical equipment is purchased new",
    "RR": "the durable medical equipment is rented",
    "UE": "the durable medical equipment is purchased used",
    "QW": "the laboratory test is CLIA-waived",
    "Q5": "a substitute physician provided the service under a reciprocal billing arrangement",
    "Q6": "a substitute physician was paid on a fee-for-time (locum tenens) basis",
    "GC": "the service was performed in part by a resident under the direction of a teaching physician",
}
_PAYMENT_CASES: tuple[tuple[str, str, tuple[str, str, str], str], ...] = (
    ("GA", "A Medicare patient wants a screening test more often than Medicare covers it. Before the "
           "service, the office explains that Medicare will probably deny it and the patient signs an ABN. "
           "Which modifier is appended?", ("GZ", "GY", "GX"), "abn"),
    ("GZ", "A provider expects Medicare to deny a service as not reasonable and necessary, but no ABN was "
           "obtained before the service was given. Which modifier is appended?", ("GA", "GY", "KX"), "abn"),
    ("GY", "A patient asks that a service Medicare never covers by statute be billed so that a secondary "
           "insurer will receive a denial. Which modifier is appended?", ("GA", "GZ", "KX"), "abn"),
    ("GX", "For a service that Medicare excludes by statute, the office gives the patient a voluntary ABN "
           "before providing it. Which modifier reports that the notice was issued?",
     ("GA", "GZ", "QW"), "abn"),
    ("KX", "Outpatient therapy continues past the yearly threshold amount, and the record documents that the "
           "services remain medically necessary as the policy requires. Which modifier is appended?",
     ("GA", "GY", "GC"), "medical-necessity"),
    ("RR", "A supplier provides a hospital bed to a patient on a monthly rental. Which modifier is appended "
           "to the equipment code?", ("NU", "UE", "KX"), "dme"),
    ("NU", "A patient buys a brand-new walker from a DME supplier. Which modifier is appended to the "
           "equipment code?", ("RR", "UE", "GA"), "dme"),
    ("UE", "A patient buys a previously owned (used) manual wheelchair from a supplier. Which modifier is "
           "appended to the equipment code?", ("NU", "RR", "GY"), "dme"),
    ("QW", "A physician office with a CLIA certificate of waiver performs a rapid strep test that is on the "
           "waived list. Which modifier does Medicare require on the test code?",
     ("GA", "KX", "GC"), "laboratory"),
    ("Q5", "While a physician is away, a colleague from another practice sees her patients under a "
           "reciprocal arrangement. Which modifier is appended to the services billed by the regular "
           "physician?",
     ("Q6", "GC", "GX"), "substitute-physician"),
    ("Q6", "A practice pays a locum tenens physician per day to cover a physician's patients during a leave. "
           "Which modifier is appended to the services billed by the regular physician?",
     ("Q5", "GC", "KX"), "substitute-physician"),
    ("GC", "A resident performs part of a service under the direction of a teaching physician, who bills it. "
           "Which modifier is appended?", ("Q5", "Q6", "GX"), "teaching-physician"),
)


def _payment_modifiers() -> list[Spec]:
    out = []
    for mod, stem, wrong, tag in _PAYMENT_CASES:
        out.append(spec(
            DOMAIN,
            stem,
            (mod, f"{mod} means {_PAYMENT_MODS[mod]}"),
            [(w, f"{w} means {_PAYMENT_MODS[w]}, which is not this situation") for w in wrong],
            ["modifier", "hcpcs-level-ii", tag],
            [REF_MODIFIERS, REF_ABN] if tag == "abn" else [REF_MODIFIERS],
        ))
    return out


_SECTIONS = {
    "A": "transportation services, medical and surgical supplies, and miscellaneous items",
    "C": "temporary codes for the hospital outpatient prospective payment system",
    "D": "dental procedures",
    "E": "durable medical equipment",
    "G": "temporary codes for professional procedures and services",
    "J": "drugs administered other than by the oral method, and chemotherapy drugs",
    "K": "temporary codes for durable medical equipment assigned to DME contractors",
    "L": "orthotic and prosthetic procedures and devices",
    "V": "vision, hearing and speech-language pathology services",
}
_ROUTES = {
    "IM": "intramuscular", "IV": "intravenous", "SC": "subcutaneous", "IT": "intrathecal",
    "INH": "inhalant solution", "IA": "intra-arterial",
}


def _structure(rng: random.Random) -> list[Spec]:
    out = []
    for letter, meaning in _SECTIONS.items():
        others = rng.sample([k for k in _SECTIONS if k != letter], 3)
        out.append(spec(
            DOMAIN,
            f"HCPCS Level II codes that begin with the letter {letter} are used mainly to report which of "
            "the following?",
            (meaning[0].upper() + meaning[1:], f"The {letter} section covers {meaning}"),
            [(_SECTIONS[o][0].upper() + _SECTIONS[o][1:], f"That is the {o} section, not "
                                                          f"{letter}") for o in others],
            ["hcpcs-level-ii", "code-structure"],
            [REF_CODES],
        ))
    for abbr, route in _ROUTES.items():
        others = rng.sample([k for k in _ROUTES if k != abbr], 3)
        out.append(spec(
            DOMAIN,
            f"In the HCPCS Level II Table of Drugs, what does the route abbreviation '{abbr}' stand for?",
            (route.capitalize(), f"'{abbr}' is the Table of Drugs abbreviation for {route} administration"),
            [(_ROUTES[o].capitalize(), f"{_ROUTES[o].capitalize()} is abbreviated '{o}'") for o in others],
            ["hcpcs-level-ii", "table-of-drugs", "route"],
            [REF_CODES],
        ))
    out.append(spec(
        DOMAIN,
        "A physician administers an injectable drug that has no specific HCPCS Level II code. How is the "
        "drug supply reported?",
        ("With the unclassified drug code J3490, with the drug name and dose on the claim",
         "When no specific code exists, the unclassified drug code is used and the claim identifies the "
         "drug"),
        [("With the code for the closest similar drug",
          "Reporting a different drug's code misrepresents what was given"),
         ("It cannot be reported", "Unclassified codes exist precisely so that such drugs can be reported"),
         ("With a CPT Category III code", "Category III codes describe emerging technology services, not "
                                          "drugs")],
        ["hcpcs-level-ii", "unlisted", "j-codes"],
        [REF_CODES],
    ))
    out.append(spec(
        DOMAIN,
        "Which organization maintains and distributes the HCPCS Level II code set?",
        ("The Centers for Medicare & Medicaid Services (CMS)", "CMS maintains HCPCS Level II and publishes "
                                                               "updates"),
        [("The American Medical Association (AMA)", "The AMA maintains CPT (HCPCS Level I), not Level II"),
         ("The World Health Organization (WHO)", "The WHO maintains ICD, the base of ICD-10-CM"),
         ("The Office of Inspector General (OIG)", "The OIG investigates fraud; it does not maintain code "
                                                   "sets")],
        ["hcpcs-level-ii", "code-structure"],
        [REF_CODES],
    ))
    return out


def build(rng: random.Random) -> list[Spec]:
    # Mostly notes to codes with units and modifiers (cases_hcpcs); a few lookups and modifier and
    # structure items stay.
    notes = cases_hcpcs.cases()
    # Generated items of one kind share a stem and differ only in a code or modifier: take one
    # of each kind (the kind is the tag set), so no two items differ only in a code.
    letters = [i for i in _structure(rng) if "begin with the letter" in i.stem]
    structure = _one_per_kind(rng, letters) + _one_per_kind(
        rng, [i for i in _structure(rng) if "begin with the letter" not in i.stem])
    return pick(rng, [
        (notes, len(notes)),
        (structure, len(structure)),
        (_one_per_kind(rng, _digits(rng) + _site_modifiers(rng)), 5),
        (_one_per_kind(rng, _payment_modifiers()), 5),
        (_one_per_kind(rng, _lookups(rng)), 40 - len(notes) - len(structure) - 10),
    ])


def _one_per_kind(rng: random.Random, specs: list[Spec]) -> list[Spec]:
    kinds: dict[tuple[str, ...], list[Spec]] = {}
    for item in specs:
        kinds.setdefault(item.tags, []).append(item)
    return [rng.choice(group) for group in kinds.values()]
