"""Anesthesia code selection from the surgery performed, the way the CPC asks it.

Each case describes the operation, the patient and the circumstances in our own words; the candidate
picks the anesthesia code with its physical status modifier and any qualifying circumstance add-on.
Distractors are real errors: the code of the neighbouring body region or the not-otherwise-specified
code, the surgical CPT code with a P modifier, a physical status misread, extreme age claimed at 68 or
beside a code whose descriptor already carries the patient's age, an emergency not reported.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

ANES = "ANES"
REF_ANES = "CPT Anesthesia guidelines"
REF_QC = "CPT Anesthesia guidelines: Qualifying Circumstances (99100-99140)"
REF_RVG = "ASA Relative Value Guide and CPT crosswalk"
_TAGS = ("anesthesia", "code-selection")


_case = CaseMaker(ANES, _TAGS, (REF_ANES, REF_RVG))


def cases() -> list[Spec]:
    return [
        _case(
            "ANESTHESIA RECORD. Procedure: laparoscopic cholecystectomy for symptomatic gallstones. Patient: "
            "46-year-old woman with hypertension controlled on one medication, otherwise well. General "
            "endotracheal anesthesia. Which anesthesia code and physical status are reported?",
            ("00790-P2", "Laparoscopic gallbladder removal is an intraperitoneal upper abdominal procedure; "
                         "controlled systemic disease is P2"),
            [("00840-P2", "00840 is for intraperitoneal procedures of the lower abdomen; the gallbladder lies "
                          "in the upper abdomen"),
             ("00790-P3", "P3 is severe systemic disease; well-controlled hypertension is mild"),
             ("47562-P2", "The anesthesia provider reports an anesthesia code from 00100-01999, not the "
                          "surgeon's procedure code")],
            ("physical-status", "abdomen"),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: laparoscopic appendectomy. Patient: 74-year-old man with mild, "
            "well-controlled hypertension; no other disease. Which codes are reported?",
            ("00840-P2, 99100", "Appendectomy is an intraperitoneal lower abdominal procedure; mild systemic "
                                "disease is P2, and a patient over 70 qualifies for the extreme-age add-on"),
            [("00840-P2", "At 74 the patient is over 70, so the extreme-age qualifying circumstance is added"),
             ("00790-P2, 99100", "The appendix is in the lower abdomen; 00790 is the upper abdominal code"),
             ("00840-P3, 99100", "Well-controlled hypertension is mild systemic disease, P2")],
            ("physical-status", "qualifying-circumstance", "multi-code"),
            (REF_ANES, REF_QC, REF_RVG),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: right total knee arthroplasty. Patient: 68-year-old woman with "
            "poorly controlled type 2 diabetes and a BMI of 43. Spinal anesthesia with sedation. Which codes "
            "are reported?",
            ("01402-P3", "Total knee replacement has its own anesthesia code; poorly controlled diabetes with "
                         "morbid obesity is severe systemic disease, P3"),
            [("01402-P3, 99100", "Extreme age is under 1 year or over 70; at 68 the add-on does not apply"),
             ("01400-P3", "01400 is the not-otherwise-specified knee joint code; arthroplasty has a specific "
                          "code"),
             ("01214-P3", "01214 is for total hip arthroplasty")],
            ("physical-status", "orthopedic"),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: left total hip arthroplasty for osteoarthritis. Patient: 77-year-old "
            "man with mild COPD, no limitation of activity. General anesthesia. Which codes are reported?",
            ("01214-P2, 99100", "Total hip replacement is 01214; mild COPD without limitation is P2; over 70 "
                                "adds the extreme-age qualifying circumstance"),
            [("01214-P2", "The patient is over 70, so 99100 is reported in addition"),
             ("01402-P2, 99100", "01402 is the total knee arthroplasty code"),
             ("01230-P2, 99100", "01230 is for open procedures on the upper two thirds of the femur; the hip "
                                 "arthroplasty has its own code")],
            ("physical-status", "qualifying-circumstance", "orthopedic", "multi-code"),
            (REF_ANES, REF_QC, REF_RVG),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: open repair of a right inguinal hernia. Patient: healthy 5-month-old "
            "boy born at 39 weeks. General anesthesia. Which code or codes are reported?",
            ("00834-P1", "The infant hernia code already describes a patient under 1 year, so the extreme-age "
                         "add-on is not reported with it; a healthy infant is P1"),
            [("00834-P1, 99100", "CPT tells you not to report 99100 with this code, whose descriptor already "
                                 "includes the age"),
             ("00830-P1, 99100", "The hernia code for patients under 1 year is specific and replaces the general "
                                 "lower abdominal hernia code plus the age add-on"),
             ("00836-P1", "00836 is for infants born before 37 weeks who are under 50 weeks' gestational age at "
                          "surgery; this boy was born at term")],
            ("physical-status", "pediatrics", "qualifying-circumstance"),
            (REF_ANES, REF_QC, REF_RVG),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: screening colonoscopy in a healthy 52-year-old woman; a 6 mm polyp "
            "was removed with a snare. Deep sedation by the anesthesiologist. Which code is reported?",
            ("00812-P1", "The screening colonoscopy anesthesia code is reported for any screening colonoscopy, "
                         "whatever is found or removed"),
            [("00811-P1", "00811 is the lower endoscopy code for procedures that are not screening from the "
                          "start; a polyp found at screening does not change the anesthesia code"),
             ("00813-P1", "00813 is for upper and lower endoscopy in the same session"),
             ("00810-P1", "00810 was deleted and replaced by the codes that now distinguish screening")],
            ("endoscopy", "screening"),
        ),
        _case(
            "ANESTHESIA RECORD. Procedures: upper GI endoscopy with biopsy, then colonoscopy, in the same "
            "session for iron-deficiency anemia. Patient: 58-year-old man with stable angina on medication. "
            "Monitored anesthesia care. Which is reported?",
            ("00813-P2", "Upper and lower GI endoscopy in one anesthetic session is one combined anesthesia "
                         "code; stable, controlled angina is mild systemic disease"),
            [("00731-P2, 00811-P2", "When upper and lower endoscopy share a session, the combined code replaces "
                                    "the two separate codes"),
             ("00811-P2", "The upper endoscopy would be left out; the combined code covers both"),
             ("00731-P2", "The colonoscopy would be left out; the combined code covers both")],
            ("endoscopy", "physical-status"),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: extracapsular cataract removal with intraocular lens, left eye. "
            "Patient: 66-year-old with controlled type 2 diabetes. Monitored anesthesia care. Which code is "
            "reported?",
            ("00142-P2", "Lens surgery has its own eye anesthesia code; controlled diabetes is P2"),
            [("00145-P2", "00145 is for vitreoretinal surgery"),
             ("00140-P2", "00140 is the not-otherwise-specified eye code; lens surgery is more specific"),
             ("66984-P2", "66984 is the surgeon's cataract code; anesthesia uses the anesthesia section")],
            ("eye",),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: tonsillectomy and adenoidectomy for recurrent tonsillitis. Patient: "
            "healthy 6-year-old girl. General anesthesia. Which is reported?",
            ("00170-P1", "Tonsillectomy is an intraoral procedure; a healthy child is P1"),
            [("00170-P1, 99100", "Extreme age means under 1 year or over 70; she is 6"),
             ("00174-P1", "00174 is for excision of a retropharyngeal tumor"),
             ("00320-P1", "00320 covers the esophagus, thyroid, larynx, trachea and neck lymphatics, not the "
                          "tonsils")],
            ("head-neck", "pediatrics"),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: total thyroidectomy for multinodular goiter. Patient: 50-year-old "
            "woman with asthma controlled by an inhaler. General endotracheal anesthesia. Which is reported?",
            ("00320-P2", "Thyroid surgery in a patient aged 1 year or older falls under the neck code that "
                         "includes the thyroid; controlled asthma is P2"),
            [("00322-P2", "00322 is for a needle biopsy of the thyroid"),
             ("00300-P2", "00300 is for integumentary, muscle and nerve procedures of the head and neck, not "
                          "the thyroid gland"),
             ("00326-P2", "00326 is for larynx and trachea procedures in patients under 1 year")],
            ("head-neck",),
        ),
        _case(
            "ANESTHESIA RECORD. A labor epidural was placed at 4 cm dilation. After arrest of descent, the "
            "patient had a cesarean delivery under the same epidural. The anesthesiologist provided both "
            "services. Physical status is not asked. Which codes are reported?",
            ("01967, 01968", "Neuraxial labor analgesia is 01967; a cesarean that follows it is the add-on 01968 "
                             "reported with it"),
            [("01967, 01961", "01961 is for a cesarean under anesthesia not preceded by labor analgesia"),
             ("01961", "The labor analgesia before the cesarean is also reported"),
             ("01968", "01968 is an add-on and is reported only with 01967")],
            ("obstetric", "multi-code"),
        ),
        _case(
            "ANESTHESIA RECORD. Scheduled repeat cesarean delivery at 39 weeks under spinal anesthesia; no "
            "labor. The anesthesiologist documents ASA physical status 2. Which is reported?",
            ("01961-P2", "A cesarean delivery without preceding neuraxial labor analgesia is 01961"),
            [("01967-P2", "01967 is neuraxial labor analgesia; she was not in labor"),
             ("01968-P2", "01968 is an add-on to labor analgesia and cannot stand alone"),
             ("01960-P2", "01960 is anesthesia for vaginal delivery")],
            ("obstetric",),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: transurethral resection of the prostate for obstruction. Patient: "
            "74-year-old man with heart failure that limits his activity, on three medications. Spinal "
            "anesthesia. Which codes are reported?",
            ("00914-P3, 99100", "TURP has its own transurethral anesthesia code; heart failure limiting activity "
                                "is severe systemic disease, P3; over 70 adds 99100"),
            [("00914-P3", "The patient is over 70, so the extreme-age add-on applies"),
             ("00910-P3, 99100", "00910 is the not-otherwise-specified transurethral code; TURP is specific"),
             ("00865-P3, 99100", "00865 is for radical prostatectomy through an open approach")],
            ("genitourinary", "qualifying-circumstance", "multi-code"),
            (REF_ANES, REF_QC, REF_RVG),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: ureteroscopy with laser fragmentation and basket removal of a left "
            "ureteral stone. Patient: 41-year-old man with controlled hypertension. General anesthesia. Which "
            "is reported?",
            ("00918-P2", "Transurethral procedures with fragmentation or removal of a ureteral calculus have "
                         "their own code"),
            [("00910-P2", "00910 is the not-otherwise-specified transurethral code; stone work is specific"),
             ("00872-P2", "00872 is for extracorporeal shock wave lithotripsy, not endoscopic laser work"),
             ("00860-P2", "00860 is for open extraperitoneal lower abdominal procedures")],
            ("genitourinary",),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: open carpal tunnel release, right wrist. Patient: healthy "
            "35-year-old woman. Intravenous regional anesthesia by the anesthesiologist. Which is reported?",
            ("01810-P1", "Procedures on the nerves, tendons and fascia of the forearm, wrist and hand take "
                         "01810"),
            [("01830-P1", "01830 is for open or arthroscopic procedures on the bones and joints of the distal "
                          "forearm, wrist and hand; carpal tunnel release is on the nerve"),
             ("01820-P1", "01820 is for closed procedures on the radius, ulna, wrist or hand bones"),
             ("64721-P1", "64721 is the surgeon's code; anesthesia reports from the anesthesia section")],
            ("upper-extremity",),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: diagnostic arthroscopy of the left knee only; no repair or removal "
            "was needed. Patient: healthy 27-year-old. General anesthesia. Which is reported?",
            ("01382-P1", "A diagnostic arthroscopy of the knee has its own anesthesia code"),
            [("01400-P1", "01400 is for open or surgical arthroscopic knee procedures; this one was diagnostic "
                          "only"),
             ("01380-P1", "01380 is for closed procedures on the knee joint, such as a manipulation"),
             ("01402-P1", "01402 is for total knee arthroplasty")],
            ("lower-extremity",),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: open reduction and internal fixation of a bimalleolar ankle "
            "fracture. Patient: healthy 29-year-old man. General anesthesia. Which is reported?",
            ("01480-P1", "Open procedures on the bones of the lower leg, ankle and foot are 01480"),
            [("01462-P1", "01462 is for closed procedures; this fracture was opened and fixed"),
             ("01486-P1", "01486 is for total ankle replacement"),
             ("01400-P1", "01400 is for knee joint procedures")],
            ("lower-extremity",),
        ),
        _case(
            "ANESTHESIA RECORD. Procedure: right total shoulder arthroplasty for end-stage glenohumeral "
            "arthritis. Patient: 67-year-old man with controlled hypertension. Interscalene block and general "
            "anesthesia. Which is reported?",
            ("01638-P2", "Total shoulder replacement has its own code among the shoulder joint anesthesia codes; "
                         "controlled hypertension is P2"),
            [("01630-P2", "01630 is the not-otherwise-specified shoulder joint code; the total replacement is "
                          "coded specifically"),
             ("01622-P2", "01622 is for a diagnostic arthroscopy of the shoulder"),
             ("01214-P2", "01214 is for total hip arthroplasty")],
            ("upper-extremity",),
        ),
        _case(
            "ANESTHESIA RECORD. A 35-year-old woman arrives hypotensive after a car crash with a ruptured "
            "spleen; emergency laparotomy and splenectomy. The anesthesiologist documents ASA class 4 with the "
            "emergency designation. Which codes are reported?",
            ("00790-P4, 99140", "Splenectomy is an intraperitoneal upper abdominal procedure; the documented "
                                "class is P4, and an emergency adds the qualifying circumstance 99140"),
            [("00790-P4", "The emergency, where delay would threaten life, is reported with 99140"),
             ("00790-P5, 99140", "The anesthesiologist documented class 4; the coder reports what is documented"),
             ("00840-P4, 99140", "The spleen is in the upper abdomen; 00840 is the lower abdominal code")],
            ("physical-status", "qualifying-circumstance", "emergency", "multi-code"),
            (REF_ANES, REF_QC, REF_RVG),
        ),
        _case(
            "ANESTHESIA RECORD. A CRNA provides general anesthesia for a laparoscopic cholecystectomy in a P2 "
            "patient, medically directed by an anesthesiologist who is directing three rooms at the time. "
            "Which line does the CRNA report?",
            ("00790-QX-P2", "QX marks a CRNA service with medical direction by a physician"),
            [("00790-QK-P2", "QK is the anesthesiologist's modifier for directing two to four concurrent "
                             "procedures, not the CRNA's"),
             ("00790-QZ-P2", "QZ is a CRNA service without medical direction"),
             ("00790-AA-P2", "AA is for anesthesia personally performed by the anesthesiologist")],
            ("anesthesia-modifiers", "medical-direction"),
            (REF_ANES, "Medicare Claims Processing Manual, Chapter 12, Section 50"),
        ),
        _case(
            "ANESTHESIA RECORD. Excision of burn eschar with split-thickness grafting; the total body surface "
            "area treated under this anesthetic is 22 %. Physical status is not asked. Which codes are "
            "reported?",
            ("01952, 01953 x 2", "01952 covers 4 % to 9 % of body surface; each additional 9 % or part of it "
                                 "adds one 01953: 10-18 % and 19-22 % make two units"),
            [("01952, 01953", "One add-on unit reaches only 18 %; 22 % needs a second"),
             ("01953 x 3", "01953 is an add-on and is reported with 01952, which covers the first 9 %"),
             ("01951, 01953 x 2", "01951 is for less than 4 % of body surface")],
            ("burns", "multi-code"),
        ),
        _case(
            "ANESTHESIA RECORD. Insertion of a permanent transvenous pacemaker for complete heart block. "
            "Patient: 82-year-old woman with severe aortic stenosis limiting activity. Monitored anesthesia "
            "care. Which codes are reported?",
            ("00530-P3, 99100", "Permanent transvenous pacemaker insertion has its own code; limiting severe "
                                "disease is P3; over 70 adds 99100"),
            [("00534-P3, 99100", "00534 is for a transvenous cardioverter-defibrillator"),
             ("00530-P3", "The patient is over 70, so the extreme-age add-on is reported"),
             ("00560-P3, 99100", "00560 is for open procedures on the heart and great vessels without pump "
                                 "oxygenator")],
            ("cardiac", "qualifying-circumstance", "multi-code"),
            (REF_ANES, REF_QC, REF_RVG),
        ),
        _case(
            "ANESTHESIA RECORD. General anesthesia for an MRI of the brain in a healthy 4-year-old boy who "
            "cannot lie still. Which is reported?",
            ("01922-P1", "Anesthesia for non-invasive imaging has its own code in the radiological procedures "
                         "range"),
            [("01920-P1", "01920 is for cardiac catheterization"),
             ("01922-P1, 99100", "At 4 years he does not meet extreme age (under 1 or over 70)"),
             ("70551-P1", "70551 is a radiology code and takes no physical status modifier")],
            ("radiology", "pediatrics"),
        ),
    ]
