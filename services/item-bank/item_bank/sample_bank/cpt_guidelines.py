"""Coding guidelines (GUIDE) items: CPT conventions, code categories, modifiers and global surgery.

These are the rules a CPC candidate applies across every section, written in our own words. Codes
appear only by number (to ask which category a code belongs to, or to date a global period), never
with a descriptor, so nothing here reproduces AMA text.
"""

from __future__ import annotations

import random

from ._common import Spec, pick, spec
from .cpt_common import REF_GLOBAL, REF_MODIFIERS, REF_NCCI, fact, global_date_items

GUIDE = "GUIDE"
REF_INTRO = "CPT Introduction and general guidelines"
REF_HIPAA_SETS = "HIPAA code set standards (45 CFR 162)"

_SYMBOLS = {
    "●": "A new code",
    "▲": "A code whose descriptor has been revised",
    "+": "An add-on code",
    "⊘": "A code exempt from modifier 51",
    "#": "A resequenced code, printed out of numerical order",
    "⚡": "A product code pending FDA approval",
    "★": "A code that may be reported for synchronous (real-time audio-video) telemedicine",
    "▶◀": "New or revised text other than a code descriptor",
}


def _symbols(rng: random.Random) -> list[Spec]:
    out = []
    for sym, meaning in _SYMBOLS.items():
        others = rng.sample([s for s in _SYMBOLS if s != sym], 3)
        where = "around text" if sym == "▶◀" else "next to a code"
        out.append(spec(
            GUIDE,
            f"In the CPT code book, what does the symbol {sym} {where} indicate?",
            (meaning, f"{sym} marks {meaning[0].lower()}{meaning[1:]}"),
            [(_SYMBOLS[o], f"That is what {o} indicates") for o in others],
            ["cpt-conventions", "symbols"],
            [REF_INTRO],
        ))
    return out


_CATEGORY = {
    "I": ("Category I", "Category I codes are five digits with no letter"),
    "F": ("Category II (performance measurement)", "Category II codes end in F"),
    "T": ("Category III (emerging technology)", "Category III codes end in T"),
    "U": ("Proprietary Laboratory Analyses (PLA)", "PLA codes end in U"),
}


def _categories() -> list[Spec]:
    out = []
    for code in ("1036F", "3074F", "4004F", "0213T", "0275T", "0001U"):
        key = code[-1]
        out.append(spec(
            GUIDE,
            f"Code {code} belongs to which part of CPT?",
            (_CATEGORY[key][0], f"{_CATEGORY[key][1]}, so {code} is {_CATEGORY[key][0]}"),
            [(_CATEGORY[k][0], f"{_CATEGORY[k][1]}; {code} does not fit") for k in _CATEGORY if k != key],
            ["cpt-structure", "code-categories"],
            [REF_INTRO],
        ))
    return out


