"""ICD-10-CM items: clinical notes to codes (cases_icd) and guideline questions.

ICD-10-CM (CMS/NCHS) is public domain and ships offline with simple_icd_10_cm; the guideline items
check that every code they cite is billable in that code set, and the tests re-check every code in
every ICD item against it. Guideline questions are our own wording of the Official Guidelines' rules.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Sequence

from . import cases_icd
from ._common import Spec, pick, spec

with warnings.catch_warnings():
    # The package reads its data through a deprecated importlib.resources call; that warning is
    # not ours to act on and would break runs that turn warnings into errors.
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as cm

DOMAIN = "ICD"
TABULAR = "ICD-10-CM Tabular List of Diseases and Injuries"
GUIDELINES = "ICD-10-CM Official Guidelines for Coding and Reporting"

def is_billable(code: str) -> bool:
    return cm.is_valid_item(code) and cm.is_leaf(code)


# --- guideline questions (our wording of the Official Guidelines) ----------------------------


def _g(stem: str, key: tuple[str, str], distractors: Sequence[tuple[str, str]], tags: Sequence[str],
       section: str) -> Spec:
    return spec(DOMAIN, stem, key, distractors, ["icd-10-cm", "guideline", *tags],
                (f"{GUIDELINES}, Section {section}",))


def _require(*codes: str) -> None:
    for code in codes:
        if not is_billable(code):
            raise ValueError(f"guideline item cites {code}, which is not a billable code in this code set")


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
    return items


def build(rng: random.Random) -> list[Spec]:
    notes = cases_icd.cases()
    return pick(rng, [(notes, len(notes)), (_guidelines(), 40 - len(notes))])
