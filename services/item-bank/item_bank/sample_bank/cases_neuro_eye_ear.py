"""Endocrine, nervous, eye and ocular adnexa, auditory (60000 series) code selection.

Each case is an operative, procedure or clinic note written for this bank; the candidate picks the
code or codes that report it. Distractors are the errors coders make in this series: counting spine
levels or interspaces wrongly, an add-on with modifier 51 or left out, imaging guidance reported on
top of injection codes that include it, the cervical code for a lumbar injection, a complex cataract
coded as routine with 22, the wrong eyelid or laterality modifier, a drug's units miscounted. CPT
codes appear by number only; every note, question and rationale is our own wording.
"""

from __future__ import annotations

import random

from ._common import CaseMaker, Spec, spec
from .cpt_common import REF_GLOBAL, REF_MODIFIERS, REF_NCCI, REF_SURGERY

NEE = "CPT-60000"
REF_ENDO = "CPT Endocrine System guidelines"
REF_NERV = "CPT Nervous System guidelines"
REF_EYE = "CPT Eye and Ocular Adnexa guidelines"
REF_EAR = "CPT Auditory System guidelines"
REF_MICRO = "CPT Operating Microscope guidelines"
_TAGS = ("nervous-eye-ear", "surgery", "code-selection")


_case = CaseMaker(NEE, _TAGS)


def _fact(stem: str, key: tuple[str, str], wrong: list[tuple[str, str]], tags: tuple[str, ...],
          refs: tuple[str, ...]) -> Spec:
    return spec(NEE, stem, key, wrong, ("nervous-eye-ear", "surgery", *tags), refs)


_ENDO = (REF_SURGERY, REF_ENDO)
_NERV = (REF_SURGERY, REF_NERV)
_EYE = (REF_SURGERY, REF_EYE)
_EAR = (REF_SURGERY, REF_EAR)


