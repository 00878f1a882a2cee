"""Digestive system (40000 series) code selection from operative and procedure notes.

Each case is a note written for this bank; the candidate picks the code or codes the surgeon or
endoscopist reports. Distractors are the errors coders make in this series: the diagnostic
endoscopy reported with the surgical one, the wrong removal technique, the open code for a
laparoscopic procedure, a hernia coded by the wrong defect size or as reducible when it was
incarcerated, an add-on with modifier 51, a combination code split in two. CPT codes appear by
number only; every note, question and rationale is our own wording.
"""

from __future__ import annotations

import random

from ._common import CaseMaker, Spec, spec
from .cpt_common import REF_GLOBAL, REF_MODIFIERS, REF_SURGERY

DIG = "CPT-40000"
REF_DIG = "CPT Digestive System guidelines"
REF_ENDO = "CPT Digestive System guidelines: endoscopy"
REF_HERNIA = "CPT Digestive System guidelines: hernia repair"
REF_NCCI_GI = "NCCI Policy Manual ch. 6 (digestive system)"
_TAGS = ("digestive", "surgery", "code-selection")


_case = CaseMaker(DIG, _TAGS, (REF_SURGERY, REF_DIG))


def _fact(stem: str, key: tuple[str, str], wrong: list[tuple[str, str]], tags: tuple[str, ...],
          refs: tuple[str, ...] = (REF_SURGERY, REF_DIG)) -> Spec:
    return spec(DIG, stem, key, wrong, ("digestive", "surgery", *tags), refs)


