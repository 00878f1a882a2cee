"""E/M code selection from visit documentation, the way the CPC asks it.

Each case is a short visit note written for this bank; the candidate picks the code or codes that
report it. Levels follow the current CPT rules: office, hospital, nursing facility and emergency
department levels by medical decision making (two of three elements) or, where CPT allows, by total
time on the date; the thresholds are the ones CPT prints since 2024 ("must be met or exceeded").
Distractors are the errors coders really make: the level one up or down, the new/established mix-up,
the modifier on the wrong code or the wrong modifier, a bundled service reported separately.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

EM = "EM"
REF_EM = "CPT Evaluation and Management Services guidelines"
REF_MDM = "CPT E/M guidelines: Levels of Medical Decision Making table"
REF_MOD = "CPT Appendix A: Modifiers"
_TAGS = ("e-m", "code-selection", "visit-note")


_case = CaseMaker(EM, _TAGS, (REF_EM, REF_MDM))


def cases() -> list[Spec]:
    return [
        _case(
            "OFFICE VISIT, established patient, 58-year-old man. Follow-up of hypertension. Home readings "
            "average 128/78 on lisinopril; no dizziness or cough. Exam unremarkable. Assessment: hypertension, "
            "at goal. Plan: lisinopril renewed for 90 days; return in six months. No tests ordered or reviewed. "
            "The level is selected on medical decision making. Which code is reported?",
            ("99213", "One stable chronic illness is a low-level problem and there is no data, so even with "
                      "moderate risk from prescription drug management only one element reaches moderate; two "
                      "of three elements meet low, which gives low MDM, 99213"),
            [("99214", "Prescription drug management alone makes risk moderate, but moderate MDM needs a "
                       "second element at that level; the stable single illness and absent data do not reach it"),
             ("99212", "Straightforward MDM undercounts both the stable chronic illness (low) and the "
                       "prescription management (moderate)"),
             ("99203", "The patient is established with this physician, so new patient codes do not apply")],
            ("office-visit", "mdm"),
        ),
        _case(
            "OFFICE VISIT, established patient, 63-year-old woman. Type 2 diabetes without complications, on "
            "metformin, and hyperlipidemia on atorvastatin; both stable. The physician reviews today's A1c "
            "(6.8 %) and lipid panel results and orders a urine albumin-to-creatinine ratio for the next "
            "visit. Both prescriptions are continued. Level by MDM. Which code is reported?",
            ("99214", "Two stable chronic illnesses are a moderate problem level and continuing two "
                      "prescriptions is prescription drug management (moderate risk); two elements at moderate "
                      "give moderate MDM, 99214"),
            [("99213", "A single stable chronic illness would be low; two stable chronic illnesses are "
                       "moderate"),
             ("99215", "High MDM needs a severe exacerbation or threat to life, or extensive data, none of "
                       "which is documented"),
             ("99204", "She is an established patient; 99204 is for a new patient")],
            ("office-visit", "mdm", "diabetes"),
        ),
        _case(
            "NEW PATIENT OFFICE VISIT, 44-year-old woman referred by her gynecologist for a left breast lump "
            "found on self-exam. The physician reviews the gynecologist's notes, examines a 1.5 cm firm mobile "
            "mass, and orders a diagnostic mammogram and a breast ultrasound. No medication is prescribed. "
            "Level by MDM. Which code is reported?",
            ("99204", "An undiagnosed new problem with uncertain prognosis is a moderate problem, and reviewing "
                      "external notes plus ordering two unique tests is three Category 1 data items (moderate); "
                      "two elements at moderate give 99204"),
            [("99203", "Counting the two imaging orders as one item, or overlooking the external notes, "
                       "leaves data at limited; three items are documented"),
             ("99205", "High MDM needs a problem that threatens life or bodily function or two categories of "
                       "extensive data; neither is documented"),
             ("99214", "She has not seen this physician before, so a new patient code applies")],
            ("office-visit", "mdm", "new-patient"),
        ),
        _case(
            "NEW PATIENT OFFICE VISIT. The physician documents total time on the date of the encounter of 62 "
            "minutes: 15 minutes reviewing outside records before the visit, 35 minutes face to face, and 12 "
            "minutes documenting and arranging referrals after the patient left. The level is selected by "
            "time and the payer follows CPT. Which is reported?",
            ("99205", "Total time counts face-to-face and non-face-to-face physician work on the date: 62 "
                      "minutes meets the 60 minutes required for 99205"),
            [("99204", "Counting only the 35 face-to-face minutes undercounts; total time on the date is 62"),
             ("99205, 99417", "The CPT prolonged service code needs 15 minutes beyond the 60 minutes of 99205, "
                              "that is 75 minutes"),
             ("99215", "The patient is new to the physician; 99215 is an established patient code")],
            ("office-visit", "time", "new-patient"),
        ),
        _case(
            "OFFICE VISIT, established patient with multiple chronic conditions. Total physician time on the "
            "date, documented with the activities performed: 57 minutes. The level is selected by time; the "
            "payer is a commercial plan that follows CPT for prolonged services. Which codes are reported?",
            ("99215, 99417", "99215 needs 40 minutes; one unit of the CPT prolonged service code is added when "
                             "15 more minutes are reached (55); 57 minutes supports one unit"),
            [("99215", "At 57 minutes the 55-minute threshold for one prolonged unit is met"),
             ("99215, 99417 x 2", "A second unit needs 70 minutes"),
             ("99215, 99354", "The older prolonged face-to-face codes were deleted; office prolonged time is "
                              "reported with the current add-on code")],
            ("office-visit", "time", "prolonged-services", "multi-code"),
        ),
        _case(
            "OFFICE VISIT, established patient, 71-year-old man, for a scheduled corticosteroid injection of the "
            "right knee for osteoarthritis, planned at the last visit. He also asks about a new itchy rash on "
            "his forearm, which the physician examines and diagnoses as contact dermatitis, prescribing a "
            "topical steroid cream. The knee is injected without imaging guidance. Drug supply is reported "
            "separately and is not asked. Which codes are reported?",
            ("99213-25, 20610", "The rash is a significant, separately identifiable problem (acute uncomplicated, "
                                "low) with prescription management; low MDM gives 99213, which takes modifier 25 "
                                "beside the major-joint injection, 20610"),
            [("99213, 20610-25", "Modifier 25 belongs on the E/M service, not on the procedure"),
             ("20610", "The separate evaluation of a new problem is reportable; only the planned knee injection "
                       "and its pre-procedure check are included in 20610"),
             ("99214-25, 20610", "The knee evaluation is part of the planned injection and cannot raise the "
                                 "E/M level; the rash alone supports low MDM")],
            ("office-visit", "modifier-25", "multi-code", "minor-procedure"),
            (REF_EM, REF_MDM, REF_MOD),
        ),
        _case(
            "HOSPITAL ADMISSION. A general surgeon admits a 34-year-old man with CT-confirmed acute "
            "appendicitis, documents high medical decision making including the decision for emergency "
            "surgery, and performs a laparoscopic appendectomy that evening. Which codes does the surgeon "
            "report for the date?",
            ("99223-57, 44970", "An E/M service on the day of a major (90-day global) procedure that results in "
                                "the decision for surgery is reported with modifier 57; high MDM on an initial "
                                "hospital visit is 99223"),
            [("99223-25, 44970", "Modifier 25 is for an E/M beside a minor procedure or another service; the "
                                 "decision for a major surgery takes modifier 57"),
             ("44970", "The visit at which the decision for surgery was made is separately reportable with 57; "
                       "only routine preoperative visits fall in the global package"),
             ("99222-57, 44970", "Emergency major surgery is high risk and the documented MDM is high, so "
                                 "99222 (moderate) is too low")],
            ("hospital", "modifier-57", "multi-code", "decision-for-surgery"),
            (REF_EM, REF_MOD, "CMS global surgery rules"),
        ),
        _case(
            "EMERGENCY DEPARTMENT NOTE. A 67-year-old man with 40 minutes of crushing chest pain. The ED "
            "physician reviews the ECG showing ST elevation, which the cardiologist interprets and reports, "
            "starts aspirin and heparin, and arranges admission for emergent catheterization. No critical care "
            "time is documented. Which code does the ED physician report?",
            ("99285", "An acute illness that poses a threat to life and the decision for hospitalization make "
                      "problems and risk high; two high elements give high MDM, 99285"),
            [("99284", "Moderate MDM undercounts a threat to life and a decision to admit, both high"),
             ("99291", "Critical care codes need documented critical care time of at least 30 minutes; none is "
                       "documented"),
             ("99223", "The ED physician did not provide the initial hospital care; the ED visit is reported "
                       "with an ED code")],
            ("emergency-department", "mdm"),
        ),
        _case(
            "EMERGENCY DEPARTMENT NOTE. A 24-year-old woman twisted her left ankle playing basketball. Mild "
            "swelling over the lateral ligaments; she can bear weight. An ankle X-ray is ordered and shows no "
            "fracture. Diagnosis: sprain. Plan: elastic wrap, ice, over-the-counter ibuprofen. Which ED code "
            "is reported?",
            ("99283", "An acute uncomplicated injury is a low problem and over-the-counter treatment is low "
                      "risk; two elements at low give low MDM, 99283"),
            [("99282", "Straightforward MDM fits a self-limited or minor problem; an injury that needs imaging "
                       "to exclude fracture is acute uncomplicated, low"),
             ("99284", "One test ordered (its result review is part of ordering it) is not moderate data, and "
                       "nothing else reaches moderate"),
             ("99213", "The service took place in the emergency department, so ED codes apply")],
            ("emergency-department", "mdm"),
        ),
        _case(
            "EMERGENCY DEPARTMENT NOTE. A 39-year-old woman with fever of 39.2 °C, right flank pain and "
            "vomiting. The ED physician orders a CBC, basic metabolic panel, urinalysis and urine culture, "
            "gives IV fluids and an IV antibiotic, and, as she improves and tolerates fluids, discharges her "
            "home on an oral antibiotic. Which ED code is reported?",
            ("99284", "An acute illness with systemic symptoms is a moderate problem, ordering four unique "
                      "tests is moderate data, and prescription drug management is moderate risk: 99284"),
            [("99285", "Nothing documented poses a threat to life or bodily function, and she was not admitted, "
                       "so no element reaches high"),
             ("99283", "Fever with vomiting makes this an illness with systemic symptoms, moderate, not an "
                       "uncomplicated one"),
             ("99214", "ED visits are reported with ED codes, which apply to new and established patients "
                       "alike")],
            ("emergency-department", "mdm"),
        ),
        _case(
            "CRITICAL CARE NOTE. For a patient in septic shock, the intensivist documents 82 minutes of "
            "critical care time on the date, excluding time spent on separately reported procedures. Which "
            "codes are reported?",
            ("99291, 99292", "The first-hour code covers 30 to 74 minutes; one unit of the add-on covers each "
                             "further full 30 minutes, from 75 to 104 minutes"),
            [("99291", "Beyond 74 minutes the add-on code is reported"),
             ("99291, 99292 x 2", "The second add-on unit starts at 105 minutes"),
             ("99291 x 2", "The first-hour code is reported once per date; extra time uses the add-on")],
            ("critical-care", "time", "multi-code"),
            (REF_EM,),
        ),
        _case(
            "HOSPITAL ADMISSION NOTE. Initial inpatient care for a 70-year-old man with community-acquired "
            "pneumonia. The attending documents moderate medical decision making and a total time on the date "
            "of 58 minutes. Which code is reported?",
            ("99222", "Moderate MDM supports 99222, and 58 minutes also meets its 55-minute threshold (99223 "
                      "needs high MDM or 75 minutes)"),
            [("99223", "Neither high MDM nor 75 minutes of total time is documented"),
             ("99221", "Straightforward or low MDM, or 40 minutes, fits 99221; both MDM and time support more"),
             ("99204", "Initial hospital care is reported with hospital inpatient and observation codes, not "
                       "office codes")],
            ("hospital", "time"),
        ),
        _case(
            "HOSPITAL PROGRESS NOTE, day 3. The hospitalist documents a total time on the date of 38 minutes "
            "caring for the patient, including reviewing overnight results and updating the family. The level "
            "is selected by time. Which code is reported?",
            ("99232", "Subsequent hospital care by time: 35 minutes meets 99232; 99233 needs 50"),
            [("99231", "25 minutes is the threshold for 99231; 38 minutes reaches the next level"),
             ("99233", "99233 needs 50 minutes"),
             ("99222", "Day 3 is subsequent care; initial hospital codes are for the first encounter")],
            ("hospital", "time"),
        ),
        _case(
            "OBSERVATION STAY. A patient with syncope is placed in observation at 08:00 and discharged home at "
            "19:00 the same date after a negative workup. The physician documents moderate MDM for the "
            "admission and the discharge. Which code or codes are reported?",
            ("99235", "Admission and discharge on the same date are reported with one same-day code; "
                      "moderate MDM is 99235"),
            [("99222, 99238", "When admission and discharge fall on the same date, the separate initial and "
                              "discharge codes are not reported together"),
             ("99234", "99234 is for straightforward or low MDM"),
             ("99236", "99236 is for high MDM")],
            ("hospital", "observation"),
        ),
        _case(
            "DISCHARGE NOTE. The attending spends 35 minutes on the day of discharge examining the patient, "
            "reconciling medications, instructing the family and completing the discharge records. Which "
            "code is reported?",
            ("99239", "Discharge day management of more than 30 minutes is 99239"),
            [("99238", "99238 is for 30 minutes or less"),
             ("99233", "On the discharge day the discharge service is reported, not a subsequent visit"),
             ("99238, 99239", "Only one discharge code is reported, chosen by total time")],
            ("hospital", "discharge", "time"),
        ),
        _case(
            "ANNUAL PHYSICAL, established patient, 45-year-old woman: age-appropriate history, exam, "
            "counseling and screening orders. She also reports a week of cough and wheeze; the physician takes "
            "a separate history, examines her lungs, diagnoses acute bronchitis with bronchospasm and "
            "prescribes an albuterol inhaler. Which codes are reported?",
            ("99396, 99213-25", "The preventive visit for an established patient aged 40-64 is 99396; the "
                                "separately identifiable problem visit (acute uncomplicated illness with "
                                "prescription management, low MDM) is 99213 with modifier 25"),
            [("99386, 99213-25", "99386 is the new patient preventive code; she is established"),
             ("99396-25, 99213", "Modifier 25 goes on the problem-oriented E/M code reported beside the "
                                 "preventive service"),
             ("99396", "A significant problem needing its own history, exam and prescription is reported in "
                       "addition")],
            ("preventive", "modifier-25", "multi-code"),
            (REF_EM, REF_MOD),
        ),
        _case(
            "WELL-CHILD VISIT. A 2-year-old boy, seen by the practice since birth, for his routine check: "
            "growth and development reviewed, anticipatory guidance given, no problems found. Immunizations are "
            "reported separately. Which preventive code is reported?",
            ("99392", "The established patient preventive code for ages 1 through 4 years is 99392"),
            [("99382", "99382 is the new patient code for the same age band; he is established"),
             ("99391", "99391 is for infants under 1 year"),
             ("99393", "99393 is for ages 5 through 11")],
            ("preventive", "pediatrics"),
            (REF_EM,),
        ),
        _case(
            "NEWBORN NOTE. A term girl born by uncomplicated vaginal delivery at 02:10 in the hospital is "
            "examined by the pediatrician, and mother and baby are discharged at 18:30 the same date. Which "
            "code does the pediatrician report?",
            ("99463", "Initial normal newborn care with admission and discharge on the same date has its own "
                      "code"),
            [("99460, 99238", "Same-date admission and discharge of a normal newborn is one service, not an "
                              "initial code plus a discharge code"),
             ("99460", "99460 is initial care when the baby stays past the date of birth"),
             ("99461", "99461 is for normal newborn care outside a hospital or birthing center")],
            ("newborn",),
            (REF_EM,),
        ),
        _case(
            "NURSING FACILITY VISIT. A resident with chronic heart failure has gained 2 kg in three days with "
            "new ankle edema. The physician increases the furosemide dose and orders a basic metabolic panel "
            "for the morning. Level by MDM. Which code is reported?",
            ("99309", "A chronic illness with exacerbation is a moderate problem and changing a prescription "
                      "dose is moderate risk; moderate MDM on a subsequent nursing facility visit is 99309"),
            [("99308", "Low MDM would need a stable illness or lower risk; an exacerbation with a dose change "
                       "is moderate"),
             ("99310", "High MDM needs a severe exacerbation or threat to life, which is not described"),
             ("99305", "This is a subsequent visit to a known resident, not the initial facility visit")],
            ("nursing-facility", "mdm"),
        ),
        _case(
            "OFFICE CONSULTATION. At the written request of the patient's family physician, an orthopedist "
            "evaluates a 50-year-old man's chronic shoulder pain, recommends physical therapy and "
            "over-the-counter analgesics, and sends a report back. MDM is low. The payer is a commercial plan "
            "that accepts consultation codes. Which code is reported?",
            ("99243", "A requested opinion with a report back is a consultation; low MDM in the office is "
                      "99243"),
            [("99203", "A new patient code is used when the payer does not accept consultation codes; this "
                       "payer does"),
             ("99242", "99242 is for straightforward MDM"),
             ("99244", "99244 is for moderate MDM")],
            ("consultation",),
        ),
        _case(
            "OFFICE CONSULTATION, Medicare patient. A cardiologist, asked by the patient's internist for an "
            "opinion on palpitations, sees the 72-year-old for the first time, orders a Holter monitor and an "
            "echocardiogram, reviews the internist's notes and reports back. MDM is moderate. Which code is "
            "reported to Medicare?",
            ("99204", "Medicare does not pay consultation codes; the visit is reported with the new patient "
                      "office code for its level, moderate MDM being 99204"),
            [("99244", "The consultation code fits the service, but Medicare does not accept consultation "
                       "codes"),
             ("99214", "The patient has not been seen by this cardiologist or the practice's cardiologists "
                       "before, so he is new"),
             ("99203", "Three data items and an undiagnosed new problem make MDM moderate, not low")],
            ("consultation", "medicare"),
            (REF_EM, "Medicare Claims Processing Manual, Chapter 12"),
        ),
        _case(
            "TRANSITIONAL CARE. A patient discharged on Monday after a heart failure admission is called by the "
            "practice nurse on Tuesday. The physician sees her face to face on Friday of the same week, "
            "reconciles medications and documents high-complexity MDM. Which is reported for the 30 days?",
            ("99496", "Contact within two business days, a face-to-face visit within 7 days and high MDM meet "
                      "99496"),
            [("99495", "99495 fits moderate MDM with the visit within 14 days; this MDM is high and the visit "
                       "was within 7 days"),
             ("99496, 99215", "The face-to-face visit is part of transitional care management and is not "
                              "reported separately"),
             ("99215", "Transitional care management reports the whole 30-day service including the visit")],
            ("transitional-care",),
        ),
        _case(
            "OFFICE VISIT, established patient, three weeks after the same surgeon repaired her inguinal hernia "
            "(90-day global). The wound is healing well. She also reports a new lump in her right breast; the "
            "surgeon examines it and orders a diagnostic mammogram and ultrasound. No medication is prescribed. "
            "MDM is low. Which is reported for this visit?",
            ("99213-24", "An E/M for a problem unrelated to the surgery, during its global period, by the same "
                         "surgeon is reported with modifier 24; low MDM is 99213"),
            [("99213-25", "Modifier 25 marks an E/M on the same day as a procedure; here the point is the "
                          "unrelated problem during a global period"),
             ("99213-79", "Modifier 79 is for an unrelated procedure during the global period, not an E/M "
                          "service"),
             ("99024", "The postoperative follow-up code covers related care only; the breast lump is "
                       "unrelated")],
            ("modifier-24", "global-period"),
            (REF_EM, REF_MOD, "CMS global surgery rules"),
        ),
        _case(
            "NEW PATIENT OFFICE VISIT. A 3-year-old with two days of right ear pain and fever; history obtained "
            "from the mother because the child cannot give it. Exam: bulging red right tympanic membrane. "
            "Diagnosis: acute otitis media. Amoxicillin is prescribed. Level by MDM. Which code is reported?",
            ("99203", "An acute uncomplicated illness is a low problem and the independent historian is limited "
                      "data; with moderate risk from the prescription, two elements meet low: 99203"),
            [("99204", "Only risk reaches moderate; moderate MDM needs two elements at that level"),
             ("99202", "The problem and the data both reach low, so MDM is above straightforward"),
             ("99213", "The child has not been seen by the practice before; new patient codes apply")],
            ("office-visit", "mdm", "pediatrics", "new-patient"),
        ),
        _case(
            "OFFICE VISIT, established patient, 30-year-old man with a mosquito bite on his calf that itches. "
            "No signs of infection. The physician reassures him and suggests over-the-counter hydrocortisone "
            "cream. Level by MDM. Which code is reported?",
            ("99212", "One self-limited problem is minimal and there is no data; with low risk only, two "
                      "elements are at straightforward: 99212"),
            [("99213", "Low MDM needs two elements at low; only the over-the-counter risk reaches it"),
             ("99211", "99211 is a service that may not need the physician; here the physician evaluates and "
                       "decides"),
             ("99202", "He is an established patient")],
            ("office-visit", "mdm"),
        ),
        _case(
            "EMERGENCY DEPARTMENT NOTE. After a fall, a 52-year-old man has a 3.4 cm simple laceration of the "
            "scalp. The ED physician documents a separate evaluation of the head injury with moderate MDM and "
            "closes the laceration with a single-layer repair. Which codes are reported?",
            ("99284-25, 12002", "The significant, separately identifiable ED evaluation (moderate MDM, 99284) "
                                "takes modifier 25; a simple repair of 2.6 to 7.5 cm of the scalp is 12002"),
            [("99284, 12002-25", "Modifier 25 belongs on the E/M code, not on the repair"),
             ("99284-25, 12001", "12001 is for simple repairs up to 2.5 cm; this wound is 3.4 cm"),
             ("12002", "The documented separate evaluation of the head injury is reportable with modifier "
                       "25")],
            ("emergency-department", "modifier-25", "multi-code", "laceration"),
            (REF_EM, REF_MOD, "CPT Integumentary System guidelines: Repair (Closure)"),
        ),
        _case(
            "CRITICAL CARE NOTE. An ED physician provides 65 minutes of critical care to a patient in "
            "respiratory failure, not counting the time spent on an endotracheal intubation, and starts "
            "ventilator management. The payer follows CPT and needs no modifier for this pair. Which codes are "
            "reported?",
            ("99291, 31500", "Emergency intubation is not among the services bundled into critical care and is "
                             "reported separately; 65 minutes of critical care is the first-hour code only"),
            [("99291, 31500, 94002", "Ventilator management is bundled into critical care and is not reported "
                                     "separately by the physician providing critical care"),
             ("99291, 99292, 31500", "The add-on needs 75 minutes; the intubation time is excluded from the 65"),
             ("99291", "The intubation is a separately reportable procedure")],
            ("critical-care", "multi-code", "bundling"),
            (REF_EM, "NCCI Policy Manual, Chapter 11"),
        ),
    ]
