"""Integumentary (10000 series) code selection from operative and procedure notes, the way the CPC asks it.

Each case is documentation written for this bank; CPT codes appear by number only. Distractors are
the errors coders make in this series: the lesion measured without its margins, benign and malignant
codes swapped, the wrong anatomic group of a repair, lengths added across groups or classifications,
simple closure reported with an excision, an excision reported with a flap, a missing add-on or an
add-on with modifier 51, the wrong toe modifier, imaging guidance reported on its own.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

DOMAIN = "CPT-10000"
REF = "CPT Integumentary System guidelines"
REF_SURG = "CPT Surgery section guidelines"
REF_MOD = "CPT Appendix A (modifiers)"
REF_NCCI = "NCCI Policy Manual ch. 3"
_TAGS = ("integumentary", "surgery", "code-selection")


_case = CaseMaker(DOMAIN, _TAGS, (REF,))


def cases() -> list[Spec]:
    return [
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: lesion of the upper back, suspicious for carcinoma. "
            "Procedure: a 2.4 cm lesion of the back was excised with 0.3 cm margins on each side. The 4.2 cm "
            "wound was closed in layers, subcutaneous tissue then skin. Pathology: basal cell carcinoma, "
            "margins clear. Which codes are reported?",
            ("11603, 12032-51", "The excised diameter is 2.4 + 0.3 + 0.3 = 3.0 cm, a malignant excision of the "
                                "trunk in the 2.1-3.0 cm range (11603); the layered closure of 4.2 cm on the "
                                "trunk is an intermediate repair (12032), reported in addition"),
            [("11602, 12032-51", "11602 uses the 2.4 cm lesion without its margins; the margins are part of "
                                 "the excised diameter"),
             ("11403, 12032-51", "The pathology is malignant, so the benign excision codes do not apply"),
             ("11603, 13101-51", "A two-layer closure without undermining, debridement of edges or retention "
                                 "sutures is intermediate, not complex")],
            ("operative-note", "lesion-excision", "wound-repair", "multi-code"),
        ),
        _case(
            "PROCEDURE NOTE, dermatologic surgery. A 0.8 cm pearly papule on the left nasal ala was excised "
            "with 0.2 cm margins all around and the defect, 2.0 cm long, was closed with buried deep sutures "
            "and a running skin suture. Pathology: nodular basal cell carcinoma. Which codes are reported?",
            ("11642, 12051-51", "0.8 + 0.2 + 0.2 = 1.2 cm: a malignant excision of the nose in the 1.1-2.0 cm "
                                "range (11642); the layered closure of a 2.0 cm facial wound is 12051"),
            [("11641, 12051-51", "11641 uses the lesion size alone; the margins are added to the diameter"),
             ("11442, 12051-51", "The lesion is a carcinoma, so the benign excision codes are wrong"),
             ("11642, 13151-51", "Deep sutures plus skin sutures are a layered (intermediate) closure; "
                                 "nothing documents the extra work of a complex repair")],
            ("lesion-excision", "wound-repair", "face", "multi-code"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: enlarging cyst of the right shoulder. A 0.9 cm cyst was excised with "
            "0.2 cm of normal skin on each side, and the wound was closed with a single layer of interrupted "
            "nylon sutures. Pathology: epidermoid inclusion cyst. Which is reported?",
            ("11402", "The excised diameter is 0.9 + 0.4 = 1.3 cm, a benign excision of the arm in the "
                      "1.1-2.0 cm range; a single-layer closure is included in the excision"),
            [("11401", "11401 is the 0.6-1.0 cm range: the lesion was measured without its margins"),
             ("11402, 12001-51", "Simple (one-layer) closure is part of every excision code and is not "
                                 "reported on its own"),
             ("11602", "The pathology is a benign cyst, so the malignant excision codes do not apply")],
            ("lesion-excision", "bundling"),
        ),
        _case(
            "EMERGENCY DEPARTMENT PROCEDURE NOTE. After a fall from a bicycle: a 3.1 cm laceration of the "
            "scalp, a 2.4 cm laceration of the right forearm and a 1.0 cm laceration of the back of the left "
            "hand, each closed with a single layer of sutures; a 1.5 cm laceration of the upper lip closed "
            "with one layer of fine sutures. Which codes are reported?",
            ("12002, 12011-51", "Scalp, forearm and hand are in one anatomic group of simple repair, so their "
                                "lengths are added (6.5 cm, 12002); the lip is in the face group and is coded "
                                "on its own (1.5 cm, 12011)"),
            [("12004", "The lip belongs to a different anatomic group; adding it gives 8.0 cm, but lengths "
                       "are only summed within one group"),
             ("12002, 12013-51", "The lip laceration is 1.5 cm, which is in the 2.5 cm or less range, not "
                                 "2.6-5.0 cm"),
             ("12002, 12051-51", "The lip was closed in a single layer: a simple repair, not intermediate")],
            ("wound-repair", "laceration", "multi-code"),
        ),
        _case(
            "PROCEDURE NOTE, urgent care. Two lacerations of the left leg after a fall on a trailer hitch: a "
            "5.0 cm gaping thigh wound closed in two layers (subcutaneous, then skin) and a 3.0 cm "
            "superficial shin wound closed with one layer of staples. Which codes are reported?",
            ("12032, 12002-59", "Repairs of different classifications are not added: the intermediate "
                                "repair (5.0 cm, 12032) is listed first and the simple repair (3.0 cm, "
                                "12002) second with modifier 59, as the repair guidelines direct"),
            [("12034", "Adding the two wounds as one 8.0 cm intermediate repair mixes two classifications"),
             ("12002, 12032-59", "The more complicated repair is listed as the primary procedure"),
             ("12032, 12001-59", "The simple repair is 3.0 cm, in the 2.6-7.5 cm range, not 2.5 cm or less")],
            ("wound-repair", "laceration", "modifier-59", "multi-code"),
            (REF, REF_MOD),
        ),
        _case(
            "WOUND CARE PROCEDURE NOTE. Stage 4 pressure ulcer of the sacrum. Using a curette and scissors, "
            "necrotic tissue was excised down to and including the gluteal muscle; the debrided area measured "
            "7 cm by 4 cm. Which codes are reported?",
            ("11043, 11046", "The deepest tissue removed is muscle; 28 sq cm is the first 20 sq cm (11043) "
                             "plus one unit of the add-on for the next 20 sq cm or part of it (11046)"),
            [("11043, 11046-51", "Add-on codes are exempt from modifier 51"),
             ("11042, 11045", "Muscle was removed, so the subcutaneous-level codes understate the depth"),
             ("11043", "The area is 28 sq cm; the 8 sq cm beyond the first 20 needs the add-on")],
            ("debridement", "add-on", "multi-code"),
        ),
        _case(
            "WOUND CLINIC NOTE. Two diabetic foot wounds were debrided at one visit: on the right heel, 15 sq "
            "cm of necrotic subcutaneous tissue was excised; on the right first metatarsal head, 10 sq cm of "
            "tissue including exposed infected bone was removed. Which codes are reported?",
            ("11044, 11042-59", "Areas are added only for wounds at the same depth: the bone-depth wound is "
                                "11044 and the subcutaneous-depth wound 11042, the second marked distinct"),
            [("11044, 11047", "This adds both wounds (25 sq cm) at the deepest level; sums of different "
                              "depths are not combined"),
             ("11042, 11045", "This adds both wounds at the shallowest level and ignores the bone removal"),
             ("11043, 11042-59", "Bone was removed from the metatarsal wound, so the bone-depth code applies, "
                                 "not the muscle-depth one")],
            ("debridement", "modifier-59", "multi-code"),
            (REF, REF_MOD),
        ),
        _case(
            "CLINIC PROCEDURE NOTE. At the patient's request, 22 pedunculated skin tags of the neck and both "
            "axillae were removed with sterile scissors and the bases cauterized. Which codes are reported?",
            ("11200, 11201", "The first 15 tags are one unit of 11200; the remaining 7 fall within one "
                             "unit of the add-on 11201, which counts further tags in blocks of up to ten"),
            [("11200, 11201 x 2", "Seven extra tags are one block of ten, so one unit of the add-on"),
             ("17110", "Destruction of benign lesions other than skin tags: skin tag removal has its own codes"),
             ("11200 x 2", "11200 covers up to 15 tags once; more are reported with the add-on")],
            ("skin-tags", "add-on", "units", "multi-code"),
        ),
        _case(
            "DERMATOLOGY PROCEDURE NOTE. Three lesions sampled for diagnosis: a punch biopsy of a lesion of "
            "the left forearm, and tangential (shave) biopsies of one lesion of the back and one of the "
            "chest. Which codes are reported?",
            ("11104, 11103 x 2", "When different biopsy techniques are used, only one primary code is "
                                 "reported (punch, 11104) and every other biopsy is reported with the add-on "
                                 "of its own technique (tangential, 11103 x 2)"),
            [("11104, 11102, 11103", "Only one primary biopsy code is reported per session, whatever the mix "
                                     "of techniques"),
             ("11104, 11105 x 2", "11105 is the punch add-on; the other two biopsies were tangential"),
             ("11104, 11103", "Two tangential biopsies were taken, so the add-on is reported twice")],
            ("biopsy", "add-on", "units", "multi-code"),
        ),
        _case(
            "PROCEDURE NOTE. A raised 0.7 cm intradermal nevus of the nasal tip was removed by horizontal "
            "slicing with a flexible blade at the level of the dermis; no sutures were needed. The intent was "
            "removal of the lesion. Which is reported?",
            ("11311", "A shave removal is a horizontal slice without full-thickness excision; on the nose, "
                      "0.6-1.0 cm is 11311"),
            [("11301", "11301 is the trunk, arms and legs; the nose is in the face group"),
             ("11441", "An excision code needs full-thickness removal through the dermis"),
             ("11102", "The purpose was to remove the lesion, not to take a sample, so a biopsy code "
                       "does not apply")],
            ("shave-removal",),
        ),
        _case(
            "DERMATOLOGY NOTE. Twelve actinic keratoses on the forearms and the backs of the hands were "
            "treated with liquid nitrogen cryotherapy. Which codes are reported?",
            ("17000, 17003 x 11", "Premalignant destruction: the first lesion is 17000 and lesions 2 through "
                                  "14 are each one unit of 17003, so eleven units"),
            [("17004", "17004 is reported alone only when 15 or more lesions are destroyed"),
             ("17000, 17003 x 12", "This counts the first lesion twice: 17003 starts with the second lesion"),
             ("17110, 17003 x 11", "17110 is destruction of benign lesions such as warts; actinic keratoses "
                                   "are premalignant")],
            ("destruction", "units", "multi-code"),
        ),
        _case(
            "MOHS SURGERY NOTE. Basal cell carcinoma of the right nasal sidewall. Stage I: 4 tissue blocks, "
            "positive at the superior margin. Stage II: 2 tissue blocks, clear. The surgeon removed the tissue "
            "and read every frozen section. Which codes are reported?",
            ("17311, 17312", "Head and neck Mohs: the first stage with up to 5 blocks is 17311 and each "
                             "additional stage with up to 5 blocks is 17312"),
            [("17313, 17314", "17313 and 17314 are the trunk, arm and leg Mohs codes"),
             ("17311 x 2", "The second stage is reported with the additional-stage add-on"),
             ("17311, 17312, 17315", "17315 is for each block beyond the fifth in a stage; neither stage "
                                     "had more than 5")],
            ("mohs", "add-on", "multi-code"),
        ),
        _case(
            "PODIATRY PROCEDURE NOTE. Painful ingrown nail, medial border, right great toe, with a "
            "hypertrophied, overhanging nail fold and no abscess. After a digital block, a wedge of the "
            "medial nail fold skin was excised down to the nail edge; the nail plate and the matrix were "
            "left intact. Which is reported?",
            ("11765-T5", "Wedge excision of the nail fold skin for an ingrown nail is 11765; T5 identifies "
                         "the right great toe"),
            [("11750-T5", "11750 is permanent removal of nail plate and matrix; both were left intact"),
             ("11730-T5", "11730 is avulsion of the nail plate; the plate was left and only the fold skin "
                          "was excised"),
             ("11765-TA", "TA is the left great toe")],
            ("nails", "modifier", "laterality"),
            (REF, "HCPCS Level II modifiers (CMS)"),
        ),
        _case(
            "PODIATRY PROCEDURE NOTE. Onychomycosis with painful thickened nails of the left foot. Under "
            "local block, the nail plates of the great, second and third toes were avulsed; matrices were not "
            "treated. Which codes are reported?",
            ("11730-TA, 11732-T1, 11732-T2", "The first nail avulsion is 11730 and each additional nail "
                                             "is the add-on 11732, with TA, T1 and T2 for the left great, "
                                             "second and third toes"),
            [("11730-TA, 11730-T1, 11730-T2", "Additional nails are reported with the add-on code, not "
                                              "with the primary code again"),
             ("11730-TA, 11732-T1-51, 11732-T2-51", "Add-on codes are exempt from modifier 51"),
             ("11730-T5, 11732-T6, 11732-T7", "T5, T6 and T7 are the right foot; the procedure was on the "
                                              "left foot")],
            ("nails", "add-on", "modifier", "multi-code"),
            (REF, "HCPCS Level II modifiers (CMS)"),
        ),
        _case(
            "ED PROCEDURE NOTE. Large multiloculated abscess of the left axilla. Incision made, loculations "
            "broken up bluntly, copious purulence evacuated, cavity irrigated and packed with iodoform "
            "gauze; a drain was left in place. Which is reported?",
            ("10061", "Breaking up loculations, packing and leaving a drain make the drainage complicated"),
            [("10060", "10060 is a simple or single drainage without the work documented here"),
             ("10140", "10140 is drainage of a hematoma, seroma or fluid collection, not an abscess"),
             ("10160", "10160 is needle aspiration; the abscess was incised")],
            ("incision-drainage",),
        ),
        _case(
            "PROCEDURE NOTE. Glass fragment in the subcutaneous tissue of the right forearm, seen on X-ray. "
            "The wound was opened, and the fragment found after dissection through scar tissue and "
            "removed; the incision was closed with one layer of sutures. Which is reported?",
            ("10121", "Removal that needs incision and dissection to find the object is the complicated "
                      "subcutaneous foreign body code"),
            [("10120", "10120 is a simple removal that needs no dissection"),
             ("20520", "20520 is removal of a foreign body from muscle or tendon sheath; this was "
                       "subcutaneous"),
             ("10121, 12002-51", "The simple closure of the incision is part of the removal")],
            ("foreign-body", "bundling"),
        ),
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: nonhealing traumatic wound, right thigh. Procedure: the "
            "150 sq cm wound bed was excised of granulation and scar tissue to prepare it for grafting; a "
            "split-thickness autograft harvested from the left thigh was meshed and applied over all 150 sq "
            "cm. Which codes are reported?",
            ("15100, 15101, 15002-51, 15003", "The split graft of the thigh (trunk, arms and legs group) is "
                                              "15100 for the first 100 sq cm plus one unit of 15101 for the "
                                              "other 50; preparing the 150 sq cm bed is 15002 plus one unit "
                                              "of 15003. The graft, the higher-valued primary procedure, is "
                                              "listed first, 15002 takes 51 and the add-ons take none"),
            [("15100, 15101", "Excision of scar and granulation to create a graftable bed is reported in "
                              "addition to the graft"),
             ("15100, 15002-51", "Both the preparation and the graft exceed 100 sq cm, so each needs its "
                                 "add-on"),
             ("15120, 15121, 15004-51, 15005", "15120 and 15004 are for the face, scalp, neck, hands, feet "
                                               "and similar areas; the thigh is in the trunk, arms and legs "
                                               "group")],
            ("operative-note", "skin-graft", "add-on", "multi-code"),
        ),
        _case(
            "OPERATIVE NOTE. Postoperative diagnosis: squamous cell carcinoma of the nasal tip. A 1.0 cm "
            "lesion was excised with 0.3 cm margins on each side. The defect, 3 sq cm, was covered with a "
            "full-thickness graft from the left preauricular skin; donor site closed directly. Which codes "
            "are reported?",
            ("15260, 11642-51", "A free graft does not include the excision: the full-thickness graft of the "
                                "nose (15260) and the 1.6 cm malignant excision of the nose (11642) are "
                                "both reported"),
            [("15260", "Only adjacent tissue transfer includes the excision; a free skin graft does not"),
             ("14060, 11642-51", "Skin was taken from a distant donor site: that is a free graft, not an "
                                 "adjacent tissue transfer"),
             ("15260, 11641-51", "11641 leaves out the margins: 1.0 + 0.3 + 0.3 is 1.6 cm")],
            ("operative-note", "skin-graft", "lesion-excision", "multi-code"),
        ),
        _case(
            "OPERATIVE NOTE. Basal cell carcinoma of the left cheek was excised, and the defect was closed "
            "with a rotation flap raised from the adjacent cheek skin. Primary defect plus flap area measured "
            "12 sq cm. Which is reported?",
            ("14041", "Adjacent tissue transfer of the cheek covering 10.1-30.0 sq cm is 14041; the "
                      "excision of the lesion is included in the flap"),
            [("14041, 11642-51", "The excision of a lesion is included in adjacent tissue transfer"),
             ("14040", "14040 is 10 sq cm or less; the area, defect plus flap, is 12 sq cm"),
             ("14061", "14061 is for the eyelids, nose, ears and lips; the cheek is in the forehead, "
                       "cheeks, chin group")],
            ("adjacent-tissue-transfer", "bundling"),
        ),
        _case(
            "PROCEDURE NOTE, breast imaging suite. A 1.4 cm solid mass in the right breast was sampled with "
            "a 14-gauge core needle under ultrasound guidance, and a marker clip was placed at the site. "
            "Which is reported?",
            ("19083-RT", "Percutaneous breast biopsy with ultrasound guidance and clip placement is one code, "
                         "which includes the guidance and the marker"),
            [("19083-RT, 76942-RT", "Ultrasound guidance is included in the breast biopsy code"),
             ("19081-RT", "19081 is the stereotactic-guided biopsy; this one used ultrasound"),
             ("19100-RT", "19100 is a core biopsy without imaging guidance")],
            ("breast", "biopsy", "imaging-guidance"),
        ),
        _case(
            "PROCEDURE NOTE. Two separate masses of the left breast, one at 2 o'clock and one at 8 o'clock, "
            "were each biopsied with a core needle under ultrasound guidance, with a clip placed at each "
            "site. Which codes are reported?",
            ("19083-LT, 19084-LT", "The first lesion is 19083 and each additional lesion with the same "
                                   "guidance is the add-on 19084"),
            [("19083-50", "Modifier 50 is for both breasts; both lesions are in the left breast"),
             ("19083-LT, 19084-LT, 76942", "Ultrasound guidance is included in both codes"),
             ("19083-LT x 2", "The second lesion is reported with the add-on, not the primary code again")],
            ("breast", "biopsy", "add-on", "multi-code"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: ductal carcinoma in situ, right breast. Procedure: total removal of "
            "the right breast tissue without removal of axillary lymph nodes or pectoral muscle, then "
            "placement of a silicone implant at the same operation. Which codes are reported?",
            ("19303-RT, 19340-RT", "Complete simple mastectomy is 19303; an implant placed at the same "
                                   "operation is the immediate-insertion add-on 19340"),
            [("19303-RT, 19342-RT", "19342 is a delayed implant inserted at a later operation"),
             ("19307-RT, 19340-RT", "19307 is a modified radical mastectomy, which removes axillary "
                                    "lymph nodes"),
             ("19303-RT, 19340-51-RT", "19340 is an add-on code and is exempt from modifier 51")],
            ("operative-note", "breast", "add-on", "multi-code"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: invasive ductal carcinoma of the left breast, 1.8 cm. Procedure: "
            "wide local excision of the tumor with a rim of normal breast tissue; margins inked and sent. No "
            "axillary surgery was done. Which is reported?",
            ("19301-LT", "Removal of a breast cancer with a margin of normal tissue is a partial mastectomy"),
            [("19302-LT", "19302 includes axillary lymphadenectomy, which was not done"),
             ("19120-LT", "19120 removes a breast lesion without the aim of clear margins; excising a "
                          "known cancer with a rim of normal tissue is a partial mastectomy"),
             ("19303-LT", "19303 removes the whole breast; only part was removed")],
            ("breast",),
        ),
        _case(
            "BURN UNIT NOTE. Partial-thickness burns of the chest, abdomen and right arm, estimated at 12% "
            "of body surface, were debrided of blisters and dressed at the bedside without anesthesia. Which "
            "is reported?",
            ("16030", "Dressing and debridement of partial-thickness burns over more than 10% of body "
                      "surface is the large burn code"),
            [("16025", "16025 is the medium burn code, for 5-10% of body surface"),
             ("16020", "16020 is the small burn code, for less than 5% of body surface"),
             ("11042", "Burn debridement has its own codes in the burns subsection")],
            ("burns",),
        ),
        _case(
            "OPERATIVE NOTE. Recurrent pilonidal disease with multiple sinus tracts. Procedure: the cyst and "
            "all sinus tracts were excised en bloc down to the sacral fascia, and the wound was closed over a "
            "drain with layered sutures. Which is reported?",
            ("11771", "Excision of a pilonidal cyst or sinus with multiple tracts is the extensive code"),
            [("11770", "11770 is the simple excision, without the extensive tract dissection"),
             ("10081", "10081 is incision and drainage of a pilonidal cyst; the cyst was excised"),
             ("11771, 12032-51", "Closure of the pilonidal wound is part of the excision code")],
            ("pilonidal", "bundling"),
        ),
        _case(
            "PROCEDURE NOTE. Benign-appearing lesions excised: a 1.2 cm nevus of the upper back (excised "
            "diameter with margins) and a 0.8 cm nevus of the side of the neck (excised diameter with "
            "margins), each closed with one layer. Pathology: compound nevi. Which codes are reported?",
            ("11402, 11421-51", "Each excised lesion is coded on its own: the back is in the trunk group "
                                "(1.1-2.0 cm, 11402) and the neck in the scalp, neck, hands, feet group "
                                "(0.6-1.0 cm, 11421)"),
            [("11402, 11401-51", "The neck is not in the trunk, arms and legs group"),
             ("11403", "Lesion excisions are reported one by one, never added together"),
             ("11602, 11621-51", "Both nevi are benign, so the malignant excision codes are wrong")],
            ("lesion-excision", "multi-code"),
        ),
        _case(
            "ED PROCEDURE NOTE. A 9.0 cm jagged laceration of the abdominal wall (skin and subcutaneous "
            "tissue, fascia intact) from a fall onto sheet metal was repaired: the ragged, contaminated edges "
            "were debrided, the skin widely undermined and closed in layers with retention sutures. Which "
            "codes are reported?",
            ("13101, 13102", "Debridement of the wound edges, extensive undermining and retention sutures "
                             "make the repair complex; on the trunk 13101 covers 2.6-7.5 cm and every further "
                             "length of up to 5 cm adds one unit of 13102, so 9.0 cm needs one unit"),
            [("13101, 13102 x 2", "Only 1.5 cm lies beyond 7.5 cm, so one unit of the add-on"),
             ("12034", "Debrided edges, wide undermining and retention sutures go beyond intermediate "
                       "(layered) repair"),
             ("13101, 13102-51", "13102 is an add-on code and is exempt from modifier 51")],
            ("wound-repair", "add-on", "multi-code"),
        ),
        _case(
            "PROCEDURE NOTE. A 2 cm firm subcutaneous nodule of the right side of the neck was sampled by "
            "fine needle aspiration, three passes, under real-time ultrasound guidance. No other lesion was "
            "sampled. Which is reported?",
            ("10005", "Fine needle aspiration biopsy with ultrasound guidance, first lesion, is 10005; the "
                      "guidance is part of the code"),
            [("10021", "10021 is fine needle aspiration without imaging guidance"),
             ("10005, 76942", "Ultrasound guidance is included in the guided aspiration code"),
             ("10009", "10009 is the CT-guided aspiration code")],
            ("fine-needle-aspiration", "imaging-guidance"),
        ),
        _case(
            "OPERATIVE NOTE. Eight days ago this surgeon excised a squamous cell carcinoma of the left upper "
            "arm (excision code with a 10-day global period). Pathology showed a positive deep margin, so, as "
            "planned in that case, the patient returns for a wider re-excision: excised diameter now 3.5 cm, "
            "simple closure. Which is reported?",
            ("11604-58", "A re-excision for positive margins during the global period is a staged, more "
                         "extensive procedure by the same surgeon (58); the 3.5 cm malignant excision of the "
                         "arm is 11604"),
            [("11604-78", "78 is an unplanned return to the operating room for a complication; a margin "
                          "re-excision is the planned next stage"),
             ("11604-79", "79 is for a procedure unrelated to the first one; this treats the same cancer"),
             ("11602-76", "76 repeats the same procedure on the same day, and 11602 ignores the larger "
                          "excised diameter")],
            ("operative-note", "modifier-58", "global-surgery"),
            (REF, REF_MOD),
        ),
        _case(
            "OFFICE NOTE. Established patient seen for hypertension, stable on lisinopril, which is renewed "
            "after history, examination and discussion (low-complexity decision making, fully documented). "
            "The physician also notes a changing 6 mm lesion of the back and takes a tangential biopsy at "
            "the same visit. Which codes are reported?",
            ("99213-25, 11102", "The hypertension visit is significant and separately identifiable from the "
                                "biopsy, so the E/M takes modifier 25 and the tangential biopsy is 11102"),
            [("99213, 11102", "Without modifier 25 the E/M on the day of a minor procedure is bundled into "
                              "the procedure"),
             ("99213-57, 11102", "57 marks the decision for major surgery; a biopsy has a 0-day global "
                                 "period"),
             ("11102", "The blood pressure management goes beyond the usual pre-procedure evaluation and "
                       "is reported")],
            ("modifier-25", "biopsy", "multi-code"),
            (REF, REF_MOD),
        ),
    ]
