"""Radiology code selection from orders and reports, the way the CPC asks it.

Each case is an order or report excerpt written for this bank. Distractors are the errors coders
make with imaging: views miscounted, oral contrast taken for "with contrast", a combined code split
in two, complete and limited ultrasound confused, the professional or technical component where the
global service applies, a screening study coded as diagnostic, an add-on forgotten.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

RAD = "RAD"
REF_RAD = "CPT Radiology guidelines"
REF_MOD = "CPT Appendix A: Modifiers"
_TAGS = ("radiology", "code-selection")


_case = CaseMaker(RAD, _TAGS, (REF_RAD,))


def cases() -> list[Spec]:
    return [
        _case(
            "ORDER AND REPORT, family practice office with its own X-ray unit. Indication: cough and fever for "
            "five days. Frontal and lateral views of the chest were taken in the office and read by the "
            "practice's physician. Which is reported?",
            ("71046", "Two views of the chest are 71046; the practice owns the equipment and reads the films, "
                      "so it reports the global service with no component modifier"),
            [("71045", "71045 is a single view; frontal and lateral are two"),
             ("71047", "71047 is three views"),
             ("71046-TC", "The practice performed and interpreted the study, so the global code applies, not "
                          "the technical component alone")],
            ("views", "global-service"),
            (REF_RAD, REF_MOD),
        ),
        _case(
            "CT REPORT. Abdomen and pelvis. Technique: axial images from the diaphragm to the symphysis after "
            "oral contrast; no intravenous contrast was given because of the patient's renal function. "
            "Which code is reported?",
            ("74176", "Oral contrast alone does not make a study 'with contrast' in CPT; a combined abdomen and "
                      "pelvis CT without contrast is 74176"),
            [("74177", "74177 needs intravascular (or intrathecal or intra-articular) contrast; oral contrast "
                       "does not count"),
             ("74150, 72192", "When the abdomen and pelvis are scanned together, the combined code replaces the "
                              "separate abdomen and pelvis codes"),
             ("74178", "74178 is for a study without contrast followed by contrast")],
            ("contrast", "ct"),
        ),
        _case(
            "CT REPORT, hospital outpatient department. Abdomen and pelvis with intravenous contrast for right "
            "lower quadrant pain. The hospital owns the scanner; the radiologist, in private practice, reads "
            "the study. Which does the radiologist report?",
            ("74177-26", "The radiologist provides only the interpretation, the professional component, "
                         "reported with modifier 26 on the combined abdomen-pelvis code with contrast"),
            [("74177", "The global code would also bill the hospital's equipment and staff, which the "
                       "radiologist did not provide"),
             ("74177-TC", "TC is the technical component, billed by the facility"),
             ("74176-26", "74176 is without contrast; intravenous contrast was given")],
            ("components", "ct", "contrast"),
            (REF_RAD, REF_MOD),
        ),
        _case(
            "CT REPORT. Staging of lung cancer: CT of the chest, abdomen and pelvis, all with intravenous "
            "contrast, in one session. Which codes are reported?",
            ("71260, 74177", "The chest is coded on its own (with contrast, 71260) and the abdomen and pelvis "
                             "together with the combined code with contrast, 74177"),
            [("71260, 74160, 72193", "Abdomen and pelvis scanned together are reported with the combined code, "
                                     "not with the separate abdomen and pelvis codes"),
             ("71270, 74178", "Those codes are for studies without contrast followed by contrast; only a "
                              "contrast phase was done"),
             ("74177", "The chest CT is a separate region and is reported as well")],
            ("ct", "contrast", "multi-code"),
        ),
        _case(
            "MRI REPORT. Brain. Technique: sagittal and axial sequences before contrast, then repeated after "
            "intravenous gadolinium. Indication: new seizure. Which is reported?",
            ("70553", "A study without contrast followed by contrast is one code, 70553"),
            [("70551, 70552", "The without-and-with sequence has its own code; the two single codes are not "
                              "reported together"),
             ("70552", "70552 is for a study with contrast only; pre-contrast sequences were also done"),
             ("70543", "70543 is MRI of the orbit, face or neck")],
            ("mri", "contrast"),
        ),
        _case(
            "MRI REPORT. Lumbar spine, without contrast, for radiating leg pain after six weeks of therapy. "
            "Which is reported?",
            ("72148", "MRI of the lumbar spine without contrast is 72148"),
            [("72158", "72158 is for a study without contrast followed by contrast"),
             ("72149", "72149 is with contrast"),
             ("72131", "72131 is a CT of the lumbar spine without contrast, not an MRI")],
            ("mri", "spine"),
        ),
        _case(
            "MRI REPORT. Left knee, without contrast, for suspected meniscal tear after a twisting injury. "
            "Which is reported?",
            ("73721", "MRI of a lower extremity joint without contrast is 73721"),
            [("73718", "73718 is MRI of the lower extremity other than a joint"),
             ("73723", "73723 is without contrast followed by contrast"),
             ("73221", "73221 is MRI of an upper extremity joint")],
            ("mri", "lower-extremity"),
        ),
        _case(
            "X-RAY REPORT. Right knee: AP, lateral and sunrise (patellar) views for anterior knee pain. Which is "
            "reported?",
            ("73562", "Three views of the knee are 73562"),
            [("73560", "73560 is one or two views"),
             ("73564", "73564 is four or more views"),
             ("73565", "73565 is the standing AP view of both knees")],
            ("views", "lower-extremity"),
        ),
        _case(
            "X-RAY REPORT. Left wrist: PA, lateral and oblique views after a fall on the outstretched hand. "
            "Which is reported?",
            ("73110", "Three or more views of the wrist are 73110"),
            [("73100", "73100 is two views of the wrist"),
             ("73130", "73130 is three or more views of the hand, not the wrist"),
             ("73090", "73090 is the forearm")],
            ("views", "upper-extremity"),
        ),
        _case(
            "MAMMOGRAPHY REPORT. Routine screening of a 52-year-old woman without symptoms: bilateral digital "
            "mammography with computer-aided detection and digital breast tomosynthesis. Which codes are "
            "reported?",
            ("77067, 77063", "Bilateral screening mammography (CAD included) is 77067 and screening "
                             "tomosynthesis is the add-on 77063"),
            [("77067", "The tomosynthesis add-on is reported as well"),
             ("77066, 77062", "Those are the diagnostic codes; this is a screening study of a woman without "
                              "symptoms"),
             ("77065, 77063", "77065 is a unilateral diagnostic mammogram")],
            ("mammography", "screening", "multi-code"),
        ),
        _case(
            "MAMMOGRAPHY REPORT. A 61-year-old woman with a palpable lump in the right breast: digital "
            "mammography of the right breast only, with CAD. No tomosynthesis. Which is reported?",
            ("77065", "A diagnostic mammogram of one breast is 77065"),
            [("77066", "77066 is a bilateral diagnostic mammogram; only the right breast was imaged"),
             ("77067", "77067 is bilateral screening; a palpable lump makes the study diagnostic"),
             ("77065-50", "The unilateral code describes one breast; modifier 50 would claim both")],
            ("mammography", "diagnostic"),
        ),
        _case(
            "MAMMOGRAPHY REPORT. Short-interval follow-up of a probably benign finding: bilateral diagnostic "
            "digital mammography with bilateral digital breast tomosynthesis. Which codes are reported?",
            ("77066, 77062", "Bilateral diagnostic mammography is 77066 and bilateral diagnostic tomosynthesis "
                             "is the add-on 77062"),
            [("77066, 77061", "77061 is unilateral tomosynthesis; both breasts were imaged"),
             ("77067, 77063", "Those are the screening codes; a follow-up of a finding is diagnostic"),
             ("77066", "The tomosynthesis add-on is reported as well")],
            ("mammography", "diagnostic", "multi-code"),
        ),
        _case(
            "ULTRASOUND REPORT. Right upper quadrant for suspected cholecystitis. Findings are documented for "
            "the liver, gallbladder and common bile duct; no other organs were examined. Which is reported?",
            ("76705", "A complete abdominal ultrasound requires every listed organ to be documented; an "
                      "examination of a few organs or one quadrant is limited, 76705"),
            [("76700", "76700 needs documentation of the liver, gallbladder, bile duct, pancreas, spleen, "
                       "kidneys, aorta and IVC, or why one could not be seen"),
             ("76770", "76770 is a retroperitoneal (renal) ultrasound"),
             ("76775", "76775 is a limited retroperitoneal ultrasound, not the right upper quadrant")],
            ("ultrasound", "complete-limited"),
        ),
        _case(
            "ULTRASOUND REPORT. Retroperitoneal ultrasound for a patient with known urinary outflow "
            "obstruction: both kidneys and the urinary bladder are imaged and documented. Which is reported?",
            ("76770", "A complete retroperitoneal study is the kidneys, aorta, IVC and nodes, or the kidneys and "
                      "bladder when the history is urinary tract pathology: 76770"),
            [("76775", "Both kidneys and the bladder documented for urinary pathology make the study complete"),
             ("76700", "76700 is a complete abdominal ultrasound"),
             ("76856", "76856 is a pelvic (nonobstetric) ultrasound")],
            ("ultrasound", "complete-limited"),
        ),
        _case(
            "ULTRASOUND REPORT. Obstetric, transabdominal, at 10 weeks' gestation: twin pregnancy with two "
            "gestational sacs, fetal number and cardiac activity documented. Which codes are reported?",
            ("76801, 76802", "Before 14 weeks the first gestation is 76801 and each additional gestation adds "
                             "76802"),
            [("76801", "The second gestation is reported with the add-on code"),
             ("76805, 76810", "Those codes are for 14 weeks or more"),
             ("76801 x 2", "Additional gestations have their own add-on code")],
            ("ultrasound", "obstetric", "multi-code"),
        ),
        _case(
            "ULTRASOUND REPORT. A maternal-fetal medicine specialist performs a detailed fetal anatomic "
            "examination of a singleton at 20 weeks because a routine scan suggested a cardiac anomaly. Which "
            "is reported?",
            ("76811", "A detailed fetal anatomic examination, beyond the standard second-trimester survey, is "
                      "76811"),
            [("76805", "76805 is the standard examination after the first trimester"),
             ("76815", "76815 is a limited obstetric examination of one or more elements"),
             ("76816", "76816 is a follow-up examination to re-evaluate a finding")],
            ("ultrasound", "obstetric"),
        ),
        _case(
            "ULTRASOUND REPORT. Pelvic ultrasound for postmenopausal bleeding, transvaginal only; the patient "
            "is not pregnant. Which is reported?",
            ("76830", "A transvaginal nonobstetric pelvic ultrasound is 76830"),
            [("76856", "76856 is the transabdominal complete pelvic study"),
             ("76817", "76817 is a transvaginal obstetric ultrasound"),
             ("76857", "76857 is a limited transabdominal pelvic study")],
            ("ultrasound",),
        ),
        _case(
            "BONE DENSITY REPORT. DXA of the lumbar spine and both hips in a 66-year-old woman; no vertebral "
            "fracture assessment. Which is reported?",
            ("77080", "DXA of the axial skeleton (hips, pelvis, spine) is 77080"),
            [("77081", "77081 is DXA of the appendicular skeleton, such as the forearm or heel"),
             ("77085", "77085 adds vertebral fracture assessment, which was not done"),
             ("77078", "77078 is bone density by CT, not DXA")],
            ("bone-density",),
        ),
        _case(
            "RADIATION ONCOLOGY. A course of external beam radiation therapy ends after 13 fractions. How is "
            "weekly clinical treatment management reported for the course?",
            ("77427 x 3", "Each unit covers five fractions; three or four fractions left at the end of the course "
                          "add a unit, so 13 fractions (5 + 5 + 3) are three units"),
            [("77427 x 2", "The three fractions left after ten are enough for another unit"),
             ("77427", "Each five fractions are a unit"),
             ("77431", "77431 is for a complete course of only one or two fractions")],
            ("radiation-oncology", "units"),
        ),
        _case(
            "CT REPORT, emergency department. Head without contrast after a fall in an anticoagulated "
            "patient; no hemorrhage. The global service is billed. Which is reported?",
            ("70450", "CT of the head or brain without contrast is 70450"),
            [("70470", "70470 is without contrast followed by contrast"),
             ("70460", "70460 is with contrast"),
             ("70486", "70486 is CT of the maxillofacial area")],
            ("ct",),
        ),
        _case(
            "CT REPORT. After a high-speed car crash: CT of the head and CT of the cervical spine, both without "
            "contrast. Which codes are reported?",
            ("70450, 72125", "Each region is a separate study: the head without contrast, 70450, and the "
                             "cervical spine without contrast, 72125"),
            [("70450, 72126", "72126 is the cervical spine with contrast; none was given"),
             ("70470, 72125", "70470 is the head without and then with contrast"),
             ("70450", "The cervical spine CT is a separate study and is reported as well")],
            ("ct", "multi-code"),
        ),
        _case(
            "X-RAY REPORT. Lumbosacral spine: AP, lateral, both obliques and a lateral spot view of L5-S1; no "
            "flexion or extension views. Which is reported?",
            ("72110", "Four or more views of the lumbosacral spine without bending views are 72110"),
            [("72100", "72100 is two or three views; five were taken"),
             ("72114", "72114 is a complete study including bending views, at least six views"),
             ("72120", "72120 is for bending views only")],
            ("views", "spine"),
        ),
        _case(
            "X-RAY REPORT, hospital emergency department. Left foot, AP and lateral views, read by a "
            "radiologist in private practice; the hospital bills the technical part. What does the radiologist "
            "report?",
            ("73620-26", "Two views of the foot are 73620; the radiologist reports the interpretation only, with "
                         "modifier 26"),
            [("73630-26", "73630 is three or more views of the foot"),
             ("73620", "The global code would include the hospital's technical component"),
             ("73620-TC", "TC is the hospital's part of the service")],
            ("views", "components"),
            (REF_RAD, REF_MOD),
        ),
        _case(
            "CT REPORT. Lung cancer screening: low-dose CT of the chest without contrast for a 62-year-old with "
            "a 30 pack-year history who quit 5 years ago, no symptoms. Which is reported?",
            ("71271", "Low-dose CT for lung cancer screening has its own code, 71271"),
            [("71250", "71250 is a diagnostic chest CT without contrast; screening has a specific code"),
             ("71260", "71260 is a chest CT with contrast"),
             ("G0297", "The former HCPCS screening code was deleted when 71271 was created")],
            ("ct", "screening"),
        ),
        _case(
            "FLUOROSCOPY REPORT. Single-contrast barium upper GI series with scout and delayed images, followed "
            "by a small bowel follow-through with serial images. Which codes are reported?",
            ("74240, 74248", "A single-contrast upper GI study is 74240; the small bowel follow-through done "
                             "with it is the add-on 74248"),
            [("74246, 74248", "74246 is the double-contrast upper GI study"),
             ("74240, 74250", "74250 is a separate small bowel study; when it follows an upper GI series the "
                              "add-on is used"),
             ("74240", "The small bowel follow-through is reported as well")],
            ("fluoroscopy", "gastrointestinal", "multi-code"),
        ),
        _case(
            "X-RAY REPORT, emergency department. Acute abdominal pain: supine and upright views of the abdomen "
            "and a single upright view of the chest, taken together to look for free air and obstruction. "
            "The global service is billed. Which is reported?",
            ("74022", "An acute abdomen series (two or more abdominal views with a single chest view) is one "
                      "code, 74022"),
            [("74019, 71045", "When the abdominal views and the chest view make the acute abdomen series, the "
                              "series code replaces the separate codes"),
             ("74019", "The chest view is part of the series and the series has its own code"),
             ("74021", "74021 is three or more views of the abdomen without the chest view")],
            ("views", "gastrointestinal"),
        ),
        _case(
            "NUCLEAR MEDICINE REPORT. Myocardial perfusion imaging by SPECT, with one set of images at rest and "
            "another after treadmill stress. The stress test itself is reported separately by the cardiologist. "
            "Which imaging code is reported?",
            ("78452", "Tomographic (SPECT) perfusion imaging with multiple studies, rest and stress, is 78452"),
            [("78451", "78451 is a single SPECT study, at rest or stress only"),
             ("78453", "78453 is planar imaging, not tomographic"),
             ("78459", "78459 is PET myocardial imaging")],
            ("nuclear-medicine", "cardiology"),
        ),
        _case(
            "MRI REPORT. Brain without and with contrast and MR angiography of the head without contrast, for "
            "suspected aneurysm. Which codes are reported?",
            ("70553, 70544", "The brain MRI without and with contrast is 70553; the MR angiography of the head "
                             "without contrast is a separate study, 70544"),
            [("70553, 70545", "70545 is MR angiography of the head with contrast; the angiography was done "
                              "without"),
             ("70553", "The MR angiography is a separate study and is reported as well"),
             ("70551, 70552, 70544", "The brain study without and with contrast is one code, 70553")],
            ("mri", "angiography", "multi-code"),
        ),
    ]
