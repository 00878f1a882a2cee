"""ICD-10-CM code selection from clinical documentation, the way the CPC asks it.

Each case is a note in clinical language written for this bank: it never quotes a code's title and
never labels the encounter; the candidate infers active treatment, routine healing or sequela from
what the note says. Keys cover combination codes, the conventions that link conditions ("with",
hypertension with kidney or heart disease), sequencing (etiology and manifestation, poisoning and
adverse effect, underdosing, screening with a finding), external causes and long-term drug use. The
nearest sibling of the key (the other side, the other 7th character, the neighbouring subcode) is
always among the distractors. Every code is checked against the public-domain code set by the tests.
"""

from __future__ import annotations

from ._common import Spec, spec

ICD = "ICD"
GUIDELINES = "ICD-10-CM Official Guidelines for Coding and Reporting"
TABULAR = "ICD-10-CM Tabular List of Diseases and Injuries"
_TAGS = ("icd-10-cm", "code-selection", "clinical-note")


def _case(stem: str, key: tuple[str, str], wrong: list[tuple[str, str]], tags: tuple[str, ...],
          section: str) -> Spec:
    return spec(ICD, stem, key, wrong, (*_TAGS, *tags), (f"{GUIDELINES}, Section {section}", TABULAR))


def cases() -> list[Spec]:
    return [
        _case(
            "OFFICE NOTE. 58-year-old man with type 2 diabetes, A1c 6.6 %, well controlled on metformin. No "
            "eye, kidney, nerve or circulatory complications found or documented. Continue metformin. Which "
            "codes are reported?",
            ("E11.9, Z79.84", "Type 2 diabetes with no complication documented is E11.9, and continuing "
                              "metformin adds long-term use of oral hypoglycemic drugs"),
            [("E11.9, Z79.4", "Z79.4 is long-term insulin use; he takes an oral drug"),
             ("E11.65, Z79.84", "E11.65 needs hyperglycemia documented; his diabetes is well controlled"),
             ("E11.8, Z79.84", "E11.8 is for diabetes with an unspecified complication; none is documented")],
            ("diabetes", "long-term-drug-use", "multi-code"),
            "I.C.4.a",
        ),
        _case(
            "OFFICE NOTE. 66-year-old woman with type 2 diabetes managed with insulin glargine; eGFR 52 and "
            "albuminuria for over a year. The nephrologist documents CKD stage 3a. Which "
            "codes are reported?",
            ("E11.22, N18.31, Z79.4", "ICD-10-CM presumes a link between diabetes and CKD ('with'): E11.22 "
                                      "first, then the CKD stage, then long-term insulin"),
            [("E11.21, N18.31, Z79.4", "E11.21 is diabetic nephropathy; the documented condition is chronic "
                                       "kidney disease, which has its own combination code"),
             ("E11.22, N18.30, Z79.4", "The stage is documented as 3a, N18.31, not unspecified stage 3"),
             ("N18.31, E11.22, Z79.4", "The combination code is sequenced first and the CKD stage code "
                                       "follows it")],
            ("diabetes", "combination-code", "sequencing", "multi-code"),
            "I.C.4.a",
        ),
        _case(
            "OFFICE NOTE. 71-year-old with long-standing hypertension and chronic kidney disease stage 4; the "
            "physician does not say what caused the kidney disease. No heart failure. Which codes are "
            "reported?",
            ("I12.9, N18.4", "ICD-10-CM presumes a causal link between hypertension and CKD: I12.9 (CKD stage "
                             "1-4) with N18.4 for the stage"),
            [("I10, N18.4", "When both are present the link is presumed unless the physician says otherwise, "
                            "so the combination category is used, not I10"),
             ("I12.0, N18.4", "I12.0 is for stage 5 or end-stage disease"),
             ("N18.4, I12.9", "The hypertensive CKD code is sequenced first, with the stage code after it")],
            ("hypertension", "combination-code", "multi-code"),
            "I.C.9.a.2",
        ),
        _case(
            "HOSPITAL NOTE. 74-year-old with hypertension, chronic systolic heart failure (ejection fraction "
            "30 %) and CKD stage 3b (eGFR 38), admitted for medication adjustment. Which codes are "
            "reported?",
            ("I13.0, I50.22, N18.32", "Hypertension with both heart and kidney disease is I13; with heart "
                                      "failure and CKD stage 1-4 it is I13.0, with codes for the type of heart "
                                      "failure and the CKD stage"),
            [("I11.0, I50.22, N18.32", "I11.0 is hypertensive heart disease alone; CKD is also present, so "
                                       "the heart and kidney combination applies"),
             ("I13.10, I50.22, N18.32", "I13.10 is for the combination without heart failure"),
             ("I13.0, I50.22, N18.30", "The stage is documented as 3b, N18.32")],
            ("hypertension", "heart-failure", "combination-code", "multi-code"),
            "I.C.9.a.3",
        ),
        _case(
            "EMERGENCY DEPARTMENT NOTE. 62-year-old woman slipped on ice and landed on her outstretched right "
            "hand. X-ray: transverse distal radius fracture with dorsal displacement of the distal fragment "
            "(Colles type); skin intact. Closed reduction and sugar-tong splint in the ED. Which code is "
            "reported for the fracture?",
            ("S52.531A", "A closed Colles fracture of the right radius under active treatment takes 7th "
                         "character A"),
            [("S52.532A", "The fracture is of the right radius"),
             ("S52.531D", "D is for encounters after active treatment, during routine healing; this is the "
                          "treatment in the ED"),
             ("S52.531B", "B is for an open fracture; the skin is intact")],
            ("fracture", "seventh-character", "laterality"),
            "I.C.19.a",
        ),
        _case(
            "ORTHOPEDIC CLINIC NOTE. Six weeks after treatment in the ED for a closed Colles fracture of the "
            "right radius, the patient returns. X-ray shows callus and expected alignment; the cast is removed "
            "and a wrist brace fitted. Which code is reported?",
            ("S52.531D", "Follow-up after active treatment, with the fracture healing as expected, takes 7th "
                         "character D"),
            [("S52.531A", "Active treatment ended in the ED; follow-up visits use D"),
             ("S52.531G", "G is for delayed healing; the X-ray shows expected healing"),
             ("S52.532D", "The fracture is of the right radius")],
            ("fracture", "seventh-character"),
            "I.C.19.a",
        ),
        _case(
            "ORTHOPEDIC NOTE. 57-year-old man with pain and stiffness of the right ankle; he had a displaced "
            "fracture of all three malleoli treated surgically four years ago. X-ray: post-traumatic arthritis "
            "of the ankle joint. Which codes are reported?",
            ("M12.571, S82.851S", "The late effect (post-traumatic arthropathy of the right ankle) is coded "
                                  "first, followed by the injury code with 7th character S for the sequela"),
            [("S82.851S, M12.571", "The residual condition is sequenced first; the sequela injury code "
                                   "follows"),
             ("M12.571, S82.851D", "D is for routine healing of the fracture; the arthritis is a sequela, S"),
             ("M12.572, S82.851S", "The documented ankle is the right one")],
            ("sequela", "seventh-character", "sequencing", "multi-code"),
            "I.C.19.a",
        ),
        _case(
            "DERMATOLOGY NOTE. A raised, tight scar on the left forearm from a laceration repaired two years "
            "ago limits the patient's wrist extension; she asks about revision. Which codes are reported?",
            ("L90.5, S51.812S", "The scar is the residual condition coded first; the original laceration of the "
                                "left forearm follows with 7th character S"),
            [("S51.812S, L90.5", "The sequela code follows the code for the residual condition"),
             ("L90.5, S51.812A", "A is for active treatment of the laceration, which ended long ago"),
             ("L90.5, S51.811S", "The scar is on the left forearm")],
            ("sequela", "seventh-character", "sequencing", "multi-code"),
            "I.C.19.a",
        ),
        _case(
            "EMERGENCY DEPARTMENT NOTE. A 9-year-old was bitten on the back of the left hand by a neighbour's "
            "dog an hour ago; two puncture wounds, no foreign body. Irrigated and dressed; antibiotics "
            "started. Which codes are reported for the injury and its cause?",
            ("S61.452A, W54.0XXA", "Dog bites are coded as open bites, here of the left hand, with the external "
                                   "cause code for being bitten by a dog"),
            [("S61.432A, W54.0XXA", "Puncture wounds from a bite are classified as open bites, not as "
                                    "punctures"),
             ("S61.452A, W54.1XXA", "W54.1 is being struck by a dog, not bitten"),
             ("S61.451A, W54.0XXA", "The bite is on the left hand")],
            ("external-cause", "injury", "seventh-character", "multi-code"),
            "I.C.20",
        ),
        _case(
            "EMERGENCY DEPARTMENT NOTE. A 60-year-old taking lisinopril exactly as prescribed for two years "
            "presents with swelling of the lips and tongue; no airway compromise. The physician attributes it "
            "to the ACE inhibitor, which is stopped. Which codes are reported?",
            ("T78.3XXA, T46.4X5A", "A reaction to a correctly taken drug is an adverse effect: the "
                                   "manifestation (angioedema) first, then the adverse effect code"),
            [("T46.4X1A, T78.3XXA", "A drug taken as prescribed is not a poisoning"),
             ("T46.4X5A, T78.3XXA", "For an adverse effect the nature of the effect is sequenced first"),
             ("T78.3XXA, T46.4X6A", "Underdosing is taking less than prescribed; she took it as prescribed")],
            ("adverse-effect", "sequencing", "multi-code"),
            "I.C.19.e",
        ),
        _case(
            "EMERGENCY DEPARTMENT NOTE. A 24-year-old took twenty acetaminophen tablets at once, telling the "
            "physician she wanted to end her life; she has nausea. Acetylcysteine is started. Which codes are "
            "reported?",
            ("T39.1X2A, R11.0", "An overdose taken to harm oneself is a poisoning, intentional self-harm; the "
                                "poisoning code comes first, then the manifestation"),
            [("R11.0, T39.1X2A", "For a poisoning, the poisoning code is sequenced before its manifestations"),
             ("T39.1X1A, R11.0", "The documented intent is self-harm, not accident"),
             ("T39.1X5A, R11.0", "An adverse effect needs correct use of the drug; this is an overdose")],
            ("poisoning", "sequencing", "multi-code"),
            "I.C.19.e",
        ),
        _case(
            "CARDIOLOGY NOTE. A 77-year-old in atrial fibrillation for six years; she and the cardiologist "
            "have decided against any further attempt to restore sinus rhythm, and the cardiologist documents "
            "the fibrillation as permanent. Rate controlled on metoprolol; apixaban continues for stroke "
            "prevention. Which codes are reported?",
            ("I48.21, Z79.01", "The cardiologist documents the type as permanent, which has its own code, "
                               "and ongoing apixaban is long-term anticoagulant use"),
            [("I48.21, Z79.02", "Z79.02 is long-term antiplatelet or antithrombotic use; apixaban is an "
                                "anticoagulant"),
             ("I48.20, Z79.01", "The note describes permanent atrial fibrillation, which has its own code; "
                                "chronic unspecified is less specific"),
             ("I48.91, Z79.01", "Unspecified atrial fibrillation ignores the documented type")],
            ("long-term-drug-use", "cardiology", "multi-code"),
            "I.C.21.c.3",
        ),
        _case(
            "PULMONARY CLINIC NOTE. A 69-year-old with COPD has had three days of more sputum and "
            "breathlessness than usual; chest X-ray clear, no infection found. Prednisone burst prescribed. "
            "Which code is reported?",
            ("J44.1", "COPD with an acute worsening and no lower respiratory infection is J44.1"),
            [("J44.0", "J44.0 is COPD with an acute lower respiratory infection; none was found"),
             ("J44.9", "J44.9 is COPD without a documented exacerbation"),
             ("J43.9", "Emphysema is not documented; the diagnosis is COPD")],
            ("respiratory",),
            "I.C.10.a",
        ),
        _case(
            "OFFICE NOTE. A 31-year-old whose asthma the physician classifies as mild persistent comes in "
            "wheezing after a cold, needing her rescue inhaler every few hours; oral steroids prescribed. No "
            "status asthmaticus. Which code is reported?",
            ("J45.31", "Mild persistent asthma with an acute flare takes the exacerbation subcode, J45.31"),
            [("J45.30", "J45.30 is uncomplicated; she has an acute exacerbation"),
             ("J45.41", "J45.41 is moderate persistent; the physician classified it as mild persistent"),
             ("J45.21", "J45.21 is mild intermittent asthma")],
            ("respiratory",),
            "I.C.10",
        ),
        _case(
            "PRENATAL NOTE. 32 weeks' gestation. Gestational diabetes diagnosed at 26 weeks is well controlled "
            "with diet alone; no insulin or oral drugs. Which codes are reported?",
            ("O24.410, Z3A.32", "Gestational diabetes in pregnancy controlled by diet is O24.410, with the weeks "
                                "of gestation from Z3A"),
            [("O24.414, Z3A.32", "O24.414 is for insulin-controlled gestational diabetes"),
             ("O24.419, Z3A.32", "The control is documented (diet), so the unspecified control code is not "
                                 "used"),
             ("Z3A.32, O24.410", "Chapter 15 codes take sequencing priority; Z3A codes are secondary")],
            ("pregnancy", "diabetes", "multi-code"),
            "I.C.15.g",
        ),
        _case(
            "PRENATAL NOTE. 20 weeks' gestation. Essential hypertension diagnosed four years before the "
            "pregnancy, treated with labetalol; no proteinuria. Which codes are reported?",
            ("O10.012, Z3A.20", "Hypertension present before pregnancy is O10.01- with the trimester: 20 weeks "
                                "is the second trimester"),
            [("O10.013, Z3A.20", "The third trimester starts at 28 weeks"),
             ("O13.2, Z3A.20", "Gestational hypertension starts during pregnancy; hers predates it"),
             ("I10, Z3A.20", "Hypertension in a pregnant patient is coded in Chapter 15")],
            ("pregnancy", "hypertension", "multi-code"),
            "I.C.15.d",
        ),
        _case(
            "ENDOSCOPY NOTE. Average-risk 50-year-old without symptoms for a screening colonoscopy; a 5 mm "
            "polyp is removed from the sigmoid colon; pathology pending. Which codes are reported?",
            ("Z12.11, K63.5", "When a screening finds something, the screening code is first-listed and the "
                              "finding is coded after it"),
            [("K63.5, Z12.11", "A screening encounter keeps the screening code first even when a finding is "
                               "made"),
             ("Z12.12, K63.5", "Z12.12 is screening of the rectum; this was a screening of the colon"),
             ("Z12.11, D12.5", "The polyp's nature is pending; it is not coded as a neoplasm before "
                               "pathology")],
            ("screening", "sequencing", "multi-code"),
            "I.C.21.c.5",
        ),
        _case(
            "OFFICE NOTE. 46-year-old woman for her annual physical: history, exam and labs reviewed; no new "
            "complaints and no abnormal findings. Which code is reported?",
            ("Z00.00", "A routine adult general examination without abnormal findings is Z00.00"),
            [("Z00.01", "Z00.01 is for an adult exam with abnormal findings; none were found"),
             ("Z00.129", "Z00.12- codes are for routine child health examinations"),
             ("Z01.419", "Z01.41- is a routine gynecological examination, not a general physical")],
            ("preventive",),
            "I.C.21.c.13",
        ),
        _case(
            "OFFICE NOTE. 52-year-old man for his annual physical. Blood pressure is 152/96 today and was 150/94 "
            "at two earlier checks; the physician diagnoses essential hypertension and starts amlodipine. "
            "Which codes are reported?",
            ("Z00.01, I10", "A routine exam that finds something abnormal is Z00.01, with the newly diagnosed "
                            "hypertension coded as well"),
            [("Z00.00, I10", "A new diagnosis is an abnormal finding, so Z00.01 applies"),
             ("I10, Z00.01", "The routine exam code is first-listed for this encounter"),
             ("Z00.01, R03.0", "R03.0 is an elevated reading without a diagnosis of hypertension; the "
                               "physician diagnosed hypertension")],
            ("preventive", "sequencing", "multi-code"),
            "I.C.21.c.13",
        ),
        _case(
            "HOSPITAL NOTE. An 80-year-old admitted with fever, tachycardia and confusion; blood and urine "
            "cultures grow E. coli. The physician documents sepsis due to an E. coli urinary tract infection, "
            "with no acute organ dysfunction. Which codes are reported?",
            ("A41.51, N39.0", "Sepsis is sequenced first with the organism-specific code, then the localized "
                              "infection"),
            [("N39.0, A41.51", "When sepsis is present on admission with a localized infection, the systemic "
                               "infection code comes first"),
             ("A41.9, N39.0", "The organism is documented, so the E. coli sepsis code applies"),
             ("R65.20, A41.51, N39.0", "Severe sepsis needs acute organ dysfunction, which is not documented, "
                                       "and R65.2- is never sequenced first")],
            ("sepsis", "sequencing", "multi-code"),
            "I.C.1.d",
        ),
        _case(
            "ONCOLOGY NOTE. 54-year-old woman with invasive ductal carcinoma in the upper outer quadrant of the "
            "left breast, estrogen receptor positive, on tamoxifen after lumpectomy and radiation. Which codes "
            "are reported?",
            ("C50.412, Z17.0, Z79.810", "The cancer is coded by quadrant and side, with ER-positive status and "
                                        "long-term use of a selective estrogen receptor modulator"),
            [("C50.411, Z17.0, Z79.810", "The cancer is in the left breast"),
             ("C50.412, Z17.1, Z79.810", "The tumour is estrogen receptor positive, Z17.0"),
             ("C50.412, Z17.0, Z79.811", "Z79.811 is for aromatase inhibitors; tamoxifen is a selective "
                                         "estrogen receptor modulator")],
            ("neoplasm", "long-term-drug-use", "laterality", "multi-code"),
            "I.C.2",
        ),
        _case(
            "ENDOSCOPY NOTE. A 63-year-old had a right hemicolectomy for colon cancer six years ago, finished "
            "all treatment, and has no evidence of disease. Surveillance colonoscopy today is normal. Which "
            "codes are reported?",
            ("Z08, Z85.038", "Follow-up after completed cancer treatment is Z08, with the personal history of "
                             "colon cancer"),
            [("Z85.038, Z08", "Z08 is the first-listed code for the follow-up examination"),
             ("Z12.11, Z85.038", "A patient with a history of colon cancer under surveillance has a "
                                 "follow-up exam, not a screening"),
             ("Z08, Z85.048", "Z85.048 is a history of cancer of the rectum or anus; hers was in the colon")],
            ("neoplasm", "history", "sequencing", "multi-code"),
            "I.C.21.c.8",
        ),
        _case(
            "HOSPITAL NOTE. A 59-year-old admitted with ST elevation in leads II, III and aVF; catheterization "
            "shows occlusion of the right coronary artery, which is stented. No earlier infarction. Which code "
            "is reported?",
            ("I21.11", "An ST-elevation infarction of the inferior wall caused by the right coronary artery is "
                       "I21.11"),
            [("I21.19", "I21.19 is an inferior STEMI from another coronary artery; the RCA is documented"),
             ("I21.09", "I21.0- is an anterior wall infarction"),
             ("I22.1", "I22 is a new infarction within four weeks of an earlier one; there was none")],
            ("cardiology",),
            "I.C.9.e",
        ),
        _case(
            "CARDIOLOGY NOTE. A 66-year-old is seen three months after a heart attack; no chest pain, normal "
            "stress test, no current treatment for ischemia beyond usual medication. Which code reports the "
            "past infarction?",
            ("I25.2", "An infarction more than four weeks old, with no current symptoms, is reported as an old "
                      "myocardial infarction"),
            [("I21.4", "I21 codes apply for four weeks from the infarction"),
             ("I25.10", "I25.10 is coronary atherosclerosis without angina; the past infarction has its own "
                        "code"),
             ("I22.9", "I22 is a subsequent infarction within four weeks of a previous one")],
            ("cardiology",),
            "I.C.9.e",
        ),
        _case(
            "OFFICE NOTE. 44-year-old with a BMI of 41.3; the physician documents severe obesity due to excess "
            "calorie intake and refers to a weight-management program. Which codes are reported?",
            ("E66.01, Z68.41", "Severe (morbid) obesity due to excess calories is E66.01; the adult BMI "
                               "40.0-44.9 is Z68.41"),
            [("E66.09, Z68.41", "E66.09 is other obesity due to excess calories; it is documented as severe"),
             ("E66.01, Z68.39", "Z68.39 is a BMI of 39.0-39.9"),
             ("Z68.41, E66.01", "BMI codes are secondary and follow the weight diagnosis")],
            ("obesity", "multi-code"),
            "I.B.14",
        ),
        _case(
            "HOSPITAL NOTE. A 50-year-old with alcohol dependence stopped drinking two days ago and has tremor, "
            "sweating and anxiety; no hallucinations, no delirium. Which code is reported?",
            ("F10.230", "Alcohol dependence with withdrawal without delirium or perceptual disturbance is "
                        "F10.230"),
            [("F10.231", "F10.231 is withdrawal delirium, which is not present"),
             ("F10.239", "The withdrawal is described, uncomplicated, so the unspecified code is not used"),
             ("F10.130", "F10.13- is alcohol abuse; the physician documents dependence")],
            ("mental-health", "substance-use"),
            "I.C.5.b",
        ),
        _case(
            "PSYCHIATRY NOTE. A 38-year-old with her third episode of major depression in five years; symptoms "
            "moderate, no psychotic features; sertraline increased. Which code is reported?",
            ("F33.1", "A recurrent major depressive disorder, moderate, is F33.1"),
            [("F32.1", "F32 is a single episode; this is her third"),
             ("F33.0", "F33.0 is mild"),
             ("F33.2", "F33.2 is severe")],
            ("mental-health",),
            "I.C.5",
        ),
        _case(
            "OFFICE NOTE. A 61-year-old stopped taking his prescribed levothyroxine two months ago because he "
            "could not afford it; he is tired and cold, and TSH is high. The physician documents hypothyroidism "
            "worsened by underdosing. Which codes are reported?",
            ("E03.9, T38.1X6A, Z91.120", "The worsened condition is coded first, then the underdosing of the "
                                         "thyroid hormone, then the intentional underdosing due to financial "
                                         "hardship"),
            [("T38.1X6A, E03.9, Z91.120", "An underdosing code is never first-listed; the condition it "
                                          "worsened is"),
             ("E03.9, T38.1X5A, Z91.120", "T38.1X5 is an adverse effect of a drug taken correctly; he took less "
                                          "than prescribed"),
             ("E03.9, T38.1X6A, Z91.128", "The reason, financial hardship, has its own code")],
            ("underdosing", "sequencing", "multi-code"),
            "I.C.19.e.5",
        ),
        _case(
            "PODIATRY NOTE. Four weeks after a closed, non-displaced break of the shaft of the left fifth "
            "metatarsal was treated in the ED, the patient is seen for a check X-ray: healing as expected; "
            "walking boot continued. Which code is reported?",
            ("S92.355D", "A non-displaced fifth metatarsal fracture of the left foot at a routine-healing "
                         "follow-up takes 7th character D"),
            [("S92.355A", "Active treatment was given in the ED; this is routine follow-up"),
             ("S92.354D", "S92.354 is the right foot"),
             ("S92.345D", "S92.34- is the fourth metatarsal")],
            ("fracture", "seventh-character", "laterality"),
            "I.C.19.a",
        ),
        _case(
            "REHABILITATION NOTE. Two weeks after internal fixation of a displaced midcervical fracture of the "
            "right femoral neck, a 79-year-old has physical therapy; the fracture is healing normally. Which "
            "injury code is reported?",
            ("S72.031D", "Aftercare of a healing fracture is coded with the fracture code and 7th character D, "
                         "not with an aftercare Z code"),
            [("S72.031A", "The surgery was the active treatment; therapy during healing uses D"),
             ("S72.031G", "G is for delayed healing; this fracture is healing normally"),
             ("S72.032D", "S72.032 is the left femur")],
            ("fracture", "seventh-character", "aftercare"),
            "I.C.19.a",
        ),
        _case(
            "PAIN CLINIC NOTE. A 45-year-old has burning pain, swelling and colour change of the right arm a "
            "year after a crush injury of the right hand at work; the physician diagnoses complex regional pain "
            "syndrome type I as a late effect of the injury. Which codes are reported?",
            ("G90.511, S67.21XS", "The residual condition (CRPS I of the right upper limb) is coded first, then "
                                  "the crush injury of the right hand with 7th character S"),
            [("S67.21XS, G90.511", "The sequela code follows the residual condition"),
             ("G90.511, S67.21XA", "A is for active treatment of the crush injury, which ended a year ago"),
             ("G90.512, S67.21XS", "G90.512 is the left upper limb")],
            ("sequela", "seventh-character", "laterality", "multi-code"),
            "I.C.19.a",
        ),
    ]
