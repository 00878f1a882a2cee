"""Urinary, male and female genital, maternity care and delivery (50000 series) code selection.

Each case is an operative, procedure or delivery note written for this bank; the candidate picks
the code or codes that report it. Distractors are the errors coders make in this series: a tumor
coded by the wrong size, the laser or stent that a combined code already includes, modifier 50 on a
code that is already bilateral, the global obstetric code when only part of the care was given, an
add-on with modifier 51, a colposcopy split into codes its combined code covers. CPT codes appear by
number only; every note, question and rationale is our own wording.
"""

from __future__ import annotations

import random

from ._common import CaseMaker, Spec, spec
from .cpt_common import REF_GLOBAL, REF_MODIFIERS, REF_NCCI, REF_SURGERY

GU = "CPT-50000"
REF_URI = "CPT Urinary System guidelines"
REF_MALE = "CPT Male Genital System guidelines"
REF_FEM = "CPT Female Genital System guidelines"
REF_MAT = "CPT Maternity Care and Delivery guidelines"
_TAGS = ("urinary-genital", "surgery", "code-selection")


_case = CaseMaker(GU, _TAGS)


def _fact(stem: str, key: tuple[str, str], wrong: list[tuple[str, str]], tags: tuple[str, ...],
          refs: tuple[str, ...]) -> Spec:
    return spec(GU, stem, key, wrong, ("urinary-genital", "surgery", *tags), refs)


_URI = (REF_SURGERY, REF_URI)
_MALE = (REF_SURGERY, REF_MALE)
_FEM = (REF_SURGERY, REF_FEM)
_MAT = (REF_SURGERY, REF_MAT)


