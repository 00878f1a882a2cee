"""Musculoskeletal (20000 series) code selection from operative and procedure notes, the way the CPC asks it.

Each case is documentation written for this bank; CPT codes appear by number only. Distractors are
the errors coders make in this series: closed, percutaneous and open fracture treatment confused,
manipulation assumed or missed, the first cast reported with the fracture care, a diagnostic
arthroscopy or chondroplasty reported with the surgical arthroscopy, open and endoscopic codes
swapped, skin-lesion codes used for a soft tissue tumor, add-ons missed or given modifier 51, the
wrong digit modifier, drug units miscounted.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

DOMAIN = "CPT-20000"
REF = "CPT Musculoskeletal System guidelines"
REF_MOD = "CPT Appendix A (modifiers)"
REF_HCPCS = "HCPCS Level II modifiers (CMS)"
REF_NCCI = "NCCI Policy Manual ch. 4"
_TAGS = ("musculoskeletal", "surgery", "code-selection")


_case = CaseMaker(DOMAIN, _TAGS, (REF,))


def cases() -> list[Spec]:
    return [
        _case(
            "ORTHOPEDIC PROCEDURE NOTE. Fall on an outstretched right hand. X-rays: dorsally angulated "
            "extra-articular fracture of the distal radius. Under a hematoma block, the fracture was reduced "
            "by traction and pressure, alignment confirmed, and a short arm fiberglass cast applied. The "
            "orthopedist will follow the fracture. Which is reported?",
            ("25605-RT", "Closed treatment of a distal radius fracture with manipulation; the first cast is "
                         "part of the fracture care"),
            [("25605-RT, 29075-RT", "The initial cast applied by the physician treating the fracture is "
                                    "included in the fracture code"),
             ("25600-RT", "25600 is without manipulation; the fracture was reduced"),
             ("25607-RT", "25607 is open treatment; the fracture site was not opened")],
            ("fracture-care", "casting", "bundling"),
        ),
        _case(
            "OPERATIVE NOTE. Postoperative diagnosis: comminuted intra-articular fracture of the left distal "
            "radius with three major fragments. Procedure: through a volar approach the fracture was exposed, "
            "the articular surface reduced and fixed with a locking plate and screws. Which is reported?",
            ("25609-LT", "Open treatment of an intra-articular distal radius fracture with three or more "
                         "fragments is 25609"),
            [("25608-LT", "25608 is for an intra-articular fracture with two fragments"),
             ("25607-LT", "25607 is for an extra-articular fracture; this one entered the joint"),
             ("25606-LT", "25606 is percutaneous fixation; the fracture was exposed and plated")],
            ("operative-note", "fracture-care"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: displaced fracture of both the lateral and the medial malleolus, right "
            "ankle. Procedure: the fibula was plated through a lateral incision and the medial malleolus fixed "
            "with two lag screws through a medial incision. The posterior malleolus was intact. Which is "
            "reported?",
            ("27814-RT", "Open treatment of a fracture of both malleoli is one bimalleolar code"),
            [("27792-RT, 27766-RT", "When both malleoli are fixed, the bimalleolar code replaces separate "
                                    "lateral and medial malleolus codes"),
             ("27822-RT", "27822 is for a trimalleolar fracture; the posterior malleolus was intact"),
             ("27810-RT", "27810 is closed treatment; both fractures were opened and fixed")],
            ("operative-note", "fracture-care"),
        ),
        _case(
            "OPERATIVE NOTE. Left intertrochanteric femur fracture after a fall at home. Under fluoroscopy the "
            "fracture was reduced on the fracture table, and a cephalomedullary nail with a lag screw into "
            "the femoral head was inserted through a small incision above the greater trochanter. Which is "
            "reported?",
            ("27245-LT", "Treatment of an intertrochanteric fracture with an intramedullary implant is "
                         "27245; nail insertion counts as open treatment"),
            [("27244-LT", "27244 is fixation with a plate and screw implant; an intramedullary nail was "
                          "used"),
             ("27236-LT", "27236 is replacement of the femoral head for a femoral neck fracture"),
             ("27506-LT", "27506 is intramedullary nailing of a femoral shaft fracture, not an "
                          "intertrochanteric one")],
            ("operative-note", "fracture-care", "hip"),
        ),
        _case(
            "OPERATIVE NOTE. An 84-year-old with a displaced subcapital fracture of the right femoral neck. "
            "Through a posterior approach the femoral head was removed and a cemented bipolar hemiarthroplasty "
            "inserted; the acetabulum was not replaced. Which is reported?",
            ("27236-RT", "Open treatment of a femoral neck fracture with prosthetic replacement of the head "
                         "is 27236"),
            [("27125-RT", "27125 is a hemiarthroplasty done for joint disease; the reason here is a fracture"),
             ("27130-RT", "27130 is a total hip replacement; the acetabulum was not replaced"),
             ("27235-RT", "27235 is percutaneous fixation of the fracture with no replacement")],
            ("operative-note", "fracture-care", "hip"),
        ),
        _case(
            "PROCEDURE NOTE, orthopedic office. Bilateral knee osteoarthritis. Under real-time ultrasound "
            "guidance, with images recorded, each knee joint was injected with corticosteroid. The payer "
            "follows CPT bilateral rules (one line, modifier 50). Which is reported for the procedure?",
            ("20611-50", "A major joint injection with ultrasound guidance and a permanent image record is "
                         "20611; both knees at one session take modifier 50"),
            [("20610-50", "20610 is without ultrasound guidance; guidance was used and recorded"),
             ("20611-50, 76942", "Ultrasound guidance is included in 20611 and not reported on its own"),
             ("20611-RT", "Both knees were injected, so a single-side modifier understates the service")],
            ("joint-injection", "modifier-50", "imaging-guidance"),
            (REF, REF_MOD),
        ),
        _case(
            "OPERATIVE NOTE. Right shoulder arthroscopy. Findings: full-thickness supraspinatus tear, "
            "subacromial spur. Procedure: the tear was repaired with two suture anchors, and the anterior "
            "acromion was shaved down (acromioplasty) with release of the coracoacromial ligament, all "
            "arthroscopically. Which codes are reported?",
            ("29827-RT, 29826-RT", "Arthroscopic rotator cuff repair is 29827; arthroscopic subacromial "
                                   "decompression is the add-on 29826, reported with it"),
            [("29827-RT, 29826-51-RT", "29826 is an add-on code and is exempt from modifier 51"),
             ("29827-RT, 23130-RT", "23130 is an open acromioplasty; this was done through the arthroscope"),
             ("29827-RT, 29822-RT, 29826-RT", "Limited debridement in the same shoulder is included in the "
                                              "cuff repair")],
            ("operative-note", "arthroscopy", "add-on", "multi-code"),
        ),
        _case(
            "OPERATIVE NOTE. Left knee arthroscopy. Findings: complex tear of the posterior horn of the medial "
            "meniscus; grade 3 chondral fraying of the medial femoral condyle. Procedure: diagnostic "
            "survey, partial medial meniscectomy, and shaving of the unstable cartilage of the medial "
            "femoral condyle. Which is reported?",
            ("29881-LT", "A medial meniscectomy code includes shaving of cartilage in the same knee and the "
                         "diagnostic survey"),
            [("29881-LT, 29877-LT", "Chondroplasty is included in the meniscectomy code for the same knee"),
             ("29880-LT", "29880 is for both the medial and the lateral meniscus"),
             ("29881-LT, 29870-LT", "The diagnostic arthroscopy is part of every surgical arthroscopy")],
            ("operative-note", "arthroscopy", "bundling"),
            (REF, REF_NCCI),
        ),
        _case(
            "OPERATIVE NOTE. Right knee arthroscopy for mechanical locking. Tears were found in both the "
            "medial and the lateral menisci; partial meniscectomy was performed in each compartment. The "
            "articular cartilage was intact. Which is reported?",
            ("29880-RT", "Meniscectomy of both the medial and the lateral meniscus in one knee has its own "
                         "code"),
            [("29881-RT, 29881-59-RT", "One code exists for both menisci; 29881 is not reported twice"),
             ("29881-50", "Modifier 50 means both knees; both menisci of one knee were treated"),
             ("29880-RT, 29877-RT", "No chondroplasty was done, and it would be included anyway")],
            ("operative-note", "arthroscopy"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: carpal tunnel syndrome, right wrist, failed splinting. Procedure: "
            "through a single small wrist-crease portal, an endoscope was passed and the transverse carpal "
            "ligament divided under direct vision. Which is reported?",
            ("29848-RT", "Endoscopic release of the transverse carpal ligament is reported from the "
                         "arthroscopy codes of the musculoskeletal series"),
            [("64721-RT", "64721 is the open carpal tunnel release; an endoscope was used"),
             ("20526-RT", "20526 is an injection into the carpal tunnel"),
             ("25111-RT", "25111 is excision of a wrist ganglion")],
            ("operative-note", "endoscopy"),
        ),
        _case(
            "PAIN CLINIC NOTE. Myofascial pain of the neck and upper back. Trigger points were injected with "
            "lidocaine in the left trapezius, the left levator scapulae and the left rhomboid major. Which is "
            "reported for the injections?",
            ("20553", "Trigger point injections in three or more muscles are reported once with 20553"),
            [("20552", "20552 is for one or two muscles; three muscles were injected"),
             ("20552 x 3", "Trigger point codes are reported once per session by the number of muscles"),
             ("20553 x 3", "20553 is reported once, not per muscle")],
            ("injection", "units"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: symptomatic dorsal ganglion cyst, left wrist, not previously "
            "treated. Procedure: the cyst and its stalk were dissected down to the scapholunate joint "
            "capsule and excised. Which is reported?",
            ("25111-LT", "Excision of a primary ganglion of the wrist is 25111"),
            [("25112-LT", "25112 is for a recurrent ganglion; this one was never treated"),
             ("20612-LT", "20612 is aspiration or injection of a ganglion; the cyst was excised"),
             ("26160-LT", "26160 is a tendon sheath or joint lesion of the hand or finger")],
            ("operative-note", "soft-tissue"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: lipoma of the back. Procedure: a 4.0 cm soft, lobulated mass lying in "
            "the subcutaneous fat above the muscle fascia was excised through an elliptical incision. "
            "Pathology: lipoma. Which is reported?",
            ("21931", "Excision of a subcutaneous soft tissue tumor of the back 3 cm or larger is 21931"),
            [("21930", "21930 is for a subcutaneous tumor smaller than 3 cm"),
             ("21932", "21932 is for a tumor under the fascia; this one was above it"),
             ("11406", "Skin lesion excision codes do not apply to a tumor of the subcutaneous soft tissue")],
            ("operative-note", "soft-tissue"),
        ),
        _case(
            "ED PROCEDURE NOTE. Nasal bones displaced to the left after a punch. Under topical and local "
            "anesthesia, the bones were elevated and moulded back into line with an elevator and finger "
            "pressure; no packing or splint was needed. Which is reported?",
            ("21315", "Closed reduction of a nasal bone fracture without stabilization is 21315"),
            [("21320", "21320 is closed reduction with stabilization; no splint or packing was used"),
             ("21310", "21310 is closed treatment without manipulation; the bones were reduced"),
             ("30520", "30520 is a septoplasty, a procedure on the septum, not a fracture reduction")],
            ("fracture-care", "head"),
        ),
        _case(
            "OPERATIVE NOTE. Midshaft fracture of the right humerus with radial nerve intact. Procedure: "
            "antegrade intramedullary nail inserted through the rotator interval and locked proximally and "
            "distally under fluoroscopy. Which is reported?",
            ("24516-RT", "Treatment of a humeral shaft fracture with an intramedullary implant is 24516"),
            [("24515-RT", "24515 is fixation with a plate and screws"),
             ("24505-RT", "24505 is closed treatment with manipulation; an implant was inserted"),
             ("24500-RT", "24500 is closed treatment without manipulation")],
            ("operative-note", "fracture-care"),
        ),
        _case(
            "ED PROCEDURE NOTE. Anterior dislocation of the left shoulder during a volleyball game; no "
            "fracture on X-ray. Reduced by external rotation while the patient relaxed, with no anesthesia "
            "or sedation given. Which is reported?",
            ("23650-LT", "Closed treatment of a shoulder dislocation with manipulation, done without "
                         "anesthesia, is 23650"),
            [("23655-LT", "23655 is the same reduction when it requires anesthesia; none was given"),
             ("23665-LT", "23665 is for a dislocation with a fracture of the greater tuberosity"),
             ("23660-LT", "23660 is open treatment of the dislocation")],
            ("dislocation",),
        ),
        _case(
            "HAND CLINIC NOTE. Angulated transverse fracture of the shaft of the proximal phalanx of the "
            "right ring finger. Under a digital block the fracture was reduced, found stable, and buddy-taped "
            "with a gutter splint. Which is reported?",
            ("26725-F8", "Closed treatment of a phalangeal shaft fracture with manipulation is 26725; F8 is "
                         "the fourth digit (ring finger) of the right hand"),
            [("26720-F8", "26720 is without manipulation; the fracture was reduced"),
             ("26727-F8", "26727 is percutaneous pinning of an unstable fracture; this one was stable"),
             ("26725-F3", "F3 is the fourth digit of the left hand")],
            ("fracture-care", "modifier", "laterality"),
            (REF, REF_HCPCS),
        ),
        _case(
            "INTERVENTIONAL SPINE NOTE. Painful osteoporotic compression fractures of T12 and L1. At each "
            "level a balloon was inflated through a transpedicular cannula to restore height, then cement "
            "was injected under fluoroscopy. Which codes are reported?",
            ("22513, 22515", "Kyphoplasty: one primary code for the first level (thoracic, 22513) and the "
                             "add-on 22515 for each additional thoracic or lumbar level"),
            [("22513, 22514", "Only one primary kyphoplasty code is reported per session; the lumbar level "
                              "is an additional level"),
             ("22510, 22512", "Those are vertebroplasty codes: no balloon cavity is made in vertebroplasty"),
             ("22513, 22515-51", "22515 is an add-on code and is exempt from modifier 51")],
            ("spine", "add-on", "multi-code"),
        ),
        _case(
            "OPERATIVE NOTE. Cervical spondylotic myelopathy. Procedure: anterior discectomy and interbody "
            "fusion at C5-C6 and C6-C7, a stand-alone PEEK cage (no integral screws or flanges) placed in each "
            "disc space, and a separate anterior plate fixed with screws to C5, C6 and C7. Which codes are "
            "reported (bone graft aside)?",
            ("22551, 22552, 22853 x 2, 22845", "22551 covers the first interspace including the "
                                               "discectomy and 22552 the second; 22853 is per interspace "
                                               "(two cages); the plate is instrumentation separate from the "
                                               "cages, and over three vertebral segments it is 22845"),
            [("22551 x 2, 22853 x 2, 22846", "The second interspace uses the add-on 22552, and 22846 is for "
                                             "4 to 7 segments; C5 to C7 is 3"),
             ("22551, 22552, 22853, 22845", "A cage was placed in each of two interspaces, so 22853 twice"),
             ("22551, 22552, 22853 x 2, 22845, 63075", "The discectomy is included in the anterior fusion "
                                                       "codes")],
            ("operative-note", "spine", "add-on", "multi-code"),
        ),
        _case(
            "OPERATIVE NOTE. Primary osteoarthritis of the right knee. Procedure: the distal femur and "
            "proximal tibia were resurfaced with cemented components and the patella with a polyethylene "
            "button, through a medial parapatellar approach. The left knee was not operated. Which is "
            "reported?",
            ("27447-RT", "Replacement of the femoral and tibial surfaces, with or without the patella, is "
                         "the total knee code"),
            [("27446-RT", "27446 replaces one compartment only; both femoral condyles and the tibia were "
                          "resurfaced"),
             ("27487-RT", "27487 is a revision of a previous knee replacement; this was a primary operation"),
             ("27447-50", "Only the right knee was replaced")],
            ("operative-note", "arthroplasty"),
        ),
        _case(
            "OPERATIVE NOTE. Acute rupture of the left Achilles tendon, 2 days old. Procedure: through a "
            "posteromedial incision the tendon ends were reapproximated with a locking suture; no graft was "
            "needed. Which is reported?",
            ("27650-LT", "Primary open repair of an acute Achilles tendon rupture without graft is 27650"),
            [("27652-LT", "27652 is the primary repair with a graft; none was used"),
             ("27654-LT", "27654 is a secondary (delayed) repair; this rupture is acute"),
             ("27658-LT", "27658 is a repair of a leg flexor tendon other than the Achilles")],
            ("operative-note", "tendon"),
        ),
        _case(
            "ED NOTE. Nondisplaced distal radius fracture of the left wrist. The emergency physician applied "
            "a short arm fiberglass cast from below the elbow to the palm, with no reduction, and referred "
            "the patient to orthopedics, who will take over fracture care. Which does the emergency "
            "physician report?",
            ("29075-LT", "When a cast is applied without the physician taking on the fracture care, the cast "
                         "code is reported"),
            [("25600-LT", "The closed fracture code belongs to the physician who gives the restorative care, "
                          "here the orthopedist"),
             ("29065-LT", "29065 is a long arm cast from the shoulder; this cast stopped below the elbow"),
             ("29125-LT", "29125 is a short arm splint; a circumferential cast was applied")],
            ("casting",),
        ),
        _case(
            "PROCEDURE NOTE, hand surgery office. Stenosing tenosynovitis of the right ring finger with "
            "locking. Through a small palmar incision over the A1 pulley, the pulley was divided and the "
            "tendon glided freely. Which is reported?",
            ("26055-F8", "Incision of the flexor tendon sheath (trigger finger release) is 26055; F8 is the "
                         "right fourth digit"),
            [("20550-F8", "20550 is an injection into the tendon sheath; the sheath was incised"),
             ("26160-F8", "26160 is excision of a tendon sheath lesion; nothing was excised"),
             ("26055-F3", "F3 is the left fourth digit")],
            ("tendon", "modifier"),
            (REF, REF_HCPCS),
        ),
        _case(
            "PROCEDURE NOTE. Olecranon bursitis of the right elbow. Without imaging guidance, 15 mL of "
            "clear fluid was aspirated from the bursa and a corticosteroid injected. Which is reported for "
            "the procedure?",
            ("20605-RT", "The olecranon bursa is an intermediate joint or bursa; without ultrasound "
                         "guidance the code is 20605"),
            [("20606-RT", "20606 is with ultrasound guidance; none was used"),
             ("20610-RT", "20610 is for a major joint or bursa such as the knee or shoulder"),
             ("20600-RT", "20600 is for a small joint such as a finger joint")],
            ("joint-injection",),
        ),
        _case(
            "OPERATIVE NOTE. Right carpal tunnel syndrome and trigger finger of the right middle finger. "
            "Procedure: endoscopic division of the transverse carpal ligament, then open release of the A1 "
            "pulley of the middle finger through a separate incision. Which codes are reported?",
            ("29848-RT, 26055-51-F7", "The endoscopic carpal tunnel release is 29848 and the trigger finger "
                                      "release 26055, a second procedure with 51; F7 is the right third "
                                      "digit"),
            [("64721-RT, 26055-51-F7", "64721 is the open carpal tunnel release; the ligament was divided "
                                       "endoscopically"),
             ("29848-RT, 20550-51-F7", "20550 is a tendon sheath injection; the pulley was cut"),
             ("29848-RT, 26055-51-F2", "F2 is the left third digit; the right middle finger was treated")],
            ("operative-note", "multi-code", "modifier"),
            (REF, REF_MOD, REF_HCPCS),
        ),
        _case(
            "ED NOTE. A cyclist fell: closed, displaced fracture of the right distal radius reduced under "
            "hematoma block and casted; nondisplaced fracture of the left clavicle shaft treated with a sling "
            "only. The emergency physician will provide the follow-up fracture care. Which codes are "
            "reported?",
            ("25605-RT, 23500-51-LT", "Each fracture is coded: the radius with manipulation (25605) and the "
                                      "clavicle without manipulation (23500), with 51 on the second "
                                      "procedure"),
            [("25605-50", "Modifier 50 is the same procedure on both sides; these are different bones"),
             ("25605-RT, 23505-51-LT", "23505 is clavicle treatment with manipulation; a sling only was "
                                       "applied"),
             ("25600-RT, 23500-51-LT", "The radius was reduced, so the code with manipulation applies")],
            ("fracture-care", "multi-code", "modifier-51"),
            (REF, REF_MOD),
        ),
        _case(
            "OPERATIVE NOTE. Closed spiral fracture of the left tibial shaft. Procedure: reamed "
            "intramedullary nail inserted through a patellar tendon incision and locked with screws at both "
            "ends; the fibula was not treated. Which is reported?",
            ("27759-LT", "Treatment of a tibial shaft fracture with an intramedullary implant is 27759"),
            [("27758-LT", "27758 is open treatment with plate or screws"),
             ("27756-LT", "27756 is percutaneous fixation with pins or screws, not a nail"),
             ("27752-LT", "27752 is closed treatment with manipulation")],
            ("operative-note", "fracture-care"),
        ),
        _case(
            "PROCEDURE NOTE. Osteoarthritis of the left knee. Joint aspirated of 20 mL of fluid and then "
            "injected, through the same needle without imaging, with triamcinolone acetonide 40 mg. Which "
            "codes are reported, drug supply included?",
            ("20610-LT, J3301 x 4", "Aspiration and injection of a major joint is one service, 20610; "
                                    "J3301 is billed per 10 mg, so 40 mg is 4 units"),
            [("20610-LT, J3301", "The J3301 unit is 10 mg; 40 mg is 4 units, not 1"),
             ("20610-LT, 20610-59-LT, J3301 x 4", "The code covers aspiration, injection or both, so it is "
                                                  "reported once"),
             ("20611-LT, J3301 x 4", "20611 needs ultrasound guidance with a recorded image; none was used")],
            ("joint-injection", "units", "hcpcs", "multi-code"),
            (REF, "HCPCS Level II (CMS)"),
        ),
        _case(
            "OPERATIVE NOTE. Kitchen-knife lacerations of the right index and right middle fingers inside "
            "the digital sheath (zone 2). In each finger the flexor digitorum profundus tendon was divided and "
            "the superficialis tendon found intact; each divided profundus tendon was repaired with a core "
            "suture and epitendinous stitch; no graft. Which codes are reported?",
            ("26356-F6, 26356-51-F7", "Primary repair of a flexor tendon in zone 2 is 26356, reported once "
                                      "per tendon: one profundus tendon in each finger, two in all; F6 and F7 "
                                      "are the right second and third digits"),
            [("26350-F6, 26350-51-F7", "26350 is a flexor tendon repair outside zone 2; these were inside "
                                       "the digital sheath"),
             ("26356-F6", "Two tendons in two fingers were repaired; each is reported"),
             ("26356-F1, 26356-51-F2", "F1 and F2 are fingers of the left hand")],
            ("operative-note", "tendon", "multi-code", "modifier"),
            (REF, REF_HCPCS),
        ),
        _case(
            "OPERATIVE NOTE. Diabetic gangrene of the left second and third toes. Procedure: each toe was "
            "amputated through the metatarsophalangeal joint, the metatarsal heads left in place, and the "
            "skin closed. Which codes are reported?",
            ("28820-T1, 28820-51-T2", "Amputation of a toe at the metatarsophalangeal joint is 28820, once "
                                      "per toe; T1 and T2 are the left second and third toes"),
            [("28825-T1, 28825-51-T2", "28825 is amputation at the interphalangeal joint; these were at the "
                                       "metatarsophalangeal joint"),
             ("28810-T1, 28810-51-T2", "28810 is a ray amputation, which also removes the metatarsal; the "
                                       "metatarsal heads were kept"),
             ("28820-T6, 28820-51-T7", "T6 and T7 are toes of the right foot")],
            ("operative-note", "amputation", "multi-code", "modifier"),
            (REF, REF_HCPCS),
        ),
        _case(
            "OPERATIVE NOTE. Six weeks after this surgeon's right total knee replacement (90-day global "
            "period), the patient has left carpal tunnel syndrome unrelated to the knee. The same surgeon "
            "performs an endoscopic release of the left transverse carpal ligament. Which is reported?",
            ("29848-79-LT", "A procedure unrelated to the knee, done by the same surgeon during its "
                            "global period, takes modifier 79"),
            [("29848-78-LT", "78 is an unplanned return to the operating room for a problem related to the "
                             "first surgery"),
             ("29848-58-LT", "58 is a staged or related procedure; the wrist has nothing to do with the "
                             "knee"),
             ("29848-LT", "Without 79 the claim looks like care included in the knee's global period")],
            ("operative-note", "modifier-79", "global-surgery"),
            (REF, REF_MOD),
        ),
        _case(
            "OPERATIVE NOTE. Twelve days after open fixation of a right bimalleolar ankle fracture, the "
            "operating surgeon takes the patient back to the operating room for a deep wound hematoma over "
            "the lateral plate, which is opened, evacuated and irrigated. Which is reported?",
            ("27603-78-RT", "Deep drainage of the leg or ankle; an unplanned return to the operating room "
                            "by the same surgeon for a complication during the global period takes 78"),
            [("27603-79-RT", "79 is for an unrelated procedure; the hematoma is a complication of the "
                             "fixation"),
             ("27603-76-RT", "76 is a repeat of the same procedure; the first operation was a fracture "
                             "fixation"),
             ("27814-76-RT", "The fracture was not fixed again; the hematoma drainage is what was done")],
            ("operative-note", "modifier-78", "global-surgery"),
            (REF, REF_MOD),
        ),
        _case(
            "OPERATIVE NOTE. Degenerative spondylolisthesis. Procedure: posterolateral (intertransverse) "
            "arthrodesis at L4-L5 and L5-S1; pedicle screws at L4, L5 and S1 joined by rods on both sides; "
            "bone from the spinous processes, taken through the same incision, was morselized and packed in "
            "the lateral gutters. No decompression and no interbody work. Which codes are reported?",
            ("22612, 22614, 22842, 20936", "22612 is the first lumbar posterolateral level and 22614 the "
                                           "additional level; pedicle screws over three vertebral segments "
                                           "are 22842; local bone from the same incision is 20936"),
            [("22612 x 2, 22842, 20936", "The second level is reported with the add-on 22614, not the "
                                         "primary code again"),
             ("22612, 22614, 22840, 20936", "Screws fixed at each of three vertebrae are segmental "
                                            "instrumentation, not non-segmental"),
             ("22612, 22614, 22842, 20937", "20937 is autograft harvested through a separate incision; "
                                            "this bone came from the operative site")],
            ("operative-note", "spine", "add-on", "multi-code"),
        ),
    ]
