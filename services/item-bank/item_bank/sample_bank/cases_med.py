"""Medicine section code selection from clinic and procedure notes, the way the CPC asks it.

Each case is a note written for this bank. Distractors are the errors coders make in this section:
vaccine administration counted per vaccine instead of per component (or the reverse), an initial
infusion code reported twice, an additional hour claimed before 30 minutes have passed, a global
test split into components where one provider did it all, a bundled service reported beside the
one that includes it, time-based psychotherapy and therapy units miscounted.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

MED = "MED"
REF_MED = "CPT Medicine guidelines"
REF_INFUSION = "CPT Medicine guidelines: Hydration, Therapeutic, Prophylactic, Diagnostic Injections and Infusions"
REF_VACCINE = "CPT Medicine guidelines: Immunization Administration for Vaccines/Toxoids"
_TAGS = ("medicine", "code-selection")


_case = CaseMaker(MED, _TAGS, (REF_MED,))


def cases() -> list[Spec]:
    return [
        _case(
            "NURSE VISIT NOTE. A 45-year-old receives Tdap and the first dose of a three-dose adult hepatitis B "
            "vaccine, one in each deltoid, given by the nurse; no counseling by the physician. Which codes are "
            "reported?",
            ("90715, 90746, 90471, 90472", "Each vaccine product is coded (Tdap 90715, adult hepatitis B "
                                           "90746); administration is 90471 for the first injection and 90472 "
                                           "for the second"),
            [("90715, 90746, 90460, 90461", "The counseling administration codes are for patients through 18 "
                                            "years counseled by the physician or other qualified professional"),
             ("90715, 90746, 90471 x 2", "The second injection is reported with the add-on 90472"),
             ("90715, 90746", "The administration of each vaccine is reported in addition to the products")],
            ("vaccines", "multi-code"),
            (REF_MED, REF_VACCINE),
        ),
        _case(
            "WELL-CHILD VISIT. A 4-year-old receives MMR vaccine; the pediatrician counsels the parent on each "
            "of the three components (measles, mumps, rubella) before the nurse gives it. The visit itself is "
            "coded separately. Which codes report the vaccine and its administration?",
            ("90707, 90460, 90461 x 2", "With physician counseling through age 18, the first component is 90460 "
                                        "and each further component of the same vaccine is 90461: MMR has "
                                        "three components"),
            [("90707, 90460 x 3", "Additional components are reported with the add-on 90461, not further units "
                                  "of 90460"),
             ("90707, 90471", "When the physician counsels a patient through 18, the component-based codes "
                              "apply"),
             ("90707, 90460", "Each additional component of a combination vaccine adds 90461")],
            ("vaccines", "pediatrics", "multi-code"),
            (REF_MED, REF_VACCINE),
        ),
        _case(
            "OFFICE NOTE. Ceftriaxone 1 g is given intramuscularly in the office for gonorrhea. The drug's "
            "HCPCS code is reported per 250 mg. The E/M service is not asked. Which codes report the injection "
            "and the drug?",
            ("96372, J0696 x 4", "An intramuscular injection is 96372; 1 g is 1,000 mg, four units of 250 mg"),
            [("96372, J0696", "The drug code's unit is 250 mg; 1 g needs four units"),
             ("96374, J0696 x 4", "96374 is an intravenous push; the drug was given intramuscularly"),
             ("96372, J0696 x 1000", "Units follow the code's billing unit of 250 mg, not milligrams")],
            ("injections", "units", "multi-code"),
            (REF_MED, REF_INFUSION),
        ),
        _case(
            "INFUSION RECORD. An intravenous antibiotic runs from 10:05 to 11:45 through a peripheral line in "
            "the physician's infusion suite; no other drug is given. Which codes are reported?",
            ("96365, 96366", "The first hour is the initial infusion, 96365; the further 40 minutes are more "
                             "than 30 minutes beyond the hour, so one additional hour is reported"),
            [("96365", "Forty minutes beyond the first hour is enough for the additional-hour code"),
             ("96365 x 2", "Additional time is reported with the add-on 96366, not a second initial code"),
             ("96365, 96367", "96367 is an additional sequential infusion of a different drug")],
            ("infusion", "time", "multi-code"),
            (REF_MED, REF_INFUSION),
        ),
        _case(
            "INFUSION RECORD. An intravenous antibiotic infuses for 50 minutes; afterwards ondansetron is given "
            "by intravenous push for nausea through the same line. Which codes are reported?",
            ("96365, 96375", "The infusion, the primary service, is 96365; a push of a different drug after it "
                             "is the sequential push add-on 96375"),
            [("96365, 96374", "Only one initial service is reported per encounter; the later push is "
                              "sequential"),
             ("96374, 96367", "The initial code goes to the primary reason for the encounter, the antibiotic "
                              "infusion"),
             ("96365", "The push of a new drug is reported in addition")],
            ("infusion", "multi-code"),
            (REF_MED, REF_INFUSION),
        ),
        _case(
            "INFUSION RECORD. A patient with gastroenteritis and dehydration receives normal saline "
            "intravenously from 13:00 to 15:00 in the clinic; no drugs are added or given. Which codes are "
            "reported?",
            ("96360, 96361", "Hydration of 31 minutes to 1 hour is 96360; the second full hour is the add-on "
                             "96361"),
            [("96365, 96366", "Those codes are for therapeutic or diagnostic drug infusions; plain fluids are "
                              "hydration"),
             ("96360", "The second hour of hydration is reported with the add-on"),
             ("96360, 96361 x 2", "Only one hour follows the first; a further unit would need more than 30 "
                                  "minutes beyond two hours")],
            ("infusion", "hydration", "time", "multi-code"),
            (REF_MED, REF_INFUSION),
        ),
        _case(
            "CHEMOTHERAPY RECORD. Drug A is infused from 08:00 to 10:10. Drug B is then infused from 10:10 to "
            "10:55 through the same line. Which codes are reported?",
            ("96413, 96415, 96417", "Drug A's first hour is 96413 and its further 70 minutes are one additional "
                                    "hour (the last 10 minutes do not pass 30); drug B is a sequential "
                                    "infusion, 96417"),
            [("96413, 96415 x 2, 96417", "A second additional hour needs more than 30 minutes beyond two hours; "
                                         "only 10 remain"),
             ("96365, 96366, 96367", "Those are the non-chemotherapy infusion codes"),
             ("96413, 96417", "The time beyond the first hour of drug A is reported with 96415")],
            ("chemotherapy", "infusion", "multi-code"),
            (REF_MED, REF_INFUSION),
        ),
        _case(
            "CARDIOLOGY NOTE, hospital. A 12-lead ECG is recorded by the emergency department's equipment and "
            "staff; the consulting cardiologist interprets it and signs the report. What does the cardiologist "
            "report?",
            ("93010", "Interpretation and report only is 93010"),
            [("93000", "93000 includes the tracing, done on the hospital's equipment"),
             ("93005", "93005 is the tracing only"),
             ("93000-26", "The ECG has its own interpretation-only code; a modifier on the global code is not "
                          "used")],
            ("cardiology", "components"),
        ),
        _case(
            "ECHOCARDIOGRAPHY REPORT. Transthoracic echocardiogram, complete two-dimensional study with M-mode, "
            "spectral Doppler and color flow Doppler. Which is reported?",
            ("93306", "A complete transthoracic study with spectral and color Doppler is one code, 93306"),
            [("93307, 93320, 93325", "The Doppler add-ons are not reported with the complete study that already "
                                     "includes them"),
             ("93307", "93307 is a complete study without Doppler"),
             ("93308", "93308 is a limited or follow-up study")],
            ("cardiology", "echocardiography"),
        ),
        _case(
            "CARDIOLOGY NOTE, hospital outpatient. The cardiologist supervises a treadmill stress test on the "
            "hospital's equipment and writes the interpretation and report. What does the cardiologist report?",
            ("93016, 93018", "Physician supervision is 93016 and interpretation and report is 93018; the "
                             "tracing belongs to the hospital"),
            [("93015", "93015 is the global test including the tracing, done on the hospital's equipment"),
             ("93016, 93017, 93018", "93017 is the tracing only, the hospital's part"),
             ("93018", "The cardiologist also supervised the test")],
            ("cardiology", "components", "multi-code"),
        ),
        _case(
            "PULMONARY FUNCTION REPORT. Spirometry before and after an inhaled bronchodilator given by "
            "nebulizer in the lab. Which is reported?",
            ("94060", "Spirometry before and after a bronchodilator is one code, which includes giving the "
                      "bronchodilator"),
            [("94010 x 2", "The pre- and post-bronchodilator study has its own code"),
             ("94060, 94640", "The bronchodilator treatment given for the study is included in 94060"),
             ("94010, 94060", "94010 is included in 94060")],
            ("pulmonary", "bundling"),
        ),
        _case(
            "PULMONARY FUNCTION REPORT, office. Spirometry with a graphic record of forced vital capacity and "
            "expiratory flow, interpreted by the physician; no bronchodilator was given and no other test done. "
            "Which is reported?",
            ("94010", "Spirometry without a bronchodilator is 94010"),
            [("94060", "94060 is spirometry before and after a bronchodilator; none was given"),
             ("94375", "94375 is a respiratory flow-volume loop study"),
             ("94200", "94200 is maximum breathing capacity (maximal voluntary ventilation)")],
            ("pulmonary",),
        ),
        _case(
            "ALLERGY NOTE. Percutaneous (prick) testing with 40 allergen extracts, read at 15 minutes. Which is "
            "reported?",
            ("95004 x 40", "Percutaneous immediate-type tests are reported per test: 40 units"),
            [("95004", "The code is reported once per test, not once per session"),
             ("95024 x 40", "95024 is intradermal testing"),
             ("95004 x 4", "Units are tests, not panels of ten")],
            ("allergy", "units"),
        ),
        _case(
            "PSYCHOLOGY NOTE. Individual psychotherapy with the patient, 50 minutes face to face, by a licensed "
            "psychologist; no medical evaluation. Which is reported?",
            ("90834", "Psychotherapy of 38 to 52 minutes is reported with the 45-minute code, 90834"),
            [("90837", "The 60-minute code starts at 53 minutes"),
             ("90832", "The 30-minute code covers 16 to 37 minutes"),
             ("90791", "90791 is a diagnostic evaluation, not a psychotherapy session")],
            ("psychiatry", "time"),
        ),
        _case(
            "PSYCHIATRY NOTE. An established patient's medication management visit with moderate MDM "
            "(99214), and in the same visit 40 minutes of psychotherapy, separately documented. Which codes "
            "are reported?",
            ("99214, 90836", "Psychotherapy with an E/M service uses the add-on codes; 40 minutes falls in 38 to "
                             "52 minutes, the 45-minute add-on 90836"),
            [("99214, 90834", "Stand-alone psychotherapy codes are not reported with an E/M; the add-on codes "
                              "are"),
             ("99214, 90833", "The 30-minute add-on covers 16 to 37 minutes"),
             ("90792", "90792 is a diagnostic evaluation with medical services, not a follow-up with "
                       "psychotherapy")],
            ("psychiatry", "time", "multi-code"),
        ),
        _case(
            "NEPHROLOGY NOTE. For a 62-year-old with end-stage renal disease on in-center hemodialysis, the "
            "nephrologist documents three face-to-face visits during the calendar month. "
            "Which is reported for the month?",
            ("90961", "The monthly ESRD code for patients 20 and older with two or three face-to-face visits is "
                      "90961"),
            [("90960", "90960 requires four or more visits in the month"),
             ("90962", "90962 is for one visit"),
             ("90935 x 3", "Monthly ESRD services are reported with the monthly code, not per dialysis "
                           "evaluation")],
            ("dialysis",),
        ),
        _case(
            "OPHTHALMOLOGY NOTE. An established patient has a comprehensive eye examination with dilated "
            "fundus exam and a determination of refractive state for new glasses. Which codes are reported?",
            ("92014, 92015", "A comprehensive exam of an established patient is 92014; refraction is not part "
                             "of it and is reported with 92015"),
            [("92004, 92015", "92004 is the comprehensive exam for a new patient"),
             ("92014", "Refraction is reported separately"),
             ("92012, 92015", "92012 is the intermediate exam; this one was comprehensive")],
            ("ophthalmology", "multi-code"),
        ),
        _case(
            "AUDIOLOGY REPORT. Pure tone audiometry by air and bone conduction, with speech reception threshold "
            "and word recognition, both ears. Which is reported?",
            ("92557", "Comprehensive audiometry (air, bone, speech threshold and recognition) is one code"),
            [("92553, 92556", "When all of these are done, the comprehensive code replaces the separate ones"),
             ("92553", "92553 is air and bone only"),
             ("92552", "92552 is air only")],
            ("audiology",),
        ),
        _case(
            "PHYSICAL THERAPY NOTE, Medicare patient. Therapeutic exercise 23 minutes and manual therapy 10 "
            "minutes, both one-on-one; no untimed services. Under the CMS 8-minute rule, which codes and units "
            "are reported?",
            ("97110, 97140", "33 timed minutes are 2 units; exercise takes one full unit with 8 minutes left, "
                             "and the second unit goes to manual therapy, which has more remaining minutes (10)"),
            [("97110 x 2", "The second unit goes to the service with more remaining minutes, manual therapy"),
             ("97110 x 2, 97140", "Three units need at least 38 minutes"),
             ("97110", "33 minutes support two units")],
            ("physical-medicine", "time", "multi-code"),
            (REF_MED, "Medicare Claims Processing Manual, Chapter 5"),
        ),
        _case(
            "CHIROPRACTIC NOTE. Spinal manipulation of the cervical, thoracic and lumbar regions. Which is "
            "reported?",
            ("98941", "Spinal manipulation of three to four regions is 98941"),
            [("98940", "98940 is one or two regions"),
             ("98942", "98942 is five regions"),
             ("98926", "98926 is osteopathic manipulation, not chiropractic")],
            ("chiropractic",),
        ),
        _case(
            "PROCEDURE NOTE. The gastroenterologist performing a colonoscopy also gives moderate sedation, with "
            "an independent trained observer present; intraservice time is 30 minutes; the patient is 58. "
            "Only the sedation is asked. Which codes are reported?",
            ("99152, 99153", "Moderate sedation by the proceduralist for a patient 5 or older is 99152 for the "
                             "first 15 minutes, and 23 to 37 minutes adds one unit of 99153"),
            [("99152", "Thirty minutes reach the first additional unit"),
             ("99155, 99156", "Those codes are for sedation by a physician other than the one performing the "
                              "procedure"),
             ("99151, 99153", "99151 is for patients younger than 5")],
            ("sedation", "time", "multi-code"),
        ),
        _case(
            "CARDIOLOGY NOTE. A 24-hour Holter monitor is applied in the office; the practice's own service "
            "records, scans and analyzes it, and the cardiologist reviews and interprets. Which is reported?",
            ("93224", "Continuous ECG recording up to 48 hours with recording, scanning, report and physician "
                      "interpretation is 93224"),
            [("93225", "93225 is recording only"),
             ("93227", "93227 is review and interpretation only"),
             ("93241", "93241 is for recording of more than 48 hours, up to 7 days")],
            ("cardiology",),
        ),
        _case(
            "VASCULAR LAB REPORT. Duplex scan of the right leg veins for suspected deep vein thrombosis; the "
            "left leg was not examined. Which is reported?",
            ("93971", "A unilateral or limited duplex scan of the extremity veins is 93971"),
            [("93970", "93970 is a complete bilateral study"),
             ("93925", "93925 is an arterial study of the lower extremities"),
             ("93970-52", "The limited study has its own code; a reduced-service modifier is not needed")],
            ("vascular",),
        ),
        _case(
            "DIALYSIS UNIT NOTE. The nephrologist sees a hospital inpatient with acute kidney injury during one "
            "hemodialysis session, evaluates once and adjusts the prescription. Which is reported?",
            ("90935", "Hemodialysis with a single evaluation by the physician is 90935"),
            [("90937", "90937 is for repeated evaluations with substantial revision of the prescription"),
             ("90945", "90945 is for dialysis other than hemodialysis, such as peritoneal dialysis"),
             ("90961", "Monthly ESRD codes do not describe a single inpatient session")],
            ("dialysis",),
        ),
        _case(
            "OSTEOPATHIC NOTE. Osteopathic manipulative treatment of the cervical, thoracic, lumbar, sacral and "
            "pelvic regions. Which is reported?",
            ("98927", "Osteopathic manipulation of five to six body regions is 98927"),
            [("98926", "98926 is three to four regions"),
             ("98928", "98928 is seven to eight regions"),
             ("98942", "98942 is chiropractic manipulation")],
            ("osteopathic",),
        ),
    ]
