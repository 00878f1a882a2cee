"""Pathology and laboratory code selection from orders and reports, the way the CPC asks it.

Each case is a lab order, a result list or a pathology report excerpt written for this bank.
Distractors are the errors coders make in this section: a panel claimed when one of its tests is
missing (or its tests billed one by one when all were done), the wrong surgical pathology level for
the specimen, one code for several separately identified specimens, an add-on stain or block billed
as another first unit, a home-use device code for a laboratory analyzer.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

PATH = "PATH"
REF_PATH = "CPT Pathology and Laboratory guidelines"
REF_PANELS = "CPT Pathology and Laboratory guidelines: Organ or Disease-Oriented Panels"
REF_SURG = "CPT Surgical Pathology guidelines (88300-88309)"
_TAGS = ("pathology", "code-selection")


_case = CaseMaker(PATH, _TAGS, (REF_PATH,))


def cases() -> list[Spec]:
    return [
        _case(
            "LAB ORDER. Fasting blood for a 50-year-old's annual review: albumin, total bilirubin, calcium, "
            "carbon dioxide, chloride, creatinine, glucose, alkaline phosphatase, potassium, total protein, "
            "sodium, ALT, AST and BUN; total cholesterol, HDL cholesterol and triglycerides; TSH. No blood "
            "count. Which codes are reported?",
            ("80053, 80061, 84443", "The fourteen chemistries make the comprehensive metabolic panel, the three "
                                    "lipids the lipid panel, and TSH is reported on its own"),
            [("80050, 80061", "The general health panel also needs a complete blood count, which was not done"),
             ("80048, 80061, 84443", "The basic metabolic panel leaves out the liver tests and proteins that "
                                     "were run; all fourteen make the comprehensive panel"),
             ("80053, 80061", "TSH is not part of either panel and is reported separately")],
            ("panels", "multi-code"),
            (REF_PATH, REF_PANELS),
        ),
        _case(
            "LAB ORDER, commercial plan that follows CPT. A comprehensive metabolic panel, a complete blood count "
            "with automated differential, and TSH, all on the same specimen date. Which is reported?",
            ("80050", "The general health panel is exactly these three: the comprehensive metabolic panel, a "
                      "blood count with differential and TSH"),
            [("80053, 85025, 84443", "When every component of a panel is performed, the panel code is "
                                     "reported instead of its parts"),
             ("80053, 85027, 84443", "A differential was done, and in any case the panel code applies"),
             ("80048, 85025, 84443", "The metabolic panel performed was the comprehensive one, and together "
                                     "they form the general health panel")],
            ("panels",),
            (REF_PATH, REF_PANELS),
        ),
        _case(
            "LAB ORDER. Calcium, carbon dioxide, chloride, creatinine, glucose, potassium, sodium and BUN, plus "
            "magnesium, for a patient on diuretics. Which codes are reported?",
            ("80048, 83735", "The eight chemistries are the basic metabolic panel; magnesium is outside it and "
                             "is added on its own"),
            [("80053, 83735", "The comprehensive panel needs albumin, bilirubin, alkaline phosphatase, total "
                              "protein, ALT and AST, none of which was ordered"),
             ("80048", "Magnesium is not a component of the basic metabolic panel"),
             ("80069, 83735", "The renal function panel also needs albumin and phosphorus")],
            ("panels", "multi-code"),
            (REF_PATH, REF_PANELS),
        ),
        _case(
            "LAB ORDER for a dialysis clinic: albumin, calcium, carbon dioxide, chloride, creatinine, glucose, "
            "phosphorus, potassium, sodium and BUN. Which is reported?",
            ("80069", "These ten tests are exactly the renal function panel"),
            [("80048, 82040, 84100", "When all the components of a panel are performed, the panel is reported, "
                                     "not a smaller panel plus the rest"),
             ("80053", "The comprehensive panel needs liver tests and total protein and does not include "
                       "phosphorus"),
             ("80048", "Albumin and phosphorus were also done; all ten form the renal function panel")],
            ("panels",),
            (REF_PATH, REF_PANELS),
        ),
        _case(
            "LAB ORDER. Albumin, total bilirubin, direct bilirubin, alkaline phosphatase, total protein, ALT and "
            "AST, with gamma-glutamyl transferase, for a patient on methotrexate. Which codes are reported?",
            ("80076, 82977", "The seven liver tests are the hepatic function panel; GGT is not part of it and is "
                             "reported separately"),
            [("80076", "GGT is outside the hepatic function panel"),
             ("80053, 82977", "The comprehensive panel needs the electrolytes and renal tests, which were not "
                              "ordered"),
             ("82040, 82247, 82248, 84075, 84155, 84460, 84450, 82977",
              "When all the panel's tests are performed, the panel code replaces the single tests")],
            ("panels", "multi-code"),
            (REF_PATH, REF_PANELS),
        ),
        _case(
            "OFFICE LAB. A urine dipstick is read by an automated strip reader; no microscopy. Which is "
            "reported?",
            ("81003", "A urinalysis by dipstick, automated, without microscopy is 81003"),
            [("81002", "81002 is a dipstick read by eye (non-automated)"),
             ("81001", "81001 includes microscopy, which was not done"),
             ("81000", "81000 is non-automated with microscopy")],
            ("urinalysis",),
        ),
        _case(
            "MICROBIOLOGY REPORT. Urine culture: colony count 100,000 CFU/mL; one isolate presumptively "
            "identified as E. coli; antibiotic susceptibility by microdilution. Which codes are reported?",
            ("87086, 87088, 87186", "The quantitative colony count, the isolation and presumptive identification "
                                    "of the isolate, and the microdilution susceptibility are each reported"),
            [("87086, 87186", "The isolation and presumptive identification of the isolate is a separate code"),
             ("87088, 87186", "The colony count is a separate code"),
             ("87086, 87088, 87186 x 2", "One organism was tested, so susceptibility is one unit")],
            ("microbiology", "multi-code"),
        ),
        _case(
            "OFFICE LAB. A rapid strep test on a throat swab, read visually on the test strip (immunoassay, "
            "direct optical observation), is positive. Which is reported?",
            ("87880", "Group A strep antigen by immunoassay with direct optical observation is 87880"),
            [("87081", "87081 is a screening culture, not a rapid antigen test"),
             ("87430", "87430 is an immunoassay read by instrument (not direct visual observation)"),
             ("87651", "87651 is detection by amplified nucleic acid probe")],
            ("microbiology", "point-of-care"),
        ),
        _case(
            "OFFICE LAB. A urine drug screen cup that tests for five drug classes is read by eye on site. "
            "Which is reported, and how many times?",
            ("80305", "Presumptive drug testing read by direct optical observation is 80305, once per date of "
                      "service whatever the number of drug classes"),
            [("80306", "80306 is for tests read with the help of an instrument"),
             ("80307", "80307 is for presumptive testing on a chemistry analyzer"),
             ("80305 x 5", "The code is reported once per date, not per drug class")],
            ("drug-testing", "units"),
        ),
        _case(
            "LAB ORDER. Serum digoxin level (total) for a patient on digoxin with nausea. Which is reported?",
            ("80162", "Total digoxin is 80162"),
            [("80163", "80163 is free digoxin"),
             ("80178", "80178 is lithium"),
             ("80299", "80299 is for a drug with no specific code; digoxin has one")],
            ("therapeutic-drug",),
        ),
        _case(
            "OFFICE LAB. Venous blood is run on the practice's laboratory analyzer for hemoglobin A1c, and a "
            "fingerstick glucose is read on a glucose meter cleared by the FDA for home use. Which codes are "
            "reported?",
            ("83036, 82962", "A1c on a laboratory analyzer is 83036; glucose on a home-use monitoring device is "
                             "82962"),
            [("83037, 82962", "83037 is A1c by a device cleared for home use; a laboratory analyzer was used"),
             ("83036, 82947", "82947 is a quantitative blood glucose by a laboratory method, not a home-use "
                              "meter"),
             ("83036", "The fingerstick glucose is a separate test")],
            ("chemistry", "diabetes", "multi-code"),
        ),
        _case(
            "SURGICAL PATHOLOGY REPORT. Specimen: gallbladder, laparoscopic cholecystectomy. Diagnosis: chronic "
            "cholecystitis with cholelithiasis. Which is reported?",
            ("88304", "A gallbladder is listed at level III of surgical pathology"),
            [("88305", "Level IV is for specimens such as biopsies of the colon or skin; the gallbladder is "
                       "level III"),
             ("88302", "Level II is for specimens examined to confirm identity without suspected disease"),
             ("88307", "Level V is for more complex specimens")],
            ("surgical-pathology",),
            (REF_PATH, REF_SURG),
        ),
        _case(
            "SURGICAL PATHOLOGY REPORT. Specimen: appendix, removed incidentally during a hysterectomy for "
            "prolapse; no abnormality suspected. Only the appendix is asked. Which is reported?",
            ("88302", "An incidental appendix is a level II specimen"),
            [("88304", "Level III is for an appendix removed for disease, not incidentally"),
             ("88300", "88300 is gross examination only; this specimen was examined microscopically"),
             ("88305", "Level IV is for specimens such as biopsies")],
            ("surgical-pathology",),
            (REF_PATH, REF_SURG),
        ),
        _case(
            "SURGICAL PATHOLOGY REPORT. Two shave biopsies of skin, submitted in separate containers labelled "
            "'A, left cheek' and 'B, right shoulder'; each is examined microscopically. Which is reported?",
            ("88305 x 2", "Each separately identified specimen is coded; a skin biopsy is level IV"),
            [("88305", "Two separately submitted and identified specimens are two units"),
             ("88304 x 2", "Level III for skin is limited to cysts, tags and debridement; biopsies are level "
                           "IV"),
             ("88307 x 2", "Level V is for more complex specimens")],
            ("surgical-pathology", "units"),
            (REF_PATH, REF_SURG),
        ),
        _case(
            "SURGICAL PATHOLOGY REPORT. Specimen: left breast lumpectomy for a mass; the pathologist inks and "
            "evaluates the surgical margins microscopically. Which is reported?",
            ("88307", "A breast excision that requires microscopic evaluation of the margins is level V"),
            [("88305", "Level IV covers a breast biopsy or excision without margin evaluation"),
             ("88309", "Level VI is for a mastectomy with regional lymph nodes"),
             ("88304", "Level III does not include breast tissue")],
            ("surgical-pathology", "breast"),
            (REF_PATH, REF_SURG),
        ),
        _case(
            "SURGICAL PATHOLOGY REPORT. Specimen: sigmoid colon, segmental resection. Diagnosis: invasive "
            "adenocarcinoma, margins free. Which is reported?",
            ("88309", "A segmental colon resection for tumor is level VI"),
            [("88307", "Level V is for a segmental colon resection for a reason other than tumor"),
             ("88305", "Level IV is for colon biopsies and polyps"),
             ("88304", "Level III does not include colon resections")],
            ("surgical-pathology", "colon"),
            (REF_PATH, REF_SURG),
        ),
        _case(
            "SURGICAL PATHOLOGY REPORT. Specimen: excisional biopsy of a cervical lymph node. The pathologist "
            "orders immunohistochemistry with two single-antibody stains, CD20 and CD3, each on its own slide, "
            "interpreted qualitatively. Which codes are reported?",
            ("88305, 88342, 88341", "A lymph node biopsy is level IV; the first single-antibody stain on the "
                                    "specimen is 88342 and each further one the add-on 88341"),
            [("88305, 88342 x 2", "The second antibody on the same specimen is the add-on 88341"),
             ("88305, 88344", "88344 is a multiplex stain with several antibodies on one slide"),
             ("88307, 88342, 88341", "A lymph node biopsy is level IV, not V")],
            ("surgical-pathology", "immunohistochemistry", "multi-code"),
            (REF_PATH, REF_SURG),
        ),
        _case(
            "SURGICAL PATHOLOGY REPORT. Specimen: left thyroid lobe. During surgery the pathologist examines a "
            "frozen section of two tissue blocks from the nodule, then reports the permanent sections. Which "
            "codes are reported?",
            ("88307, 88331, 88332", "A thyroid lobe is level V; the first frozen-section block is 88331 and the "
                                    "second block the add-on 88332"),
            [("88307, 88331 x 2", "A second block from the same specimen is the add-on 88332"),
             ("88307, 88331", "Two blocks were examined; the second is reported with the add-on"),
             ("88305, 88331, 88332", "A thyroid lobe is level V")],
            ("surgical-pathology", "frozen-section", "multi-code"),
            (REF_PATH, REF_SURG),
        ),
        _case(
            "SURGICAL PATHOLOGY REPORT, Medicare patient. Transrectal prostate needle biopsies: twelve cores in "
            "twelve separately labelled containers. Which is reported?",
            ("G0416", "Medicare asks for one HCPCS code for prostate needle biopsy pathology, whatever the number "
                      "of specimens"),
            [("88305 x 12", "Counting each core as a level IV specimen is how CPT-following payers code it, "
                            "not Medicare"),
             ("88305", "Medicare uses its own code for these specimens"),
             ("88307", "Prostate needle biopsies are not level V")],
            ("surgical-pathology", "medicare", "hcpcs"),
            (REF_PATH, "CMS: HCPCS G0416"),
        ),
        _case(
            "OFFICE LAB. A urine pregnancy test read by visual color comparison is positive. Which is "
            "reported?",
            ("81025", "A urine pregnancy test by visual color comparison is 81025"),
            [("84703", "84703 is a qualitative chorionic gonadotropin assay in the laboratory"),
             ("84702", "84702 is a quantitative hCG"),
             ("81002", "81002 is a non-automated urinalysis")],
            ("point-of-care",),
        ),
        _case(
            "LAB ORDER. Colorectal cancer screening with a single fecal immunochemical test (FIT) kit returned "
            "by mail. Which is reported?",
            ("82274", "Fecal occult blood by immunoassay is 82274"),
            [("82270", "82270 is the guaiac-based screening test"),
             ("82272", "82272 is a guaiac test on other sources, such as a single specimen at a rectal exam"),
             ("81528", "81528 is the multitarget stool DNA test")],
            ("screening", "chemistry"),
        ),
        _case(
            "LAB ORDER. Semen analysis eight weeks after vasectomy to check for the presence of sperm and, if "
            "any, their motility. Which is reported?",
            ("89321", "A post-vasectomy check of sperm presence, with motility when sperm are seen, is 89321"),
            [("89320", "89320 is a full semen analysis with volume, count, motility and differential"),
             ("89310", "89310 measures motility and count, more than a presence check"),
             ("89300", "89300 is the post-coital (Huhner) test")],
            ("andrology",),
        ),
        _case(
            "OFFICE LAB. Venous blood drawn by the medical assistant and run in the office on an automated "
            "counter: complete blood count with automated differential. Which codes are reported?",
            ("85025, 36415", "An automated CBC with automated differential is 85025, and the venipuncture is "
                             "36415"),
            [("85025", "The venipuncture to collect the specimen is reported as well"),
             ("85027, 36415", "85027 is a CBC without the differential"),
             ("85025, 36416", "36416 is a capillary (fingerstick) collection; the blood was venous")],
            ("hematology", "multi-code"),
        ),
        _case(
            "LAB ORDER. Prothrombin time with INR and activated partial thromboplastin time before surgery. "
            "Which codes are reported?",
            ("85610, 85730", "PT is 85610 (the INR is a calculation from it) and the PTT is 85730"),
            [("85610", "The PTT is a separate test"),
             ("85610 x 2", "The INR is calculated from the PT and is not a second PT"),
             ("85730, 85732", "85732 is a PTT substitution method; the PT was not reported")],
            ("hematology", "multi-code"),
        ),
        _case(
            "BLOOD BANK ORDER. ABO group and Rh(D) type for a pregnant patient at her first visit; no antibody "
            "screen. Which codes are reported?",
            ("86900, 86901", "ABO typing is 86900 and Rh(D) typing is 86901"),
            [("86900", "Rh(D) typing is a separate code"),
             ("86901", "ABO typing is a separate code"),
             ("86850, 86900", "86850 is an antibody screen, which was not done")],
            ("blood-bank", "multi-code"),
        ),
    ]
