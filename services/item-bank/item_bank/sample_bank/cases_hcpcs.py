"""HCPCS Level II code selection from clinic, supplier and transport notes, the way the CPC asks it.

The notes never state a drug code's billing unit: as on the exam, the candidate looks it up and
works out the units, and reports the administration with it. Distractors are the errors coders
make: one unit for the whole dose, the dose itself as units, the wrong administration route, the
discarded drug left off (or reported without JW), the rental and purchase modifiers swapped, the
CPT code where Medicare asks for a G code, an ABN modifier for the wrong situation.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

HCPCS = "HCPCS"
REF_CODES = "HCPCS Level II code set (CMS)"
REF_MODIFIERS = "HCPCS Level II modifiers (CMS)"
REF_DRUGS = "HCPCS Level II Table of Drugs and Biologicals"
_TAGS = ("hcpcs-level-ii", "code-selection")


_case = CaseMaker(HCPCS, _TAGS, (REF_CODES,))


def cases() -> list[Spec]:
    return [
        _case(
            "OFFICE NOTE. Pernicious anemia. Cyanocobalamin 2,000 mcg given intramuscularly in the left "
            "deltoid by the nurse. No other service is reported. Which codes are reported?",
            ("96372, J3420 x 2", "J3420 is billed per 1,000 mcg, so 2,000 mcg is two units, with the "
                                 "intramuscular injection code"),
            [("96372, J3420", "One unit covers only 1,000 mcg; 2,000 mcg were given"),
             ("96372, J3420 x 2000", "Units follow the code's 1,000 mcg unit, not micrograms"),
             ("96374, J3420 x 2", "96374 is an intravenous push; the drug was given intramuscularly")],
            ("drug-units", "j-codes", "multi-code"),
            (REF_CODES, REF_DRUGS),
        ),
        _case(
            "URGENT CARE NOTE. Renal colic. Ketorolac 60 mg given intramuscularly. Which codes are reported for "
            "the injection and the drug?",
            ("96372, J1885 x 4", "Ketorolac's code is billed per 15 mg: 60 mg is four units, with the "
                                 "intramuscular injection"),
            [("96372, J1885", "One unit is 15 mg; 60 mg needs four"),
             ("96372, J1885 x 60", "Units follow the code's 15 mg unit"),
             ("96372, J1885 x 2", "Two units would be 30 mg")],
            ("drug-units", "j-codes", "multi-code"),
            (REF_CODES, REF_DRUGS),
        ),
        _case(
            "OFFICE NOTE. Acute asthma flare. Dexamethasone sodium phosphate 10 mg given intramuscularly. Which "
            "codes report the injection and the drug?",
            ("96372, J1100 x 10", "The dexamethasone sodium phosphate code is per 1 mg: 10 mg is ten units"),
            [("96372, J1100", "One unit is 1 mg; 10 mg were given"),
             ("96372, J1100 x 2", "Units are per 1 mg, not per 4 mg vial"),
             ("96374, J1100 x 10", "The drug was given intramuscularly, not by intravenous push")],
            ("drug-units", "j-codes", "multi-code"),
            (REF_CODES, REF_DRUGS),
        ),
        _case(
            "INFUSION SUITE NOTE. Chemotherapy-related nausea. Ondansetron 4 mg given by intravenous push over "
            "2 minutes as the only service. Which codes are reported?",
            ("96374, J2405 x 4", "An intravenous push as the initial service is 96374; ondansetron is billed per "
                                 "1 mg"),
            [("96372, J2405 x 4", "96372 is a subcutaneous or intramuscular injection"),
             ("96374, J2405", "Each unit is 1 mg; 4 mg is four units"),
             ("96375, J2405 x 4", "96375 is a sequential push after an initial service; this push is the "
                                  "only service")],
            ("drug-units", "j-codes", "multi-code"),
            (REF_CODES, REF_DRUGS),
        ),
        _case(
            "CLINIC NOTE. Early syphilis. Penicillin G benzathine 2.4 million units given as one deep "
            "intramuscular injection from a 4 mL prefilled syringe. Which codes are reported?",
            ("96372, J0561 x 24", "The code is billed per 100,000 units: 2,400,000 units is 24 units, with the "
                                  "intramuscular injection code"),
            [("96372, J0561", "Units follow the 100,000-unit billing unit, not the number of syringes"),
             ("96374, J0561 x 24", "96374 is an intravenous push; this drug is given only intramuscularly"),
             ("96372, J0561 x 12", "Twelve units would be 1.2 million units, half the dose")],
            ("drug-units", "j-codes", "multi-code"),
            (REF_CODES, REF_DRUGS),
        ),
        _case(
            "ORTHOPEDIC NOTE. Osteoarthritis of the left knee. Triamcinolone acetonide 40 mg (not an "
            "extended-release form) is injected into the knee joint without imaging guidance. Which codes are "
            "reported?",
            ("20610, J3301 x 4", "A major joint injection without guidance is 20610, and the triamcinolone code "
                                 "is billed per 10 mg"),
            [("20610, J3301", "One unit is 10 mg; 40 mg is four units"),
             ("96372, J3301 x 4", "An intra-articular injection is reported with the joint injection code, not "
                                  "the intramuscular code"),
             ("20611, J3301 x 4", "20611 is with ultrasound guidance, which was not used")],
            ("drug-units", "j-codes", "multi-code"),
            (REF_CODES, REF_DRUGS),
        ),
        _case(
            "OFFICE NOTE. Type 1 diabetes with hyperglycemia. Regular insulin 10 units given subcutaneously. "
            "Which codes are reported for the injection and the drug?",
            ("96372, J1815 x 2", "The insulin code is billed per 5 units: 10 units of insulin are two billing "
                                 "units"),
            [("96372, J1815 x 10", "Ten is the insulin dose; the code's billing unit is 5 insulin units"),
             ("96372, J1815", "One billing unit covers 5 insulin units"),
             ("96374, J1815 x 2", "The insulin was given subcutaneously, not by intravenous push")],
            ("drug-units", "j-codes", "multi-code"),
            (REF_CODES, REF_DRUGS),
        ),
        _case(
            "CLINIC NOTE. Dehydration from gastroenteritis: one liter of normal saline infused intravenously "
            "over 55 minutes; nothing else given. Which codes are reported?",
            ("96360, J7030", "Hydration of 31 to 60 minutes is 96360; a 1,000 cc bag of normal saline is one "
                             "unit of J7030"),
            [("96365, J7030", "Plain fluids are hydration; 96365 is a therapeutic drug infusion"),
             ("96360, J7050 x 4", "J7050 is the 250 cc bag; a 1,000 cc bag has its own code"),
             ("96360, 96361, J7030", "The additional hour needs more than 30 minutes beyond the first hour")],
            ("drug-units", "hydration", "multi-code"),
            (REF_CODES, REF_DRUGS),
        ),
        _case(
            "NEUROLOGY NOTE, Medicare patient. From a single-dose 100-unit vial of onabotulinumtoxinA, 70 units "
            "are injected for chronic migraine and the remaining 30 units are discarded, with the amount "
            "documented. Which drug lines are reported?",
            ("J0585 x 70, J0585-JW x 30", "The code is per 1 unit: the 70 units given go on one line and the "
                                          "30 units discarded from a single-dose vial on a line with JW"),
            [("J0585 x 100", "Medicare asks for the discarded amount on its own line with JW"),
             ("J0585 x 70", "The documented waste from a single-dose vial is reportable with JW"),
             ("J0585-JZ x 70, J0585-JW x 30", "JZ states that nothing was discarded; 30 units were")],
            ("drug-units", "modifiers", "wastage", "multi-code"),
            (REF_CODES, REF_MODIFIERS, "CMS JW and JZ modifier policy"),
        ),
        _case(
            "INFUSION CENTER NOTE, Medicare patient. Infliximab (reference product) 500 mg is given, using the "
            "whole contents of five single-dose vials; nothing is discarded. Which drug line is reported?",
            ("J1745-JZ x 50", "The infliximab code is per 10 mg, so 500 mg is 50 units, and JZ states that no "
                              "drug from a single-dose container was discarded"),
            [("J1745 x 50", "Medicare asks for JZ when nothing from single-dose containers is wasted"),
             ("J1745-JW x 50", "JW reports discarded drug; none was discarded"),
             ("J1745-JZ x 5", "Each unit is 10 mg, not a 100 mg vial")],
            ("drug-units", "modifiers", "wastage"),
            (REF_CODES, REF_MODIFIERS, "CMS JW and JZ modifier policy"),
        ),
        _case(
            "SUPPLIER ORDER. After hip surgery, a patient receives a new folding walker with two front wheels, "
            "adjustable in height. Which code is reported?",
            ("E0143", "A folding walker with wheels is E0143"),
            [("E0135", "E0135 is a folding walker without wheels (pickup)"),
             ("E0141", "E0141 is a rigid wheeled walker; this one folds"),
             ("E0130", "E0130 is a rigid pickup walker")],
            ("dme", "mobility"),
        ),
        _case(
            "SUPPLIER ORDER. A standard manual wheelchair is rented to a patient for the month after a leg "
            "fracture. Which line is reported?",
            ("K0001-RR", "A standard wheelchair is K0001, and RR marks a rental"),
            [("K0001-NU", "NU marks the purchase of new equipment; the chair is rented"),
             ("K0001-UE", "UE marks the purchase of used equipment"),
             ("K0003-RR", "K0003 is a lightweight wheelchair")],
            ("dme", "modifiers"),
            (REF_CODES, REF_MODIFIERS),
        ),
        _case(
            "SUPPLIER ORDER. A patient who tests blood glucose at home receives 100 test strips and a box of "
            "100 lancets for the month. Which codes and units are reported?",
            ("A4253 x 2, A4259", "Test strips are billed per 50 (two units for 100) and lancets per box of 100 "
                                 "(one unit)"),
            [("A4253 x 100, A4259 x 100", "Units follow the billing units of 50 strips and 100 lancets"),
             ("A4253, A4259", "100 strips are two units of 50"),
             ("A4253 x 2, A4258", "A4258 is the spring-powered lancet device, not the lancets")],
            ("dme", "supplies", "multi-code"),
        ),
        _case(
            "SUPPLIER ORDER. A new compressor-driven nebulizer is purchased for home use by a child with "
            "asthma. Which line is reported?",
            ("E0570-NU", "A nebulizer with compressor is E0570; NU marks a new purchase"),
            [("E0570-RR", "RR is rental; this unit was purchased"),
             ("E0575-NU", "E0575 is a large-volume ultrasonic nebulizer"),
             ("A7003-NU", "A7003 is the disposable administration set, not the compressor unit")],
            ("dme", "modifiers"),
            (REF_CODES, REF_MODIFIERS),
        ),
        _case(
            "SUPPLIER ORDER, commercial plan that pays home oxygen equipment as a monthly rental and asks for "
            "the rental modifier on each equipment line. For a patient with COPD and documented hypoxemia, a "
            "stationary oxygen concentrator is set up in the home and a battery-powered portable concentrator "
            "is supplied for outings. Which lines are reported for the first month?",
            ("E1390-RR, E1392-RR", "The stationary concentrator is E1390 and the portable concentrator E1392, "
                                   "each a rented item billed with RR"),
            [("E1390-NU, E1392-NU", "NU is a purchase of new equipment; this plan rents oxygen equipment "
                                    "month by month"),
             ("E1390-RR, E0431-RR", "E0431 is a portable gaseous (cylinder) system; a portable concentrator "
                                    "was supplied"),
             ("E1390-RR", "The portable concentrator is a separate item with its own code and is reported "
                          "too")],
            ("dme", "oxygen", "modifiers", "multi-code"),
            (REF_CODES, REF_MODIFIERS),
        ),
        _case(
            "AMBULANCE RUN REPORT. A basic life support crew answers a 911 call and transports a patient with a "
            "hip injury from her home to the hospital emergency department, 8 loaded miles. Which lines are "
            "reported?",
            ("A0429-RH, A0425-RH x 8", "An emergency BLS transport is A0429, mileage is A0425 per statute mile, "
                                       "and the origin-destination modifier is R (residence) then H "
                                       "(hospital)"),
            [("A0429-HR, A0425-HR x 8", "The first letter is the origin: the trip went from residence to "
                                        "hospital, RH"),
             ("A0427-RH, A0425-RH x 8", "A0427 is an advanced life support emergency transport"),
             ("A0429-RH, A0425-RH", "Mileage is reported per loaded mile: eight units")],
            ("ambulance", "modifiers", "multi-code"),
            (REF_CODES, REF_MODIFIERS),
        ),
        _case(
            "ENDOSCOPY NOTE, Medicare patient. Screening colonoscopy in a 68-year-old whose earlier colonoscopy "
            "removed adenomatous polyps (high risk); no polyp or biopsy today. Which code is reported?",
            ("G0105", "Medicare reports a screening colonoscopy in a high-risk patient with G0105"),
            [("G0121", "G0121 is the screening colonoscopy for a patient who is not at high risk"),
             ("45378", "Medicare asks for the G code for a screening colonoscopy; 45378 is the diagnostic "
                       "CPT code"),
             ("G0104", "G0104 is a screening flexible sigmoidoscopy")],
            ("medicare", "screening", "g-codes"),
            (REF_CODES, "Medicare Claims Processing Manual, Chapter 18"),
        ),
        _case(
            "OFFICE NOTE, Medicare patient enrolled in Part B three years ago; she has never had a wellness "
            "visit or the initial preventive physical exam. Today she has her first annual wellness visit with a "
            "personalized prevention plan. Which code is reported?",
            ("G0438", "The first annual wellness visit, more than 12 months after Part B enrolment, is G0438"),
            [("G0439", "G0439 is a subsequent annual wellness visit; this is her first"),
             ("G0402", "G0402 is the initial preventive physical exam, available only in the first 12 months "
                       "of Part B"),
             ("99397", "Medicare does not pay the CPT preventive medicine codes for the wellness visit")],
            ("medicare", "preventive", "g-codes"),
            (REF_CODES, "Medicare Claims Processing Manual, Chapter 12"),
        ),
        _case(
            "NURSE VISIT, Medicare patient. The nurse gives an influenza vaccine and a pneumococcal vaccine at "
            "the same visit. The vaccine products are reported separately. Which administration codes are "
            "reported?",
            ("G0008, G0009", "Medicare pays influenza and pneumococcal vaccine administration with its own "
                             "codes: G0008 and G0009"),
            [("90471, 90472", "Medicare asks for G0008 and G0009 for these two vaccines"),
             ("G0008 x 2", "G0008 is the influenza administration only"),
             ("G0009, G0010", "G0010 is hepatitis B vaccine administration")],
            ("medicare", "vaccines", "g-codes", "multi-code"),
            (REF_CODES, "Medicare Claims Processing Manual, Chapter 18"),
        ),
        _case(
            "LAB ORDER, Medicare patient. Screening PSA is drawn eight months after his last covered screening "
            "PSA; he has no symptoms and signed an advance beneficiary notice for this test. Which line is "
            "reported?",
            ("G0103-GA", "Medicare's screening PSA is G0103; with a signed ABN for a service expected to be "
                         "denied for frequency, GA is appended"),
            [("G0103-GZ", "GZ is used when denial is expected and no ABN was signed"),
             ("G0103-GY", "GY is for services excluded by statute; screening PSA is covered, only too soon"),
             ("84153-GA", "Medicare screening PSA is reported with G0103, not the CPT test code")],
            ("medicare", "modifiers", "abn", "g-codes"),
            (REF_CODES, REF_MODIFIERS, "Medicare Claims Processing Manual, Chapter 30"),
        ),
    ]