_MODS = {
    "25": "a significant, separately identifiable E/M service on the same day as a procedure",
    "26": "the professional component only",
    "TC": "the technical component only",
    "32": "a mandated service, such as a second opinion required by a payer",
    "33": "a preventive service",
    "50": "a bilateral procedure at the same session",
    "51": "multiple procedures at the same session by the same provider",
    "52": "a reduced service",
    "53": "a discontinued procedure",
    "56": "preoperative management only",
    "57": "the decision for surgery",
    "59": "a distinct procedural service",
    "62": "two co-surgeons",
    "63": "a procedure performed on an infant weighing less than 4 kg",
    "66": "team surgery",
    "76": "a repeat procedure by the same physician",
    "77": "a repeat procedure by another physician",
    "80": "an assistant surgeon",
    "81": "a minimum assistant surgeon",
    "82": "an assistant surgeon when a qualified resident surgeon is not available",
    "90": "a reference (outside) laboratory",
    "91": "a repeat clinical diagnostic laboratory test",
    "93": "a synchronous telemedicine service by real-time audio-only communication",
    "95": "a synchronous telemedicine service by real-time audio and video",
    "96": "habilitative services",
    "97": "rehabilitative services",
    "99": "multiple modifiers",
    "XE": "a separate encounter",
    "XS": "a separate structure",
    "XP": "a separate practitioner",
    "XU": "an unusual non-overlapping service",
    "22": "increased procedural services",
    "23": "unusual anesthesia",
}
_MOD_CASES: tuple[tuple[str, str, tuple[str, str, str]], ...] = (
    ("32", "A payer requires a second surgical opinion before it will approve surgery, and the physician "
           "provides it. Which modifier identifies the required service?", ("33", "25", "59")),
    ("33", "A service that a payer's preventive-care rules cover without cost sharing is provided, and the "
           "payer asks for it to be flagged as preventive. Which modifier is used?", ("32", "25", "52")),
    ("63", "A procedure is performed on a neonate weighing 3.2 kg, and the code is not one that already "
           "accounts for small infants. Which modifier reports the added difficulty?", ("22", "23", "52")),
    ("95", "An E/M service is provided through a real-time interactive audio and video connection. Which CPT "
           "modifier identifies the service as synchronous telemedicine?", ("93", "52", "25")),
    ("93", "Where the payer allows it, a service is provided by real-time audio-only telephone call. Which "
           "CPT modifier identifies the service?", ("95", "52", "25")),
    ("96", "Therapy is provided to help a child learn functional skills the child has never developed. Which "
           "modifier identifies the services as habilitative?", ("97", "52", "59")),
    ("97", "Therapy is provided to help a patient regain skills lost after a stroke. Which modifier "
           "identifies the services as rehabilitative?", ("96", "52", "59")),
    ("99", "One procedure line needs more modifiers than the claim form has room for. Which modifier signals "
           "that multiple modifiers apply?", ("51", "59", "22")),
    ("81", "A second surgeon provides only minimal assistance during part of a procedure. Which modifier "
           "does the assisting surgeon append?", ("80", "82", "62")),
    ("82", "In a teaching hospital, a surgeon serves as assistant because no qualified resident surgeon is "
           "available. Which modifier does the assistant append?", ("80", "81", "66")),
    ("66", "A highly complex procedure requires several surgeons of different specialties working together "
           "as a team, along with special equipment. Which modifier is appended?", ("62", "80", "51")),
    ("26", "A physician only interprets and reports a study performed on another entity's equipment. Which "
           "modifier is appended?", ("TC", "52", "59")),
    ("TC", "A facility provides only the equipment, supplies and technologist for a study that another "
           "physician interprets. Which modifier is appended to the facility's claim for that study?",
     ("26", "52", "59")),
    ("52", "At the physician's discretion, a procedure is partially reduced, and no other code describes the "
           "reduced service. Which modifier is appended?", ("53", "22", "76")),
    ("53", "A diagnostic procedure is started but stopped because the patient develops a dangerous "
           "arrhythmia. Which modifier does the physician append?", ("52", "76", "22")),
    ("56", "A physician performs only the preoperative evaluation and management before another surgeon "
           "operates. Which modifier does that physician append to the procedure code?", ("54", "57", "25")),
    ("59", "A procedure pair is subject to an NCCI edit that allows a modifier, the second procedure is "
           "truly distinct, and none of the more specific X modifiers describes why. Which modifier is "
           "appended?",
     ("51", "76", "22")),
    ("XP", "Two different practitioners perform services on the same day that NCCI normally bundles, and the "
           "second service is distinct because another practitioner performed it. Which modifier most "
           "specifically reports this?", ("XE", "XS", "XU")),
    ("XU", "A service that NCCI normally bundles is distinct because it does not overlap the usual "
           "components of the main service. Which X modifier most specifically reports "
           "this?", ("XE", "XS", "XP")),
    ("51", "Two unrelated procedures without an NCCI edit between them are performed at the same session by "
           "the same surgeon, and the payer asks for a multiple-procedure modifier. Which modifier goes on "
           "the secondary procedure?", ("59", "50", "76")),
    ("91", "A potassium level is repeated three times on the same day to follow the patient's response to "
           "treatment. Which modifier is appended to the repeat tests?", ("59", "76", "90")),
    ("90", "The physician bills, with the payer's permission, for a laboratory test performed by an outside "
           "reference laboratory. Which modifier is appended?", ("91", "26", "59")),
    ("25", "On the day of a minor procedure, the physician also provides a significant, separately "
           "identifiable E/M service for a different problem. Which modifier goes on "
           "the E/M code?", ("57", "59", "24")),
    ("57", "At an E/M visit the day before a major operation, the surgeon makes the decision to operate. "
           "Which modifier goes on the E/M code?", ("25", "24", "56")),
)
_MORE = {"24": "an unrelated E/M service during a postoperative period", "54": "surgical care only"}