def cases() -> list[Spec]:
    return [
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: symptomatic cholelithiasis with a dilated common bile duct "
            "on ultrasound. Procedure: laparoscopic removal of the gallbladder. Technique: four ports; the "
            "cystic duct was cannulated and contrast injected under fluoroscopy, showing free flow into the "
            "duodenum and no filling defects; the cystic duct and artery were clipped and divided and the "
            "gallbladder removed through the umbilical port. The surgeon reports which code?",
            ("47563", "The laparoscopic cholecystectomy code that includes the intraoperative cholangiogram "
                      "is 47563; the cholangiography is part of that code, not a separate procedure"),
            [("47562", "47562 is laparoscopic cholecystectomy without cholangiography; the cystic duct was "
                       "injected and imaged"),
             ("47605", "47605 is the open cholecystectomy with cholangiography; the gallbladder was removed "
                       "laparoscopically"),
             ("47562, 47563-51", "Only one cholecystectomy was done: the code with cholangiography already "
                                 "contains the gallbladder removal")],
            ("operative-note", "laparoscopy", "cholecystectomy"),
        ),
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: acute appendicitis. Postoperative diagnosis: perforated "
            "appendicitis with purulent fluid throughout the abdomen. Procedure: appendectomy through a lower "
            "midline laparotomy. Findings: gangrenous appendix perforated at its base; generalized peritonitis. "
            "Technique: appendix removed, the abdomen irrigated with 6 L of saline, fascia closed, skin left "
            "open. Which code is reported?",
            ("44960", "An open appendectomy for a ruptured appendix with abscess or generalized peritonitis is "
                      "44960; irrigation of the peritoneal cavity is part of it"),
            [("44950", "44950 is the open appendectomy without rupture; the appendix was perforated with "
                       "generalized peritonitis"),
             ("44970", "44970 is the laparoscopic appendectomy; this was done through a laparotomy"),
             ("44950, 49020-51", "No separate abscess was drained; washing out the abdomen is part of the "
                                 "appendectomy for a ruptured appendix")],
            ("operative-note", "appendectomy"),
        ),
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: right lower quadrant pain. Postoperative diagnosis: "
            "perforated appendicitis with a small pericecal abscess. Procedure: laparoscopic appendectomy. "
            "Technique: three ports; the abscess cavity was suctioned, the appendix stapled at its base and "
            "removed in a bag; a drain was left in the pelvis. Operative time was typical for the findings. "
            "Which code is reported?",
            ("44970", "All laparoscopic appendectomies are 44970 whether or not the appendix has ruptured; "
                      "suction of the abscess and drain placement are part of it"),
            [("44960", "44960 is an open appendectomy for rupture; this one was done laparoscopically"),
             ("44970-22", "Modifier 22 needs documented work substantially beyond the usual; the note says the "
                          "time was typical"),
             ("44970, 49406-51", "The abscess was suctioned through the same ports, not drained with an "
                                 "image-guided catheter; this is part of the appendectomy")],
            ("operative-note", "laparoscopy", "appendectomy"),
        ),
        _case(
            "PROCEDURE NOTE, colonoscopy. Indication: iron-deficiency anemia. The scope was advanced to the "
            "cecum; the appendiceal orifice and ileocecal valve were photographed. Findings: an 11 mm "
            "pedunculated polyp in the transverse colon, removed with a hot snare; a 3 cm area of ulcerated "
            "mucosa in the sigmoid colon, sampled with cold forceps. Which codes are reported?",
            ("45385, 45380-59", "Snare removal of the polyp is 45385; the biopsy was of a different lesion, so "
                                "45380 is reported too, with 59 (or XS) to show it is a separate lesion"),
            [("45385", "The biopsy of the separate sigmoid ulcer is a distinct service and is reported"),
             ("45384, 45380-59", "45384 is removal by hot biopsy forceps; this polyp was removed with a snare"),
             ("45378, 45385-51", "The diagnostic colonoscopy is included in every surgical colonoscopy and is "
                                 "not reported with it")],
            ("procedure-note", "multi-code", "colonoscopy", "modifier-59"),
            (REF_SURGERY, REF_ENDO, REF_NCCI_GI),
        ),
        _case(
            "PROCEDURE NOTE, colonoscopy, Medicare patient, age 67. Indication: average-risk colorectal cancer "
            "screening; last colonoscopy 11 years ago. Findings: cecum reached with good preparation; a 7 mm "
            "sessile polyp in the descending colon removed with a cold snare; the rest of the colon normal. "
            "Which is reported?",
            ("45385-PT", "Once a polyp is removed the screening becomes a therapeutic colonoscopy, 45385; for "
                         "Medicare, modifier PT shows it began as a colorectal cancer screening"),
            [("45385-33", "Modifier 33 is the CPT preventive-service flag many commercial payers use; Medicare "
                          "asks for PT on a screening colonoscopy that becomes therapeutic"),
             ("45378-PT", "45378 is a diagnostic colonoscopy with nothing removed; a polyp was snared"),
             ("45380-PT", "45380 is a biopsy; the whole polyp was removed with a snare")],
            ("procedure-note", "colonoscopy", "screening", "modifier"),
            (REF_SURGERY, REF_ENDO, "HCPCS Level II modifiers (CMS)"),
        ),
        _case(
            "PROCEDURE NOTE, colonoscopy. The patient was scheduled and prepared for a total colonoscopy. "
            "Despite a split-dose preparation, solid stool filled the lumen from the descending colon onward "
            "and the scope could not be advanced beyond the splenic flexure. No biopsy or removal was done. The "
            "procedure was stopped and rescheduled after an extended preparation. Which is reported?",
            ("45378-53", "CPT asks for the diagnostic colonoscopy code with modifier 53 when a planned total "
                         "colonoscopy cannot reach the cecum because of unforeseen circumstances such as poor "
                         "preparation"),
            [("45330", "Reporting the flexible sigmoidoscopy code understates what was planned and prepared; "
                       "CPT directs the colonoscopy code with 53"),
             ("45378-52", "For a diagnostic colonoscopy that does not reach the cecum CPT specifies modifier "
                          "53; 52 is used when a therapeutic colonoscopy is incomplete"),
             ("45378", "Without a modifier the claim says a complete colonoscopy was done")],
            ("procedure-note", "colonoscopy", "modifier-53"),
            (REF_SURGERY, REF_ENDO, REF_MODIFIERS),
        ),
        _case(
            "PROCEDURE NOTE, upper endoscopy. Indication: epigastric pain; check for Helicobacter pylori. The "
            "scope was passed to the second part of the duodenum. Findings: patchy antral erythema. Two cold "
            "forceps biopsies were taken from the antrum, two from the gastric body and two from the duodenal "
            "bulb, sent in three jars. Which is reported?",
            ("43239", "43239 covers single or multiple biopsies during an EGD, reported once however many "
                      "samples, sites or jars"),
            [("43239 x 3", "The biopsy code is not reported per site or per specimen jar; one unit covers all "
                           "biopsies of the session"),
             ("43235, 43239-51", "The diagnostic EGD is included in the EGD with biopsy"),
             ("43239, 43239-59", "A second unit with 59 needs a different technique on a different lesion, "
                                 "not more biopsies")],
            ("procedure-note", "egd", "biopsy"),
            (REF_SURGERY, REF_ENDO),
        ),
        _case(
            "PROCEDURE NOTE, upper endoscopy. Indication: dysphagia to solids. Findings: a smooth ring-like "
            "stricture 2 cm above the gastroesophageal junction; a 1 cm raised nodule in the gastric body. "
            "Technique: the gastric nodule was sampled with cold forceps; the stricture was dilated under "
            "direct vision with a through-the-scope balloon inflated to 18 mm. No guidewire was used. Which "
            "codes are reported?",
            ("43249, 43239-51", "Through-the-scope balloon dilation of the esophagus (balloon under 30 mm) is "
                                "43249; the biopsy of a separate gastric lesion adds 43239, the lower-valued "
                                "procedure with 51"),
            [("43248, 43239-51", "43248 is dilation by passing dilators over a guidewire; the note says a "
                                 "balloon was passed through the scope without a wire"),
             ("43249", "The gastric biopsy was of another lesion and is reported as well"),
             ("43235, 43249-51", "The diagnostic EGD is included in any surgical EGD and the biopsy is left "
                                 "out")],
            ("procedure-note", "multi-code", "egd", "dilation"),
            (REF_SURGERY, REF_ENDO),
        ),
        _case(
            "PROCEDURE NOTE, upper endoscopy with gastrostomy. Indication: dysphagia after a stroke; enteral "
            "access needed. A complete EGD was done to the duodenum with normal findings. The stomach was "
            "transilluminated, a needle and wire passed through the abdominal wall, and a 20 Fr gastrostomy "
            "tube pulled into place with its bumper against the gastric wall. Which is reported?",
            ("43246", "EGD with directed placement of a percutaneous gastrostomy tube is 43246; the survey of "
                      "the upper tract is part of it"),
            [("43235, 43246-51", "The diagnostic EGD is contained in the surgical EGD and is not added"),
             ("49440", "49440 is a gastrostomy tube placed percutaneously under imaging guidance, without "
                       "endoscopy"),
             ("43246, 43235-59", "Modifier 59 cannot unbundle the diagnostic EGD that every surgical EGD "
                                 "includes")],
            ("procedure-note", "egd", "gastrostomy", "bundling"),
            (REF_SURGERY, REF_ENDO, REF_NCCI_GI),
        ),
        _case(
            "PROCEDURE NOTE, upper endoscopy. A 3-year-old swallowed a coin 6 hours ago; X-ray shows it in the "
            "upper esophagus. Under general anesthesia a flexible scope was passed; the coin was grasped with "
            "a retrieval net and withdrawn. The stomach and duodenum were then inspected and were normal. "
            "Which is reported?",
            ("43247", "The scope went through to the duodenum, so this is an EGD, and removal of a foreign "
                      "body during EGD is 43247"),
            [("43215", "43215 is removal of a foreign body by flexible esophagoscopy; the examination "
                       "continued into the stomach and duodenum, which makes it an EGD"),
             ("43194", "43194 is removal through a rigid esophagoscope; a flexible scope was used"),
             ("43235, 43247-51", "The diagnostic EGD is included in the EGD with foreign body removal")],
            ("procedure-note", "egd", "foreign-body"),
            (REF_SURGERY, REF_ENDO),
        ),
        _case(
            "PROCEDURE NOTE, ERCP. Indication: choledocholithiasis with rising bilirubin. The papilla was "
            "cannulated and a cholangiogram showed two 8 mm stones in the common bile duct. A biliary "
            "sphincterotomy was performed with a sphincterotome and both stones were swept out with an "
            "extraction balloon; the final cholangiogram was clear. The radiology group interprets the "
            "fluoroscopy. Which codes does the endoscopist report?",
            ("43264, 43262-51", "Balloon sweep removal of duct stones is 43264; the sphincterotomy is a "
                                "separate therapeutic step, 43262, reported with it (51 on the lower-valued "
                                "code): CPT bars 43262 only beside a stent placed or exchanged in the same "
                                "duct, and no stent was placed"),
            [("43264", "The sphincterotomy was performed and is reported with the stone removal"),
             ("43260, 43262-51, 43264-51", "The diagnostic ERCP is included in every therapeutic ERCP"),
             ("43265, 43262-51", "43265 is ERCP with destruction (lithotripsy) of stones; these were swept "
                                 "out intact with a balloon")],
            ("procedure-note", "multi-code", "ercp"),
            (REF_SURGERY, REF_ENDO),
        ),
        _case(
            "OPERATIVE NOTE. Procedure: excisional hemorrhoidectomy. Findings: a single prolapsing combined "
            "internal and external hemorrhoid in the left lateral position; the other positions were normal. "
            "Technique: the hemorrhoid was excised from the anal verge up to its pedicle, which was "
            "suture-ligated, and the wound closed with a running suture. Which code is reported?",
            ("46255", "Excision of internal and external hemorrhoids in one column or group is 46255"),
            [("46260", "46260 is for two or more columns or groups; only the left lateral column was "
                       "excised"),
             ("46250", "46250 is excision of external hemorrhoids only; this one had an internal component"),
             ("46221", "46221 is rubber band ligation of internal hemorrhoids, not surgical excision")],
            ("operative-note", "hemorrhoids"),
        ),
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: chronic posterior anal fissure; grade III hemorrhoids. "
            "Procedure: excision of combined internal and external hemorrhoids in the right anterior, right "
            "posterior and left lateral positions, and excision of the posterior midline fissure with its "
            "sentinel tag. Which is reported?",
            ("46261", "CPT has one code for internal and external hemorrhoidectomy of two or more columns with "
                      "fissurectomy: 46261 covers both parts of the operation"),
            [("46260, 46200-51", "Reporting the hemorrhoidectomy and the fissurectomy separately unbundles the "
                                 "combination code that includes both"),
             ("46257", "46257 is the single-column hemorrhoidectomy with fissurectomy; three columns were "
                       "excised"),
             ("46260", "46260 leaves out the fissurectomy, which a combination code reports")],
            ("operative-note", "hemorrhoids", "combination-code"),
        ),
        _case(
            "OFFICE PROCEDURE NOTE. Grade II internal hemorrhoids with bleeding. Through an anoscope, rubber "
            "bands were placed at the bases of the internal hemorrhoids in the right posterior and left "
            "lateral positions. The patient tolerated it well. Which is reported?",
            ("46221", "Rubber band ligation of internal hemorrhoids is 46221, reported once for the session "
                      "whatever the number of bands; the anoscopy is part of it"),
            [("46221 x 2", "The code covers one or more band ligations; it is not reported per band"),
             ("46600, 46221-51", "The anoscopy is how the bands are placed and is included"),
             ("46946", "46946 is ligation of two or more columns by a method other than rubber bands")],
            ("procedure-note", "hemorrhoids"),
        ),
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: recurrent perianal abscess with a fistula. Findings: the "
            "internal opening at the dentate line posteriorly; the tract crosses the external sphincter in its "
            "middle third (transsphincteric). Technique: the tract was probed and a draining seton placed "
            "around the sphincter; the superficial portion was laid open. Which is reported?",
            ("46280", "A fistula tract that crosses the external sphincter is coded 46280, and the seton "
                      "placed at the same operation is part of that code"),
            [("46270", "46270 is a subcutaneous fistula; this tract crosses the sphincter"),
             ("46275", "46275 is an intersphincteric fistula, which does not cross the external sphincter"),
             ("46285", "46285 is the second stage of a fistula treatment; this was the first operation")],
            ("operative-note", "anal-fistula"),
        ),
        _case(
            "OPERATIVE NOTE. Patient: 8-year-old boy with obstructive sleep apnea and recurrent tonsillitis. "
            "Procedure: removal of both palatine tonsils by cold dissection and curettage of the adenoid pad. "
            "Hemostasis with suction cautery. Which is reported?",
            ("42820", "Tonsillectomy with adenoidectomy in a patient younger than 12 is the single combined "
                      "code 42820"),
            [("42821", "42821 is the combined procedure for a patient age 12 or older"),
             ("42825, 42830-51", "Tonsillectomy and adenoidectomy together have a combined code; they are not "
                                 "reported separately"),
             ("42826", "42826 is tonsillectomy alone at age 12 or over; the adenoids were also removed")],
            ("operative-note", "tonsillectomy", "combination-code"),
        ),
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: adenocarcinoma of the ascending colon. Procedure: "
            "laparoscopic right colectomy. Technique: the right colon was mobilized along the white line, the "
            "ileocolic vessels ligated at their origin, and the terminal ileum and right colon resected; an "
            "ileocolic anastomosis was stapled side to side. Which code is reported?",
            ("44205", "Laparoscopic partial colectomy with removal of the terminal ileum and an ileocolic "
                      "anastomosis is 44205"),
            [("44160", "44160 is the same resection done through an open incision"),
             ("44204", "44204 is laparoscopic partial colectomy with a colocolic anastomosis, without removal "
                       "of the terminal ileum"),
             ("44140", "44140 is an open partial colectomy with anastomosis")],
            ("operative-note", "laparoscopy", "colectomy"),
        ),
        _case(
            "OPERATIVE NOTE. Procedure: laparoscopic cholecystectomy; needle biopsy of the liver. Findings: "
            "chronic cholecystitis; the liver was pale and enlarged. Technique: after the gallbladder was "
            "removed, a core needle was passed into segment 5 under direct laparoscopic vision and two cores "
            "sent to pathology to assess for steatohepatitis. Which codes are reported?",
            ("47562, 47001", "Laparoscopic cholecystectomy is 47562; a needle liver biopsy for a real "
                             "indication at the time of another major procedure is the add-on 47001, which "
                             "takes no modifier 51"),
            [("47562, 47000-51", "47000 is the stand-alone percutaneous liver biopsy; during another major "
                                 "procedure CPT directs the add-on 47001"),
             ("47562, 47001-51", "Add-on codes are exempt from modifier 51"),
             ("47562, 47100-51", "47100 is a wedge biopsy, an open excision of a piece of liver; a core needle "
                                 "was used")],
            ("operative-note", "multi-code", "add-on", "cholecystectomy"),
        ),
        _case(
            "OPERATIVE NOTE. Procedure attempted: laparoscopic cholecystectomy. Findings: dense adhesions "
            "from prior surgery obscured the triangle of Calot. Technique: after 40 minutes the laparoscopic "
            "approach was abandoned, a right subcostal incision made, and the gallbladder removed open. No "
            "cholangiogram. Which is reported?",
            ("47600", "When a laparoscopic procedure is converted to open, only the open procedure is "
                      "reported: open cholecystectomy, 47600"),
            [("47562, 47600-51", "The converted laparoscopy is not reported in addition to the open procedure"),
             ("47562-53, 47600", "The laparoscopy was not discontinued for risk to the patient; it was "
                                 "converted, and only the completed open operation is reported"),
             ("47562", "The gallbladder was removed through an open incision, not laparoscopically")],
            ("operative-note", "cholecystectomy", "conversion"),
            (REF_SURGERY, REF_DIG, REF_NCCI_GI),
        ),
        _case(
            "OPERATIVE NOTE. Patient: 46-year-old man. Diagnoses: right indirect and left direct inguinal "
            "hernias, both reducible, never repaired before. Procedure: open repair of both hernias through "
            "separate groin incisions with mesh on each side. Which is reported?",
            ("49505-50", "Initial open repair of a reducible inguinal hernia at age 5 or older is 49505; both "
                         "sides at one session take modifier 50, and mesh is included"),
            [("49505, 49505-51", "A bilateral procedure is reported with modifier 50, not as two procedures "
                                 "with 51"),
             ("49650-50", "49650 is a laparoscopic initial inguinal hernia repair; these were open"),
             ("49520-50", "49520 is for a recurrent inguinal hernia; neither side had been repaired")],
            ("operative-note", "hernia", "modifier-50", "bilateral"),
            (REF_SURGERY, REF_HERNIA, REF_MODIFIERS),
        ),
        _case(
            "OPERATIVE NOTE. Patient: 71-year-old man, no prior groin surgery. Findings: on the right, an "
            "incarcerated indirect inguinal hernia containing omentum, reduced after the ring was opened; on "
            "the left, a small reducible direct hernia. Procedure: open mesh repair of both sides at the same "
            "session. Which codes are reported?",
            ("49507-RT, 49505-51-LT", "The right side is an initial incarcerated repair, 49507; the left an "
                                      "initial reducible repair, 49505; different codes on each side are "
                                      "reported separately with RT/LT and 51 on the second"),
            [("49507-50", "Modifier 50 applies only when the same code describes both sides; one side was "
                          "incarcerated and the other reducible"),
             ("49505-RT, 49507-51-LT", "The sides are swapped: the incarcerated hernia was on the right"),
             ("49507-RT, 49520-51-LT", "49520 is a recurrent hernia repair; neither side had been repaired "
                                       "before")],
            ("operative-note", "multi-code", "hernia", "laterality"),
            (REF_SURGERY, REF_HERNIA, REF_MODIFIERS),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: umbilical hernia, first repair. Procedure: laparoscopic repair with "
            "intraperitoneal mesh. Findings: a single fascial defect measuring 2.4 cm; the contents reduced "
            "easily. Which is reported?",
            ("49591", "Anterior abdominal hernia repairs are coded by initial or recurrent, total defect length "
                      "and reducible or not, whatever the approach, with mesh included: initial, under 3 cm, "
                      "reducible is 49591"),
            [("49593", "49593 is for a total defect of 3 cm to 10 cm; this defect is 2.4 cm"),
             ("49592", "49592 is the incarcerated or strangulated hernia of that size; this one reduced "
                       "easily"),
             ("49613", "49613 is a recurrent hernia repair; this was the first repair")],
            ("operative-note", "hernia", "measurement"),
            (REF_SURGERY, REF_HERNIA),
        ),
        _case(
            "OPERATIVE NOTE. Preoperative diagnosis: incarcerated umbilical hernia with small bowel obstruction; "
            "no prior repair. Findings: a 2 cm fascial defect trapping a loop of ileum that remained dark and "
            "nonviable after release. Procedure: open resection of 15 cm of ileum with a stapled anastomosis, "
            "then primary repair of the defect. Which codes are reported?",
            ("44120, 49592-51", "CPT's hernia guidelines have the resection of a strangulated organ such as "
                                "intestine reported in addition to the hernia repair: 44120 for the small bowel "
                                "resection with anastomosis, and 49592 for an initial, incarcerated repair of "
                                "a defect under 3 cm, with 51 as the lower-valued procedure"),
            [("44120, 49591-51", "49591 is for a reducible hernia; this one was incarcerated"),
             ("49592", "The bowel resection is a separate, major procedure and is reported"),
             ("44120, 49594-51", "49594 is for a defect of 3 cm to 10 cm; this defect measured 2 cm")],
            ("operative-note", "multi-code", "hernia", "bowel-resection"),
            (REF_SURGERY, REF_HERNIA),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: recurrent incisional hernia after a previous mesh repair. Findings: a "
            "6 cm defect along the old midline scar, contents reducible; the old mesh was folded and "
            "uninfected. Technique: open approach; the old mesh was removed entirely, and the defect closed "
            "and reinforced with new retromuscular mesh. Which codes are reported?",
            ("49615, 49623", "A recurrent reducible anterior abdominal hernia of 3 cm to 10 cm is 49615, new "
                             "mesh included; removal of the old mesh is the add-on 49623, exempt from 51"),
            [("49615, 49623-51", "49623 is an add-on code and never takes modifier 51"),
             ("49593, 49623", "49593 is an initial repair; this hernia had been repaired before"),
             ("49616, 49623", "49616 is for an incarcerated or strangulated hernia; the contents were "
                              "reducible")],
            ("operative-note", "multi-code", "hernia", "add-on"),
            (REF_SURGERY, REF_HERNIA),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: large paraesophageal (type III) hiatal hernia with postprandial chest "
            "pain. Procedure: laparoscopic reduction of the stomach, excision of the hernia sac, crural "
            "closure reinforced with biologic mesh, and a 360-degree fundoplication. Which is reported?",
            ("43282", "Repairing a paraesophageal hernia laparoscopically and reinforcing it with mesh is 43282; "
                      "the fundoplication done with it is part of the code"),
            [("43281", "43281 is the same laparoscopic repair without mesh; mesh reinforced the crura"),
             ("43333", "43333 is the paraesophageal repair with mesh through a laparotomy; this was "
                       "laparoscopic"),
             ("43280, 43281-51", "The fundoplication is included in the paraesophageal repair code and is not "
                                 "added")],
            ("operative-note", "laparoscopy", "hiatal-hernia"),
        ),
        _case(
            "OPERATIVE NOTE. Diagnosis: morbid obesity, BMI 44, with obstructive sleep apnea. Procedure: "
            "laparoscopic longitudinal gastrectomy: the greater curvature of the stomach was divided with "
            "staplers along a 36 Fr bougie, leaving a narrow tubular stomach; no bypass or band was placed. "
            "Which is reported?",
            ("43775", "Laparoscopic sleeve gastrectomy is 43775"),
            [("43644", "43644 is laparoscopic gastric bypass with a Roux-en-Y limb; no bypass was made"),
             ("43770", "43770 is placement of an adjustable gastric band"),
             ("43843", "43843 is an open restrictive procedure; this was laparoscopic")],
            ("operative-note", "laparoscopy", "bariatric"),
        ),
        _case(
            "OPERATIVE NOTE. Indication: ascites of unknown cause; CT shows omental nodularity. Procedure: "
            "laparoscopy with biopsies. Findings: multiple 2-5 mm peritoneal nodules; three nodules excised "
            "with laparoscopic scissors and sent for frozen section, which showed carcinoma. No further "
            "procedure was done. Which is reported?",
            ("49321", "A laparoscopy with biopsy of the peritoneum or omentum is 49321, reported once for "
                      "single or multiple biopsies"),
            [("49320", "49320 is the diagnostic laparoscopy alone; biopsies were taken"),
             ("49320, 49321-51", "The diagnostic laparoscopy is part of every surgical laparoscopy"),
             ("49321 x 3", "The code covers single or multiple biopsies; it is not reported per nodule")],
            ("operative-note", "laparoscopy", "biopsy"),
        ),
        _case(
            "PROCEDURE NOTE, interventional radiology suite. Cirrhosis with tense ascites. Under real-time "
            "ultrasound guidance a catheter was placed in the left lower quadrant and 5.2 L of straw-colored "
            "fluid drained; the catheter was then removed. Images were stored. Which is reported?",
            ("49083", "Abdominal paracentesis with imaging guidance is 49083; the ultrasound guidance is part "
                      "of the code"),
            [("49082", "49082 is paracentesis without imaging guidance; ultrasound was used"),
             ("49082, 76942", "Ultrasound guidance for paracentesis is built into 49083 and is not reported "
                              "with a separate guidance code"),
             ("49406", "49406 is image-guided placement of an indwelling drainage catheter for a fluid "
                       "collection; the catheter was removed after the tap")],
            ("procedure-note", "paracentesis", "imaging-guidance"),
        ),
        _case(
            "PROCEDURE NOTE, colonoscopy. A 12 mm sessile polyp in the ascending colon was removed with a hot "
            "snare. Ten minutes later the polypectomy base began oozing, and two hemostatic clips were placed "
            "at the site to control it. The rest of the examination was normal. Which is reported?",
            ("45385", "Snare polypectomy is 45385; controlling bleeding that the procedure itself causes at "
                      "the same site is part of the procedure and not reported separately"),
            [("45385, 45382-59", "NCCI does not allow the bleeding-control code for bleeding caused by the "
                                 "endoscopic procedure; modifier 59 does not change that"),
             ("45382", "The polypectomy was the procedure performed; the clips treated its own bleeding"),
             ("45385-22", "Treating expected bleeding at the polypectomy site is not substantially greater "
                          "work")],
            ("procedure-note", "colonoscopy", "bundling"),
            (REF_SURGERY, REF_ENDO, REF_NCCI_GI),
        ),
        _case(
            "PROCEDURE NOTE, same session, monitored anesthesia care by an anesthesia provider. First an upper "
            "endoscopy to the duodenum: gastric antral biopsies taken with cold forceps. Then a colonoscopy to "
            "the cecum: a 9 mm polyp in the sigmoid colon removed with a cold snare. Which codes does the "
            "endoscopist report?",
            ("45385, 43239-51", "Each endoscopy is reported: colonoscopy with snare removal, 45385, and EGD "
                                "with biopsy, 43239; they belong to different endoscopic families, so 51 goes "
                                "on the lower-valued one"),
            [("45385, 43235-51, 43239-51", "43235 is the diagnostic EGD, already part of the EGD with biopsy"),
             ("45380, 43239-51", "45380 is colonoscopy with biopsy; the polyp was removed by snare"),
             ("45378, 43235-51", "Both endoscopies were surgical: the biopsy and the polyp removal are "
                                 "missing")],
            ("procedure-note", "multi-code", "egd", "colonoscopy"),
            (REF_SURGERY, REF_ENDO),
        ),
    ]