def cases() -> list[Spec]:
    return [
        _case(
            "OPERATIVE NOTE. Diagnosis: 3.1 cm right thyroid nodule, indeterminate cytology (follicular "
            "neoplasm). Procedure: removal of the entire right thyroid lobe together with the isthmus; the "
            "recurrent laryngeal nerve was identified and preserved. The left lobe was left in place. Which "
            "is reported?",
            ("60220", "Taking out all of one thyroid lobe is 60220; removing the isthmus with it does not "
                      "change the code"),
            [("60210", "60210 is a partial lobectomy; the entire right lobe was removed"),
             ("60240", "60240 is a total thyroidectomy; the left lobe remains"),
             ("60225", "60225 adds a subtotal resection of the other lobe, which was not done")],
            ("operative-note", "thyroid"), _ENDO,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: papillary thyroid carcinoma, 2.8 cm, with suspicious central neck "
            "nodes. Procedure: total thyroidectomy with central compartment (level VI) lymph node dissection. "
            "No lateral neck dissection. Which is reported?",
            ("60252", "Total thyroidectomy for malignancy with a limited (central compartment) neck dissection "
                      "is 60252"),
            [("60240", "60240 is a total thyroidectomy without any neck dissection"),
             ("60254", "60254 is for malignancy with a radical neck dissection; only the central compartment "
                       "was cleared"),
             ("60240, 38720-51", "A limited neck dissection done with a thyroidectomy for cancer is part of the "
                                 "combined thyroid code, not a separate lymphadenectomy")],
            ("operative-note", "thyroid", "combination-code"), _ENDO,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: Graves disease. Procedure: total thyroidectomy. Findings: the left "
            "inferior parathyroid gland was devascularized during the dissection; it was minced and "
            "implanted into a pocket in the left sternocleidomastoid muscle. Which codes are reported?",
            ("60240, 60512", "Total thyroidectomy is 60240; parathyroid autotransplantation is the add-on "
                             "60512, reported without modifier 51"),
            [("60240, 60512-51", "60512 is an add-on code and is exempt from modifier 51"),
             ("60240, 60500-51", "60500 removes a diseased parathyroid; here a healthy gland was "
                                 "reimplanted"),
             ("60271, 60512", "60271 is a thyroidectomy with removal of a substernal goiter through the "
                              "neck; none is described")],
            ("operative-note", "multi-code", "thyroid", "add-on"), _ENDO,
        ),
        _case(
            "OPERATIVE NOTE. Five weeks after a right thyroid lobectomy (90-day global), pathology showed a "
            "4.2 cm follicular carcinoma. As discussed before the first surgery, the same surgeon now removes "
            "all the remaining thyroid tissue on the left. Which is reported?",
            ("60260-58", "Removal of all remaining thyroid tissue after an earlier partial removal is 60260; "
                         "it was anticipated and is more extensive than the first operation, so 58 applies"),
            [("60240-58", "60240 removes the whole gland; the right lobe was already gone"),
             ("60260-78", "78 is for an unplanned return to the operating room for a complication"),
             ("60260-79", "79 is for an unrelated procedure; the completion is related and anticipated")],
            ("operative-note", "thyroid", "modifier-58", "global-period"), (*_ENDO, REF_MODIFIERS),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: 1.8 cm left adrenal aldosteronoma. Procedure: laparoscopic "
            "transabdominal left adrenalectomy. The kidney was not disturbed. Which is reported?",
            ("60650-LT", "Laparoscopic adrenalectomy is 60650, left side"),
            [("60540-LT", "60540 is an open adrenalectomy"),
             ("60650-50", "Only the left gland was removed"),
             ("50545-LT", "50545 is a laparoscopic radical nephrectomy; the kidney was left in place")],
            ("operative-note", "adrenal", "laparoscopy"), _ENDO,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: lumbar spinal stenosis with neurogenic claudication. Procedure: "
            "laminectomy with bilateral partial facetectomies and foraminotomies at L3 and L4 to decompress "
            "the cauda equina and the L3, L4 and L5 roots. No discectomy, no fusion. Which codes are "
            "reported?",
            ("63047, 63048", "Lumbar decompression by laminectomy with facetectomy and foraminotomy is 63047 "
                             "for the first segment and the add-on 63048 for the second"),
            [("63047, 63048-51", "63048 is an add-on code and takes no modifier 51"),
             ("63047 x 2", "Each additional segment is reported with the add-on, not a second unit of the "
                           "primary code"),
             ("63030, 63035", "63030 and 63035 are laminotomies with disc excision at each interspace; a full "
                              "laminectomy for stenosis was done")],
            ("operative-note", "multi-code", "spine", "add-on"), _NERV,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: left L4-L5 and L5-S1 disc herniations with radiculopathy. "
            "Procedure: left hemilaminotomy at L4-L5 and at L5-S1 with removal of the herniated disc fragments "
            "and decompression of the L5 and S1 nerve roots. Which codes are reported?",
            ("63030, 63035", "Laminotomy with disc excision in the lumbar spine is 63030 for one interspace "
                             "and the add-on 63035 for each additional interspace"),
            [("63030, 63030-51", "The second interspace is reported with the add-on code, not a second "
                                 "primary code"),
             ("63030, 63035-51", "63035 is an add-on code and is exempt from 51"),
             ("63047, 63048", "63047 and 63048 are full laminectomies with facetectomy for stenosis, not "
                              "hemilaminotomies for disc herniation")],
            ("operative-note", "multi-code", "spine", "add-on"), _NERV,
        ),
        _case(
            "PROCEDURE NOTE, pain clinic. Diagnosis: lumbar radiculopathy. Procedure: interlaminar epidural "
            "steroid injection at L4-L5 through a midline approach; needle position confirmed under "
            "fluoroscopy with contrast before the steroid was injected. Which is reported?",
            ("62323", "A lumbar interlaminar epidural injection with imaging guidance is 62323; the "
                      "fluoroscopy is included"),
            [("62322, 77003", "The imaging guidance is part of 62323 and is not reported with a radiology "
                              "code"),
             ("62321", "62321 is the cervical or thoracic interlaminar injection"),
             ("64483", "64483 is a transforaminal injection; this was interlaminar")],
            ("procedure-note", "spinal-injection", "imaging-guidance"), _NERV,
        ),
        _case(
            "PROCEDURE NOTE, pain clinic. Diagnosis: bilateral L5 and S1 radiculopathy. Procedure: "
            "transforaminal epidural steroid injections at L4-L5 and L5-S1, right and left, four needles in "
            "all, each placed under fluoroscopy. Which codes are reported?",
            ("64483-50, 64484-50", "The lumbar transforaminal injection is 64483 for the first level and the "
                                   "add-on 64484 for the next; both sides take modifier 50, and the "
                                   "fluoroscopy is included"),
            [("64483-50, 64484-50, 77003", "Imaging guidance is built into the transforaminal injection "
                                           "codes"),
             ("64479-50, 64480-50", "64479 and 64480 are cervical or thoracic transforaminal injections"),
             ("64483-50, 64483-59", "The second level is reported with its add-on code, not with a "
                                    "second unit of the primary code")],
            ("procedure-note", "multi-code", "spinal-injection", "modifier-50"), (*_NERV, REF_MODIFIERS),
        ),
        _case(
            "PROCEDURE NOTE, pain clinic. Diagnosis: right-sided lumbar facet arthropathy. Procedure: "
            "intra-articular injections of the right L3-L4, L4-L5 and L5-S1 facet joints with anesthetic and "
            "steroid under fluoroscopic guidance. The left side was not treated. Which codes are reported?",
            ("64493-RT, 64494-RT, 64495-RT", "Lumbar facet joint injection is 64493 for the first level, the "
                                             "add-on 64494 for the second and 64495 for the third and any "
                                             "more levels"),
            [("64493-RT, 64494-RT x 2", "The third level has its own add-on code; 64494 is reported only "
                                        "for the second level"),
             ("64490-RT, 64491-RT, 64492-RT", "64490-64492 are cervical or thoracic facet injections"),
             ("64493-RT x 3", "The additional levels are reported with the add-on codes")],
            ("procedure-note", "multi-code", "facet-injection", "laterality"), _NERV,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: right carpal tunnel syndrome confirmed by nerve conduction studies. "
            "Procedure: open release of the transverse carpal ligament through a palmar incision; the median "
            "nerve was decompressed. No endoscope was used, and no injection was given. Which is reported?",
            ("64721-RT", "Open decompression of the median nerve at the carpal tunnel is 64721, right side"),
            [("29848-RT", "29848 is the endoscopic carpal tunnel release"),
             ("64718-RT", "64718 is decompression or transposition of the ulnar nerve at the elbow"),
             ("64721-50", "Only the right wrist was operated on")],
            ("operative-note", "peripheral-nerve", "laterality"), _NERV,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: laceration of the right index finger with loss of sensation on both "
            "sides of the fingertip. Procedure: exploration; the radial and ulnar digital nerves of the index "
            "finger were both found divided and were each repaired end to end with 9-0 nylon under 3.5x loupe "
            "magnification. Which codes are reported?",
            ("64831, 64832", "Suture of one digital nerve is 64831; each additional digital nerve adds "
                             "64832. Loupes are not an operating microscope, so no microscope add-on"),
            [("64831, 64832, 69990", "The microscope add-on needs a surgical operating microscope; loupe "
                                     "magnification does not qualify"),
             ("64831 x 2", "The second nerve is reported with the add-on code, not a second unit"),
             ("64834, 64832", "64834 is a repair of a common sensory nerve of the hand, not the digital "
                              "nerves")],
            ("operative-note", "multi-code", "peripheral-nerve", "add-on"), (*_NERV, REF_MICRO),
        ),
        _case(
            "PROCEDURE NOTE, headache clinic. Diagnosis: occipital neuralgia, both sides. Procedure: "
            "injection of local anesthetic and steroid around the right and the left greater occipital "
            "nerves, landmark guided. Which is reported?",
            ("64405-50", "Injection of the greater occipital nerve is 64405; the same injection on both sides "
                         "takes modifier 50"),
            [("64405", "Both nerves were injected; the second side is reported with 50"),
             ("64450-50", "64450 is for other peripheral nerves; the greater occipital nerve has its own "
                          "code"),
             ("64405, 64405-51", "A bilateral procedure is reported with 50, not as two procedures with 51")],
            ("procedure-note", "nerve-block", "modifier-50"), (*_NERV, REF_MODIFIERS),
        ),
        _case(
            "PROCEDURE NOTE. Suspected meningitis in a patient with a prior lumbar fusion; blind attempts "
            "failed. Under fluoroscopic guidance a spinal needle was placed at L2-L3 and 8 mL of cloudy CSF "
            "collected for cell count, culture and glucose. Which is reported?",
            ("62328", "A diagnostic lumbar puncture with fluoroscopic or CT guidance is 62328; the guidance is "
                      "included"),
            [("62270, 77003", "When imaging guidance is used, the code with guidance replaces the plain "
                              "puncture plus a radiology code"),
             ("62270", "62270 is the puncture without imaging guidance; fluoroscopy was used"),
             ("62329", "62329 is a therapeutic puncture to drain CSF; this was diagnostic")],
            ("procedure-note", "lumbar-puncture", "imaging-guidance"), _NERV,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: chronic left subdural hematoma with midline shift. Procedure: two burr "
            "holes over the left convexity; the membrane was opened, the liquefied hematoma irrigated out, and "
            "a subdural drain left. No bone flap was raised. Which is reported?",
            ("61154", "Evacuation or drainage of a subdural or extradural hematoma through burr holes is "
                      "61154, reported once for the holes of one procedure"),
            [("61312", "61312 is a craniotomy with a bone flap for a supratentorial hematoma; only burr holes "
                       "were made"),
             ("61154 x 2", "The code covers one or more burr holes for the same hematoma"),
             ("61314", "61314 is for an infratentorial hematoma; this one lay over the cerebral "
                       "convexity")],
            ("operative-note", "cranial", "hematoma"), _NERV,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: age-related nuclear cataract, right eye. Procedure: phacoemulsification "
            "with implantation of a posterior chamber lens in the capsular bag. Routine technique; no special "
            "devices were needed. Which is reported?",
            ("66984-RT", "Routine extracapsular cataract removal with lens implant in one stage is 66984"),
            [("66982-RT", "66982 is complex cataract surgery, which needs devices or techniques not used in "
                          "routine cases"),
             ("66984-RT, 66985-51-RT", "66985 is a secondary lens implant not done with cataract removal; the "
                                       "lens insertion is part of 66984"),
             ("66983-RT", "66983 is intracapsular cataract extraction with lens insertion")],
            ("operative-note", "cataract", "laterality"), _EYE,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: cataract, left eye, with a pupil that dilates to only 4 mm on "
            "tamsulosin. Procedure: an iris expansion ring was inserted to enlarge the pupil, then "
            "phacoemulsification with a posterior chamber lens in the bag; the ring was removed. Which is "
            "reported?",
            ("66982-LT", "An iris expansion device is one of the non-routine techniques that makes cataract "
                         "surgery complex: 66982"),
            [("66984-LT", "66984 is routine cataract surgery; the iris expansion device makes it complex"),
             ("66984-22-LT", "CPT has a specific code for complex cataract surgery, so 22 is not used"),
             ("66983-LT", "66983 is intracapsular extraction; the lens was removed from its capsule")],
            ("operative-note", "cataract", "laterality"), _EYE,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: primary pterygium, right eye, encroaching 3 mm onto the cornea. "
            "Procedure: the pterygium was excised and the bare sclera covered with a free conjunctival "
            "autograft harvested from the superior bulbar conjunctiva of the same eye and secured with fibrin "
            "glue. Which is reported?",
            ("65426-RT", "Excision of a pterygium with a graft is 65426; the conjunctival autograft is part of "
                         "the code"),
            [("65420-RT", "65420 is the pterygium excision without a graft"),
             ("65420-RT, 65782-51-RT", "The graft belongs to the pterygium code with graft; it is not "
                                       "reported as a separate surface reconstruction"),
             ("65400-RT", "65400 is excision of a corneal lesion other than a pterygium")],
            ("operative-note", "cornea"), _EYE,
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Two chalazia on the left upper eyelid and one on the left lower eyelid were "
            "incised and curetted under local anesthesia at the same visit. Which is reported?",
            ("67805", "Excision of multiple chalazia on different eyelids is 67805, one code for the set"),
            [("67801, 67800-51", "CPT has a code for multiple chalazia on different lids; the lids are not "
                                 "reported separately"),
             ("67808", "67808 is chalazion excision under general anesthesia or with hospitalization"),
             ("67800 x 3", "67800 is a single chalazion; the multiple-lesion codes apply")],
            ("procedure-note", "eyelid"), _EYE,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: involutional ectropion of the right lower eyelid. Procedure: lateral "
            "tarsal strip; the lateral canthal tendon was divided, the tarsus shortened and fixed to the "
            "periosteum of the lateral orbital rim. Which is reported?",
            ("67917-E4", "Extensive ectropion repair such as a tarsal strip is 67917; E4 is the right lower "
                         "eyelid"),
            [("67914-E4", "67914 is an ectropion repair by sutures only"),
             ("67917-E3", "E3 is the right upper eyelid; the lower lid was repaired"),
             ("67924-E4", "67924 is repair of entropion, the lid turning in")],
            ("operative-note", "eyelid", "modifier"), (*_EYE, "HCPCS Level II modifiers (CMS)"),
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Diagnosis: superior macula-sparing retinal detachment, left eye, with a "
            "single break at 12 o'clock. Procedure: after anterior chamber paracentesis, an expansile gas "
            "bubble was injected into the vitreous cavity and the patient positioned to tamponade the break. "
            "No vitrectomy and no scleral buckle. Which is reported?",
            ("67110-LT", "Repair of a retinal detachment by injection of air or gas (pneumatic retinopexy) is "
                         "67110"),
            [("67107-LT", "67107 is repair by scleral buckling; no buckle was placed"),
             ("67108-LT", "67108 is repair with vitrectomy; no vitrectomy was done"),
             ("67113-LT", "67113 is a complex detachment repair with vitrectomy")],
            ("procedure-note", "retina"), _EYE,
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Diagnosis: neovascular age-related macular degeneration, left eye. "
            "Procedure: intravitreal injection of aflibercept 2 mg (standard formulation) through the pars "
            "plana, from a single-dose vial supplied by the practice; the payer uses no drug-wastage "
            "modifiers. Which codes are reported?",
            ("67028-LT, J0178 x 2", "The intravitreal injection is 67028; aflibercept is billed per 1 mg "
                                    "with J0178, so a 2 mg dose is 2 units"),
            [("67028-LT, J0178", "J0178 is per 1 mg; one unit bills only half the dose"),
             ("67028-50, J0178 x 2", "Only the left eye was injected"),
             ("67025-LT, J0178 x 2", "67025 is injection of a vitreous substitute, not of a drug")],
            ("procedure-note", "multi-code", "intravitreal", "units"), (*_EYE, "HCPCS Level II"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: exotropia, right eye. Procedure: recession of the right lateral rectus "
            "and resection of the right medial rectus, with adjustable sutures on the recessed muscle, "
            "adjusted the next morning. Which codes are reported?",
            ("67312-RT, 67335", "Recession or resection of two horizontal muscles is 67312; adjustable "
                                "sutures add 67335, which includes the later adjustment"),
            [("67312-RT, 67335-51", "67335 is an add-on code and takes no modifier 51"),
             ("67312-RT", "The adjustable sutures have their own add-on code"),
             ("67316-RT, 67335", "67316 is surgery on two vertical muscles; the lateral and medial rectus "
                                 "are horizontal")],
            ("operative-note", "multi-code", "strabismus", "add-on"), _EYE,
        ),
        _case(
            "OPERATIVE NOTE. Patient: 3-year-old with congenital nasolacrimal duct obstruction, right. "
            "Procedure: under general anesthesia the duct was probed, the obstruction opened and a silicone "
            "stent threaded through the system and left in place. Which is reported?",
            ("68815", "Probing of the nasolacrimal duct with insertion of a tube or stent is 68815, whatever "
                      "the anesthesia"),
            [("68811", "68811 is probing under general anesthesia without a stent"),
             ("68816", "68816 is probing with balloon catheter dilation"),
             ("68811, 68815-51", "The probing is part of the stent code and is not reported again")],
            ("operative-note", "lacrimal"), _EYE,
        ),
        _case(
            "OPERATIVE NOTE. Patient: 2-year-old with recurrent acute otitis media. Procedure: under general "
            "anesthesia, myringotomy and insertion of a ventilating tube in the right and the left tympanic "
            "membrane. Which is reported?",
            ("69436-50", "Tympanostomy with tube insertion under general anesthesia is 69436; both ears take "
                         "modifier 50"),
            [("69433-50", "69433 is the tympanostomy under local or topical anesthesia"),
             ("69436", "Both ears were treated; the second side is reported with 50"),
             ("69421-50", "69421 is a myringotomy with aspiration, without a ventilating tube")],
            ("operative-note", "ear", "modifier-50"), (*_EAR, REF_MODIFIERS),
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Both ear canals completely occluded by hard, impacted cerumen. Under the "
            "microscope the cerumen was removed from each ear with a curette and suction. No irrigation. "
            "Which is reported?",
            ("69210-50", "Removal of impacted cerumen with instruments is a unilateral code, 69210; both ears "
                         "take modifier 50"),
            [("69209-50", "69209 is removal by irrigation or lavage; instruments were used"),
             ("69210", "The code is per ear since it became unilateral; both ears need 50"),
             ("69210, 69210-51", "A bilateral procedure is reported with 50, not as two procedures")],
            ("procedure-note", "ear", "modifier-50"), (*_EAR, REF_MODIFIERS),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: chronic tympanic membrane perforation with an eroded incus, left ear. "
            "Procedure: tympanoplasty through a postauricular approach without mastoidectomy; a titanium "
            "partial ossicular replacement prosthesis was placed and the drum grafted with temporalis "
            "fascia. Which is reported?",
            ("69633-LT", "Tympanoplasty without mastoidectomy with ossicular reconstruction using a synthetic "
                         "prosthesis is 69633"),
            [("69632-LT", "69632 is ossicular reconstruction without a synthetic prosthesis"),
             ("69631-LT", "69631 is tympanoplasty without any ossicular reconstruction"),
             ("69642-LT", "69642 is tympanoplasty with mastoidectomy; no mastoidectomy was done")],
            ("operative-note", "ear"), _EAR,
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: bilateral profound sensorineural hearing loss. Procedure: right "
            "cochlear implant. Technique: a cortical mastoidectomy and facial recess approach, cochleostomy, "
            "electrode array inserted, receiver-stimulator seated in a bony well. Which is reported?",
            ("69930-RT", "Placing a cochlear implant is 69930, and the mastoidectomy that opens the way to the "
                         "cochlea is part of that code"),
            [("69930-RT, 69502-51-RT", "The mastoidectomy is part of the implantation code"),
             ("69930-50", "Only the right ear was implanted"),
             ("69930-22-RT", "A mastoidectomy is the usual approach and is not unusual work")],
            ("operative-note", "ear", "bundling"), _EAR,
        ),
    ]


def facts(rng: random.Random | None = None) -> list[Spec]:
    """Guideline, modifier and global-period questions (rng unused: every one is taken)."""
    return [
        _fact("When may the add-on code for use of an operating microscope be reported?",
              ("Only when the microscope is not already part of the primary procedure",
               "CPT lists procedures that already include the microscope; the add-on is not reported with "
               "those"),
              [("With every procedure in which a microscope is brought into the field",
                "Some procedures already include it"),
               ("Only for procedures on the ear, where the add-on is listed",
                "It can be used anywhere it is not already included"),
               ("Only as a stand-alone code when no other procedure is billed",
                "It is an add-on code and never stands alone")],
              ("add-on", "operating-microscope"), (REF_SURGERY, REF_MICRO)),
        _fact("A surgeon repairs a nerve under high-power surgical loupes. Does this support the operating "
              "microscope add-on?",
              ("No: loupes are not an operating microscope",
               "The add-on is for a surgical operating microscope; magnifying loupes do not qualify"),
              [("Yes, any magnification of 3x or more qualifies", "The add-on is defined by the microscope, "
                                                                  "not by the magnification"),
               ("Yes, if the repair took more than 30 minutes", "Time does not change what instrument was "
                                                                "used"),
               ("Yes, with modifier 22 on the repair", "Loupes are neither a microscope nor unusual work")],
              ("add-on", "operating-microscope"), (REF_SURGERY, REF_MICRO)),
        _fact("A transforaminal epidural injection is performed under fluoroscopy. How is the fluoroscopy "
              "reported?",
              ("It is not reported: the transforaminal codes include guidance",
               "The transforaminal injection codes include imaging guidance with fluoroscopy or CT"),
              [("With a fluoroscopic guidance code from the Radiology section", "Guidance is already included"),
               ("With a fluoroscopic guidance code and modifier 26 for the reading",
                "There is nothing separate to report"),
               ("With modifier 22 on the injection for the added imaging work",
                "Included guidance is not unusual work")],
              ("spinal-injection", "imaging-guidance"), _NERV),
        _fact("A paravertebral facet joint injection is done under CT guidance. How is the CT guidance "
              "reported?",
              ("It is included in the facet injection code",
               "Imaging guidance with fluoroscopy or CT is part of the facet joint injection codes"),
              [("With a CT guidance code", "The guidance is already included"),
               ("With a CT guidance code and modifier 59", "Modifier 59 cannot unbundle included guidance"),
               ("With modifier 52 on the injection", "Nothing was reduced")],
              ("facet-injection", "imaging-guidance"), _NERV),
        _fact("How are levels counted for the paravertebral facet joint injection codes?",
              ("By the facet joint level injected",
               "A level is the facet joint (or its nerves) at one spinal level, L4-L5 for example"),
              [("By the number of needles inserted into the joints", "Two needles into one joint are still one level"),
               ("By the number of vertebrae that the needles touch", "The joint, not each bone, is the level"),
               ("By the volume of drug injected, in milliliters", "Volume has nothing to do with the count")],
              ("facet-injection", "guidelines"), _NERV),
        _fact("The lumbar laminotomy codes for a herniated disc count what, for the primary code and its "
              "add-on?",
              ("Interspaces: the disc levels decompressed",
               "These codes are per interspace, with an add-on for each additional interspace"),
              [("Vertebral segments, as the laminectomy codes do", "Segments are the unit of the laminectomy "
                                                                   "codes for stenosis"),
               ("Nerve roots freed, one unit per root", "Roots are not the counting unit"),
               ("Skin incisions, one unit per incision", "One incision can reach two interspaces")],
              ("spine", "guidelines"), _NERV),
        _fact("Which of these is part of a cataract extraction and not reported separately?",
              ("Anterior capsulotomy",
               "CPT lists capsulotomy, iridectomy, viscoelastic, lateral canthotomy and subconjunctival "
               "injections among the parts of cataract surgery"),
              [("Repair of a retinal detachment", "That is a separate retinal procedure"),
               ("Blepharoplasty of the upper eyelid", "Eyelid surgery is separate"),
               ("Corneal transplant", "Keratoplasty is separate")],
              ("cataract", "bundling"), _EYE),
        _fact("The same surgeon removes the cataract of the right eye and, three weeks later within that "
              "operation's 90-day global period, the cataract of the left eye. Which modifiers go on the "
              "second surgery for Medicare?",
              ("79 and LT", "The left eye is unrelated to the right eye's global period (79), and LT names the "
                            "side"),
              [("78 and LT", "78 is an unplanned return to the operating room for a complication"),
               ("76 and LT", "76 is a repeat of the same procedure on the same site"),
               ("58 and LT", "58 is a staged or more extensive procedure on the same site")],
              ("cataract", "modifier-79", "laterality"), (*_EYE, REF_GLOBAL)),
        _fact("Both eyes receive an intravitreal drug injection at the same visit. How is the injection "
              "procedure reported under CPT?",
              ("With modifier 50 on the injection code",
               "The intravitreal injection code is unilateral; the same procedure on both eyes takes 50"),
              [("With the injection code twice and modifier 51", "A bilateral procedure takes 50, not 51"),
               ("With the injection code once, no modifier", "One unit reports one eye"),
               ("With modifier 76 on the second eye", "76 is a repeat procedure, not the other side")],
              ("intravitreal", "modifier-50"), (*_EYE, REF_MODIFIERS)),
        _fact("At the end of an operation the operating surgeon performs a peripheral nerve block for "
              "postoperative pain. How is the block reported?",
              ("It is not reported separately by the surgeon",
               "Postoperative pain management by the operating surgeon is part of the global package"),
              [("With the nerve block code", "The surgeon's own postoperative pain control is included"),
               ("With the nerve block code and modifier 59", "59 cannot unbundle global-package work"),
               ("With the nerve block code and modifier 47", "47 is anesthesia by the surgeon, not "
                                                             "postoperative pain control")],
              ("nerve-block", "global-surgery"), (REF_NCCI,)),
        _fact("At the surgeon's request, the anesthesiologist performs a peripheral nerve block for "
              "postoperative pain, separate from the general anesthetic. How may the anesthesiologist report "
              "it?",
              ("With the nerve block code, in addition to the anesthesia",
               "A postoperative pain block by the anesthesia provider at the surgeon's request is separately "
               "reportable when it is not the anesthetic for the surgery"),
              [("It is included in the anesthesia code for the surgery",
                "Only when the block is the surgical anesthetic"),
               ("By adding the block's time to the anesthesia time units",
                "The block has its own code and its time is not anesthesia time"),
               ("With modifier 47 on the block, as anesthesia for the surgery", "47 is for anesthesia by the surgeon")],
              ("nerve-block", "anesthesia"), (REF_NCCI,)),
        _fact("A lesion is removed from the patient's upper right eyelid. Which HCPCS Level II modifier "
              "identifies the site?",
              ("E3", "E3 identifies the upper right eyelid"),
              [("E1", "E1 identifies the upper left eyelid"),
               ("E4", "E4 identifies the lower right eyelid"),
               ("RT", "RT names the right side generally; the eyelid modifiers are more specific")],
              ("eyelid", "modifier"), ("HCPCS Level II modifiers (CMS)",)),
    ]