def _modifiers() -> list[Spec]:
    meanings = {**_MODS, **_MORE}
    out = []
    for mod, stem, wrong in _MOD_CASES:
        out.append(spec(
            GUIDE, stem,
            (f"Modifier {mod}", f"Modifier {mod} reports {meanings[mod]}"),
            [(f"Modifier {w}", f"Modifier {w} reports {meanings[w]}, which is not this "
                               "situation") for w in wrong],
            ["modifier", f"modifier-{mod.lower()}"],
            [REF_MODIFIERS],
        ))
    return out


def _facts() -> list[Spec]:
    g = GUIDE
    ref = (REF_INTRO,)
    return [
        fact(g, "Which statement about CPT add-on codes is correct?",
             ("They are reported only together with a primary procedure code",
              "Add-on codes describe work beyond the primary procedure and are never reported alone"),
             [("They always require modifier 51", "Add-on codes are exempt from modifier 51"),
              ("They may be reported alone when no primary procedure was done", "They are never stand-alone"),
              ("They are found only in Category III", "Add-on codes appear throughout Category I")],
             ["add-on", "cpt-conventions"], ref),
        fact(g, "A service is described by a Category III code. Should an unlisted Category I code be used "
                "instead?",
             ("No; the Category III code is used", "When a Category III code describes the service, it is "
                                                   "reported instead of an unlisted code"),
             [("Yes; Category III codes are for research only", "They are meant to be reported"),
              ("Yes, if the payer has not set a fee", "Payment policy does not change code selection"),
              ("Both codes are reported together", "Only one code describes the service")],
             ["code-categories", "unlisted"], ref),
        fact(g, "What is the purpose of CPT Category II codes?",
             ("Supplemental tracking of performance measures", "Category II codes track quality and "
                                                               "performance measurement and never replace "
                                                               "Category I codes"),
             [("Reporting emerging technology", "That is Category III"),
              ("Reporting proprietary laboratory analyses", "Those are PLA codes"),
              ("Reporting services when no Category I code exists", "That is the role of Category III or "
                                                                    "unlisted codes")],
             ["code-categories"], ref),
        fact(g, "What should accompany a claim that uses an unlisted procedure code?",
             ("Documentation describing the procedure, its extent, time and effort",
              "Unlisted codes need a special report so the payer can understand and value the service"),
             [("Nothing; the unlisted code number on the claim is enough for the payer",
               "The payer cannot tell what was done from the number"),
              ("Modifier 22 on the unlisted code to show the unusual work", "Modifier 22 reports increased "
                                                                            "work on a listed code"),
              ("A Category II code", "Category II codes track performance measures")],
             ["unlisted", "documentation"], ref),
        fact(g, "A code designated as a 'separate procedure' is performed as an integral part of a larger "
                "procedure at the same session. How is it reported?",
             ("It is not reported", "A separate procedure is not reported when it is part of a more "
                                    "extensive procedure"),
             [("It is reported with modifier 51", "It is not separately reportable in this case"),
              ("It is reported with modifier 22", "It is not unusual work"),
              ("It is reported instead of the larger procedure", "The larger procedure is what was "
                                                                 "performed")],
             ["separate-procedure", "bundling"], ref),
        fact(g, "A code designated as a 'separate procedure' is performed alone, at a different site and "
                "unrelated to the other procedure done that day. How is it reported?",
             ("It may be reported, with modifier 59 or an X modifier when needed",
              "When performed independently or at a separate site, a separate procedure can be reported"),
             [("It can never be reported on the same day", "It is reportable when truly independent"),
              ("It is reported with modifier 52", "Nothing was reduced"),
              ("It is included in the other procedure", "It is unrelated and at a different site")],
             ["separate-procedure", "modifier-59"], ref),
        fact(g, "In CPT, what does the text before the semicolon in a stand-alone code descriptor represent?",
             ("The common part that applies to each indented code listed beneath it",
              "Indented codes share the wording that precedes the semicolon in the parent code"),
             [("An optional note that can be ignored", "It is part of each indented code's meaning"),
              ("A parenthetical coding instruction", "Parenthetical notes are separate instructions"),
              ("Text that was revised this year", "Revised text is marked with other symbols")],
             ["cpt-conventions"], ref),
        fact(g, "On what date do annual CPT Category I code changes take effect?",
             ("January 1", "The annual CPT release takes effect on January 1"),
             [("October 1", "October 1 is when the annual ICD-10-CM and ICD-10-PCS update takes effect"),
              ("April 1", "April 1 is a quarterly update date for some code sets, not the annual CPT "
                          "release"),
              ("July 1", "July 1 is a release date for Category III codes, not the annual Category I "
                         "change")],
             ["code-updates"], ref),
        fact(g, "Under the HIPAA code set standards, which code set reports procedures on hospital inpatient "
                "facility claims?",
             ("ICD-10-PCS", "ICD-10-PCS is the standard for inpatient hospital procedures"),
             [("CPT", "CPT is used for physician and outpatient services"),
              ("HCPCS Level II", "HCPCS Level II reports supplies, drugs and services not in CPT"),
              ("ICD-10-CM", "ICD-10-CM reports diagnoses, not procedures")],
             ["hipaa", "code-sets"], (REF_HIPAA_SETS,)),
        fact(g, "Under the HIPAA code set standards, which code set reports physicians' procedures and "
                "services?",
             ("CPT (HCPCS Level I), with HCPCS Level II", "Physician services are reported with CPT, "
                                                          "supplemented by HCPCS Level II"),
             [("ICD-10-PCS", "ICD-10-PCS is for inpatient hospital facility procedures"),
              ("ICD-10-CM", "ICD-10-CM reports diagnoses"),
              ("CDT", "CDT is the dental code set")],
             ["hipaa", "code-sets"], (REF_HIPAA_SETS,)),
        fact(g, "Which appendix of the CPT code book lists the modifiers and their descriptions?",
             ("Appendix A", "Appendix A lists the CPT modifiers"),
             [("Appendix D", "Appendix D summarizes add-on codes"),
              ("Appendix E", "Appendix E summarizes codes exempt from modifier 51"),
              ("Appendix B", "Appendix B summarizes additions, deletions and revisions")],
             ["cpt-structure", "modifier"], ref),
        fact(g, "Several procedures are reported for one session. In what order are they usually listed?",
             ("The most resource-intensive procedure first, with modifiers on the additional procedures",
              "The primary, highest-valued procedure is listed first and additional procedures follow"),
             [("In the order they were performed", "Chronological order does not decide"),
              ("In numerical order by code", "Code order does not decide"),
              ("The least expensive procedure first", "The primary procedure goes first")],
             ["sequencing", "multiple-procedures"], ref),
        fact(g, "How should a coder choose between a code that exactly describes the service and one that "
                "only approximates it?",
             ("Use the code that accurately identifies the service performed",
              "CPT instructs coders to select the code that most accurately identifies the service, not a "
              "similar one"),
             [("Use whichever of the two codes the payer reimburses at the higher rate", "Payment does not "
                                                                                         "determine code "
                                                                                         "selection"),
              ("Use the approximate code with modifier 52", "Modifier 52 is for reduced services"),
              ("Use an unlisted code", "Unlisted codes are only for services without a specific code")],
             ["code-selection"], ref),
        fact(g, "Under Medicare's global surgery rules, which is included in the global package of a major "
                "procedure?",
             ("Postoperative visits related to recovery from the surgery",
              "Routine related follow-up care is part of the global package"),
             [("Treatment of an unrelated condition", "Unrelated care is billed separately, with 24 or 79"),
              ("A return to the operating room for a complication", "That is reported with modifier 78"),
              ("Diagnostic tests ordered after surgery", "Diagnostic tests are separately reportable")],
             ["global-surgery"], (REF_GLOBAL,)),
        fact(g, "For a major procedure with a 90-day global period, which preoperative period does Medicare "
                "include in the global package?",
             ("The day before and the day of surgery", "Major procedures include the day before, the day of "
                                                       "surgery and 90 days after"),
             [("The whole week before the surgery", "Only the day before is included"),
              ("Only the day of surgery, from the first incision", "The day before is also included"),
              ("The three days before surgery and the day of surgery", "That describes a hospital payment "
                                                                       "window, not the surgeon's global "
                                                                       "package")],
             ["global-surgery"], (REF_GLOBAL,)),
        fact(g, "What global periods does Medicare assign to minor procedures and endoscopies?",
             ("0 or 10 days", "Minor procedures and endoscopies have a 0-day or 10-day global period"),
             [("30 days", "Medicare does not use a 30-day global period"),
              ("60 days", "Medicare does not use a 60-day global period"),
              ("90 days", "90 days is for major procedures")],
             ["global-surgery", "global-period"], (REF_GLOBAL,)),
        fact(g, "In the Medicare fee schedule, what does global surgery indicator XXX mean?",
             ("The global concept does not apply to the code", "XXX means no global period applies"),
             [("The code is an add-on whose global follows the primary procedure", "That is ZZZ"),
              ("The contractor decides the global period", "That is YYY"),
              ("The code is a maternity code with its own rules", "That is MMM")],
             ["global-surgery", "global-period"], (REF_GLOBAL,)),
        fact(g, "In the Medicare fee schedule, what does global surgery indicator ZZZ mean?",
             ("The code is related to another service and falls within that service's global period",
              "ZZZ applies to add-on codes, which follow the primary procedure's global"),
             [("No global period applies", "That is XXX"),
              ("The contractor decides the global period", "That is YYY"),
              ("The code has a 90-day global period", "That is 090")],
             ["global-surgery", "global-period", "add-on"], (REF_GLOBAL,)),
        fact(g, "A procedure pair has an NCCI edit. What does the edit mean for the column 2 code?",
             ("It is not paid with the column 1 code unless a modifier is allowed and justified",
              "Column 2 codes are bundled into the column 1 code unless the edit allows a modifier and the "
              "documentation supports it"),
             [("It is always paid in full, because the edit only affects the column 1 code",
               "The edit prevents separate payment of the column 2 code unless it is bypassed"),
              ("It must be reported first on the claim, before the comprehensive column 1 code",
               "The column 1 code is the comprehensive code"),
              ("It can be paid in full whenever modifier 51 is appended to it on the claim",
               "Modifier 51 does not bypass NCCI edits")],
             ["ncci", "bundling"], (REF_NCCI,)),
    ]


def build(rng: random.Random) -> list[Spec]:
    dates = global_date_items(GUIDE, (27447, 47562, 58150, 63047, 19303), (11402, 17000, 10060), rng,
                              ["guidelines"], count=4)
    facts = _facts()
    return pick(rng, [
        (_symbols(rng), 1), (_categories(), 1), (_modifiers(), 18), (dates, 1), (facts, 19),
    ])
