"""30000 series (respiratory, cardiovascular, hemic and lymphatic, mediastinum and diaphragm) code selection.

Each case is an operative or procedure note written for this bank; CPT codes appear by number only.
Distractors are the errors coders make in this series: a diagnostic endoscopy reported with the
surgical one, separate codes where a combination code exists, an add-on missed or given modifier 51,
imaging guidance reported when the code includes it (or missed when it does not), a device's
components coded one by one, venous-only bypass codes with an arterial graft, the wrong age, approach
or number of lobes, stations or levels.
"""

from __future__ import annotations

from ._common import CaseMaker, Spec

DOMAIN = "CPT-30000"
REF_RESP = "CPT Respiratory System guidelines"
REF_CV = "CPT Cardiovascular System guidelines"
REF_HEMIC = "CPT Hemic and Lymphatic Systems guidelines"
REF_MOD = "CPT Appendix A (modifiers)"
_TAGS = ("respiratory-cardiovascular", "surgery", "code-selection")


_case = CaseMaker(DOMAIN, _TAGS)


def cases() -> list[Spec]:
    return [
        _case(
            "ED PROCEDURE NOTE. Persistent epistaxis from the back of the nose despite anterior pressure. "
            "A posterior balloon pack was placed and inflated, with an anterior pack in front of it. This is "
            "the first posterior packing for this bleed. Which is reported?",
            ("30905", "Control of posterior nasal hemorrhage with posterior packing, initial, is 30905"),
            [("30906", "30906 is a subsequent posterior control; this is the first"),
             ("30903", "30903 is complex anterior control; a posterior pack was needed"),
             ("30901", "30901 is simple anterior control, such as cautery or limited packing")],
            ("epistaxis", "nose"), (REF_RESP,),
        ),
        _case(
            "OPERATIVE NOTE. Chronic pansinusitis of the left side. Procedure: left nasal endoscopy, complete "
            "removal of the anterior and posterior ethmoid cells, and opening of the sphenoid sinus ostium; "
            "no tissue was removed from inside the sphenoid sinus. Which is reported?",
            ("31257-LT", "Endoscopic total ethmoidectomy with sphenoidotomy is one combination code, 31257"),
            [("31255-LT, 31287-LT", "A combination code covers total ethmoidectomy with sphenoidotomy; the "
                                    "two single codes are not reported together"),
             ("31254-LT, 31287-LT", "31254 is a partial (anterior) ethmoidectomy; the posterior cells were "
                                    "also removed"),
             ("31259-LT", "31259 adds removal of tissue from the sphenoid sinus, which was not done")],
            ("operative-note", "sinus-endoscopy"), (REF_RESP,),
        ),
        _case(
            "ENT OFFICE NOTE. Persistent hoarseness. A flexible laryngoscope was passed through the nose; a "
            "leukoplakic patch of the right vocal fold was seen and sampled with cup forceps through the "
            "scope's channel. Which is reported?",
            ("31576", "Flexible laryngoscopy with biopsy is 31576; the diagnostic look is included"),
            [("31575", "31575 is a diagnostic flexible laryngoscopy; a biopsy was taken"),
             ("31576, 31575", "The diagnostic endoscopy is included in the surgical one"),
             ("31535", "31535 is a direct (rigid) laryngoscopy with biopsy; a flexible scope was used")],
            ("endoscopy", "larynx", "bundling"), (REF_RESP,),
        ),
        _case(
            "BRONCHOSCOPY REPORT. Diffuse infiltrates. With fluoroscopy, transbronchial forceps biopsies were "
            "taken from the right lower lobe and the left upper lobe. An airway survey was done first. Which "
            "codes are reported?",
            ("31628, 31632", "Transbronchial lung biopsy of the first lobe is 31628; each additional lobe is "
                             "the add-on 31632; fluoroscopy and the survey are included"),
            [("31628 x 2", "A second lobe is reported with the add-on 31632, not 31628 again"),
             ("31625, 31632", "31625 is endobronchial biopsy of the airway wall; these were transbronchial "
                              "biopsies of the lung"),
             ("31628, 31632, 31622", "The diagnostic bronchoscopy is included in every surgical bronchoscopy")],
            ("bronchoscopy", "add-on", "multi-code"), (REF_RESP,),
        ),
        _case(
            "BRONCHOSCOPY REPORT. Lung cancer staging. Using the convex-probe endobronchial ultrasound scope, "
            "needle aspirates were taken from lymph node stations 4R, 7 and 11L. No peripheral lesion was "
            "sampled. Which is reported?",
            ("31653", "Sampling of three or more mediastinal or hilar stations with EBUS is 31653"),
            [("31652", "31652 is one or two stations; three were sampled"),
             ("31629, 31633 x 2", "Those are conventional transbronchial needle aspirations without EBUS"),
             ("31653, 31654", "31654 is radial EBUS for a peripheral lesion, which was not done")],
            ("bronchoscopy", "ebus"), (REF_RESP,),
        ),
        _case(
            "BRONCHOSCOPY REPORT. A 2 cm peripheral nodule of the left lower lobe. Electromagnetic "
            "navigation guided the scope to the nodule, a radial ultrasound probe confirmed the position, "
            "and transbronchial biopsies were taken from that lobe only. Which codes are reported?",
            ("31628, 31627, 31654", "Transbronchial biopsy of one lobe (31628) with the navigation add-on "
                                    "(31627) and the radial EBUS add-on for a peripheral lesion (31654)"),
            [("31628, 31654", "Computer-assisted navigation was used and has its own add-on"),
             ("31628, 31627, 31653", "31653 is convex EBUS sampling of three or more nodal stations"),
             ("31628, 31627, 31654, 31622", "The diagnostic bronchoscopy is included")],
            ("bronchoscopy", "add-on", "multi-code"), (REF_RESP,),
        ),
        _case(
            "PROCEDURE NOTE. Large right pleural effusion. Under real-time ultrasound guidance a needle "
            "catheter was passed into the pleural space, 1.2 L of fluid withdrawn, and the catheter removed. "
            "Which is reported?",
            ("32555", "Thoracentesis with imaging guidance is 32555; the guidance is included"),
            [("32554, 76942", "The thoracentesis code with imaging includes the ultrasound; 32554 is "
                              "without imaging"),
             ("32557", "32557 leaves an indwelling drainage catheter; this one was removed"),
             ("32554", "32554 is without imaging guidance; ultrasound was used")],
            ("pleura", "imaging-guidance"), (REF_RESP,),
        ),
        _case(
            "TRAUMA BAY NOTE. Left hemothorax after a stab wound. A skin incision was made in the fifth "
            "intercostal space, the pleura entered by blunt dissection and a 32 French chest tube placed and "
            "connected to a water seal. Which is reported?",
            ("32551", "Open tube thoracostomy through an incision and blunt dissection is 32551"),
            [("32556", "32556 is percutaneous insertion of a pleural drainage catheter, not an open chest "
                       "tube"),
             ("32557", "32557 is the percutaneous catheter with imaging guidance"),
             ("32554", "32554 is a thoracentesis, which leaves no tube")],
            ("pleura", "trauma"), (REF_RESP,),
        ),
        _case(
            "OPERATIVE NOTE. Two indeterminate nodules of the right lung, one in the upper and one in the lower "
            "lobe. Through thoracoscopic ports, each nodule was removed by a stapled wedge resection for "
            "treatment; frozen sections showed granulomas. Which codes are reported?",
            ("32666-RT, 32667-RT", "A therapeutic thoracoscopic wedge resection is 32666 and each additional "
                                   "resection on the same side is the add-on 32667"),
            [("32666-RT, 32666-59-RT", "An additional wedge on the same side is reported with the add-on, "
                                       "not with 32666 again"),
             ("32607-RT, 32608-RT", "Those are diagnostic thoracoscopic biopsy codes; these were therapeutic "
                                    "wedge resections"),
             ("32505-RT, 32506-RT", "32505 and 32506 are wedge resections through a thoracotomy")],
            ("operative-note", "thoracoscopy", "add-on", "multi-code"), (REF_RESP,),
        ),
        _case(
            "OPERATIVE NOTE. Adenocarcinoma of the right upper lobe. Procedure: thoracoscopic right upper "
            "lobectomy, followed by systematic thoracoscopic dissection of the mediastinal and hilar lymph "
            "node stations. Which codes are reported?",
            ("32663-RT, 32674", "Thoracoscopic lobectomy is 32663, and the thoracoscopic mediastinal and "
                                "regional lymphadenectomy is the add-on 32674"),
            [("32663-RT, 38746", "38746 is the lymphadenectomy add-on for an open thoracotomy"),
             ("32480-RT, 38746", "32480 is lobectomy through a thoracotomy; this was thoracoscopic"),
             ("32663-RT", "The lymph node dissection is reported in addition")],
            ("operative-note", "thoracoscopy", "add-on", "multi-code"), (REF_RESP,),
        ),
        _case(
            "OPERATIVE NOTE. Recurrent malignant right pleural effusion. Through thoracoscopic ports the "
            "effusion was drained and talc was insufflated over the pleura under direct vision to create "
            "pleurodesis. Which is reported?",
            ("32650-RT", "Thoracoscopic pleurodesis is 32650"),
            [("32560-RT", "32560 is instillation of an agent for pleurodesis through a chest tube, without "
                          "thoracoscopy"),
             ("32601-RT", "32601 is a diagnostic thoracoscopy; a therapeutic procedure was done"),
             ("32651-RT", "32651 is a partial pulmonary decortication")],
            ("operative-note", "thoracoscopy"), (REF_RESP,),
        ),
        _case(
            "OPERATIVE NOTE. Mediastinal mass on CT. Procedure: cervical mediastinoscopy; the mass was "
            "reached and several biopsies taken from it. No lymph node was sampled. Which is reported?",
            ("39401", "Mediastinoscopy including biopsy of a mediastinal mass is 39401"),
            [("39402", "39402 is mediastinoscopy with lymph node biopsy; no node was sampled"),
             ("39000", "39000 is an open mediastinotomy through a cervical approach, not an endoscopy"),
             ("31652", "31652 is an EBUS bronchoscopy, a different approach")],
            ("operative-note", "mediastinum"), (REF_RESP,),
        ),
        _case(
            "OPERATIVE NOTE. Symptomatic sinus node dysfunction. Procedure: through the left cephalic vein, "
            "one lead was placed in the right atrial appendage and one in the right ventricular apex, and both "
            "were connected to a new generator in a subcutaneous pocket. Which is reported?",
            ("33208", "Insertion of a new dual-chamber pacemaker system, generator and both transvenous "
                      "leads, is one code"),
            [("33213, 33217", "When the generator and leads are placed together, the system code is used, "
                              "not generator-only and lead-only codes"),
             ("33207", "33207 is a single-chamber ventricular system; two leads were placed"),
             ("33249", "33249 is an implantable defibrillator system")],
            ("operative-note", "pacemaker"), (REF_CV,),
        ),
        _case(
            "OPERATIVE NOTE. Elective replacement indicator on a dual-chamber pacemaker. Procedure: the pocket "
            "was opened, the depleted generator disconnected and removed, the existing atrial and ventricular "
            "leads tested, and a new dual-chamber generator connected. Which is reported?",
            ("33228", "Removal and replacement of a dual-lead pacemaker generator is one code that includes "
                      "the removal"),
            [("33233, 33213", "The replacement code includes removing the old generator; the two are not "
                              "reported separately"),
             ("33208", "33208 is a new system with new leads; the existing leads were kept"),
             ("33227", "33227 is the replacement for a single-lead system")],
            ("operative-note", "pacemaker"), (REF_CV,),
        ),
        _case(
            "PROCEDURE NOTE, electrophysiology lab. Recurrent unexplained syncope. An insertable cardiac "
            "monitor was injected into a small subcutaneous pocket in the left parasternal area and the "
            "incision closed with adhesive strips. Which is reported?",
            ("33285", "Subcutaneous insertion of an implantable cardiac monitor is 33285"),
            [("33286", "33286 is removal of the monitor"),
             ("33206", "33206 is insertion of an atrial pacemaker system"),
             ("33274", "33274 is a leadless pacemaker placed by catheter")],
            ("cardiac-device",), (REF_CV,),
        ),
        _case(
            "OPERATIVE NOTE. Three-vessel coronary disease. Procedure: the left internal mammary artery was "
            "grafted to the LAD; two reversed saphenous vein grafts were placed, one to the obtuse marginal "
            "and one to the right coronary artery. The vein was harvested endoscopically. Which codes are "
            "reported?",
            ("33533, 33518, 33508", "One arterial graft is 33533; two venous grafts combined with an arterial "
                                    "graft are the add-on 33518; endoscopic vein harvest is the add-on 33508"),
            [("33533, 33511, 33508", "Venous-only bypass codes are not used when an arterial graft is also "
                                     "placed; the combined arterial-venous add-on applies"),
             ("33533, 33518", "Endoscopic harvest of the vein has its own add-on, unlike open harvest"),
             ("33535, 33508", "33535 is three arterial grafts; only one graft was arterial")],
            ("operative-note", "cabg", "add-on", "multi-code"), (REF_CV,),
        ),
        _case(
            "PROCEDURE NOTE. Cardiac tamponade. Under echocardiographic guidance a needle was advanced below "
            "the xiphoid into the pericardial sac, 400 mL of blood-stained fluid was drained, and the needle "
            "removed; no catheter was left. Which is reported?",
            ("33016", "Pericardiocentesis, with its imaging guidance included, is 33016"),
            [("33017", "33017 leaves an indwelling pericardial drainage catheter; none was left"),
             ("32555", "32555 is a thoracentesis of the pleural space"),
             ("33025", "33025 is a surgical pericardial window")],
            ("pericardium",), (REF_CV,),
        ),
        _case(
            "PROCEDURE NOTE, ICU. Septic shock in a 58-year-old. Under real-time ultrasound with an image "
            "recorded and vessel patency documented, a triple-lumen catheter was inserted in the right "
            "internal jugular vein, tip at the cavoatrial junction; not tunneled. Which codes are reported?",
            ("36556, 76937", "A non-tunneled centrally inserted catheter for a patient 5 or older is 36556; "
                             "ultrasound guidance with the required documentation is added with 76937"),
            [("36556", "The ultrasound guidance was documented with patency and a recorded image, so it is "
                       "reported"),
             ("36569, 76937", "36569 is a peripherally inserted catheter (PICC); the jugular is a central "
                              "vein"),
             ("36558, 76937", "36558 is a tunneled catheter; this one was not tunneled")],
            ("venous-access", "imaging-guidance", "multi-code"), (REF_CV,),
        ),
        _case(
            "PROCEDURE NOTE, vascular access team. A 70-year-old needing six weeks of antibiotics. Using "
            "ultrasound to select and puncture the right basilic vein and fluoroscopy to confirm the tip "
            "position, a PICC without a port was inserted; images stored. Which is reported?",
            ("36573", "A PICC for a patient 5 or older with imaging guidance has one code, 36573, which "
                      "includes the ultrasound and fluoroscopy"),
            [("36569", "36569 is a PICC without imaging guidance"),
             ("36573, 76937", "The imaging guidance is included in 36573"),
             ("36572", "36572 is the code for a child under 5")],
            ("venous-access", "imaging-guidance"), (REF_CV,),
        ),
        _case(
            "OPERATIVE NOTE. Chemotherapy access for a 45-year-old. The right internal jugular vein was "
            "punctured under ultrasound guidance (patency documented, image saved); the catheter was tunneled "
            "to a port in a chest wall pocket, and fluoroscopy confirmed the tip. Which codes are reported?",
            ("36561, 76937, 77001", "A tunneled centrally inserted catheter with a port for a patient 5 or "
                                    "older is 36561; documented ultrasound (76937) and fluoroscopic tip "
                                    "guidance (77001) are add-ons"),
            [("36561", "The documented ultrasound and fluoroscopic guidance are reported with their add-ons"),
             ("36558, 76937, 77001", "36558 is a tunneled catheter without a port"),
             ("36571, 76937, 77001", "36571 is a port for a peripherally inserted catheter; the jugular is a "
                                     "central vein")],
            ("operative-note", "venous-access", "multi-code"), (REF_CV,),
        ),
        _case(
            "PROCEDURE NOTE, ICU. For continuous blood pressure monitoring, a 20-gauge catheter was placed "
            "percutaneously in the left radial artery and connected to a pressure transducer. Which is "
            "reported?",
            ("36620", "Percutaneous arterial catheterization for monitoring is 36620"),
            [("36600", "36600 is a single arterial puncture to draw blood, with no catheter left"),
             ("36625", "36625 is arterial catheterization by cutdown; this was percutaneous"),
             ("36556", "36556 is a central venous catheter")],
            ("arterial-access",), (REF_CV,),
        ),
        _case(
            "VEIN CLINIC PROCEDURE NOTE. Symptomatic reflux of the right great saphenous vein and right small "
            "saphenous vein. Under ultrasound guidance both veins were treated with radiofrequency ablation "
            "catheters at one session. Which codes are reported?",
            ("36475-RT, 36476-RT", "Radiofrequency ablation of the first vein is 36475 and each additional "
                                   "vein in the same leg is the add-on 36476; imaging guidance is included"),
            [("36475-RT, 36475-59-RT", "Another vein in the same extremity is reported with the add-on"),
             ("36478-RT, 36479-RT", "36478 and 36479 are laser ablation codes; radiofrequency was used"),
             ("36475-RT, 36476-51-RT", "36476 is an add-on code and is exempt from modifier 51")],
            ("vein-ablation", "add-on", "multi-code"), (REF_CV,),
        ),
        _case(
            "OPERATIVE NOTE. End-stage renal disease, planned hemodialysis. Procedure: at the left wrist the "
            "cephalic vein was divided and sewn end-to-side to the radial artery, with no graft material. "
            "Which is reported?",
            ("36821", "A direct arteriovenous anastomosis such as a radiocephalic fistula is 36821"),
            [("36830", "36830 uses a nonautogenous graft; the vein was sewn directly"),
             ("36818", "36818 is an upper arm fistula by cephalic vein transposition"),
             ("36825", "36825 uses an autogenous graft placed between vessels")],
            ("operative-note", "dialysis-access"), (REF_CV,),
        ),
        _case(
            "PROCEDURE NOTE, hematology. Suspected myelodysplasia. Through one skin puncture over the "
            "posterior iliac crest, a marrow aspirate was drawn and a core biopsy taken with a Jamshidi "
            "needle. Which is reported?",
            ("38222", "Bone marrow biopsy and aspiration from the same incision have one combined code"),
            [("38220, 38221", "When both are done through the same incision, the combined code replaces "
                              "the two separate codes"),
             ("38221", "38221 is the biopsy alone; an aspirate was also drawn"),
             ("38220", "38220 is the aspiration alone; a core biopsy was also taken")],
            ("bone-marrow", "hemic-lymphatic"), (REF_HEMIC,),
        ),
        _case(
            "OPERATIVE NOTE. Left breast cancer (the partial mastectomy is coded separately). Isosulfan blue "
            "dye was injected around the areola; through an axillary incision one blue sentinel node was "
            "found deep to the clavipectoral fascia and excised. Which codes report the node procedure?",
            ("38525-LT, 38900-LT", "Open excision of a deep axillary node is 38525, and intraoperative "
                                   "sentinel node identification with dye is the add-on 38900"),
            [("38500-LT, 38900-LT", "38500 is a superficial node; this node lay deep to the fascia"),
             ("38525-LT", "The dye mapping is reported with its add-on"),
             ("38745-LT, 38900-LT", "38745 is a complete axillary lymphadenectomy; one sentinel node was "
                                    "removed")],
            ("operative-note", "lymph-nodes", "add-on", "multi-code"), (REF_HEMIC,),
        ),
        _case(
            "OPERATIVE NOTE. Immune thrombocytopenia unresponsive to medical therapy. Procedure: through "
            "four laparoscopic ports, the short gastric vessels and splenic hilum were divided and the whole "
            "spleen removed in a bag. Which is reported?",
            ("38120", "Laparoscopic splenectomy is 38120"),
            [("38100", "38100 is an open total splenectomy"),
             ("38101", "38101 is an open partial splenectomy"),
             ("38120, 49320", "The diagnostic laparoscopy is included in the surgical laparoscopy")],
            ("operative-note", "spleen", "laparoscopy"), (REF_HEMIC,),
        ),
        _case(
            "OPERATIVE NOTE. Symptomatic 80% stenosis of the right internal carotid artery. Procedure: "
            "through a neck incision the carotid was opened, the plaque removed and the artery closed with a "
            "patch. First operation on this artery. Which is reported?",
            ("35301-RT", "Thromboendarterectomy of the carotid through a neck incision, patch included, is "
                         "35301"),
            [("35301-RT, 35390", "35390 is the add-on for a reoperation more than a month later; this was "
                                 "the first operation"),
             ("37215-RT", "37215 is a carotid stent placed by catheter"),
             ("35301-50", "Only the right carotid was operated")],
            ("operative-note", "vascular"), (REF_CV,),
        ),
        _case(
            "OPERATIVE NOTE. Nasal obstruction from a deviated septum. Procedure: through a hemitransfixion "
            "incision, mucoperichondrial flaps were raised and the deviated cartilage and bone resected; the "
            "external nose was not reshaped and the turbinates were not touched. Which is reported?",
            ("30520", "Septoplasty with resection of deviated cartilage and bone is 30520"),
            [("30420", "30420 is a rhinoplasty that includes septal work; the external nose was not changed"),
             ("30140", "30140 is submucous resection of the inferior turbinate"),
             ("30520-50", "The septum is a single midline structure; modifier 50 does not apply")],
            ("operative-note", "nose"), (REF_RESP, REF_MOD),
        ),
        _case(
            "OPERATIVE NOTE. Hoarseness from a left vocal fold polyp. Procedure: suspension direct "
            "laryngoscopy; under the operating microscope the polyp was grasped and excised with "
            "microscissors, sparing the underlying ligament. Which is reported?",
            ("31541", "Operative direct laryngoscopy with excision of a lesion using the operating "
                      "microscope is 31541; the microscope is part of the code"),
            [("31541, 69990", "The microscope add-on is not reported with laryngoscopy codes that already "
                              "include the microscope"),
             ("31540", "31540 is the same excision without the operating microscope"),
             ("31576", "31576 is a flexible laryngoscopy with biopsy, not a suspension laryngoscopy")],
            ("operative-note", "larynx", "bundling"), (REF_RESP, "CPT Operating Microscope guidelines"),
        ),
        _case(
            "OPERATIVE NOTE. A 62-year-old on a ventilator for three weeks. Procedure: planned open "
            "tracheostomy in the operating room; the second tracheal ring was opened and a cuffed tube "
            "placed. Which is reported?",
            ("31600", "A planned tracheostomy for a patient 2 years or older is 31600"),
            [("31601", "31601 is for a child under 2"),
             ("31603", "31603 is an emergency transtracheal procedure; this was planned"),
             ("31605", "31605 is an emergency cricothyroid membrane procedure")],
            ("operative-note", "trachea"), (REF_RESP,),
        ),
        _case(
            "OPERATIVE NOTE. On the night after a three-vessel bypass, chest tube output rises and the "
            "operating surgeon takes the patient back to the operating room, reopens the sternotomy and "
            "controls bleeding from a graft side branch. Which does the surgeon report for the return?",
            ("35820-78", "Exploration of the chest for postoperative hemorrhage is 35820; an unplanned, "
                         "related return to the operating room in the global period takes 78"),
            [("35820-79", "79 is for an unrelated procedure; the bleeding comes from the bypass"),
             ("35820-76", "76 is a repeat of the same procedure; the bypass was not repeated"),
             ("33533-76", "The bypass grafts were not redone; the return was to stop bleeding")],
            ("operative-note", "modifier-78", "global-surgery"),
            (REF_CV, REF_MOD),
        ),
        _case(
            "OPERATIVE NOTE, community hospital with no surgical residency. Single left internal mammary "
            "artery graft to the LAD. A second cardiothoracic surgeon assisted the operating surgeon "
            "throughout. Which does the assisting surgeon report?",
            ("33533-80", "A physician assistant-at-surgery reports the procedure code with modifier 80"),
            [("33533-62", "62 is for co-surgeons who each perform a distinct part as primary surgeon"),
             ("33533-82", "82 is used only in a teaching hospital when no qualified resident is available"),
             ("33533-AS", "AS is for a physician assistant, nurse practitioner or clinical nurse "
                          "specialist who assists, not a surgeon")],
            ("cabg", "modifier-80", "assistant-surgeon"),
            (REF_CV, REF_MOD),
        ),
    ]