def cases() -> list[Spec]:
    return [
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: gross hematuria; bladder mass on CT. Procedure: "
            "cystourethroscopy with transurethral resection of bladder tumor. Findings: a single papillary "
            "tumor on the left lateral wall measuring 3.5 cm. Technique: the tumor was resected to the "
            "muscle layer with a loop and its base fulgurated. Which is reported?",
            ("52235", "A bladder tumor of 2.0 to 5.0 cm resected through the cystoscope takes the "
                      "medium-tumor code, 52235"),
            [("52234", "52234 is for a small tumor, 0.5 to 2.0 cm; this one measured 3.5 cm"),
             ("52240", "52240 is for a large tumor, over 5.0 cm"),
             ("52000, 52235-51", "The diagnostic cystourethroscopy is included in the resection")],
            ("operative-note", "cystoscopy", "measurement"), _URI,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: 9 mm obstructing stone in the left proximal ureter. Procedure: "
            "cystourethroscopy with left ureteroscopy. Technique: the stone was fragmented with a holmium "
            "laser and the fragments basketed; a 6 Fr double-J stent was left in the left ureter. Which is "
            "reported?",
            ("52356-LT", "Fragmenting a ureteral stone through the ureteroscope and leaving a stent is one "
                         "code, 52356, with LT for the side"),
            [("52353-LT, 52332-51-LT", "The stent is already part of 52356; reporting lithotripsy and stent "
                                       "insertion separately unbundles it"),
             ("52352-LT", "52352 is removal or manipulation of a stone without lithotripsy; the stone was "
                          "fragmented with a laser"),
             ("52353-LT", "52353 is lithotripsy without the stent; a stent was left in place")],
            ("operative-note", "ureteroscopy", "laterality"), _URI,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: hematuria, evaluate upper tracts (contrast allergy precludes CT "
            "urography). Procedure: cystourethroscopy; the right and left ureteral orifices were each "
            "catheterized and contrast injected for retrograde pyelograms. The radiologist interprets the "
            "images. Which does the urologist report?",
            ("52005-50", "Cystourethroscopy with ureteral catheterization for retrograde pyelography is 52005; "
                         "both sides take modifier 50"),
            [("52000, 52005-51", "The cystourethroscopy is part of 52005 and is not reported again"),
             ("52005", "Both ureters were catheterized; the second side must be reported with 50"),
             ("52000-50", "52000 does not describe the ureteral catheterization, and a bladder scope is not a "
                          "bilateral procedure")],
            ("operative-note", "cystoscopy", "modifier-50"), (*_URI, REF_MODIFIERS),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: benign prostatic hyperplasia with urinary retention. Procedure: "
            "photoselective laser vaporization of the prostate. Technique: cystourethroscopy, urethral "
            "calibration and a meatotomy, then the lateral lobes and median lobe were vaporized with the "
            "laser until a wide channel was seen. Which is reported?",
            ("52648", "Laser vaporization of the prostate is 52648; cystourethroscopy, meatotomy, calibration "
                      "and dilation are included"),
            [("52601", "52601 is transurethral electrosurgical resection (TURP), not laser vaporization"),
             ("52647", "52647 is laser coagulation of the prostate, not vaporization"),
             ("52648, 52000-51", "The cystourethroscopy is included in the laser procedure")],
            ("operative-note", "prostate"), _URI,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: BPH with recurrent retention. Procedure: transurethral electrosurgical "
            "resection of the prostate, complete. Because of recurrent epididymitis, bilateral vasectomy was "
            "done through the same anesthetic. Cystoscopy and dilation of the urethra were performed first. "
            "Which is reported?",
            ("52601", "TURP is 52601, and CPT lists vasectomy, meatotomy, cystourethroscopy, urethral "
                      "calibration or dilation and internal urethrotomy as included in it"),
            [("52601, 55250-51", "The vasectomy is part of 52601 by its definition"),
             ("52601, 52000-51", "Cystourethroscopy is included in TURP"),
             ("52630", "52630 is resection of residual or regrowth tissue after a previous resection")],
            ("operative-note", "prostate", "bundling"), _URI,
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Elective sterilization, 38-year-old man. Through a no-scalpel midline "
            "scrotal puncture each vas was isolated, divided and its ends cauterized, right then left. "
            "Postoperative semen analysis ordered at 12 weeks. Which is reported?",
            ("55250", "55250 describes vasectomy whether one or both sides are done, with postoperative semen "
                      "examination included"),
            [("55250-50", "The code is unilateral or bilateral by definition, so modifier 50 is not added"),
             ("55250, 55250-51", "One unit covers both sides"),
             ("55250 x 2", "The code is reported once for both vasa")],
            ("procedure-note", "vasectomy", "bilateral"), _MALE,
        ),
        _case(
            "OPERATIVE NOTE. Patient: 6-year-old boy with phimosis and recurrent balanitis. Procedure: "
            "circumcision by surgical excision; the foreskin was excised with a sleeve technique and the "
            "mucosa sutured to the skin with absorbable sutures. No clamp device was used. Which is reported?",
            ("54161", "Circumcision by surgical excision, other than clamp or device, in a patient older "
                      "than 28 days is 54161"),
            [("54160", "54160 is the surgical excision in a neonate, 28 days old or younger"),
             ("54150", "54150 is circumcision with a clamp or other device"),
             ("54161, 54162-51", "54162 is lysis of adhesions after a previous circumcision; this was the "
                                 "first circumcision")],
            ("operative-note", "circumcision"), _MALE,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: large bilateral hydroceles. Procedure: through a midline scrotal "
            "incision the right and left tunica vaginalis sacs were opened, excised and everted. Which is "
            "reported?",
            ("55041", "Excision of hydroceles on both sides has its own bilateral code, 55041"),
            [("55040-50", "Modifier 50 is not used when CPT has a code for the bilateral procedure"),
             ("55040, 55040-51", "A single bilateral code exists; two unilateral codes are not reported"),
             ("55060", "55060 is repair of the tunica vaginalis hydrocele (Bottle type), not excision")],
            ("operative-note", "hydrocele", "bilateral"), _MALE,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: right testicular torsion, nonviable. Procedure: right orchiectomy "
            "through a scrotal incision; a saline testicular prosthesis was placed in the right hemiscrotum. "
            "The left testis was fixed in a separate procedure reported by the same surgeon. Which code "
            "reports the right-side removal?",
            ("54520-RT", "Removing a testis through the scrotum for a benign reason is 54520, and a prosthesis "
                         "placed at the same operation is already part of it"),
            [("54520-RT, 54660-51-RT", "Insertion of the prosthesis is part of 54520 and is not added"),
             ("54530-RT", "54530 is the radical inguinal orchiectomy for tumor"),
             ("54520-50", "Only the right testis was removed")],
            ("operative-note", "orchiectomy", "bundling"), _MALE,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: left renal pelvis stone, 3.2 cm. Procedure: left percutaneous "
            "nephrolithotomy. Technique: prone access to the lower pole calyx, tract dilated, nephroscope "
            "introduced, stone fragmented with ultrasonic lithotripsy and fragments removed. Which is "
            "reported?",
            ("50081-LT", "Percutaneous nephrostolithotomy for a stone over 2 cm is 50081"),
            [("50080-LT", "50080 is for stones up to 2 cm; this one measured 3.2 cm"),
             ("50060-LT", "50060 is an open nephrolithotomy through a flank incision"),
             ("50590-LT", "50590 is extracorporeal shock wave lithotripsy without access to the kidney")],
            ("operative-note", "kidney-stone", "measurement"), _URI,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: 3 cm enhancing mass of the right kidney, lower pole. Procedure: "
            "robotic-assisted laparoscopic removal of the mass with a rim of normal parenchyma; the collecting "
            "system was closed and the renal defect repaired. The rest of the kidney was preserved. Which is "
            "reported?",
            ("50543-RT", "Laparoscopic partial nephrectomy is 50543; robotic assistance is not coded "
                         "separately in CPT"),
            [("50545-RT", "50545 is laparoscopic radical nephrectomy, which removes the whole kidney"),
             ("50240-RT", "50240 is partial nephrectomy through an open incision"),
             ("50546-RT", "50546 is laparoscopic nephrectomy of the whole kidney with partial ureterectomy")],
            ("operative-note", "nephrectomy", "laparoscopy"), _URI,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: 9 cm left renal cell carcinoma. Procedure: laparoscopic left radical "
            "nephrectomy. Technique: the kidney was removed en bloc within Gerota's fascia together with the "
            "left adrenal gland and the hilar lymph nodes. Which is reported?",
            ("50545-LT", "Laparoscopic radical nephrectomy is 50545; removal of Gerota's fascia, regional "
                         "nodes and the adrenal gland is part of a radical nephrectomy"),
            [("50545-LT, 60650-51-LT", "The adrenalectomy is part of the radical nephrectomy and is not "
                                       "reported on its own"),
             ("50546-LT", "50546 is a simple laparoscopic nephrectomy, not the radical operation"),
             ("50230-LT", "50230 is the open radical nephrectomy with lymphadenectomy")],
            ("operative-note", "nephrectomy", "bundling"), _URI,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: symptomatic fibroids. Procedure: total laparoscopic hysterectomy with "
            "bilateral salpingo-oophorectomy. Findings: uterus 180 g. At the end of the case a "
            "cystourethroscopy showed jets from both ureteral orifices. Which is reported?",
            ("58571", "Total laparoscopic hysterectomy for a uterus of 250 g or less with removal of tubes "
                      "and ovaries is 58571; the check cystoscopy is part of the hysterectomy"),
            [("58571, 52000-51", "Cystoscopy to confirm ureteral integrity after a hysterectomy is part of "
                                 "the operation under NCCI"),
             ("58570, 58661-51", "The adnexal removal has its own hysterectomy code; removing tubes and "
                                 "ovaries is not reported separately"),
             ("58573", "58573 is for a uterus over 250 g; this one weighed 180 g")],
            ("operative-note", "hysterectomy", "laparoscopy"), (*_FEM, REF_NCCI),
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Postmenopausal bleeding and ASC-H Pap. Colposcopy of the cervix: one "
            "biopsy at 6 o'clock and an endocervical curettage. In the same session, an endometrial sample "
            "was taken with a pipelle for the bleeding. Which codes are reported?",
            ("57454, 58110", "Colposcopy with biopsy and curettage is 57454; endometrial sampling done with a "
                             "colposcopy is the add-on 58110, which takes no modifier 51"),
            [("57454, 58100-51", "58100 is a stand-alone endometrial biopsy; with a colposcopy CPT uses the "
                                 "add-on 58110"),
             ("57454, 58110-51", "Add-on codes are exempt from modifier 51"),
             ("57455, 58110", "57455 leaves out the endocervical curettage that was done")],
            ("procedure-note", "multi-code", "colposcopy", "add-on"), _FEM,
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Colposcopy of the cervix: a single biopsy at 9 o'clock and endocervical "
            "curettage. The vulva was then examined with the colposcope; an acetowhite plaque on the left "
            "labium minus was biopsied. Which codes are reported?",
            ("57454, 56821-51", "Colposcopy of each site is reported: the cervix with biopsy and curettage "
                                "(57454) and the vulva with biopsy (56821), with 51 on the second"),
            [("57454", "The colposcopy and biopsy of the vulva is a separate site and is reported too"),
             ("57455, 56821-51", "57455 leaves out the endocervical curettage"),
             ("57454, 56605-51", "56605 is a vulvar biopsy without colposcopy; the vulva was examined with "
                                 "the colposcope")],
            ("procedure-note", "multi-code", "colposcopy"), _FEM,
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Three separate pigmented lesions of the vulva (left labium majus, right "
            "labium majus, perineal body) were each sampled with a 4 mm punch under local anesthesia. No "
            "colposcope was used. Which codes are reported?",
            ("56605, 56606 x 2", "Biopsy of the vulva or perineum is 56605 for the first lesion and the "
                                 "add-on 56606 for each additional lesion: two more"),
            [("56605 x 3", "Each additional lesion is reported with the add-on 56606, not by repeating 56605"),
             ("56605, 56606", "Two additional lesions were sampled, so the add-on has two units"),
             ("56821, 56606 x 2", "56821 is a colposcopy of the vulva with biopsy; no colposcope was used")],
            ("procedure-note", "multi-code", "biopsy", "add-on"), _FEM,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: postmenopausal bleeding; endometrial polyp on ultrasound. Procedure: "
            "hysteroscopy; the polyp was removed with a hysteroscopic snare, then a sharp curettage of the "
            "endometrium was performed. Which is reported?",
            ("58558", "Removing a polyp or sampling the lining through the hysteroscope is 58558, and a "
                      "curettage done at the same session is already part of it"),
            [("58558, 58120-51", "The D&C is part of 58558 and is not added"),
             ("58120", "The hysteroscopic polypectomy is the main procedure and is reported"),
             ("58555, 58558-51", "The diagnostic hysteroscopy is included in the surgical one")],
            ("operative-note", "hysteroscopy", "bundling"), _FEM,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: cystocele, stage II. Procedure: anterior colporrhaphy. Technique: the "
            "vaginal mucosa was opened, the pubocervical fascia plicated, and a biologic graft sutured over "
            "the repair in the anterior compartment before closure. No rectocele repair. Which codes are "
            "reported?",
            ("57240, 57267", "Anterior colporrhaphy is 57240; mesh or other graft placed by the vaginal approach "
                             "adds 57267 for that site, an add-on without 51"),
            [("57240, 57267-51", "57267 is an add-on code and takes no modifier 51"),
             ("57260, 57267", "57260 is the combined anterior and posterior repair; only the anterior wall "
                              "was repaired"),
             ("57240", "The graft insertion has its own add-on code and is reported")],
            ("operative-note", "multi-code", "pelvic-floor", "add-on"), _FEM,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: CIN 3. Procedure: colposcopy, then a loop electrode cone of the cervix "
            "under colposcopic guidance, including the endocervical canal; the cone base was fulgurated. "
            "Which is reported?",
            ("57461", "Colposcopy with loop electrode conization of the cervix is 57461; the endocervical "
                      "curettage is not reported with it"),
            [("57460", "57460 is colposcopy with loop electrode biopsy, not a full conization"),
             ("57522", "57522 is LEEP conization without colposcopy; the colposcope was used"),
             ("57452, 57522-51", "A colposcopic conization has its own combined code")],
            ("operative-note", "colposcopy", "cervix"), _FEM,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: missed abortion at 9 weeks by dates; no fetal cardiac activity on two "
            "ultrasounds; cervix closed. Procedure: suction dilation and curettage of the uterus. Which is "
            "reported?",
            ("59820", "Surgical treatment of a missed abortion in the first trimester is 59820"),
            [("59812", "59812 treats an incomplete abortion, where tissue has already passed"),
             ("59821", "59821 is the second-trimester missed abortion"),
             ("58120", "58120 is a D&C for a non-obstetric reason; pregnancy-related evacuation uses the "
                       "maternity codes")],
            ("operative-note", "maternity", "abortion"), _MAT,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: ruptured ectopic pregnancy, left fallopian tube. Procedure: "
            "laparoscopy; 400 mL of hemoperitoneum evacuated; the left tube containing the gestation was "
            "removed. The ovaries were normal. Which is reported?",
            ("59151", "Laparoscopic treatment of a tubal ectopic pregnancy with salpingectomy is 59151"),
            [("59150", "59150 is laparoscopic treatment of an ectopic pregnancy without removing the tube or "
                       "ovary"),
             ("58661", "58661 is laparoscopic removal of adnexal structures for a non-pregnancy reason; the "
                       "maternity code describes an ectopic"),
             ("59120", "59120 is treatment of a tubal ectopic through an open incision")],
            ("operative-note", "maternity", "ectopic"), _MAT,
        ),
        _case(
            "OPERATIVE NOTE. G2P1 at 14 weeks with a prior second-trimester loss from cervical "
            "insufficiency. Procedure: vaginal placement of a McDonald purse-string suture at the "
            "cervicovaginal junction. Which is reported?",
            ("59320", "Cerclage of the cervix during pregnancy by the vaginal route is 59320"),
            [("57700", "57700 is a cerclage of the cervix in a non-pregnant patient"),
             ("59325", "59325 is cerclage by the abdominal route"),
             ("59871", "59871 is removal of a cerclage suture under anesthesia")],
            ("operative-note", "maternity", "cerclage"), _MAT,
        ),
        _case(
            "DELIVERY NOTE. G3P2 with one prior low transverse cesarean elects a trial of labor; the same "
            "group gave all prenatal care. Labor arrested at 7 cm, and a repeat cesarean delivered a healthy "
            "infant. The group will provide postpartum care. Which is reported?",
            ("59618", "A patient with a prior cesarean who labors and then needs a repeat cesarean, with the "
                      "same group giving prenatal and postpartum care, is reported with the package 59618"),
            [("59510", "59510 is global care with cesarean delivery when no trial of labor after cesarean "
                       "was attempted"),
             ("59610", "59610 is global care with a successful vaginal birth after cesarean"),
             ("59620", "59620 is the cesarean after attempted VBAC as delivery only; the group gave the "
                       "whole package")],
            ("delivery-note", "maternity", "vbac"), _MAT,
        ),
        _case(
            "DELIVERY NOTE. The patient transferred into the practice at 39 weeks in labor; her antepartum "
            "care was given elsewhere. The physician performed the spontaneous vaginal delivery and repaired a "
            "second-degree laceration, and will see her for the hospital and six-week postpartum visits. "
            "Which is reported?",
            ("59410", "Vaginal delivery with postpartum care, without antepartum care, is 59410; the "
                      "laceration repair is part of the delivery"),
            [("59409", "59409 is vaginal delivery only; this physician also gives the postpartum care"),
             ("59400", "59400 includes antepartum care, which another practice provided"),
             ("59409, 59430", "When one physician delivers and provides the postpartum care, the combined "
                              "code 59410 is used instead of the two")],
            ("delivery-note", "maternity", "global-obstetric"), _MAT,
        ),
        _case(
            "DELIVERY NOTE. The same obstetrician provided prenatal care from 8 weeks. At 37 weeks a breech "
            "presentation was turned to vertex by external cephalic version in the hospital, with success. "
            "At 39 weeks the obstetrician performed a spontaneous vaginal delivery and will give postpartum "
            "care. Which codes are reported for the pregnancy?",
            ("59400, 59412", "The routine global vaginal delivery package is 59400; external cephalic version "
                             "is not part of routine care and is reported with 59412"),
            [("59400", "The version is a separate procedure outside the global package and is reported"),
             ("59409, 59412", "59409 is delivery only; this obstetrician gave all antepartum and postpartum "
                              "care"),
             ("59400, 59414", "59414 is delivery of the placenta as a separate procedure; no version code is "
                              "listed")],
            ("delivery-note", "multi-code", "maternity"), _MAT,
        ),
        _case(
            "OPERATIVE NOTE. G4P3 at 39 weeks, elective repeat low transverse cesarean; the same physician "
            "gave all prenatal care and will give postpartum care. She requested permanent sterilization: "
            "after delivery of the infant and closure of the hysterotomy, a segment of each fallopian tube was "
            "ligated and excised. Which codes are reported?",
            ("59510, 58611", "Global cesarean care is 59510; tubal ligation at the time of cesarean is the "
                             "add-on 58611, which takes no 51"),
            [("59510, 58611-51", "58611 is an add-on code and is exempt from modifier 51"),
             ("59510, 58605-51", "58605 is a postpartum tubal ligation during the same hospitalization as a "
                                 "separate procedure, not during the cesarean"),
             ("59514, 58611", "59514 is cesarean delivery only; this physician gave the whole package")],
            ("operative-note", "multi-code", "maternity", "add-on"), _MAT,
        ),
        _case(
            "OPERATIVE NOTE. Emergency cesarean for placenta accreta at 35 weeks by the on-call obstetrician, "
            "who did not give prenatal care and will not give postpartum care. After delivery, uncontrolled "
            "bleeding from the placental bed required a total hysterectomy in the same session. Which codes "
            "are reported?",
            ("59514, 59525", "Cesarean delivery only is 59514; hysterectomy after cesarean is the add-on 59525"),
            [("59514, 58150-51", "A hysterectomy right after a cesarean is reported with its add-on, not a "
                                 "stand-alone abdominal hysterectomy code"),
             ("59510, 59525", "59510 includes antepartum and postpartum care that this physician did not "
                              "give"),
             ("59514, 59525-51", "59525 is an add-on code and takes no modifier 51")],
            ("operative-note", "multi-code", "maternity", "add-on"), _MAT,
        ),
        _case(
            "PROCEDURE NOTE, maternal-fetal medicine. 16 weeks, abnormal cell-free DNA screen. Under "
            "continuous ultrasound guidance, a needle was placed into the amniotic sac and 20 mL of fluid "
            "withdrawn for karyotype. The physician performed and interpreted the ultrasound guidance. Which "
            "codes are reported?",
            ("59000, 76946", "Diagnostic amniocentesis is 59000; ultrasound guidance for amniocentesis is "
                             "reported with its own imaging code, 76946"),
            [("59000", "The ultrasonic guidance is performed and interpreted by the physician and is "
                       "reported"),
             ("59000, 76942", "76942 is ultrasonic guidance for needle placement in general; amniocentesis "
                              "has its own guidance code"),
             ("59001, 76946", "59001 is therapeutic amniotic fluid reduction; this was diagnostic")],
            ("procedure-note", "multi-code", "maternity", "imaging-guidance"), _MAT,
        ),
        _case(
            "DELIVERY NOTE. The physician who gave all prenatal care performed a spontaneous vaginal delivery "
            "over a midline episiotomy, then repaired the episiotomy in layers. Routine postpartum care "
            "follows. Which is reported?",
            ("59400", "Routine global obstetric care with vaginal delivery is 59400; the episiotomy and its "
                      "repair are part of the delivery"),
            [("59400, 59300-51", "59300 is an episiotomy or repair by someone other than the attending; the "
                                 "delivering physician's repair is included"),
             ("59409", "59409 is delivery only; this physician also gave antepartum and postpartum care"),
             ("59400-22", "An episiotomy repair is routine delivery work, not substantially greater work")],
            ("delivery-note", "maternity", "global-obstetric"), _MAT,
        ),
    ]


def facts(rng: random.Random | None = None) -> list[Spec]:
    """Guideline, modifier and global-period questions (rng unused: every one is taken)."""
    return [
        _fact("A diagnostic cystourethroscopy is followed by a surgical cystourethroscopic procedure at the "
              "same session. How is the diagnostic cystourethroscopy reported?",
              ("It is not reported; the surgical endoscopy includes it",
               "Surgical endoscopy always includes the diagnostic endoscopy of the same area"),
              [("With modifier 59, as a distinct procedure at the same session",
                "The included diagnostic scope cannot be unbundled"),
               ("With modifier 51, as a second procedure by the same urologist",
                "It is not a separate procedure"),
               ("With modifier 52, as a reduced look before the surgical scope", "Nothing was reduced")],
              ("endoscopy", "bundling"), _URI),
        _fact("Urodynamic studies are performed with the hospital's equipment and staff; the urologist only "
              "interprets the results. How does the urologist report the studies?",
              ("With the urodynamic codes and modifier 26",
               "When the physician only interprets, the professional component is reported with 26"),
              [("With the urodynamic codes and no modifier", "That would claim the equipment and staff too"),
               ("With the urodynamic codes and modifier TC", "TC is the technical component, which the "
                                                             "hospital provided"),
               ("With an office visit code only", "Interpretation of urodynamics has its own codes")],
              ("urodynamics", "modifier-26"), (*_URI, REF_MODIFIERS)),
        _fact("Which service does the CPT global obstetric package include?",
              ("Routine chemical urinalysis at the prenatal visits",
               "Antepartum care includes routine visits, weight, blood pressure, fetal heart tones and routine "
               "chemical urinalysis"),
              [("Obstetric ultrasound examinations during the pregnancy", "Ultrasound is reported separately"),
               ("Amniocentesis for genetic testing in the second trimester",
                "Amniocentesis is a separate procedure"),
               ("Treatment of a urinary tract infection found at a visit",
                "Medical problems during pregnancy are reported separately")],
              ("maternity", "global-obstetric"), _MAT),
        _fact("A patient under global obstetric care is admitted at 30 weeks with pyelonephritis and treated "
              "by her obstetrician. How is the treatment reported?",
              ("Separately, with the E/M services for the admission",
               "Complications and medical problems in pregnancy are outside the global package"),
              [("It is included in the global obstetric package", "Only uncomplicated care is included"),
               ("Only after delivery, added to the delivery code", "Services are reported when they are "
                                                                   "given"),
               ("With modifier 22 on the delivery code", "The complication is reported with its own "
                                                         "services")],
              ("maternity", "global-obstetric"), _MAT),
        _fact("A patient moves away at 26 weeks after six prenatal visits with one obstetrician, who will "
              "not deliver her. How does this obstetrician report the antepartum care?",
              ("With the antepartum care code for 4 to 6 visits",
               "When the global package is not completed, antepartum care is reported by the number of visits: "
               "4-6 visits have their own code"),
              [("With the global obstetric code and modifier 52",
                "The global code is not reduced; CPT has antepartum-only codes by visit count"),
               ("With an E/M code for each of the six visits",
                "E/M codes are for 1 to 3 antepartum visits; 4 or more use the antepartum codes"),
               ("With the antepartum care code for 7 or more visits",
                "Six visits fall in the 4-6 visit code")],
              ("maternity", "global-obstetric"), _MAT),
        _fact("A urinary catheter is inserted in the operating room at the start of a hysterectomy. How is "
              "the catheterization reported?",
              ("It is not reported: it is part of the surgery",
               "Urinary catheterization that is part of a surgical procedure is included in it"),
              [("With the catheter code", "The catheter is integral to the surgery"),
               ("With the catheter code and modifier 59", "Modifier 59 cannot unbundle an integral service"),
               ("With a HCPCS catheter supply code", "A supply code does not make it payable")],
              ("bundling", "ncci"), (*_URI, REF_NCCI)),
        _fact("A surgeon starts with a diagnostic laparoscopy of the pelvis and then removes an ovarian cyst "
              "laparoscopically. How is the diagnostic laparoscopy reported?",
              ("Not at all: a surgical laparoscopy always includes it",
               "The diagnostic laparoscopy is part of every surgical laparoscopy"),
              [("With modifier 59, as a distinct procedure before the cyst removal",
                "The included diagnostic laparoscopy cannot be unbundled"),
               ("With modifier 51, as the second procedure of the session", "It is not a second procedure"),
               ("With modifier 22, for the extra look around the pelvis", "It is not unusual work")],
              ("laparoscopy", "bundling"), _FEM),
        _fact("Which of these is reported in addition to the global obstetric package when performed?",
              ("A fetal non-stress test ordered for decreased fetal movement",
               "Fetal testing such as a non-stress test is not part of routine antepartum care"),
              [("Routine monthly weight and blood pressure checks", "These are part of routine antepartum "
                                                                    "care"),
               ("Admission history and physical when she arrives in labor", "The admission work is included in the "
                                                               "delivery"),
               ("Hospital visits on the first and second days after delivery", "Routine postpartum hospital visits are "
                                                             "included")],
              ("maternity", "global-obstetric"), _MAT),
        _fact("Three weeks after a laparoscopic hysterectomy (90-day global), the patient is found to have a "
              "vesicovaginal fistula, and the same surgeon repairs it in the operating room. Which modifier "
              "goes on the fistula repair?",
              ("78", "An unplanned return to the operating room by the same surgeon for a complication of the "
                     "first operation takes 78"),
              [("79", "79 is for a procedure unrelated to the first; the fistula is its complication"),
               ("58", "58 is for a planned or staged procedure; the fistula was not planned"),
               ("76", "76 is a repeat of the same procedure; the repair is a different procedure")],
              ("modifier", "modifier-78", "global-period"), (REF_MODIFIERS, REF_GLOBAL)),
        _fact("Another obstetrician delivered the baby; this physician sees the patient only for the "
              "postpartum hospital and office visits. How does this physician report them?",
              ("With the postpartum care only code",
               "CPT splits the obstetric package into its own codes; postpartum care alone has a code"),
              [("With the global vaginal delivery code and modifier 55",
                "Maternity care uses its own partial-care codes rather than 54 and 55 on the global code"),
               ("With an E/M code for each postpartum visit",
                "Routine postpartum visits are reported together with the postpartum care code"),
               ("With the delivery and postpartum care code", "This physician did not perform the delivery")],
              ("maternity", "global-obstetric"), _MAT),
        _fact("The laparoscopic hysterectomy codes are split at a uterus of 250 g. Where does the coder find "
              "the weight that decides between them?",
              ("In the pathology report of the removed uterus",
               "The codes turn on the weight of the uterus, which pathology records after removal"),
              [("In the preoperative ultrasound, from the uterine dimensions",
                "Imaging dimensions estimate size; the codes use the measured weight"),
               ("In the surgeon's estimate of size in weeks of gestation",
                "A size in weeks is a clinical estimate, not the weight the codes use"),
               ("In the anesthesia record, from the case duration",
                "Operating time has nothing to do with the weight split")],
              ("hysterectomy", "measurement"), _FEM),
    ]