def facts(rng: random.Random | None = None) -> list[Spec]:
    """Guideline, modifier and global-period questions (rng unused: every one is taken)."""
    return [
        _fact("Which endoscopic examination, by CPT's definitions, is the one that goes from the rectum all "
              "the way to the cecum and may include the terminal ileum?",
              ("Colonoscopy", "CPT defines colonoscopy as examination of the entire colon from the rectum to the "
                              "cecum, and it may include the terminal ileum"),
              [("Flexible sigmoidoscopy", "Sigmoidoscopy examines the rectum and sigmoid colon and may include "
                                          "part of the descending colon"),
               ("Proctosigmoidoscopy", "Proctosigmoidoscopy examines the rectum and the sigmoid colon only"),
               ("Ileoscopy through a stoma", "That examines the small bowel through an ileostomy, not the "
                                             "colon")],
              ("endoscopy", "definitions"), (REF_SURGERY, REF_ENDO)),
        _fact("A surgeon begins with a diagnostic laparoscopy and, seeing an inflamed gallbladder, goes on to "
              "remove it laparoscopically. How is the diagnostic laparoscopy reported?",
              ("Not at all: the surgical laparoscopy includes it",
               "A surgical laparoscopy always includes the diagnostic laparoscopy"),
              [("With modifier 59 as a distinct procedure", "An included diagnostic laparoscopy cannot be "
                                                            "unbundled with 59"),
               ("With modifier 51 as a second procedure", "It is not a second procedure"),
               ("With modifier 58 as the decision step", "Modifier 58 is for a staged procedure during a "
                                                         "global period")],
              ("laparoscopy", "bundling"), (REF_SURGERY, REF_DIG, REF_NCCI_GI)),
        _fact("An open inguinal hernia repair uses a polypropylene mesh. How is the mesh reported?",
              ("It is included in the inguinal hernia repair code",
               "Mesh placement is part of inguinal hernia repair and has no separate code"),
              [("With the mesh implantation add-on code for each hernia repaired",
                "No mesh add-on applies to inguinal repair"),
               ("With modifier 22 on the repair", "Routine mesh placement is not unusual work"),
               ("With the HCPCS supply code for the mesh, billed by the surgeon",
                "The surgeon's repair code already covers the mesh")],
              ("hernia", "bundling"), (REF_SURGERY, REF_HERNIA)),
        _fact("During a sigmoid colectomy for diverticulitis, the surgeon also removes a normal-looking "
              "appendix with no clinical reason documented. How is the appendectomy reported?",
              ("It is not reported separately",
               "Removal of a normal appendix during another abdominal operation, with no clinical reason, "
               "is incidental and not separately reportable"),
              [("With the appendectomy code and modifier 51", "An incidental removal is not a reportable "
                                                              "second procedure"),
               ("With the appendectomy code and modifier 59", "Modifier 59 cannot make an incidental service "
                                                              "reportable"),
               ("With the appendectomy code and modifier 52", "Nothing about the appendectomy was reduced")],
              ("appendectomy", "bundling"), (REF_SURGERY, REF_DIG, REF_NCCI_GI)),
        _fact("How do the anterior abdominal hernia repair codes (ventral, umbilical, incisional, spigelian) "
              "tell one repair from another?",
              ("By initial or recurrent, total defect length, and reducible or incarcerated",
               "These codes are built on the three factors; open, laparoscopic and robotic approaches and "
               "mesh are all included"),
              [("By the type of hernia (umbilical, incisional, spigelian) and whether mesh was used",
                "The hernia type is not a coding axis, and mesh is included rather than added"),
               ("By open, laparoscopic or robotic approach and the patient's age at the repair",
                "Approach and age divide the inguinal codes, not the anterior abdominal ones"),
               ("By the number of hernias repaired and the length of the skin incision",
                "The codes use the total length of the fascial defect(s), not the skin incision")],
              ("hernia", "guidelines"), (REF_SURGERY, REF_HERNIA)),
        _fact("Eight weeks after a sigmoid resection with an end colostomy (a 90-day global procedure), the "
              "same surgeon takes down the colostomy and restores continuity, as planned at the first "
              "operation. Which modifier goes on the takedown?",
              ("58", "A planned, staged procedure by the same surgeon during the global period takes 58, "
                     "which starts a new global period"),
              [("78", "78 is an unplanned return to the operating room for a complication"),
               ("79", "79 is for an unrelated procedure; the takedown is the planned second stage"),
               ("76", "76 is a repeat of the same procedure; the takedown is a different operation")],
              ("modifier", "modifier-58", "global-period"), (REF_MODIFIERS, REF_GLOBAL)),
        _fact("Four days after a laparoscopic right colectomy, the patient develops an anastomotic leak and "
              "the same surgeon returns to the operating room to repair it. Which modifier goes on the "
              "procedure for the leak?",
              ("78", "An unplanned return to the operating room for a complication of the first operation, by "
                     "the same surgeon during its global period, takes 78"),
              [("58", "58 is for a planned or staged procedure; the leak was not planned"),
               ("79", "79 is for a procedure unrelated to the first; the leak comes from it"),
               ("76", "76 is for repeating the same procedure, not treating its complication")],
              ("modifier", "modifier-78", "global-period"), (REF_MODIFIERS, REF_GLOBAL)),
        _fact("Five weeks after a laparoscopic cholecystectomy (90-day global), the same surgeon performs a "
              "hemorrhoidectomy for prolapsing hemorrhoids unrelated to the gallbladder. Which modifier goes on "
              "the hemorrhoidectomy?",
              ("79", "An unrelated procedure by the same surgeon during another procedure's global period takes "
                     "79 and starts its own global period"),
              [("78", "78 is for a related, unplanned return to the operating room"),
               ("58", "58 is for a planned or staged procedure related to the first"),
               ("24", "24 is for an unrelated E/M visit in the global period, not a procedure")],
              ("modifier", "modifier-79", "global-period"), (REF_MODIFIERS, REF_GLOBAL)),
        _fact("Which visit is part of the global surgical package of a laparoscopic appendectomy and is not "
              "billed?",
              ("A routine wound check by the surgeon on postoperative day 7",
               "Routine postoperative follow-up by the surgeon during the global period is included"),
              [("The ED visit at which the surgeon first decided to operate, the day before",
                "The decision-for-surgery visit the day before a major procedure is reported with 57"),
               ("A visit in week 3 for the patient's unrelated knee pain",
                "An unrelated problem in the global period is reported with 24"),
               ("A later return to surgery for a wound dehiscence",
                "A return to the operating room for a complication is reported with 78")],
              ("global-period", "global-surgery"), (REF_GLOBAL,)),
        _fact("During an EGD, a gastric polyp is first sampled with cold forceps and then, in the same "
              "session, the same polyp is removed with a snare. How is it reported under NCCI policy?",
              ("The snare removal only",
               "When a lesion is biopsied and then excised at the same session, only the removal is reported"),
              [("The snare removal, and the biopsy with modifier 59 as a separate technique",
                "59 is for a biopsy of a different lesion, not the one that was removed"),
               ("The biopsy only, since it came first",
                "The more extensive removal describes what was done to the lesion"),
               ("The snare removal with modifier 22",
                "The preceding biopsy is not unusual work")],
              ("egd", "bundling", "ncci"), (REF_SURGERY, REF_ENDO, REF_NCCI_GI)),
    ]

