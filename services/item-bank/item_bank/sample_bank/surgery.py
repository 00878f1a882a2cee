"""Items for the six CPT Surgery series (10000-60000).

CPT descriptors are AMA copyright and are never reproduced here: codes appear only as numbers,
and every question is about a section guideline, a modifier, a global period or code-book
structure, written in our own words. Each series gets its own guideline questions plus the shared
templates from cpt_common, instantiated with real code numbers from that series. The 10000, 20000 and
30000 series are instead mostly operative and procedure notes to code strings (cases_integumentary,
cases_musculoskeletal, cases_cardiorespiratory), with their guideline questions filling the rest.
The 40000, 50000 and 60000 series work the same way, with their notes and their guideline,
modifier and global-period questions in cases_digestive, cases_genitourinary and cases_neuro_eye_ear.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import (
    cases_cardiorespiratory,
    cases_digestive,
    cases_genitourinary,
    cases_integumentary,
    cases_musculoskeletal,
    cases_neuro_eye_ear,
)
from ._common import Spec, pick
from .cpt_common import (
    REF_NCCI,
    REF_SURGERY,
    SURGERY_SUBSECTIONS,
    bilateral_items,
    fact,
    global_date_items,
    modifier_items,
    range_item,
)

TARGET = 40


@dataclass(frozen=True, slots=True)
class Series:
    domain: str
    tag: str
    major: tuple[int, ...]  # 90-day global under the Medicare fee schedule
    minor: tuple[int, ...]  # 0- or 10-day global
    ten_day: tuple[int, ...]  # the minor codes whose global period is 10 days
    bilateral: tuple[int, ...]  # unilateral codes that take modifier 50
    ranges: tuple[int, ...]
    facts: Callable[[random.Random], list[Spec]]


def _cm(x: float) -> str:
    return f"{x:g} cm"


def _integumentary(rng: random.Random) -> list[Spec]:
    d = "CPT-10000"
    tags = ("integumentary",)
    ref = (REF_SURGERY, "CPT Integumentary System guidelines")
    out = []
    # One item per rule: the same question with other sizes would differ only in its numbers.
    for size, margin, site in ((1.2, 0.2, "back"),):
        key = size + 2 * margin
        out.append(fact(
            d,
            f"A physician excises a skin lesion of the {site} that measures {_cm(size)} in its greatest "
            f"clinical diameter, taking the narrowest margin needed for complete excision: {_cm(margin)} on "
            "each side. What size is used to select the excision code?",
            (_cm(key), "Excision size is the lesion's greatest diameter plus the margin on each side: "
                       f"{_cm(size)} + 2 x {_cm(margin)} = {_cm(key)}"),
            [(_cm(size), "This ignores the margins, which are part of the excised diameter"),
             (_cm(size + margin), "This counts the margin on one side only"),
             (_cm(size + 4 * margin), "This counts each margin twice")],
            [*tags, "lesion-excision", "measurement"], ref))
    for a, b, sites in ((2.5, 3.1, "scalp and the left forearm"),):
        total = a + b
        out.append(fact(
            d,
            f"A patient has two superficial lacerations, {_cm(a)} and {_cm(b)} long, on the {sites}; both "
            "are closed with a simple one-layer repair, and both sites fall in the same anatomic grouping "
            "of the repair codes. How is the repair reported?",
            (f"One simple repair code for the total length of {_cm(total)}",
             "Repairs of the same classification in the same anatomic grouping are added together and "
             "reported as one code"),
            [(f"Two simple repair codes, one for {_cm(a)} and one for {_cm(b)}",
              "Lengths in the same classification and grouping are summed, not coded one by one"),
             (f"One simple repair code for {_cm(max(a, b))} only", "Every repaired wound counts toward the "
                                                                   "total"),
             (f"One intermediate repair code for {_cm(total)}",
              "No layered closure or extensive cleaning is documented, so the repair is simple")],
            [*tags, "wound-repair", "measurement"], ref))
    out += [
        fact(d, "A 2.0 cm laceration of the cheek and a 3.0 cm laceration of the forearm each receive a "
                "simple repair, and the two sites fall in different anatomic groupings of the repair codes. "
                "How is the repair reported?",
             ("Two simple repair codes, one for each anatomic grouping",
              "Lengths are summed only within the same classification and the same anatomic grouping"),
             [("One simple repair code for 5.0 cm", "Wounds in different anatomic groupings are not added "
                                                    "together"),
              ("One simple repair code for the 3.0 cm forearm wound only",
               "Both wounds were repaired and both are reported"),
              ("One intermediate repair code for 5.0 cm", "Nothing in the note supports an intermediate "
                                                          "repair")],
             [*tags, "wound-repair"], ref),
        fact(d, "In the same anatomic grouping, a 3.0 cm laceration needs an intermediate repair and a 2.0 "
                "cm laceration a simple repair. How are they reported?",
             ("The intermediate repair for 3.0 cm first, then the simple repair for 2.0 cm with modifier 59",
              "Different repair classifications are not summed; the more complicated repair is listed first "
              "and the less complicated one is reported as a distinct service"),
             [("One intermediate repair code for 5.0 cm", "Repairs of different classifications are not "
                                                          "added"),
              ("One simple repair code for 5.0 cm", "This ignores the intermediate repair that was "
                                                    "performed"),
              ("The simple repair for 2.0 cm first, then the intermediate repair for 3.0 cm with modifier 59",
               "The more complicated repair is listed as the primary procedure")],
             [*tags, "wound-repair", "modifier-59"], ref),
        fact(d, "A heavily contaminated laceration requires extensive cleaning and removal of particulate "
                "matter, then is closed with a single layer of sutures. How is the repair classified?",
             ("Intermediate repair",
              "Single-layer closure of a heavily contaminated wound that needs extensive cleaning is "
              "classified as intermediate"),
             [("Simple repair", "The extensive cleaning raises the repair above simple"),
              ("Complex repair", "Complex repair needs more than layered closure, such as debridement of "
                                 "wound edges, extensive undermining or retention sutures"),
              ("Adjacent tissue transfer", "No flap or tissue rearrangement was performed")],
             [*tags, "wound-repair"], ref),
        fact(d, "A laceration is closed in layers, with sutures in the subcutaneous tissue and superficial "
                "fascia as well as the skin. How is the repair classified?",
             ("Intermediate repair", "Layered closure of the deeper subcutaneous tissue and superficial "
                                     "fascia is intermediate repair"),
             [("Simple repair", "Simple repair is a superficial, one-layer closure"),
              ("Complex repair", "Layered closure alone does not make a repair complex"),
              ("Debridement", "No devitalized tissue was removed")],
             [*tags, "wound-repair"], ref),
        fact(d, "Beyond layered closure, a wound repair requires extensive undermining and retention "
                "sutures. How is the repair classified?",
             ("Complex repair", "Work beyond layered closure, such as extensive undermining, stents or "
                                "retention sutures, makes a repair complex"),
             [("Intermediate repair", "Intermediate repair is layered closure without the additional work"),
              ("Simple repair", "Simple repair is a superficial, one-layer closure"),
              ("Adjacent tissue transfer", "Undermining alone is not a flap or tissue rearrangement")],
             [*tags, "wound-repair"], ref),
        fact(d, "A superficial laceration involving only the skin and subcutaneous tissue is closed with a "
                "single layer of sutures. How is the repair classified?",
             ("Simple repair", "A superficial wound closed in one layer is a simple repair"),
             [("Intermediate repair", "Intermediate repair needs layered closure or extensive cleaning"),
              ("Complex repair", "Complex repair needs work beyond layered closure"),
              ("Adjacent tissue transfer", "No tissue was moved to close the defect")],
             [*tags, "wound-repair"], ref),
        fact(d, "A malignant lesion is excised and the defect is closed with a layered (intermediate) "
                "closure. How is the service reported?",
             ("The excision code plus a separate intermediate repair code",
              "Excision codes include only simple closure; intermediate or complex closure is reported in "
              "addition"),
             [("The excision code only, because all closure is included",
               "Only simple (non-layered) closure is included in an excision"),
              ("The intermediate repair code only", "The excision itself must be reported"),
              ("The excision code with modifier 22", "Layered closure is reported with its own code, not as "
                                                     "unusual work")],
             [*tags, "lesion-excision", "wound-repair"], ref),
        fact(d, "A benign lesion is excised and the defect is closed with a simple, non-layered closure. How "
                "is the service reported?",
             ("The excision code only", "Simple closure is included in lesion excision codes"),
             [("The excision code plus a simple repair code", "Simple closure is already part of the "
                                                              "excision"),
              ("The simple repair code only", "The excision is the reportable procedure"),
              ("The excision code plus an intermediate repair code", "No layered closure was performed")],
             [*tags, "lesion-excision", "bundling"], ref),
        fact(d, "A lesion is excised and the defect is closed with a rotation flap (adjacent tissue "
                "transfer). How is the excision reported?",
             ("It is not reported separately; it is included in the adjacent tissue transfer",
              "Excision of a lesion at the site is included in adjacent tissue transfer"),
             [("With an excision code in addition to the flap", "The excision is part of the flap procedure"),
              ("With an excision code and modifier 59", "Modifier 59 cannot unbundle an included excision"),
              ("With an excision code in addition to the flap code, because the lesion was removed first",
               "Removing the lesion is part of the flap procedure at that site, whatever the order")],
             [*tags, "adjacent-tissue-transfer", "bundling"], ref),
        fact(d, "A skin lesion has been excised, and the pathology report is still pending. When should the "
                "excision code be assigned?",
             ("After the pathology report, because benign and malignant excisions are coded differently",
              "Excision codes are divided by benign versus malignant behavior, which the pathology report "
              "confirms"),
             [("Immediately, coding every lesion as benign", "Guessing the behavior risks an incorrect code"),
              ("Immediately, coding the lesion as malignant whenever the physician suspected cancer",
               "Guessing the behavior risks an incorrect code"),
              ("Immediately, using an unlisted code", "A specific code exists once the behavior is known")],
             [*tags, "lesion-excision", "pathology"], ref),
        fact(d, "Two wounds are debrided at the same depth, one of 15 sq cm and one of 10 sq cm. How is the "
                "surface area counted?",
             ("Add them together: 25 sq cm at that depth",
              "For multiple wounds, surface areas at the same depth are summed"),
             [("Code each wound separately by its own area", "Areas at the same depth are combined"),
              ("Count only the larger wound, 15 sq cm", "Both wounds were debrided and both count"),
              ("Add them and code at the next deeper level", "Depth is what was documented, not raised by "
                                                             "area")],
             [*tags, "debridement", "measurement"], ref),
        fact(d, "Which statement about Mohs micrographic surgery is correct?",
             ("The same physician acts as both surgeon and pathologist",
              "Mohs codes require one physician to remove the tissue and examine it microscopically"),
             [("A separate pathologist must read the specimens", "If another physician does the pathology, "
                                                                 "Mohs codes are not used"),
              ("It is reported with standard lesion excision codes", "Mohs has its own codes in the "
                                                                     "integumentary series"),
              ("Only one stage may be reported per day", "Additional stages are reported as they are "
                                                         "performed")],
             [*tags, "mohs"], ref),
    ]
    for parts, pct, wrong in (
        ("the entire right arm and the entire front of the trunk", 27,
         ((18, "omits the arm"), (36, "counts the arm as 18%"), (45, "counts the trunk as 36%"))),
    ):
        out.append(fact(
            d,
            "Using the rule of nines for an adult, what percentage of total body surface area is burned "
            f"when the burns cover {parts}?",
            (f"{pct}%", "Adult rule of nines: head and neck 9%, each arm 9%, each leg 18%, front of trunk "
                        f"18%, back of trunk 18%, genital area 1%; the documented areas total {pct}%"),
            [(f"{w}%", f"{w}% {why}") for w, why in wrong],
            [*tags, "burns", "rule-of-nines"], ("CPT Integumentary System guidelines (burns)",)))
    return out


def _musculoskeletal(rng: random.Random) -> list[Spec]:
    d = "CPT-20000"
    tags = ("musculoskeletal",)
    ref = (REF_SURGERY, "CPT Musculoskeletal System guidelines")
    treatments = ("Closed treatment", "Open treatment", "Percutaneous skeletal fixation",
                  "Closed treatment with manipulation")
    return [
        fact(d, "An open (compound) fracture is reduced without any surgical incision and immobilized in a "
                "cast. Which type of fracture treatment is coded?",
             ("Closed treatment", "The type of fracture (open or closed) does not decide the type of "
                                  "treatment; the fracture site was not surgically opened"),
             [("Open treatment", "Open treatment requires the fracture to be surgically exposed or opened "
                                 "remotely for an intramedullary nail"),
              ("Percutaneous skeletal fixation", "No fixation was placed across the fracture"),
              ("Debridement only", "The fracture itself was treated and must be coded")],
             [*tags, "fracture-care"], ref),
        fact(d, "An intramedullary nail is inserted across a fracture through an incision remote from the "
                "fracture, without exposing the fracture site. Which type of treatment is this?",
             ("Open treatment", "Opening the bone at a remote site to place an intramedullary nail across "
                                "the fracture is classified as open treatment"),
             [(t, f"{t} does not describe remote opening of the bone for a nail") for t in treatments
              if t not in ("Open treatment",)][:3],
             [*tags, "fracture-care"], ref),
        fact(d, "Under imaging guidance, pins are placed through the skin across a fracture, which is "
                "neither opened nor exposed. Which type of treatment is this?",
             ("Percutaneous skeletal fixation", "Fixation placed across the fracture without opening it is "
                                                "percutaneous skeletal fixation"),
             [("Open treatment", "The fracture site was not opened"),
              ("Closed treatment without manipulation", "Fixation hardware was placed across the fracture"),
              ("External fixation only", "Pins across the fracture are fixation of the fracture itself")],
             [*tags, "fracture-care"], ref),
        fact(d, "A nondisplaced fracture is immobilized in a splint; no reduction is attempted. Which type "
                "of treatment is this?",
             ("Closed treatment without manipulation", "The fracture was not opened and no force was applied "
                                                       "to reduce it"),
             [("Closed treatment with manipulation", "No reduction was performed"),
              ("Open treatment", "The fracture site was not opened"),
              ("Percutaneous skeletal fixation", "No fixation was placed across the fracture")],
             [*tags, "fracture-care"], ref),
        fact(d, "In CPT fracture and dislocation coding, what does 'manipulation' mean?",
             ("Reduction of a fracture or dislocation by applied force or traction",
              "Manipulation is the attempted reduction or restoration of a fracture or dislocation to its "
              "normal alignment"),
             [("Any physical examination of the injured joint", "Examination is part of the E/M or the "
                                                                "procedure"),
              ("Application of a cast or splint", "Casting is immobilization, not manipulation"),
              ("Surgical exposure of the fracture so the fragments can be seen and aligned",
               "That is open treatment")],
             [*tags, "fracture-care", "definitions"], ref),
        fact(d, "After a closed reduction of a fracture, the surgeon applies the initial cast. How is the "
                "cast application reported?",
             ("It is not reported separately; the first cast is part of the fracture treatment",
              "Fracture treatment codes include the application of the first cast or splint"),
             [("With a supply code only", "Supply reporting is payer-specific and does not change what the "
                                          "CPT service includes"),
              ("With a cast application code and modifier 59", "A modifier cannot unbundle an included "
                                                               "service"),
              ("With a cast application code in addition to the closed fracture treatment code",
               "The first cast is part of the fracture treatment and is not added to it")],
             [*tags, "casting", "bundling"], ref),
        fact(d, "Four weeks after fracture treatment, the same surgeon replaces the patient's cast. How is "
                "the cast replacement reported?",
             ("With a cast application code", "Cast application codes are used for a replacement cast"),
             [("It cannot be reported because it is in the global period", "Replacement casts are "
                                                                           "reportable"),
              ("With the fracture treatment code again and modifier 76", "The fracture is not treated again"),
              ("With an E/M code only", "The cast application is a procedure with its own code")],
             [*tags, "casting"], ref),
        fact(d, "An emergency physician applies a cast to stabilize a fracture, with no reduction, and "
                "refers the patient to an orthopedist who will provide the fracture care. How does the "
                "emergency physician report the cast?",
             ("With a cast application code", "Cast codes are used when a cast is applied as an initial "
                                              "service without restorative treatment"),
             [("With the closed fracture treatment code", "The emergency physician did not provide the "
                                                          "fracture treatment"),
              ("It is not reportable", "Applying the cast is a reportable service"),
              ("With the fracture treatment code and modifier 54", "Modifier 54 is for surgical care only of "
                                                                   "a procedure, not a temporary cast")],
             [*tags, "casting"], ref),
        fact(d, "A surgeon performs a diagnostic knee arthroscopy and then a surgical arthroscopic procedure "
                "on the same knee at the same session. How is the diagnostic arthroscopy reported?",
             ("It is not reported separately; it is included in the surgical arthroscopy",
              "A surgical arthroscopy always includes a diagnostic arthroscopy"),
             [("With the diagnostic arthroscopy code and modifier 59", "The included diagnostic scope cannot "
                                                                       "be unbundled"),
              ("With the diagnostic arthroscopy code and modifier 51", "It is not a separate procedure"),
              ("With the diagnostic arthroscopy code instead of the surgical arthroscopy code",
               "The surgical arthroscopy is the "
                                                                        "service performed")],
             [*tags, "arthroscopy", "bundling"], ref),
        fact(d, "An arthroscopic knee procedure is converted to an open procedure on the same knee at the "
                "same session. What is reported?",
             ("Only the open procedure", "When an arthroscopic procedure is converted to open, only the open "
                                         "procedure is reported"),
             [("Both the arthroscopic and the open procedure", "The arthroscopy is not separately "
                                                               "reportable"),
              ("The arthroscopic procedure with modifier 53", "The open procedure was completed and is "
                                                              "reported"),
              ("Both, with modifier 59 on the arthroscopy", "Modifier 59 cannot override this rule")],
             [*tags, "arthroscopy", "ncci"], (*ref, REF_NCCI)),
        fact(d, "A spinal arthrodesis is performed with a bone graft and spinal instrumentation. How are the "
                "graft and instrumentation reported?",
             ("Separately, in addition to the arthrodesis code", "CPT reports spinal bone grafts and "
                                                                 "instrumentation with their own codes in "
                                                                 "addition to the arthrodesis"),
             [("They are included in the arthrodesis code", "They are not included in spinal arthrodesis "
                                                            "codes"),
              ("Only the instrumentation is reported separately", "The bone graft is also reported"),
              ("With modifier 22 on the arthrodesis", "They have their own codes rather than a modifier")],
             [*tags, "spine"], ref),
        fact(d, "A patient has fractures of both the right radius and the left tibia, each treated at the "
                "same session. How is the fracture care reported?",
             ("A treatment code for each fracture, with modifiers as needed",
              "Each fracture treated is reported with its own treatment code"),
             [("One code for the more serious fracture only, since both were treated at one session",
               "Both fractures were treated, and each is reported"),
              ("One code with modifier 50", "Modifier 50 is for the same procedure on both sides of the same "
                                            "body area, not different bones"),
              ("An unlisted procedure code", "Specific codes exist for each fracture")],
             [*tags, "fracture-care"], ref),
    ]


def _respiratory_cardio(rng: random.Random) -> list[Spec]:
    d = "CPT-30000"
    tags = ("respiratory-cardiovascular",)
    ref = (REF_SURGERY, "CPT Cardiovascular System guidelines")
    ref_r = (REF_SURGERY, "CPT Respiratory System guidelines")
    return [
        fact(d, "A surgical nasal/sinus endoscopy is performed. How is the diagnostic nasal endoscopy of the "
                "same side reported?",
             ("It is not reported; a surgical sinus endoscopy includes the diagnostic endoscopy",
              "Surgical endoscopy always includes the diagnostic endoscopy"),
             [("It is reported separately with modifier 59", "The included diagnostic scope cannot be "
                                                             "unbundled"),
              ("It is reported separately with modifier 51", "It is not a separate procedure"),
              ("It is reported separately, because it was completed before the surgical part began",
               "The surgical endoscopy includes the diagnostic look, whatever the order of the work")],
             [*tags, "endoscopy", "bundling"], ref_r),
        fact(d, "During a bronchoscopy, fluoroscopic guidance is used. How is the fluoroscopy reported?",
             ("It is not reported separately; bronchoscopy codes include fluoroscopic guidance when "
              "performed",
              "CPT bronchoscopy guidelines include fluoroscopic guidance"),
             [("With a fluoroscopic guidance code from the Radiology section, added to the bronchoscopy",
               "It is already part of the bronchoscopy"),
              ("With a fluoroscopy code and modifier 26", "There is nothing separate to report"),
              ("With modifier 22 on the bronchoscopy", "Routine fluoroscopy is not unusual work")],
             [*tags, "bronchoscopy", "bundling"], ref_r),
        fact(d, "A catheter is placed in the aorta only, without entering any branch vessel. How is the "
                "catheter placement classified?",
             ("Nonselective", "A catheter that stays in the aorta or the vessel punctured is nonselective"),
             [("First-order selective", "First order means entering a branch off the aorta"),
              ("Second-order selective", "Second order means entering a branch of a first-order vessel"),
              ("Third-order selective", "Third order means entering a branch of a second-order vessel")],
             [*tags, "vascular-catheterization"], ref),
        fact(d, "From the aorta, a catheter is advanced into the right renal artery. How is the catheter "
                "placement classified?",
             ("First-order selective", "The renal artery branches directly off the aorta, so it is first "
                                       "order"),
             [("Nonselective", "The catheter left the aorta and entered a branch"),
              ("Second-order selective", "Second order is a branch of a first-order vessel"),
              ("Third-order selective", "Third order is a branch of a second-order vessel")],
             [*tags, "vascular-catheterization"], ref),
        fact(d, "Within one vascular family, a catheter passes through a first-order and a second-order "
                "vessel to reach a third-order vessel. How is the catheter placement reported?",
             ("Only the highest-order selective placement in that family",
              "The highest order reached in a vascular family includes the lower orders passed through"),
             [("Each order of placement separately", "Lower-order placements in the same family are "
                                                     "included"),
              ("Only the first-order placement", "The code reflects the highest order reached"),
              ("A nonselective code plus add-ons for each branch", "Selective codes replace nonselective "
                                                                   "ones")],
             [*tags, "vascular-catheterization"], ref),
        fact(d, "A venous access catheter is inserted through a basilic vein in the arm, and its tip ends in "
                "the superior vena cava. How is the device classified?",
             ("A peripherally inserted central venous catheter (PICC)",
              "Central placement depends on where the tip ends; insertion through an arm vein makes it "
              "peripherally inserted"),
             [("A centrally inserted central venous catheter", "It was inserted peripherally, not through a "
                                                               "central vein"),
              ("A midline catheter that is not a central device", "A tip in the superior vena cava is "
                                                                  "central"),
              ("An arterial line", "The catheter is in the venous system")],
             [*tags, "venous-access"], ref),
        fact(d, "A venous access catheter is inserted through the internal jugular vein, and its tip ends in "
                "the superior vena cava. How is the device classified?",
             ("A centrally inserted central venous catheter",
              "Entry through a central vein (jugular, subclavian, femoral or inferior vena cava) with a "
              "central tip makes it centrally inserted"),
             [("A peripherally inserted central venous catheter (PICC)", "It was not inserted through a "
                                                                         "peripheral vein"),
              ("A midline catheter", "The tip is central"),
              ("A peripheral IV start", "A catheter with a central tip is a central venous access device")],
             [*tags, "venous-access"], ref),
        fact(d, "Coronary artery bypass grafting uses both arterial and venous grafts. How is it reported?",
             ("The arterial graft code plus the combined arterial-venous graft add-on code",
              "Combined arterial-venous bypass is reported with two codes: the arterial graft code and the "
              "combined arterial-venous code"),
             [("The venous-only graft codes, counting every graft as a vein graft",
               "Venous-only codes are not used when arterial grafts are also placed"),
              ("The arterial graft code only", "The venous grafts must also be represented"),
              ("The venous-only code plus the arterial graft code", "The combined arterial-venous codes are "
                                                                    "used instead of the venous-only codes")],
             [*tags, "cabg"], ref),
        fact(d, "During coronary artery bypass grafting, the surgeon harvests a saphenous vein from the leg "
                "through an open incision. How is the harvest reported?",
             ("It is not reported separately; it is included in the bypass graft codes",
              "Procurement of the saphenous vein is included in the work of the venous and combined bypass "
              "codes"),
             [("With a separate vein harvest add-on code for procuring the saphenous vein",
               "Only an endoscopic saphenous harvest or harvest of other vessels, such as upper extremity "
               "vessels, is added separately"),
              ("With modifier 22 on the bypass code", "Routine saphenous harvest is not unusual work"),
              ("With modifier 80", "Modifier 80 reports an assistant surgeon, not a harvest")],
             [*tags, "cabg", "bundling"], ref),
        fact(d, "Which components make up a permanent cardiac pacemaker system?",
             ("A pulse generator and one or more leads (electrodes)",
              "A pacemaker system is the generator with its battery plus the leads placed in or on the "
              "heart"),
             [("A pulse generator and its battery only, with no leads", "Leads are needed to carry the "
                                                                        "impulse to the heart"),
              ("Leads and an external monitor only", "The generator is implanted, not external"),
              ("A defibrillator coil and a stent", "Those are not pacemaker components")],
             [*tags, "pacemaker"], ref),
    ]


SERIES: tuple[Series, ...] = (
    Series("CPT-10000", "integumentary",
           major=(19303, 19301, 14040, 15100), minor=(10060, 11402, 11102, 12002, 17000, 11042),
           ten_day=(10060, 11402, 17000),
           bilateral=(19303,),
           ranges=(10060, 11042, 11102, 11402, 11720, 12002, 12032, 13101, 14040, 15100, 17000, 19081, 19303),
           facts=_integumentary),
    Series("CPT-20000", "musculoskeletal",
           major=(27447, 27130, 23412, 25605, 27236, 22612, 22551, 29881, 29827), minor=(20610, 20550, 20605),
           ten_day=(),
           bilateral=(27447, 20610),
           ranges=(20610, 20550, 22551, 22612, 23412, 25605, 27130, 27236, 27447, 29125, 29827, 29881),
           facts=_musculoskeletal),
    Series("CPT-30000", "respiratory-cardiovascular",
           major=(33533, 32663, 33249, 33208, 35301), minor=(31231, 31622, 36556), ten_day=(),
           bilateral=(),
           ranges=(30520, 31231, 31255, 31622, 32555, 32663, 33208, 33249, 33533, 35301, 36556, 36415, 38220,
                   38500, 38525, 39401),
           facts=_respiratory_cardio),
    Series("CPT-40000", "digestive",
           major=(47562, 44950, 44970, 49505, 43644, 44140), minor=(43235, 45378, 45380), ten_day=(),
           bilateral=(49505,),
           ranges=(42820, 43235, 43239, 43644, 44140, 44950, 44970, 45378, 45380, 46221, 47562, 49505),
           facts=cases_digestive.facts),
    Series("CPT-50000", "urinary-genital",
           major=(58150, 58571, 55866, 52601), minor=(52000, 51702, 57454, 58100), ten_day=(),
           bilateral=(),
           ranges=(50590, 51702, 52000, 52601, 54161, 55250, 55700, 55866, 57454, 58100, 58150, 58571, 59400,
                   59510, 59610),
           facts=cases_genitourinary.facts),
    Series("CPT-60000", "nervous-eye-ear",
           major=(60240, 63047, 66984, 61312, 63030, 60500), minor=(64483, 62323, 64490, 69210), ten_day=(),
           bilateral=(64483, 69210),
           ranges=(60240, 60500, 61312, 62323, 63030, 63047, 64483, 64490, 65855, 66984, 67810, 69210, 69436),
           facts=cases_neuro_eye_ear.facts),
)


# Series written mostly as documentation-to-code cases (their own modules): every case is taken, and
# the series' guideline facts fill the rest; the code-book templates are not used for them.
CASES: dict[str, Callable[[], list[Spec]]] = {
    "CPT-10000": cases_integumentary.cases,
    "CPT-20000": cases_musculoskeletal.cases,
    "CPT-30000": cases_cardiorespiratory.cases,
    "CPT-40000": cases_digestive.cases,
    "CPT-50000": cases_genitourinary.cases,
    "CPT-60000": cases_neuro_eye_ear.cases,
}


def _series_items(s: Series, rng: random.Random) -> list[Spec]:
    tags: Sequence[str] = (s.tag, "surgery")
    facts = s.facts(rng)
    if s.domain in CASES:
        cases = CASES[s.domain]()
        return pick(rng, [(cases, len(cases)), (facts, max(0, TARGET - len(cases)))])
    ranges = [range_item(s.domain, c, SURGERY_SUBSECTIONS, "subsection of the CPT Surgery section", rng,
                         tags, REF_SURGERY) for c in s.ranges]
    dates = global_date_items(s.domain, s.major, s.ten_day, rng, tags)
    bilateral = bilateral_items(s.domain, s.bilateral, tags)
    mods = modifier_items(s.domain, s.major, s.minor, rng, tags)
    n_facts = min(len(facts), 18)
    n_fixed = n_facts + 5 + 2 + min(1, len(bilateral))
    return pick(rng, [
        (facts, n_facts),
        (ranges, 5),
        (dates, 2),
        (bilateral, 1),
        (mods, TARGET - n_fixed),
    ])


def build(rng: random.Random) -> dict[str, list[Spec]]:
    return {s.domain: _series_items(s, rng) for s in SERIES}
