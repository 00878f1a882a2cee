"""Items for the non-surgery CPT sections: E/M, Anesthesia, Radiology, Pathology and Medicine.

As with surgery, no CPT descriptor appears: questions are about code-book structure, modifiers,
and guideline concepts in our own words (new versus established patients, the medical decision
making grid, anesthesia unit arithmetic, professional and technical components, and so on).
Arithmetic items compute their keys, so the numbers in a key and its distractors cannot disagree.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from . import cases_anes, cases_em, cases_med, cases_path, cases_rad
from ._common import Spec, pick, spec
from .cpt_common import REF_MODIFIERS, Span, fact, range_item

# --- Evaluation and Management --------------------------------------------------------------

EM = "EM"
REF_EM = "CPT Evaluation and Management Services guidelines"
_NEW = "New patient office visit code"
_EST = "Established patient office visit code"
_CONSULT = "Office consultation code"
_HOSP = "Initial hospital inpatient or observation care code"
_NEW_EST_WHY = {
    _NEW: "A new patient has received no professional services in the past three years from this physician "
          "or another physician of the exact same specialty and subspecialty in the same group",
    _EST: "An established patient has received professional services within the past three years from this "
          "physician or another physician of the exact same specialty and subspecialty in the same group",
    _CONSULT: "A consultation requires a request from another provider for an opinion, and none is described",
    _HOSP: "The visit takes place in the office, not in a hospital inpatient or observation setting",
}
_NEW_EST_CASES: tuple[tuple[str, bool, str], ...] = (
    ("Dr. Adams, a family physician, last saw the patient 18 months ago.", False,
     "The same physician provided services within three years"),
    ("The patient last saw Dr. Adams, a family physician, 40 months ago and has had no visit with the "
     "practice since.", True, "More than three years have passed since any professional service"),
    ("The patient last saw Dr. Adams, an internist, 37 months ago and has not been seen by anyone in the "
     "group since.", True, "The last service was more than three years ago"),
    ("The patient last saw Dr. Adams, an internist, 35 months ago.", False,
     "The last service by the same physician was within three years"),
    ("The patient has never met Dr. Baker but saw Dr. Baker's partner, a cardiologist of the same "
     "subspecialty in the same group, two years ago.", False,
     "A physician of the exact same specialty and subspecialty in the same group saw the patient within "
     "three years"),
    ("A year ago the patient saw a gastroenterologist in a multispecialty group; today the patient sees Dr. "
     "Chen, an orthopedic surgeon in the same group, for the first time.", True,
     "Services from a different specialty in the group do not make the patient established"),
    ("Six months ago the patient saw a family physician at an unaffiliated practice; today the patient sees "
     "Dr. Diaz, also a family physician but in a different group, for the first time.", True,
     "Services from a different group do not count, even in the same specialty"),
    ("Ten months ago the patient was seen by a nurse practitioner who works with Dr. Evans in the same group "
     "and specialty; today Dr. Evans sees the patient for the first time.", False,
     "A nurse practitioner working with the physician is treated as the same specialty in the same group"),
    ("Dr. Fox saw the patient eight months ago at her former group; she has since joined a new group, and "
     "the patient now sees her there.", False,
     "The same physician provided professional services within three years, whatever group she belonged to"),
    ("Dr. Grant, covering for a colleague in another group, sees the colleague's established patient.", False,
     "A covering physician classifies the patient as the unavailable physician would have"),
)


def _new_established() -> list[Spec]:
    out = []
    for situation, is_new, reason in _NEW_EST_CASES:
        key = _NEW if is_new else _EST
        out.append(spec(
            EM,
            f"A patient is seen in the office. {situation} Which type of E/M code applies to today's visit?",
            (key, f"{reason}. {_NEW_EST_WHY[key]}"),
            [(o, _NEW_EST_WHY[o] if o in (_CONSULT, _HOSP) else
              f"{_NEW_EST_WHY[o]}, which does not match this history") for o in (_NEW, _EST, _CONSULT, _HOSP)
             if o != key],
            ["e-m", "new-established", "three-year-rule"],
            [REF_EM],
        ))
    return out


_MDM = {1: "Straightforward", 2: "Low", 3: "Moderate", 4: "High"}
_PROBLEMS = {1: "minimal", 2: "low", 3: "moderate", 4: "high"}
_DATA = {1: "minimal or none", 2: "limited", 3: "moderate", 4: "extensive"}
_RISK = {1: "minimal", 2: "low", 3: "moderate", 4: "high"}
_MDM_COMBOS = ((2, 3, 1), (3, 3, 1), (4, 2, 3), (4, 1, 4), (1, 4, 2), (3, 2, 2), (2, 4, 4), (1, 1, 3),
               (4, 3, 2), (3, 1, 3))


def _mdm_items() -> list[Spec]:
    out = []
    for p, d, r in _MDM_COMBOS:
        levels = (p, d, r)
        answer = sorted(levels)[1]
        wrong = []
        for lvl in (1, 2, 3, 4):
            if lvl == answer:
                continue
            meeting = sum(x >= lvl for x in levels)
            reach = ("none of the three elements reaches" if meeting == 0 else
                     "only one of the three elements reaches")
            why = (f"{reach} {_MDM[lvl].lower()}; two are required"
                   if lvl > answer else
                   f"two elements meet or exceed {_MDM[answer].lower()}, so the level is higher than "
                   f"{_MDM[lvl].lower()}")
            wrong.append((_MDM[lvl], why.capitalize()))
        out.append(spec(
            EM,
            "For an office visit the documentation supports: number and complexity of problems addressed, "
            f"{_PROBLEMS[p]}; amount and complexity of data reviewed and analyzed, {_DATA[d]}; risk of "
            f"complications or morbidity of patient management, {_RISK[r]}. What level of medical decision "
            "making does this support?",
            (_MDM[answer], "MDM is the highest level that at least two of the three elements meet or "
                           f"exceed; here that is {_MDM[answer].lower()}"),
            wrong,
            ["e-m", "mdm", "office-visit"],
            [REF_EM],
        ))
    return out


_RISK_EXAMPLES: tuple[tuple[str, int], ...] = (
    ("starts a new prescription medication for the patient's hypertension (prescription drug management)", 3),
    ("decides to schedule elective major surgery for a patient with no identified patient or procedure risk "
     "factors", 3),
    ("decides on a minor surgical procedure for a patient with identified risk factors, such as "
     "anticoagulation", 3),
    ("finds that the treatment options are significantly limited because the patient cannot afford the "
     "medication (a social determinant of health)", 3),
    ("manages a drug that requires intensive monitoring for toxicity", 4),
    ("decides to proceed with elective major surgery in a patient with significant identified risk "
     "factors", 4),
    ("decides that the patient needs emergency major surgery", 4),
    ("decides to admit the patient to the hospital", 4),
    ("agrees with the family not to resuscitate because of a poor prognosis", 4),
    ("administers a parenteral controlled substance", 4),
)


def _risk_items() -> list[Spec]:
    out = []
    for example, level in _RISK_EXAMPLES:
        out.append(spec(
            EM,
            f"During an E/M service the physician {example}. In the CPT medical decision making table, what "
            "level of risk of patient management does this support?",
            (_MDM[level] if level > 1 else "Minimal",
             f"The CPT MDM table gives this kind of management as an example of {_RISK[level]} risk"),
            [(("Minimal" if lvl == 1 else _MDM[lvl]),
              f"This management is an example of {_RISK[level]} risk, not {_RISK[lvl]}")
             for lvl in (1, 2, 3, 4) if lvl != level],
            ["e-m", "mdm", "risk"],
            [REF_EM],
        ))
    return out


_PROBLEM_EXAMPLES: tuple[tuple[str, int], ...] = (
    ("one self-limited or minor problem, an insect bite", 1),
    ("two self-limited or minor problems", 2),
    ("one stable chronic illness, hypothyroidism at treatment goal", 2),
    ("one acute, uncomplicated illness, uncomplicated cystitis", 2),
    ("one chronic illness with exacerbation, worsening COPD", 3),
    ("two stable chronic illnesses", 3),
    ("one undiagnosed new problem with uncertain prognosis, a new breast lump", 3),
    ("one acute illness with systemic symptoms, pyelonephritis with fever and chills", 3),
    ("one acute complicated injury", 3),
    ("one chronic illness with severe exacerbation", 4),
    ("one acute illness that poses a threat to life or bodily function, a suspected myocardial "
     "infarction", 4),
)
_PROBLEM_LEVEL = {1: "Minimal", 2: "Low", 3: "Moderate", 4: "High"}


def _problem_items() -> list[Spec]:
    out = []
    for example, level in _PROBLEM_EXAMPLES:
        out.append(spec(
            EM,
            f"At an office visit the physician addresses {example}. What level is the 'number and complexity "
            "of problems addressed' element of medical decision making?",
            (_PROBLEM_LEVEL[level], "In the CPT MDM table this problem fits the "
                                    f"{_PROBLEM_LEVEL[level].lower()} level"),
            [(_PROBLEM_LEVEL[lvl], f"The {_PROBLEM_LEVEL[lvl].lower()} level describes different problems")
             for lvl in (1, 2, 3, 4) if lvl != level],
            ["e-m", "mdm", "problems-addressed"],
            [REF_EM],
        ))
    return out


_COUNTS = "Yes; it counts toward the physician's total time on the date of the encounter"
_TIME_WRONG_WHEN_COUNTED = (
    ("No; only face-to-face time counts", "Total time on the date includes non-face-to-face physician work"),
    ("No; only time spent counseling counts", "That was the rule before 2021; all qualifying activities "
                                              "count"),
    ("Only if counseling took up more than half of the visit", "That rule no longer applies to office "
                                                               "visits"),
)
_TIME_ACTIVITIES: tuple[tuple[str, str | None], ...] = (
    ("reviewing the patient's outside test results before entering the room", None),
    ("documenting the visit in the medical record after the patient leaves", None),
    ("ordering tests and prescriptions", None),
    ("counseling the patient's caregiver", None),
    ("calling the patient's cardiologist about the care plan (not separately reported)", None),
    ("driving between the hospital and the office", "No; travel time is not counted"),
    ("watching the medical assistant take vital signs and room the patient, work done by clinical staff",
     "No; time spent by clinical staff is not counted"),
    ("performing a separately reported procedure", "No; time spent on separately reported services is not "
                                                  "counted"),
)


def _time_items() -> list[Spec]:
    out = []
    for activity, refusal in _TIME_ACTIVITIES:
        stem = (f"On the date of an office visit, the physician spends 12 minutes {activity}. When the visit "
                "level is selected by total time, does this time count?")
        if refusal is None:
            key = (_COUNTS, "Physician activities on the date of the encounter count, face to face or not")
            wrong = list(_TIME_WRONG_WHEN_COUNTED)
        else:
            key = (refusal, "CPT excludes this from the time used to select an office visit level")
            wrong = [("Yes; all time related to the patient on that date counts", "Some activities are "
                                                                                  "excluded"),
                     ("Yes, if it is documented", "Documenting it does not make excluded time count"),
                     ("Yes, but only half of it counts", "There is no partial counting; it is excluded")]
        out.append(spec(EM, stem, key, wrong, ["e-m", "time", "office-visit"], [REF_EM]))
    return out


def _em_facts() -> list[Spec]:
    f = EM
    ref = (REF_EM,)
    return [
        fact(f, "How does CPT treat new and established patients for emergency department E/M services?",
             ("No distinction is made between new and established patients",
              "Emergency department codes are used for new and established patients alike"),
             [("New patients use a separate set of ED codes", "There is one set of ED codes for all "
                                                              "patients"),
              ("The three-year rule applies as in the office", "The rule does not apply in the ED"),
              ("Established patients must use office visit codes", "ED codes apply whatever the patient's "
                                                                   "history")],
             ["e-m", "emergency-department"], ref),
        fact(f, "Which is required for a service to be reported as a consultation under CPT?",
             ("A request for an opinion from another provider, and a report back to that provider",
              "A consultation is rendered at the request of another appropriate source, and the opinion is "
              "communicated back"),
             [("A new patient who has never seen the physician", "Consultations can involve new or "
                                                                 "established patients"),
              ("A visit longer than 30 minutes", "Time does not define a consultation"),
              ("The physician's assumption of all ongoing care", "A transfer of care is not a consultation")],
             ["e-m", "consultation"], ref),
        fact(f, "Medicare does not pay CPT consultation codes. How is a requested consultation in the office "
                "reported to Medicare?",
             ("With the new or established patient office visit code that applies",
              "Medicare asks for the appropriate office or hospital E/M code instead of consultation codes"),
             [("With the consultation code and modifier 25", "Modifier 25 does not make consultation codes "
                                                             "payable"),
              ("With a prolonged service code only", "Prolonged services are add-ons, not the primary visit"),
              ("It cannot be reported to Medicare", "The visit is payable with the appropriate E/M code")],
             ["e-m", "consultation", "medicare"], (*ref, "Medicare Claims Processing Manual, Chapter 12")),
        fact(f, "Since 2023, how are observation stays reported under CPT?",
             ("With the hospital inpatient and observation care codes",
              "The separate observation codes were deleted and merged into the hospital inpatient and "
              "observation care codes"),
             [("With the separate observation care codes", "Those codes were deleted"),
              ("With office visit codes", "Observation is a hospital service"),
              ("With emergency department codes", "ED codes are only for ED services")],
             ["e-m", "observation", "hospital"], ref),
        fact(f, "A physician provides 20 minutes of critical care on a date, and no other critical care that "
                "day. How is it reported?",
             ("With another appropriate E/M code, not a critical care code",
              "Critical care of less than 30 minutes on a date is reported with another E/M code"),
             [("With the first-hour critical care code", "That code needs at least 30 minutes"),
              ("With the critical care code and modifier 52", "CPT directs another E/M code rather than a "
                                                              "reduced critical care code"),
              ("It cannot be reported", "The work is reported with an appropriate E/M code")],
             ["e-m", "critical-care", "time"], ref),
        fact(f, "At a preventive medicine visit, the physician also evaluates and treats a significant new "
                "problem that requires a separate history, exam and medical decision making. How is this "
                "reported?",
             ("The preventive code plus a problem-oriented E/M code with modifier 25",
              "A significant, separately identifiable problem-oriented service is reported in addition, with "
              "25"),
             [("The preventive code only", "The extra problem-oriented work is separately reportable"),
              ("The problem-oriented code only", "The preventive service was also provided"),
              ("The preventive code with modifier 22", "The problem-oriented work has its own code")],
             ["e-m", "preventive", "modifier-25"], (*ref, REF_MODIFIERS)),
        fact(f, "How are history and examination used in selecting an office visit level under the current "
                "CPT guidelines?",
             ("They are performed as medically appropriate and do not determine the level",
              "Office visit levels are selected by medical decision making or total time"),
             [("The level is the lower of history and examination", "That was the older scheme"),
              ("All three of history, exam and MDM must be met", "That was the older rule for new patients"),
              ("The examination alone determines the level", "The examination does not determine the level")],
             ["e-m", "office-visit", "history-exam"], ref),
        fact(f, "Which two bases can be used to select the level of an office or other outpatient E/M "
                "service?",
             ("Medical decision making or total time on the date of the encounter",
              "Either MDM or total physician time on the date may be used"),
             [("History and examination", "These no longer determine the level"),
              ("Face-to-face time and the chief complaint", "Total time includes more than face-to-face "
                                                            "time"),
              ("The number of diagnoses and the number of orders", "These are parts of MDM, not bases on "
                                                                   "their own")],
             ["e-m", "office-visit"], ref),
    ]


def em(rng: random.Random) -> list[Spec]:
    # Most of the area is visit notes to codes (cases_em); a few concept items stay, one of each
    # templated kind so no two differ only in a number.
    visits = cases_em.cases()
    return pick(rng, [
        (visits, len(visits)), (_new_established(), 3), (_mdm_items(), 1), (_risk_items(), 1),
        (_problem_items(), 1), (_time_items(), 1), (_em_facts(), 6),
    ])


# --- Anesthesia ------------------------------------------------------------------------------

ANES = "ANES"
REF_ANES = "CPT Anesthesia guidelines"
REF_RVG = "ASA Relative Value Guide"
ANES_SPANS: tuple[Span, ...] = (
    Span("Head", 100, 222),
    Span("Neck", 300, 352),
    Span("Thorax (Chest Wall and Shoulder Girdle)", 400, 474),
    Span("Intrathoracic", 500, 580),
    Span("Spine and Spinal Cord", 600, 670),
    Span("Upper Abdomen", 700, 797),
    Span("Lower Abdomen", 800, 882),
    Span("Perineum", 902, 952),
    Span("Pelvis (Except Hip)", 1112, 1173),
    Span("Upper Leg (Except Knee)", 1200, 1274),
    Span("Knee and Popliteal Area", 1320, 1444),
    Span("Lower Leg (Below Knee, Includes Ankle and Foot)", 1462, 1522),
    Span("Shoulder and Axilla", 1610, 1682),
    Span("Upper Arm and Elbow", 1710, 1782),
    Span("Forearm, Wrist, and Hand", 1810, 1860),
    Span("Radiological Procedures", 1916, 1936),
    Span("Burn Excisions or Debridement", 1951, 1953),
    Span("Obstetric", 1958, 1969),
    Span("Other Procedures", 1990, 1999),
)
_P_UNITS = {"P1": 0, "P2": 0, "P3": 1, "P4": 2, "P5": 3, "P6": 0}
def _p_adding(units: int) -> str:
    """'P3 adds' or 'P1, P2 and P6 add': the physical statuses that carry this many modifying units."""
    names = [p for p, u in _P_UNITS.items() if u == units]
    if len(names) == 1:
        return f"{names[0]} adds"
    return f"{', '.join(names[:-1])} and {names[-1]} add"


_P_MEANING = {
    "P1": "a normal healthy patient",
    "P2": "a patient with mild systemic disease",
    "P3": "a patient with severe systemic disease",
    "P4": "a patient with severe systemic disease that is a constant threat to life",
    "P5": "a moribund patient who is not expected to survive without the operation",
    "P6": "a declared brain-dead patient whose organs are being removed for donation",
}


def _distinct(answer: int, candidates: Sequence[tuple[int, str]]) -> list[tuple[str, str]]:
    seen = {answer}
    out = []
    for value, why in candidates:
        if value > 0 and value not in seen:
            seen.add(value)
            out.append((str(value), why))
    step = 1
    while len(out) < 3:
        if answer + step not in seen:
            seen.add(answer + step)
            out.append((str(answer + step), "Adds units that the record does not support"))
        step += 1
    return out[:3]


def _anes_formula() -> list[Spec]:
    out = []
    for base, minutes, status in ((5, 60, "P1"), (4, 45, "P3"), (7, 90, "P4"), (3, 30, "P2"), (8, 120, "P3"),
                                  (6, 75, "P5"), (10, 150, "P2"), (5, 105, "P4")):
        time_units = minutes // 15
        mod = _P_UNITS[status]
        answer = base + time_units + mod
        candidates = [
            (base + time_units + (1 if mod == 0 else 0), "Adds a physical status unit that this status does "
                                                         "not "
                                                         "carry" if mod == 0 else "Omits the physical status "
                                                                                  "units"),
            (time_units + mod, "Omits the base units"),
            (base + minutes // 10 + mod, "Counts time in 10-minute rather than 15-minute units"),
            (base + mod, "Omits the time units"),
            (answer + 2, "Adds units with no basis in the record"),
        ]
        out.append(spec(
            ANES,
            f"An anesthesia service has {base} base units. Anesthesia time is {minutes} minutes, and the "
            f"payer counts one time unit per 15 minutes. The patient's physical status modifier is {status}, "
            "and the payer recognizes physical status modifying units. How many total anesthesia units are "
            "reported?",
            (str(answer), f"Base units {base} + time units ({minutes} / 15 = {time_units}) + {status} "
                          f"modifying units {mod} = {answer}"),
            _distinct(answer, candidates),
            ["anesthesia", "anesthesia-units", "physical-status"],
            [REF_ANES, REF_RVG],
        ))
    return out


def _money(x: float) -> str:
    return f"${x:,.2f}"


def _anes_payment() -> list[Spec]:
    out = []
    for base, time_units, mod, cf in ((6, 5, 1, 22.50), (4, 5, 2, 21.00), (8, 6, 1, 20.25)):
        total = base + time_units + mod
        out.append(spec(
            ANES,
            f"An anesthesia claim has {base} base units, {time_units} time units and {mod} modifying "
            f"unit(s). The anesthesia conversion factor is {_money(cf)}. What is the allowed amount before "
            "any other adjustments?",
            (_money(total * cf), f"(base + time + modifying units) x conversion factor = {total} x "
                                 f"{_money(cf)}"),
            [(_money((base + time_units) * cf), "Omits the modifying units"),
             (_money((time_units + mod) * cf), "Omits the base units"),
             (_money((base + mod) * cf), "Omits the time units")],
            ["anesthesia", "anesthesia-units", "payment"],
            [REF_ANES, REF_RVG],
        ))
    return out


def _anes_clock() -> list[Spec]:
    out = []
    for start, end in (("07:50", "09:05"), ("12:10", "13:40"), ("08:00", "08:45"), ("14:25", "16:10")):
        sh, sm = map(int, start.split(":"))
        eh, em_ = map(int, end.split(":"))
        minutes = (eh * 60 + em_) - (sh * 60 + sm)
        units = minutes // 15
        candidates = [(units + 1, "Adds a unit beyond the recorded time"),
                      (units - 1, "Drops a full 15-minute unit of recorded time"),
                      (minutes // 10, "Uses 10-minute units"),
                      (units + 2, "Adds units beyond the recorded time")]
        out.append(spec(
            ANES,
            f"Anesthesia time starts at {start}, when the anesthesiologist begins preparing the patient for "
            f"induction in the operating room, and ends at {end}, when the patient is safely placed under "
            "postanesthesia supervision. Using 15-minute time units, how many time units are reported?",
            (str(units), f"{start} to {end} is {minutes} minutes; {minutes}/15 = {units} units"),
            _distinct(units, candidates),
            ["anesthesia", "anesthesia-time"],
            [REF_ANES],
        ))
    return out


_P_SCENARIOS = {
    "P1": "a healthy 25-year-old nonsmoker with no medical conditions",
    "P2": "a patient with well-controlled hypertension and no other conditions",
    "P3": "a patient with poorly controlled diabetes and morbid obesity",
    "P4": "a patient who had a myocardial infarction six weeks ago and has ongoing cardiac ischemia",
    "P5": "a patient with a ruptured abdominal aortic aneurysm who will not survive without the operation",
    "P6": "a declared brain-dead patient whose organs are being removed for donation",
}


def _anes_status() -> list[Spec]:
    out = []
    for status, scenario in _P_SCENARIOS.items():
        order = list(_P_SCENARIOS)
        i = order.index(status)
        near = sorted((p for p in order if p != status), key=lambda p: (abs(order.index(p) - i), p))[:3]
        out.append(spec(
            ANES,
            f"The anesthesiologist assesses {scenario}. Which physical status modifier is appended to the "
            "anesthesia code?",
            (status, f"{status} describes {_P_MEANING[status]}"),
            [(p, f"{p} describes {_P_MEANING[p]}") for p in near],
            ["anesthesia", "physical-status", "modifier"],
            [REF_ANES, REF_RVG],
        ))
    for status in ("P3", "P4", "P5"):
        units = _P_UNITS[status]
        out.append(spec(
            ANES,
            "For a payer that recognizes physical status units, how many modifying units does physical "
            f"status modifier {status} add to an anesthesia service?",
            (str(units), f"In the ASA Relative Value Guide, {status} adds {units} "
                         f"unit{'' if units == 1 else 's'}; P1, P2 and P6 add none, P3 adds 1, P4 adds 2 "
                         "and P5 adds 3"),
            [(str(n), f"{_p_adding(n)} {n}; {status} adds {units}") for n in (0, 1, 2, 3) if n != units],
            ["anesthesia", "physical-status", "anesthesia-units"],
            [REF_RVG],
        ))
    return out


_ANES_MODS = {
    "AA": "anesthesia services performed personally by the anesthesiologist",
    "QK": "medical direction of two, three or four concurrent anesthesia procedures",
    "QY": "medical direction of one CRNA by an anesthesiologist",
    "QX": "a CRNA service with medical direction by a physician",
    "QZ": "a CRNA service without medical direction by a physician",
    "AD": "medical supervision by a physician of more than four concurrent anesthesia procedures",
    "QS": "monitored anesthesia care (MAC)",
    "G8": "MAC for a deep, complex, complicated or markedly invasive surgical procedure",
    "G9": "MAC for a patient with a history of a severe cardiopulmonary condition",
    "23": "unusual anesthesia: general anesthesia for a procedure that usually needs none or only local",
    "47": "anesthesia (regional or general) provided by the surgeon",
}
_ANES_MOD_CASES: tuple[tuple[str, str, tuple[str, str, str]], ...] = (
    ("AA", "An anesthesiologist personally performs the entire anesthesia service for a case, with no CRNA "
           "involved. Which modifier does the anesthesiologist append?", ("QK", "QY", "QZ")),
    ("QK", "An anesthesiologist medically directs CRNAs in three concurrent cases. Which modifier does the "
           "anesthesiologist append for each case?", ("QY", "AD", "AA")),
    ("QY", "An anesthesiologist medically directs a single CRNA in one case. Which modifier does the "
           "anesthesiologist append?", ("QK", "QX", "AA")),
    ("QX", "A CRNA provides anesthesia under the medical direction of an anesthesiologist. Which modifier "
           "does the CRNA append?", ("QZ", "QY", "QK")),
    ("QZ", "A CRNA provides anesthesia with no medical direction by a physician. Which modifier does the "
           "CRNA append?", ("QX", "QY", "AA")),
    ("AD", "A physician supervises six concurrent anesthesia procedures. Which modifier is appended?",
     ("QK", "QY", "AA")),
    ("QS", "An anesthesiologist provides monitored anesthesia care for a procedure. Which modifier "
           "identifies the service as monitored anesthesia care?", ("23", "47", "QZ")),
    ("G8", "Monitored anesthesia care is provided for a deep, complex and markedly invasive surgical "
           "procedure. Which HCPCS modifier identifies this circumstance?", ("G9", "23", "47")),
    ("G9", "Monitored anesthesia care is provided for a patient with a history of a severe cardiopulmonary "
           "condition. Which HCPCS modifier identifies this circumstance?", ("G8", "23", "47")),
    ("23", "A procedure that normally needs no anesthesia is done under general anesthesia because the "
           "patient cannot cooperate. Which modifier is appended to the anesthesia "
           "code?", ("22", "47", "53")),
    ("47", "The surgeon personally gives the regional block that serves as the anesthesia for the surgeon's "
           "own procedure. Which modifier is appended, and to which code?", ("23", "AA", "QS")),
)


def _anes_modifiers() -> list[Spec]:
    meanings = {**_ANES_MODS, "22": "increased procedural services", "53": "a discontinued procedure"}
    out = []
    for mod, stem, wrong in _ANES_MOD_CASES:
        key_text = "47, appended to the surgical procedure code" if mod == "47" else mod
        key_why = f"{mod} means {meanings[mod]}"
        if mod == "47":
            key_why += "; it goes on the surgical code, never on an anesthesia code"
        out.append(spec(
            ANES, stem, (key_text, key_why),
            [(f"{w}, appended to the anesthesia code" if mod == "47" else w, f"{w} means {meanings[w]}")
             for w in wrong],
            ["anesthesia", "modifier", "anesthesia-modifier"],
            [REF_ANES, "HCPCS Level II modifiers (CMS)"],
        ))
    return out


def _anes_facts() -> list[Spec]:
    a = ANES
    return [
        fact(a, "Two surgical procedures are performed under a single anesthetic. How is the anesthesia "
                "reported?",
             ("One anesthesia code, the one with the highest base units, with the total time for both",
              "Multiple procedures under one anesthetic are reported with the highest-base code and total "
              "time"),
             [("Two anesthesia codes, each with its own time", "Only one anesthesia code is reported"),
              ("The first procedure's anesthesia code with its own time only", "Time for both procedures "
                                                                               "counts"),
              ("The lowest base-unit code with modifier 51", "The highest base-unit code is used, and 51 "
                                                             "does not apply")],
             ["anesthesia", "multiple-procedures"], (REF_ANES,)),
        fact(a, "Which service may the anesthesiologist report separately from the anesthesia code?",
             ("Placement of an intra-arterial line for monitoring",
              "Unusual forms of monitoring, such as arterial or central venous lines, are reported "
              "separately"),
             [("Routine ECG monitoring", "Usual monitoring is included in the anesthesia service"),
              ("Pulse oximetry", "Usual monitoring is included in the anesthesia service"),
              ("Administration of intravenous fluids", "Fluid administration is included")],
             ["anesthesia", "monitoring", "bundling"], (REF_ANES,)),
        fact(a, "When does anesthesia time begin?",
             ("When the anesthesia provider begins preparing the patient for induction in the operating room "
              "or an equivalent area",
              "Anesthesia time starts with the preparation for induction in the OR or equivalent area"),
             [("When the surgeon makes the incision", "Time starts before incision"),
              ("When the patient arrives in the preoperative holding area", "Arrival alone does not start "
                                                                            "time"),
              ("When the anesthesiologist first meets the patient the day before",
               "Preoperative evaluation is not anesthesia time")],
             ["anesthesia", "anesthesia-time"], (REF_ANES,)),
        fact(a, "When does anesthesia time end?",
             ("When the anesthesia provider is no longer in personal attendance and the patient is safely "
              "placed under postoperative supervision",
              "Time ends when personal attendance ends and the patient is handed to postoperative care"),
             [("When the last suture is placed", "Time continues until the handoff"),
              ("When the patient is discharged from the recovery room", "Recovery room stay after handoff is "
                                                                        "not anesthesia time"),
              ("When the surgeon leaves the operating room", "The surgeon's departure does not end "
                                                             "anesthesia time")],
             ["anesthesia", "anesthesia-time"], (REF_ANES,)),
        fact(a, "Where are the add-on codes for anesthesia qualifying circumstances (such as extreme age or "
                "emergency conditions) found?",
             ("In the Medicine section, with instructions in the Anesthesia guidelines",
              "The qualifying-circumstance add-on codes sit in the Medicine section and are referenced in "
              "the Anesthesia guidelines"),
             [("In the Anesthesia section, after the Other Procedures codes", "They are not in the "
                                                                              "00100-01999 range"),
              ("In HCPCS Level II as G codes", "They are CPT codes"),
              ("In Category III", "They are Category I codes")],
             ["anesthesia", "qualifying-circumstances"], (REF_ANES,)),
        fact(a, "How are the codes in the CPT Anesthesia section primarily arranged?",
             ("By anatomic site, then by procedure", "Anesthesia codes are grouped by body region, then "
                                                     "procedure"),
             [("By the surgeon's specialty", "Specialty does not organize the section"),
              ("By the patient's physical status", "Physical status is a modifier, not an arrangement"),
              ("By anesthesia time", "Time is reported in units, not by code")],
             ["anesthesia", "cpt-structure"], (REF_ANES,)),
        fact(a, "Which services are included in the anesthesia code itself?",
             ("The usual preoperative and postoperative visits, anesthesia care during the procedure, fluid "
              "administration and usual monitoring",
              "CPT includes these in every anesthesia service"),
             [("Placement of a central venous catheter", "That is unusual monitoring, reported separately"),
              ("A postoperative epidural for pain at the surgeon's request", "That is reported separately"),
              ("Transesophageal echocardiography", "TEE is reported separately")],
             ["anesthesia", "bundling"], (REF_ANES,)),
        fact(a, "Which modifiers must be appended to every anesthesia code to describe the patient's "
                "condition?",
             ("A physical status modifier, P1 through P6", "Each anesthesia service carries a P modifier"),
             [("A modifier from 22 to 99", "Those are optional, situation-specific modifiers"),
              ("RT or LT", "Laterality modifiers are not required on anesthesia codes"),
              ("QW", "QW identifies a CLIA-waived laboratory test")],
             ["anesthesia", "physical-status"], (REF_ANES,)),
    ]


def anes(rng: random.Random) -> list[Spec]:
    ranges = [range_item(ANES, c, ANES_SPANS, "subsection of the CPT Anesthesia section", rng, ["anesthesia"],
                         REF_ANES)
              for c in (160, 320, 400, 520, 630, 790, 840, 910, 1120, 1210, 1400, 1480, 1630, 1740, 1810,
                        1922, 1951, 1967, 1996)]
    # Mostly surgeries to anesthesia codes (cases_anes); one of each arithmetic kind and a few
    # concept items stay.
    surgeries = cases_anes.cases()
    return pick(rng, [
        (surgeries, len(surgeries)), (_anes_formula(), 1), (_anes_payment(), 1), (_anes_clock(), 1),
        (_anes_status()[:6], 1), (_anes_status()[6:], 1), (_anes_modifiers(), 3), (_anes_facts(), 8),
        (ranges, 1),
    ])


# --- Radiology -----------------------------------------------------------------------------

RAD = "RAD"
REF_RAD = "CPT Radiology guidelines"
RAD_SPANS: tuple[Span, ...] = (
    Span("Diagnostic Radiology (Diagnostic Imaging)", 70010, 76499),
    Span("Diagnostic Ultrasound", 76506, 76999),
    Span("Radiologic Guidance", 77001, 77022),
    Span("Breast, Mammography", 77046, 77067),
    Span("Bone/Joint Studies", 77071, 77086),
    Span("Radiation Oncology", 77261, 77799),
    Span("Nuclear Medicine", 78012, 79999),
)
_COMPONENTS = {
    "26": ("With modifier 26", "Modifier 26 reports the professional component: interpretation and report"),
    "TC": ("With modifier TC", "Modifier TC reports the technical component: equipment, supplies and "
                               "technologist"),
    "global": ("With no component modifier (global service)", "No modifier reports both components together"),
    "59": ("With modifier 59", "Modifier 59 reports a distinct procedure and says nothing about components"),
}
_COMPONENT_CASES = (
    ("26", "A radiologist in a physician group interprets and reports study {code}, which was performed on "
           "hospital-owned equipment by hospital technologists. How does the radiologist report the "
           "service?"),
    ("TC", "A freestanding imaging center owns the equipment, employs the technologists and performs study "
           "{code}; an independent radiologist bills the interpretation. How does the imaging center report "
           "its part?"),
    ("global", "A physician-owned clinic performs study {code} on its own equipment, and the clinic's "
               "radiologist interprets it and signs the report. How does the clinic report the study?"),
)


def _rad_components(rng: random.Random) -> list[Spec]:
    out = []
    codes = [71046, 73030, 70450, 72148, 74177, 76700, 77067, 73721, 70553]
    for key, template in _COMPONENT_CASES:
        for code in rng.sample(codes, 3):
            out.append(spec(
                RAD,
                template.format(code=f"{code:05d}"),
                (_COMPONENTS[key][0], _COMPONENTS[key][1]),
                [(_COMPONENTS[k][0], f"{_COMPONENTS[k][1]}, which does not fit who did what here")
                 for k in _COMPONENTS if k != key],
                ["radiology", "professional-component", "technical-component"],
                [REF_RAD, REF_MODIFIERS],
            ))
    return out


def _rad_contrast() -> list[Spec]:
    out = []
    options = {
        "with": "As a study with contrast",
        "without": "As a study without contrast",
        "both": "As a study without contrast followed by contrast",
        "admin": "With a separate contrast administration code only",
    }
    for route, key in (("intravenous", "with"), ("oral", "without"), ("rectal", "without"),
                       ("intrathecal", "with"), ("intra-articular", "with")):
        counts = key == "with"
        why = {
            "with": "Oral and/or rectal contrast alone does not make a study 'with contrast'",
            "without": f"Contrast given by the {route} route does make the study 'with contrast'",
            "both": "No images were taken before the contrast, so there is no non-contrast series",
            "admin": "The imaging study itself must be reported",
        }
        key_why = (f"Contrast given by the {route} route makes the study 'with contrast'" if counts else
                   "Under the Radiology guidelines, oral and/or rectal contrast alone does not qualify as "
                   "'with contrast'")
        out.append(spec(
            RAD,
            f"A CT or MRI study is performed after {route} contrast only; no images are taken before the "
            "contrast. How is the study reported?",
            (options[key], key_why),
            [(options[k], why[k]) for k in options if k != key],
            ["radiology", "contrast"],
            [REF_RAD],
        ))
    out.append(spec(
        RAD,
        "A CT study of one body area is done without contrast, then intravenous contrast is given and "
        "further images are taken in the same session. How is it reported?",
        ("With the single code for the study without contrast followed by contrast",
         "CPT provides one combined code for a non-contrast series followed by a contrast series"),
        [("With the without-contrast code plus the with-contrast code", "The combined code replaces the two "
                                                                        "separate codes"),
         ("With the with-contrast code only", "The non-contrast series must be represented"),
         ("With the without-contrast code and modifier 22", "The combined code, not a modifier, reports "
                                                            "this")],
        ["radiology", "contrast"],
        [REF_RAD],
    ))
    return out


def _rad_fractions() -> list[Spec]:
    out = []
    for n in (23, 16, 28, 12, 25, 19, 33):
        units = n // 5 + (1 if n % 5 >= 3 else 0)
        candidates = [(units + 1, "Counts the leftover fractions as a unit even though there are only 1 or 2"
                                  if n % 5 in (1, 2) else "Adds a unit the fraction count does not support"),
                      (units - 1, "Drops the leftover 3 or 4 fractions, which count as a unit"
                                  if n % 5 >= 3 else "Drops a full five-fraction unit"),
                      (n, "Reports one unit per fraction instead of per five fractions"),
                      (units + 2, "Adds units with no basis")]
        out.append(spec(
            RAD,
            f"A course of radiation therapy ends after {n} fractions. Radiation treatment management is "
            "reported in units of five fractions. How many units of treatment management are reported for "
            "the course?",
            (str(units), f"{n} fractions = {n // 5} full units of five with {n % 5} left over; 3 or 4 "
                         "leftover fractions count as a unit, 1 or 2 do not"),
            _distinct(units, candidates),
            ["radiology", "radiation-oncology", "units"],
            [REF_RAD],
        ))
    return out


def _rad_facts() -> list[Spec]:
    r = RAD
    ref = (REF_RAD,)
    return [
        fact(r, "An ultrasound examination is performed, but no images are permanently recorded. How is it "
                "reported?",
             ("It is not reported with a diagnostic ultrasound code",
              "Diagnostic ultrasound requires permanently recorded images and a final written report"),
             [("With the ultrasound code and modifier 52", "A missing image record is not a reduced service"),
              ("With the ultrasound code as usual", "The permanent image requirement is not met"),
              ("With the ultrasound code and modifier TC", "TC does not fix a missing image record")],
             ["radiology", "ultrasound", "documentation"], ref),
        fact(r, "Ultrasound guidance is used for a needle placement and is separately reportable. What must "
                "the record contain?",
             ("A permanently recorded image of the site and documentation of the guidance",
              "Ultrasound guidance requires permanently recorded images of the site"),
             [("Only the physician's statement that ultrasound was used", "A statement alone is not enough"),
              ("A separate signed consent for the ultrasound", "Consent does not satisfy the image "
                                                               "requirement"),
              ("A full diagnostic ultrasound of the region", "A full diagnostic study is not required")],
             ["radiology", "ultrasound", "imaging-guidance"], ref),
        fact(r, "A nuclear medicine study is performed. How is the radiopharmaceutical reported?",
             ("Separately, with the appropriate supply code", "Diagnostic nuclear medicine codes do not "
                                                              "include the radiopharmaceutical, which is "
                                                              "reported separately"),
             [("It is included in the nuclear medicine code", "The agent is not included"),
              ("With modifier 22 on the study", "The agent has its own codes"),
              ("It is never reportable", "It is reportable as a supply")],
             ["radiology", "nuclear-medicine"], ref),
        fact(r, "How does a screening mammogram differ from a diagnostic mammogram?",
             ("Screening is for a patient without signs or symptoms; diagnostic evaluates a sign, symptom or "
              "earlier finding",
              "The reason for the study decides screening versus diagnostic"),
             [("Screening uses one breast, diagnostic uses both", "Both can be bilateral"),
              ("Screening is done only with tomosynthesis", "Either can include tomosynthesis"),
              ("Diagnostic is for patients under 40 only", "Age does not decide")],
             ["radiology", "mammography", "screening"], ref),
        fact(r, "A patient with a palpable breast lump has a mammogram to evaluate it. Which type of "
                "mammogram is this?",
             ("Diagnostic mammography", "A study to evaluate a sign or symptom is diagnostic"),
             [("Screening mammography", "Screening is for patients without signs or symptoms"),
              ("Computer-aided detection only", "CAD is not a separate type of mammogram"),
              ("Bone density study", "Bone density is a different study")],
             ["radiology", "mammography"], ref),
        fact(r, "An abdominal ultrasound documents only some of the organs and structures that the complete "
                "study requires. How is it reported?",
             ("With the limited ultrasound code", "If not all required elements are evaluated and "
                                                  "documented, the study is limited"),
             [("With the complete ultrasound code", "Complete requires all the listed elements"),
              ("With the complete code and modifier 52", "CPT provides a limited code instead"),
              ("It cannot be reported", "A limited code applies")],
             ["radiology", "ultrasound"], ref),
        fact(r, "What is needed before a physician may report the interpretation of a radiologic study?",
             ("A written report signed by the interpreting physician",
              "A signed written report is an integral part of a radiologic procedure or interpretation"),
             [("A verbal report to the ordering physician only", "A verbal report alone does not support it"),
              ("A second physician's review", "A second reading is not required"),
              ("The patient's signature", "The patient does not sign the report")],
             ["radiology", "documentation"], ref),
        fact(r, "A surgeon performs the procedural part of an interventional study and a radiologist "
                "supervises and interprets the imaging. How does the radiologist report the imaging part?",
             ("With the radiological supervision and interpretation code",
              "When two physicians share such a procedure, the radiologic part is reported with the S&I "
              "code"),
             [("With the surgeon's procedure code and modifier 80", "The radiologist did not assist the "
                                                                    "surgeon"),
              ("With the procedure code and modifier 62", "They did not perform one procedure as "
                                                          "co-surgeons"),
              ("It is included in the surgeon's code", "The imaging S&I is reported separately")],
             ["radiology", "supervision-interpretation"], ref),
    ]


def rad(rng: random.Random) -> list[Spec]:
    ranges = [range_item(RAD, c, RAD_SPANS, "subsection of the CPT Radiology section", rng, ["radiology"],
                         REF_RAD)
              for c in (70450, 71046, 72148, 73030, 73721, 74177, 76536, 76700, 76805, 76856, 77002, 77012,
                        77065, 77067, 77080, 77385, 77427, 78452, 78815, 79005)]
    # Mostly orders and reports to codes (cases_rad); a few concept items stay.
    studies = cases_rad.cases()
    return pick(rng, [
        (studies, len(studies)), (_rad_components(rng), 1), (_rad_contrast(), 1), (_rad_fractions(), 1),
        (_rad_facts(), 8), (ranges, 1),
    ])


# --- Pathology and Laboratory --------------------------------------------------------------

PATH = "PATH"
REF_PATH = "CPT Pathology and Laboratory guidelines"
PATH_SPANS: tuple[Span, ...] = (
    Span("Organ or Disease Oriented Panels", 80047, 80081),
    Span("Therapeutic Drug Assays", 80143, 80299),
    Span("Drug Assay", 80305, 80377),
    Span("Evocative/Suppression Testing", 80400, 80439),
    Span("Urinalysis", 81000, 81099),
    Span("Chemistry", 82009, 84999),
    Span("Hematology and Coagulation", 85002, 85999),
    Span("Immunology", 86000, 86849),
    Span("Transfusion Medicine", 86850, 86999),
    Span("Microbiology", 87003, 87999),
    Span("Cytopathology", 88104, 88199),
    Span("Surgical Pathology", 88300, 88399),
    Span("Reproductive Medicine Procedures", 89250, 89398),
)


def _path_units() -> list[Spec]:
    out = []
    for scenario, units, why in (
        ("Three polyps from different sites in the colon are submitted in three separately labeled "
         "containers, and each is examined", 3, "each separately identified specimen is one unit"),
        ("Two skin lesions from different sites are submitted in two separately labeled containers", 2,
         "each separately identified specimen is one unit"),
        ("Two biopsies are placed together in one container and are not separately identified", 1,
         "specimens submitted together without separate identification are one unit"),
        ("A gallbladder is submitted as a single specimen and examined", 1, "one specimen is one unit"),
    ):
        out.append(spec(
            PATH,
            f"{scenario}. How many units of surgical pathology are reported?",
            (str(units), f"Surgical pathology is reported per specimen: {why}"),
            [(str(n), f"{n} does not match the number of separately identified specimens")
             for n in (1, 2, 3, 4) if n != units][:3],
            ["pathology", "surgical-pathology", "units"],
            [REF_PATH],
        ))
    return out


def _path_facts() -> list[Spec]:
    p = PATH
    ref = (REF_PATH,)
    return [
        fact(p, "A laboratory performs all but one of the tests that make up an organ or disease oriented "
                "panel. How are the tests reported?",
             ("Each test with its own code; the panel code is not reported",
              "A panel code may be used only when every listed test is performed"),
             [("The panel code with modifier 52", "CPT directs individual codes when a component is missing"),
              ("The panel code as usual", "All listed tests must be performed"),
              ("The panel code plus the missing test", "The missing test was not performed")],
             ["pathology", "panels"], ref),
        fact(p, "A laboratory performs every test in a panel plus two additional tests not in that panel. "
                "How are they reported?",
             ("The panel code plus codes for the two additional tests",
              "Tests beyond the panel's components are reported separately"),
             [("The panel code only", "The extra tests were performed and are reportable"),
              ("Individual codes for every test instead of the panel", "The panel code applies when all its "
                                                                       "tests are done"),
              ("The panel code with modifier 22", "The extra tests have their own codes")],
             ["pathology", "panels"], ref),
        fact(p, "The tests performed on one specimen would satisfy two panels that share some of the same "
                "tests. What does CPT direct?",
             ("Report the panel that includes more of the tests performed, and the remaining tests "
              "individually",
              "Two panels that share tests are not both reported; the larger one is used and the rest are "
              "coded individually"),
             [("Report both panel codes", "Panels sharing the same tests from one collection are not both "
                                          "reported"),
              ("Report every test individually", "A panel should be used when its definition is met"),
              ("Report both panels with modifier 59", "Modifier 59 cannot override this rule")],
             ["pathology", "panels"], ref),
        fact(p, "A physician orders glucose levels at intervals on the same day to follow the patient's "
                "response to treatment. How are the later tests reported?",
             ("With the glucose test code and modifier 91",
              "Modifier 91 reports a repeat clinical diagnostic laboratory test on the same day to obtain "
              "subsequent results"),
             [("With modifier 59", "Modifier 59 is not used for a repeat test of the same analyte for serial "
                                   "results"),
              ("With modifier 76", "76 is for repeat procedures, not repeat laboratory tests"),
              ("They are not reportable", "Medically necessary serial tests are reportable with 91")],
             ["pathology", "modifier-91"], (*ref, REF_MODIFIERS)),
        fact(p, "A laboratory reruns a test because the first run failed a quality control check. How is the "
                "rerun reported?",
             ("It is not reported separately", "Modifier 91 may not be used for reruns caused by specimen or "
                                               "equipment problems or to confirm results"),
             [("With modifier 91", "91 is only for medically necessary repeat tests to obtain new results"),
              ("With modifier 59", "The rerun is not a distinct service"),
              ("With modifier 76", "76 is for repeat procedures")],
             ["pathology", "modifier-91"], (*ref, REF_MODIFIERS)),
        fact(p, "A physician's office is permitted by the payer to bill for a test performed by an outside "
                "reference laboratory. Which modifier identifies this?",
             ("90", "Modifier 90 reports a test performed by a party other than the treating or reporting "
                    "physician"),
             [("91", "91 reports a repeat clinical diagnostic laboratory test"),
              ("QW", "QW identifies a CLIA-waived test"),
              ("26", "26 reports a professional component")],
             ["pathology", "modifier-90"], (*ref, REF_MODIFIERS)),
        fact(p, "A pathologist examines and reports slides prepared by another laboratory's technical staff. "
                "How does the pathologist report the surgical pathology service?",
             ("With the surgical pathology code and modifier 26",
              "The pathologist provides only the professional component"),
             [("With the code and modifier TC", "TC is the technical preparation"),
              ("With the code and no modifier", "That would also claim the technical work"),
              ("With the code and modifier 90", "90 is for tests sent to an outside laboratory")],
             ["pathology", "modifier-26"], (*ref, REF_MODIFIERS)),
        fact(p, "A urine drug screen is performed by immunoassay and is then confirmed by mass spectrometry. "
                "How are the two tests classified?",
             ("The immunoassay is presumptive; the mass spectrometry is definitive",
              "Screening methods give presumptive results; methods that identify specific drugs are "
              "definitive"),
             [("Both are presumptive", "Mass spectrometry identifies specific drugs and is definitive"),
              ("Both are definitive", "An immunoassay screen is presumptive"),
              ("The immunoassay is definitive and the mass spectrometry presumptive", "The categories are "
                                                                                      "reversed")],
             ["pathology", "drug-testing"], ref),
        fact(p, "What is the difference between a qualitative and a quantitative laboratory test?",
             ("Qualitative detects whether a substance is present; quantitative measures how much is present",
              "The distinction is presence versus amount"),
             [("Qualitative is automated; quantitative is manual", "The method of automation is not the "
                                                                   "distinction"),
              ("Qualitative uses blood; quantitative uses urine", "Either can use any specimen"),
              ("There is no difference in CPT", "CPT codes many analytes differently by this distinction")],
             ["pathology", "definitions"], ref),
        fact(p, "What does CPT require for a clinical pathology consultation to be reported?",
             ("A request from another physician and a written report by the pathologist",
              "A clinical pathology consultation is requested by a physician and requires a written report"),
             [("A face-to-face visit with the patient", "The patient need not be seen"),
              ("A result outside the reference range", "An abnormal result alone does not make a "
                                                       "consultation"),
              ("A second specimen", "No second specimen is needed")],
             ["pathology", "consultation"], ref),
        fact(p, "A blood sample is drawn by venipuncture in the office and the test is performed there. How "
                "is the venipuncture handled?",
             ("It is reported separately with its own code", "Specimen collection by venipuncture is not "
                                                             "included in the laboratory test code"),
             [("It is included in the laboratory test code", "Collection is separate from the test"),
              ("It is reported with modifier 90", "90 is for outside laboratories"),
              ("It is never reportable", "Venipuncture has its own code")],
             ["pathology", "specimen-collection"], ref),
        fact(p, "A physician orders a blood level of a prescribed drug to monitor therapy. In which "
                "subsection of Pathology and Laboratory is such a test found?",
             ("Therapeutic Drug Assays", "Therapeutic drug assays measure the level of a prescribed drug"),
             [("Drug Assay (presumptive and definitive drug testing)", "That subsection is for drug testing, "
                                                                       "such as screening for drugs of "
                                                                       "abuse"),
              ("Evocative/Suppression Testing", "That subsection measures responses to administered agents"),
              ("Urinalysis", "Urinalysis does not measure drug levels")],
             ["pathology", "drug-testing"], ref),
        fact(p, "A specimen type is not listed under any of the surgical pathology levels. How is the level "
                "chosen?",
             ("Assign the level that most closely matches the physician work for comparable specimens",
              "Unlisted specimens are assigned to the level that best reflects comparable work"),
             [("Always the lowest level", "The work, not a default, decides"),
              ("Always the highest level", "The work, not a default, decides"),
              ("An unlisted pathology code", "CPT directs comparison to the listed levels")],
             ["pathology", "surgical-pathology"], ref),
        fact(p, "In microbiology, what separates presumptive identification of an organism from definitive "
                "identification?",
             ("Presumptive uses colony morphology, growth on selective media, Gram stain or a few simple "
              "tests; definitive needs additional tests such as biochemical panels",
              "CPT defines the two levels by the testing performed"),
             [("Presumptive is done by a physician, definitive by a technologist", "The level depends on "
                                                                                   "tests, not on who "
                                                                                   "performs them"),
              ("Presumptive is for bacteria, definitive for viruses", "Both levels apply to many organisms"),
              ("There is no difference; the terms are interchangeable", "CPT treats them as different "
                                                                        "levels")],
             ["pathology", "microbiology"], ref),
        fact(p, "How is surgical pathology counted when a specimen yields several blocks and slides?",
             ("Per specimen, not per block or slide", "The unit of service is the specimen"),
             [("Per block", "Blocks do not determine the units"),
              ("Per slide", "Slides do not determine the units"),
              ("Per container, even if specimens are separately identified", "Separately identified "
                                                                             "specimens are separate units")],
             ["pathology", "surgical-pathology", "units"], ref),
    ]


def path(rng: random.Random) -> list[Spec]:
    ranges = [range_item(PATH, c, PATH_SPANS, "subsection of the CPT Pathology and Laboratory section", rng,
                         ["pathology"], REF_PATH)
              for c in (80053, 80061, 80069, 80076, 80162, 80178, 80305, 80307, 80400, 81000, 81003,
                        82947, 83036, 84443, 84153, 82565, 85025, 85610, 86580, 86803, 86900, 87086, 87880,
                        88104, 88305, 88342, 89320)]
    # Mostly orders and reports to codes (cases_path); concept items fill the rest.
    reports = cases_path.cases()
    facts = _path_facts()
    return pick(rng, [(reports, len(reports)), (_path_units(), 1), (ranges, 1),
                      (facts, 40 - len(reports) - 2)])


# --- Medicine --------------------------------------------------------------------------------

MED = "MED"
REF_MED = "CPT Medicine section guidelines"
MED_SPANS: tuple[Span, ...] = (
    Span("Immune Globulins, Serum or Recombinant Products", 90281, 90399),
    Span("Vaccines, Toxoids", 90476, 90759),
    Span("Psychiatry", 90785, 90899),
    Span("Dialysis", 90935, 90999),
    Span("Ophthalmology", 92002, 92499),
    Span("Special Otorhinolaryngologic Services", 92502, 92700),
    Span("Cardiovascular", 92920, 93799),
    Span("Pulmonary", 94002, 94799),
    Span("Allergy and Clinical Immunology", 95004, 95199),
    Span("Neurology and Neuromuscular Procedures", 95700, 96020),
    Span("Physical Medicine and Rehabilitation", 97010, 97799),
    Span("Osteopathic Manipulative Treatment", 98925, 98929),
    Span("Chiropractic Manipulative Treatment", 98940, 98943),
    Span("Moderate (Conscious) Sedation", 99151, 99157),
)


def _med_infusion_hours() -> list[Spec]:
    out = []
    labels = {0: "The initial hour only", 1: "The initial hour plus 1 additional hour",
              2: "The initial hour plus 2 additional hours", 3: "The initial hour plus 3 additional hours"}
    for minutes in (95, 80, 155, 130):
        extra = minutes - 60
        answer = extra // 60 + (1 if extra % 60 > 30 else 0)
        out.append(spec(
            MED,
            f"A therapeutic intravenous infusion (not hydration or chemotherapy) runs for {minutes} minutes. "
            "How is the infusion time reported?",
            (labels[answer], f"{minutes} minutes is {extra} minutes beyond the first hour; an additional "
                             "hour is reported for each full hour and for a final interval of more than 30 "
                             "minutes"),
            [(labels[k], f"{extra} minutes beyond the first hour support {answer} additional "
                         f"hour{'' if answer == 1 else 's'}, not {k}")
             for k in labels if k != answer],
            ["medicine", "infusion", "time"],
            [REF_MED],
        ))
    return out


def _med_eight_minute() -> list[Spec]:
    out = []
    for minutes in (20, 30, 40, 50, 62):
        answer = (minutes + 7) // 15
        candidates = [(answer + 1, "Counts a unit the remaining minutes do not reach"),
                      (answer - 1, "Drops a unit the minutes support"),
                      (-(-minutes // 15), "Rounds every partial unit up"),
                      (answer + 2, "Adds units with no basis")]
        out.append(spec(
            MED,
            f"A Medicare patient receives {minutes} minutes of therapeutic exercise, a service billed in "
            "15-minute units, and no other timed services that day. How many units are reported under the "
            "CMS 8-minute rule?",
            (str(answer), "Under the 8-minute rule, 8-22 minutes is 1 unit, 23-37 is 2, 38-52 is 3 and "
                          f"53-67 is 4; {minutes} minutes is {answer} unit{'' if answer == 1 else 's'}"),
            _distinct(answer, candidates),
            ["medicine", "physical-medicine", "time"],
            ["Medicare Claims Processing Manual, Chapter 5"],
        ))
    return out


def _med_facts() -> list[Spec]:
    m = MED
    ref = (REF_MED,)
    return [
        fact(m, "A nurse gives a child an intramuscular influenza vaccine. What is reported for the vaccine?",
             ("Both the vaccine product code and an immunization administration code",
              "CPT reports the vaccine product and its administration separately"),
             [("Only the vaccine product code", "The administration must also be reported"),
              ("Only an injection code from the hydration and injection subsection", "Vaccines use "
                                                                                     "immunization "
                                                                                     "administration codes"),
              ("Only an E/M code", "The vaccine and its administration have their own codes")],
             ["medicine", "vaccines"], ref),
        fact(m, "A patient receives a single combination vaccine that protects against several diseases. How "
                "is the product reported?",
             ("With the one code for the combination vaccine", "A combination vaccine is reported with its "
                                                               "single combination code"),
             [("With a separate code for each component disease", "Components are not coded separately"),
              ("With an unlisted vaccine code", "A specific code exists"),
              ("With the code for the most expensive component", "The combination code is used")],
             ["medicine", "vaccines"], ref),
        fact(m, "An immune globulin is administered by injection. What is reported?",
             ("The immune globulin product code plus the appropriate administration code",
              "Immune globulin product codes are reported with a separate administration code"),
             [("The product code only", "Administration is reported separately"),
              ("An immunization administration code only", "The product also has a code"),
              ("An E/M code only", "The product and administration have their own codes")],
             ["medicine", "immune-globulin"], ref),
        fact(m, "In a hospital outpatient facility, a patient receives chemotherapy, a therapeutic drug "
                "infusion and hydration at one encounter. Which is the initial service for facility "
                "reporting?",
             ("The chemotherapy administration", "For facilities the hierarchy is chemotherapy, then "
                                                 "therapeutic/prophylactic/diagnostic, then hydration"),
             [("The hydration", "Hydration is last in the facility hierarchy"),
              ("The therapeutic drug infusion", "Chemotherapy ranks above it for facilities"),
              ("Whichever started first", "The facility hierarchy decides, not the order of start times")],
             ["medicine", "infusion", "hierarchy"], ref),
        fact(m, "In the physician office, a patient has hydration and then a therapeutic drug infusion. How "
                "does the physician choose the initial service?",
             ("By the primary reason for the encounter", "Physician reporting uses the main reason for the "
                                                         "visit to pick the initial service"),
             [("Always by the facility hierarchy", "The hierarchy is the facility rule"),
              ("Always the hydration, because it started first", "Order of start does not decide for "
                                                                 "physicians"),
              ("Always the longest infusion", "Duration does not decide")],
             ["medicine", "infusion"], ref),
        fact(m, "A drug is given intravenously over 12 minutes. How is the administration reported?",
             ("As an intravenous push", "An infusion of 15 minutes or less is reported as a push"),
             [("As the initial hour of an infusion", "Infusions over 15 minutes use the infusion codes"),
              ("As hydration", "A therapeutic drug is not hydration"),
              ("It is not reportable", "A push is reportable")],
             ["medicine", "infusion"], ref),
        fact(m, "Two different drugs are infused at the same time through the same intravenous line. How is "
                "the concurrent infusion reported?",
             ("Once per encounter", "A concurrent infusion is reported only once per encounter"),
             [("Once per drug", "It is not reported per drug"),
              ("Once per hour", "It is not a time-based add-on"),
              ("It is not reportable", "It is reportable once per encounter")],
             ["medicine", "infusion"], ref),
        fact(m, "On a day of hemodialysis, the nephrologist evaluates the patient for a problem related to "
                "the end-stage renal disease. How is that evaluation reported?",
             ("It is included in the dialysis service", "E/M services related to the ESRD on a dialysis day "
                                                        "are included in the dialysis codes"),
             [("With an E/M code and modifier 25", "Only unrelated, significant problems are reported "
                                                   "separately"),
              ("With an E/M code and modifier 24", "24 is for the postoperative period"),
              ("With a prolonged service code", "The work is already included")],
             ["medicine", "dialysis", "bundling"], ref),
        fact(m, "For chiropractic manipulative treatment, how many spinal regions does CPT recognize?",
             ("Five: cervical, thoracic, lumbar, sacral and pelvic", "CPT lists these five spinal regions"),
             [("Three: cervical, thoracic and lumbar", "Sacral and pelvic regions are also spinal regions"),
              ("Seven, one for each cervical vertebra", "Regions are not counted by vertebra"),
              ("Ten", "Ten is the count of body regions for osteopathic manipulative treatment")],
             ["medicine", "chiropractic"], ref),
        fact(m, "What is included in chiropractic manipulative treatment?",
             ("A pre-manipulation patient assessment", "CMT codes include a pre-manipulation assessment"),
             [("A separate new patient E/M on every visit", "A separate E/M needs a significant, separately "
                                                            "identifiable service"),
              ("Therapeutic exercise", "Exercise is a separate physical medicine service"),
              ("Radiographs of the spine", "X-rays are reported separately")],
             ["medicine", "chiropractic"], ref),
        fact(m, "How many body regions does CPT recognize for osteopathic manipulative treatment?",
             ("Ten", "Head, cervical, thoracic, lumbar, sacral, pelvic, lower extremities, upper "
                     "extremities, rib cage, and abdomen and viscera"),
             [("Five", "Five is the count of spinal regions for chiropractic treatment"),
              ("Seven", "There are more than seven OMT regions"),
              ("Twelve", "There are not twelve OMT regions")],
             ["medicine", "osteopathic"], ref),
        fact(m, "A physician provides 8 minutes of intraservice moderate sedation time. How is the sedation "
                "reported?",
             ("It is not reported", "Moderate sedation of less than 10 minutes is not reported"),
             [("With the initial moderate sedation code", "The initial code needs at least 10 minutes"),
              ("With the initial code and modifier 52", "CPT says not to report it at all"),
              ("With an anesthesia code", "Moderate sedation is not anesthesia")],
             ["medicine", "moderate-sedation"], ref),
    ]


def med(rng: random.Random) -> list[Spec]:
    ranges = [range_item(MED, c, MED_SPANS, "subsection of the CPT Medicine section", rng, ["medicine"],
                         REF_MED)
              for c in (90371, 90686, 90715, 90791, 90837, 90935, 92004, 92014, 92557, 93000, 93306, 94010,
                        94640, 95004, 95886, 97110, 97140, 98926, 98941, 99152)]
    # Mostly notes to codes (cases_med); one of each arithmetic kind and the concept items stay.
    notes = cases_med.cases()
    facts = _med_facts()
    return pick(rng, [
        (notes, len(notes)), (facts, len(facts)), (_med_infusion_hours(), 1), (_med_eight_minute(), 1),
        (ranges, 40 - len(notes) - len(facts) - 2),  # one: two "which subsection" items could differ in a code only
    ])


BUILDERS = {EM: em, ANES: anes, RAD: rad, PATH: path, MED: med}
