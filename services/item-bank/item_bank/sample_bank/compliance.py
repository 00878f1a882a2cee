"""Compliance and regulatory (COMP) items: fraud and abuse laws, HIPAA, NCCI, ABNs and payer rules.

All content is our own summary of public federal rules (statutes, CMS manuals, HHS guidance).
Scenario questions are built so that only one listed law or category fits: for example, kickback
scenarios involve non-physician referral sources so the self-referral law cannot also apply.
"""

from __future__ import annotations

import random

from ._common import Spec, pick, spec
from .cpt_common import REF_NCCI, fact

COMP = "COMP"
REF_FCA = "False Claims Act (31 U.S.C. 3729-3733)"
REF_AKS = "Anti-Kickback Statute (42 U.S.C. 1320a-7b(b))"
REF_STARK = "Physician Self-Referral Law (42 U.S.C. 1395nn)"
REF_HIPAA = "HIPAA Privacy, Security and Breach Notification Rules (45 CFR 160 and 164)"
REF_OIG = "OIG Compliance Program Guidance"
REF_ABN = "Medicare Claims Processing Manual, Chapter 30 (financial liability protections)"
REF_CMS_FWA = "CMS Medicare Fraud & Abuse (MLN booklet)"

_LAWS = {
    "FCA": ("The False Claims Act", "imposes civil liability for knowingly submitting false claims to the "
                                   "government"),
    "AKS": ("The Anti-Kickback Statute", "makes it a crime to knowingly pay or receive anything of value to "
                                        "induce referrals of federal health care program business"),
    "STARK": ("The Physician Self-Referral Law (Stark)", "bars physicians from referring Medicare patients "
                                                         "for designated health services to entities with "
                                                         "which they or a family member have a financial "
                                                         "relationship, unless an exception applies; intent "
                                                         "does not matter"),
    "PRIVACY": ("The HIPAA Privacy Rule", "limits uses and disclosures of protected health information"),
    "SECURITY": ("The HIPAA Security Rule", "requires administrative, physical and technical safeguards for "
                                           "electronic protected health information"),
    "EMTALA": ("EMTALA (the Emergency Medical Treatment and Labor Act)",
               "requires hospitals with emergency departments to screen and stabilize anyone who comes to the "
               "ED, regardless of ability to pay"),
}
_LAW_CASES: tuple[tuple[str, str, tuple[str, str, str], str], ...] = (
    ("AKS", "A durable medical equipment supplier pays a hospital discharge planner $100 for each Medicare "
            "patient she steers to the supplier. Which law most directly prohibits this arrangement?",
     ("PRIVACY", "EMTALA", "SECURITY"), REF_AKS),
    ("AKS", "A home health agency gives a nurse at a senior center free concert tickets for every Medicaid "
            "patient she refers to the agency. Which law most directly prohibits this arrangement?",
     ("PRIVACY", "EMTALA", "SECURITY"), REF_AKS),
    ("STARK", "A physician refers Medicare patients for MRI scans to an imaging center owned by the "
              "physician's spouse, and no exception applies. Which law prohibits the referral even if no one "
              "intended to induce it?", ("AKS", "PRIVACY", "EMTALA"), REF_STARK),
    ("FCA", "A practice knowingly bills Medicare for office visits that never took place. Which federal "
            "civil statute lets the government recover three times its damages plus a penalty for each "
            "claim?",
     ("STARK", "PRIVACY", "EMTALA"), REF_FCA),
    ("FCA", "A billing employee files a lawsuit on the government's behalf, alleging that her employer "
            "submitted false Medicare claims. Under which law's qui tam provisions is she suing?",
     ("AKS", "PRIVACY", "SECURITY"), REF_FCA),
    ("PRIVACY", "A receptionist tells a patient's employer the patient's diagnosis without the patient's "
                "authorization. Which rule governs this disclosure?",
     ("SECURITY", "EMTALA", "STARK"), REF_HIPAA),
    ("SECURITY", "A practice never performed a risk analysis and stored electronic records on an unencrypted "
                 "laptop that was stolen. Which rule sets the safeguards the practice failed to implement?",
     ("PRIVACY", "EMTALA", "STARK"), REF_HIPAA),
    ("EMTALA", "A hospital emergency department sends away a patient with chest pain without a medical "
               "screening examination because the patient has no insurance. Which law does this violate?",
     ("PRIVACY", "STARK", "AKS"), "Emergency Medical Treatment and Labor Act (42 U.S.C. 1395dd)"),
)


def _laws() -> list[Spec]:
    out = []
    for key, stem, wrong, ref in _LAW_CASES:
        name, what = _LAWS[key]
        out.append(spec(
            COMP, stem,
            (name, f"{name} {what}"),
            [(_LAWS[w][0], f"{_LAWS[w][0]} {_LAWS[w][1]}, which is not what this scenario "
                           "turns on") for w in wrong],
            ["compliance", "fraud-abuse-laws", key.lower()],
            [ref],
        ))
    return out


_FRAUD = "Fraud"
_ABUSE = "Abuse"
_OK = "Neither; it is a permitted practice"
_HIPAA = "A HIPAA privacy violation"
_CLASS_WHY = {
    _FRAUD: "Fraud is intentionally deceiving or misrepresenting to obtain payment one is not entitled to",
    _ABUSE: "Abuse is a practice inconsistent with sound medical or business practice that leads to improper "
            "payment or unnecessary cost, without proof of intent",
    _OK: "A permitted practice breaks no billing rule",
    _HIPAA: "A HIPAA privacy violation is an improper use or disclosure of protected health information",
}
_FRAUD_CASES: tuple[tuple[str, str], ...] = (
    ("A physician knowingly bills for services that were never provided.", _FRAUD),
    ("A provider deliberately reports a higher E/M level than the documentation supports to increase "
     "payment.",
     _FRAUD),
    ("Office staff change the dates of service in the records so that claims will be paid.", _FRAUD),
    ("A new coder, misunderstanding the bundling rules, unintentionally reports components of a procedure "
     "separately for several months.", _ABUSE),
    ("A practice routinely charges Medicare patients more than its other patients for the same "
     "service.", _ABUSE),
    ("A practice waives a patient's copayment after documenting the patient's individual financial hardship.",
     _OK),
)


def _fraud_abuse() -> list[Spec]:
    out = []
    for scenario, key in _FRAUD_CASES:
        out.append(spec(
            COMP,
            f"{scenario} How is this best classified?",
            (key, _CLASS_WHY[key]),
            [(o, f"{_CLASS_WHY[o]}; that does not describe this "
                 "scenario") for o in (_FRAUD, _ABUSE, _OK, _HIPAA)
             if o != key],
            ["compliance", "fraud-abuse"],
            [REF_CMS_FWA],
        ))
    return out


def _ncci() -> list[Spec]:
    meanings = {
        "0": "A modifier is not allowed; the edit cannot be bypassed",
        "1": "A modifier is allowed to bypass the edit when clinically appropriate and documented",
        "9": "The edit does not apply; it was deleted",
    }
    out = []
    # One question on the indicators (the one coders act on), not three that differ in a digit.
    for ind, meaning in list(meanings.items())[1:2]:
        out.append(spec(
            COMP,
            f"An NCCI procedure-to-procedure edit carries modifier indicator {ind}. What does this mean?",
            (meaning, f"Modifier indicator {ind}: {meaning[0].lower()}{meaning[1:]}"),
            [(m, f"That is modifier indicator {i}") for i, m in meanings.items() if i != ind]
            + [("Modifier 51 must be appended to the column 2 code", "Modifier 51 never bypasses an NCCI "
                                                                     "edit")],
            ["compliance", "ncci", "modifier-indicator"],
            [REF_NCCI],
        ))
    out += [
        fact(COMP, "What is a Medically Unlikely Edit (MUE)?",
             ("The most units of a code that a provider would report for one patient on one date under most "
              "circumstances",
              "MUEs cap the units of service per beneficiary per date for most circumstances"),
             [("A list of code pairs that may not be reported together for the same patient on the same date "
               "by one provider", "That is a procedure-to-procedure edit"),
              ("A list of diagnoses that support medical necessity", "That is a coverage determination"),
              ("The payment limit for a code", "MUEs limit units, not dollars")],
             ["compliance", "ncci", "mue"], (REF_NCCI,)),
        fact(COMP, "Which programs use NCCI edits?",
             ("Medicare and Medicaid", "CMS developed NCCI for Medicare Part B and it is also used by "
                                       "Medicaid"),
             [("Only commercial insurers", "NCCI is a CMS program"),
              ("Only Medicare Part A hospital inpatient claims", "NCCI targets professional and outpatient "
                                                                 "claims"),
              ("Only workers' compensation plans", "NCCI is a CMS program")],
             ["compliance", "ncci"], (REF_NCCI,)),
    ]
    return out


def _hipaa() -> list[Spec]:
    c = COMP
    ref = (REF_HIPAA,)
    return [
        fact(c, "Which of these is a HIPAA covered entity?",
             ("A health care provider that transmits health information electronically in standard "
              "transactions",
              "Covered entities are health plans, health care clearinghouses and providers that conduct "
              "standard electronic transactions"),
             [("A billing company that processes claims and handles patient data on behalf of a physician "
               "practice", "That is a business associate, not a covered entity"),
              ("A patient who keeps copies of their own records", "Individuals are not covered entities"),
              ("A life insurance company", "Life insurers are not health plans under HIPAA")],
             ["compliance", "hipaa", "covered-entity"], ref),
        fact(c, "A physician practice hires an outside billing company that will handle patients' protected "
                "health information. What does HIPAA require before sharing the data?",
             ("A business associate agreement", "A business associate must sign an agreement to safeguard "
                                                "PHI"),
             [("Written authorization from every patient", "Payment-related disclosures to a business "
                                                           "associate do not need authorization"),
              ("Approval from the OIG", "The OIG does not approve vendor contracts"),
              ("Nothing, because billing is payment", "The business associate agreement is still required")],
             ["compliance", "hipaa", "business-associate"], ref),
        fact(c, "What does the HIPAA minimum necessary standard require?",
             ("Using or disclosing only the least PHI needed for the purpose",
              "Covered entities limit uses, disclosures and requests to the minimum necessary"),
             [("Keeping records for the minimum time possible", "It governs how much PHI is used, not "
                                                                "retention"),
              ("Collecting only one identifier per patient", "It does not limit identifiers in the record"),
              ("Encrypting only the smallest number of devices that store or transmit PHI",
               "Encryption is a Security Rule safeguard")],
             ["compliance", "hipaa", "minimum-necessary"], ref),
        fact(c, "Which disclosure does the HIPAA Privacy Rule permit without the patient's written "
                "authorization?",
             ("Sending records to another provider for the patient's treatment",
              "Treatment, payment and health care operations are permitted without authorization"),
             [("Giving the patient's diagnosis to the patient's employer", "Employers need an authorization"),
              ("Using the patient's information in marketing for a drug company", "Marketing needs "
                                                                                  "authorization"),
              ("Releasing psychotherapy notes to a life insurer", "Psychotherapy notes need authorization")],
             ["compliance", "hipaa", "tpo"], ref),
        fact(c, "A patient asks for a copy of their medical record. How long does the covered entity have to "
                "act on the request under the HIPAA Privacy Rule?",
             ("30 days, with one 30-day extension if needed", "The rule allows 30 days and one extension"),
             [("10 business days, with no extension allowed", "The rule allows 30 days"),
              ("60 days, the same deadline as breach notification", "60 days is the breach-notification "
                                                                    "deadline, not the access deadline"),
              ("90 days, with one further extension of 30 days", "The rule allows 30 days and one "
                                                                 "extension")],
             ["compliance", "hipaa", "patient-access"], ref),
        fact(c, "For most uses and disclosures of psychotherapy notes, what does the HIPAA Privacy Rule "
                "require?",
             ("The patient's written authorization", "Psychotherapy notes have special protection and "
                                                     "generally need authorization"),
             [("Nothing beyond the minimum necessary standard", "Psychotherapy notes need authorization"),
              ("A court order in every case", "Authorization, not a court order, is the general requirement"),
              ("Only a verbal agreement from the patient", "The authorization must be written")],
             ["compliance", "hipaa", "psychotherapy-notes"], ref),
        fact(c, "What kinds of safeguards does the HIPAA Security Rule require for electronic PHI?",
             ("Administrative, physical and technical safeguards", "The Security Rule is organized around "
                                                                   "these three safeguard types"),
             [("Encryption of every device that stores health data", "Encryption is one addressable "
                                                                     "technical safeguard among many"),
              ("Locked cabinets and sign-in logs for paper records", "The Security Rule covers electronic "
                                                                     "PHI"),
              ("Confidentiality pledges signed by every staff member", "Pledges and training are only part of "
                                                                       "the administrative safeguards")],
             ["compliance", "hipaa", "security-rule"], ref),
        fact(c, "A covered entity discovers a breach of unsecured PHI affecting 120 patients. By when must "
                "it notify the affected individuals?",
             ("Without unreasonable delay and no later than 60 calendar days after discovery",
              "The Breach Notification Rule sets this outer limit for notifying individuals"),
             [("In an annual log within 60 days after the end of the calendar year", "Annual logging is how "
                                                                                     "small breaches are "
                                                                                     "reported to HHS, not "
                                                                                     "to individuals"),
              ("Within 10 business days, by certified letter to each affected patient", "The rule's limit is "
                                                                                        "60 calendar days"),
              ("Only when an affected patient asks whether their own information was involved",
               "Notice to affected individuals is required")],
             ["compliance", "hipaa", "breach-notification"], ref),
        fact(c, "A breach of unsecured PHI affects 800 residents of one state. Whom must the covered entity "
                "notify, in addition to the individuals?",
             ("HHS within 60 days of discovery, and prominent media outlets serving the state",
              "Breaches of 500 or more require prompt notice to HHS, and media notice when more than 500 "
              "residents of a state are affected"),
             [("HHS only, in the annual log of breaches due within 60 days after the year ends",
               "Annual logging is for breaches of fewer than 500"),
              ("No one else", "Large breaches require notice to HHS and the media"),
              ("The OIG within 10 days", "Breach notices go to HHS (OCR), not the OIG")],
             ["compliance", "hipaa", "breach-notification"], ref),
        fact(c, "A breach of unsecured PHI affects 40 individuals. How is it reported to HHS?",
             ("In a log submitted within 60 days after the end of the calendar year",
              "Breaches of fewer than 500 may be reported to HHS annually"),
             [("Within 24 hours", "There is no 24-hour rule"),
              ("It is never reported to HHS when fewer than 500 people are affected by it",
               "All breaches are reported to HHS; small ones in the annual log"),
              ("Through a press release", "Media notice is for large breaches")],
             ["compliance", "hipaa", "breach-notification"], ref),
        fact(c, "How long must a covered entity keep the documentation that HIPAA requires, such as its "
                "policies and procedures?",
             ("Six years from creation or from the date it was last in effect",
              "HIPAA sets a six-year retention period for required documentation"),
             [("Two years from the date the document was replaced by a newer version", "HIPAA requires six "
                                                                                       "years"),
              ("Ten years", "HIPAA requires six years"),
              ("Until the patient dies", "HIPAA's retention period is six years")],
             ["compliance", "hipaa", "retention"], ref),
        fact(c, "Which agency enforces the HIPAA Privacy and Security Rules through civil penalties?",
             ("The HHS Office for Civil Rights (OCR)", "OCR enforces the Privacy and Security Rules"),
             [("The Office of Inspector General (OIG)", "The OIG fights fraud, waste and abuse"),
              ("The Centers for Medicare & Medicaid Services (CMS)", "CMS enforces transaction and code set "
                                                                     "standards"),
              ("The Federal Trade Commission (FTC)", "The FTC enforces its own breach rule for non-HIPAA "
                                                     "entities")],
             ["compliance", "hipaa", "enforcement"], ref),
        fact(c, "Which HIPAA standard electronic transaction is used to submit a professional (physician) "
                "claim?",
             ("ASC X12 837P", "The 837P is the professional claim"),
             [("ASC X12 835", "The 835 is the remittance advice"),
              ("ASC X12 270/271", "The 270/271 is the eligibility inquiry and response"),
              ("ASC X12 837I", "The 837I is the institutional claim")],
             ["compliance", "hipaa", "transactions"], (REF_HIPAA, "HIPAA transaction standards (45 CFR "
                                                                  "162)")),
        fact(c, "A data set for a 45-year-old patient must be de-identified under the HIPAA safe harbor "
                "method. Which element must be removed?",
             ("The patient's full date of birth", "All elements of dates (except year) related to the "
                                                  "individual are identifiers"),
             [("The state the patient lives in", "Geographic units smaller than a state are identifiers; the "
                                                 "state itself is not"),
              ("The patient's sex", "Sex is not one of the 18 identifiers"),
              ("The year of the hospital admission", "The year alone may remain, except for ages over 89")],
             ["compliance", "hipaa", "de-identification"], ref),
    ]


def _abn() -> list[Spec]:
    c = COMP
    ref = (REF_ABN,)
    return [
        fact(c, "Which form does Medicare require as the Advance Beneficiary Notice of Noncoverage (ABN)?",
             ("Form CMS-R-131", "The ABN is form CMS-R-131"),
             [("Form CMS-1500", "CMS-1500 is the paper professional claim form"),
              ("Form CMS-1450 (UB-04)", "The UB-04 is the institutional claim form"),
              ("Form CMS-855", "CMS-855 is the enrollment application")],
             ["compliance", "abn"], ref),
        fact(c, "When must an ABN be given to a Medicare patient?",
             ("Before the item or service is provided, in time for the patient to decide",
              "The ABN must be delivered before the service so the patient can make an informed choice"),
             [("After Medicare denies the claim", "A notice after the fact does not shift liability"),
              ("At the next visit after the service", "It must come before the service"),
              ("Only when the patient asks for one, at any time before the claim is submitted",
               "The provider must give it before the service whenever denial is expected")],
             ["compliance", "abn"], ref),
        fact(c, "A practice has every Medicare patient sign an ABN at check-in for all services, whatever "
                "the service. Is this acceptable?",
             ("No; routine (blanket) ABNs without a specific reason to expect denial are generally invalid",
              "An ABN must give a genuine reason to expect denial of the specific item or service"),
             [("Yes; it protects the practice from all denials", "Routine ABNs are generally not valid"),
              ("Yes, if the patient initials each page", "Initials do not fix a blanket notice"),
              ("Yes, but only for new patients", "The patient type does not matter")],
             ["compliance", "abn"], ref),
        fact(c, "Before providing a service that Medicare excludes by statute, such as a routine physical, "
                "must the provider give an ABN to shift liability to the patient?",
             ("No; the patient is liable anyway, though a voluntary notice may be given",
              "ABNs are required for expected medical-necessity denials, not for statutory exclusions"),
             [("Yes; without a signed ABN on file the provider can never bill the patient for it",
               "For statutory exclusions the patient is liable regardless"),
              ("Yes, and modifier GA must be appended", "GA is for a required ABN on file"),
              ("No, and the patient cannot be billed at all", "The patient can be billed for excluded "
                                                              "services")],
             ["compliance", "abn", "statutory-exclusion"], ref),
    ]


def _general() -> list[Spec]:
    c = COMP
    return [
        fact(c, "Under the False Claims Act, what does 'knowingly' include?",
             ("Actual knowledge, deliberate ignorance or reckless disregard of the truth",
              "No specific intent to defraud is required"),
             [("Only actual knowledge combined with a specific intent to defraud the government",
               "The Act reaches deliberate ignorance and reckless disregard too, without intent to defraud"),
              ("Any honest mistake", "Honest mistakes are not 'knowing'"),
              ("Only acts approved by a supervisor", "Approval is irrelevant")],
             ["compliance", "false-claims-act"], (REF_FCA,)),
        fact(c, "What may a whistleblower (relator) in a successful qui tam case under the False Claims Act "
                "receive?",
             ("A share of the government's recovery, generally 15 to 30 percent",
              "Relators share in the recovery, with the percentage depending on the case"),
             [("Nothing; the government keeps the entire recovery in every qui tam case", "The Act gives "
                                                                                          "relators a share"),
              ("The full amount recovered, including all of the statutory penalties", "The government keeps "
                                                                                      "most of the recovery"),
              ("A fixed reward of $1,000 paid by the OIG for each false claim", "The Act gives relators a "
                                                                                 "percentage of the "
                                                                                 "recovery")],
             ["compliance", "false-claims-act", "qui-tam"], (REF_FCA,)),
        fact(c, "Which of the following is one of the seven elements of an effective compliance program in "
                "OIG guidance?",
             ("Conducting internal monitoring and auditing", "Monitoring and auditing is one of the seven "
                                                             "elements"),
             [("Guaranteeing that no claim is ever denied", "No program can promise that"),
              ("Billing every service at the highest level", "That is not a compliance element"),
              ("Outsourcing all coding work to avoid any liability", "Outsourcing does not remove the "
                                                                     "provider's liability")],
             ["compliance", "oig", "compliance-program"], (REF_OIG,)),
        fact(c, "Which of the following is NOT one of the seven elements of an effective compliance program "
                "in OIG guidance?",
             ("Paying staff bonuses tied to the number of claims billed",
              "Incentives tied to billing volume are a compliance risk, not an element"),
             [("Designating a compliance officer or contact", "This is one of the seven elements"),
              ("Conducting effective training and education", "This is one of the seven elements"),
              ("Responding promptly to detected offenses and taking corrective action", "This is one of the "
                                                                                        "seven elements")],
             ["compliance", "oig", "compliance-program"], (REF_OIG,)),
        fact(c, "What is the OIG Work Plan?",
             ("A description of audits and evaluations the OIG plans or has under way",
              "The Work Plan shows where the OIG is focusing its reviews"),
             [("The CMS fee schedule for the year", "Fee schedules are published by CMS"),
              ("A list of excluded individuals", "That is the LEIE"),
              ("A template compliance program that every Medicare practice must adopt and file",
               "The Work Plan is not a template")],
             ["compliance", "oig"], (REF_OIG,)),
        fact(c, "Before hiring a coder, a practice checks whether the person is barred from federal health "
                "care programs. Which list does it search?",
             ("The OIG List of Excluded Individuals/Entities (LEIE)", "The LEIE lists people and entities "
                                                                      "excluded from federal health care "
                                                                      "programs"),
             [("The CMS National Correct Coding Initiative edit tables", "Those are coding edits between "
                                                                        "pairs of codes"),
              ("The Medicare Physician Fee Schedule lookup database", "That lists payment amounts"),
              ("The HHS Office for Civil Rights breach portal listing", "That lists breaches of 500 or more "
                                                                        "records")],
             ["compliance", "oig", "exclusion"], (REF_OIG,)),
        fact(c, "A practice identifies that Medicare overpaid it. By when must the overpayment be reported "
                "and returned?",
             ("Within 60 days after the overpayment is identified", "The law sets a 60-day deadline after "
                                                                    "identification"),
             [("Within one year of the date the claim was originally paid", "The deadline is 60 days"),
              ("Only if Medicare asks for it", "Returning identified overpayments is mandatory"),
              ("At the next annual audit", "The deadline is 60 days")],
             ["compliance", "overpayments"], ("Social Security Act section 1128J(d)",)),
        fact(c, "What is the general time limit for filing a Medicare fee-for-service claim?",
             ("12 months (one calendar year) after the date of service", "Medicare claims must be filed "
                                                                         "within one year of the date of "
                                                                         "service"),
             [("90 days after the date of service, as many commercial payers require",
               "That is a common commercial-payer limit, not Medicare's"),
              ("Three years after the date of service", "Medicare allows one year"),
              ("There is no limit", "Medicare sets a one-year limit")],
             ["compliance", "timely-filing"], ("Medicare Claims Processing Manual, Chapter 1",)),
        fact(c, "What is the difference between a National Coverage Determination (NCD) and a Local Coverage "
                "Determination (LCD)?",
             ("An NCD is issued by CMS for the whole country; an LCD is issued by a Medicare Administrative "
              "Contractor for its jurisdiction",
              "Coverage policy is set nationally by CMS or locally by the MAC"),
             [("An NCD covers hospitals and an LCD covers physicians", "Both can apply to any setting"),
              ("An NCD is optional and an LCD is binding", "Both are binding in their scope"),
              ("An NCD applies only to hospital inpatient services, while an LCD applies only to physician and "
               "other professional services billed", "Both can apply to any setting; they differ in who issues "
                                                     "them and where they apply")],
             ["compliance", "coverage", "medical-necessity"], ("Medicare Program Integrity Manual, "
                                                               "Chapter 13",)),
        fact(c, "How does Medicare describe a medically necessary service?",
             ("One that is reasonable and necessary for the diagnosis or treatment of illness or injury",
              "Medicare pays for services that are reasonable and necessary"),
             [("Any service the patient requests", "A request alone does not establish necessity"),
              ("Any service that has a CPT or HCPCS code and is ordered by a licensed physician or "
               "practitioner", "Having a code and an order does not establish necessity"),
              ("Any service with a signed ABN", "An ABN shifts liability; it does not make a service "
                                                "necessary")],
             ["compliance", "medical-necessity"], ("Social Security Act section 1862(a)(1)(A)",)),
        fact(c, "What is the main job of Medicare Recovery Audit Contractors (RACs)?",
             ("Finding and correcting improper Medicare payments, both over- and underpayments",
              "RACs review claims to identify improper payments"),
             [("Processing and paying Part A and Part B fee-for-service claims within a jurisdiction",
               "That is the job of the Medicare Administrative Contractor"),
              ("Investigating HIPAA privacy complaints and imposing civil money penalties on providers",
               "That is the job of the HHS Office for Civil Rights"),
              ("Maintaining the CPT code set and publishing the annual additions and deletions",
               "The AMA maintains CPT")],
             ["compliance", "audits"], (REF_CMS_FWA,)),
        fact(c, "Which organization processes Medicare Part A and Part B fee-for-service claims for a "
                "region?",
             ("A Medicare Administrative Contractor (MAC)", "MACs process claims within their jurisdictions"),
             [("A Recovery Audit Contractor (RAC)", "RACs audit claims after payment"),
              ("The Office for Civil Rights", "OCR enforces HIPAA"),
              ("A Quality Improvement Organization (QIO) for the state", "QIOs review quality of care")],
             ["compliance", "medicare"], ("Medicare Claims Processing Manual, Chapter 1",)),
        fact(c, "What is upcoding?",
             ("Reporting a code for a more complex or more expensive service than was performed or "
              "documented",
              "Upcoding inflates the service level to obtain higher payment"),
             [("Reporting each component of a bundled service separately instead of the single "
               "comprehensive code", "That is unbundling"),
              ("Replacing deleted codes with their successors when the annual code-set update takes effect",
               "That is routine maintenance"),
              ("Assigning the diagnosis code at the highest level of specificity that the record documents",
               "That is correct coding")],
             ["compliance", "upcoding"], (REF_CMS_FWA,)),
        fact(c, "What is unbundling?",
             ("Reporting the components of a comprehensive service separately instead of the single code "
              "that includes them",
              "Unbundling splits an all-inclusive service into separately billed parts"),
             [("Reporting a higher level of service, or a more expensive procedure, than the documentation in "
               "the record supports", "That is upcoding"),
              ("Reporting a service twice by mistake", "That is a duplicate claim"),
              ("Using modifier 59 when documentation supports it", "A supported modifier is correct coding")],
             ["compliance", "unbundling", "ncci"], (REF_NCCI,)),
        fact(c, "A provider finds an error in a signed paper medical record entry. How should it be "
                "corrected?",
             ("Draw a single line through the error so it stays legible, then add the correction with date, "
              "time, initials and reason",
              "Corrections must leave the original readable and show who changed what and when"),
             [("Cover the error with correction fluid", "Obliterating the original entry is not acceptable"),
              ("Remove the page and rewrite it", "Removing original entries is not acceptable"),
              ("Write a corrected entry on a new page, dated and timed as though it had been made at the time "
               "of the original entry, then shred the old page", "Back-dating and destroying the original are "
                                                                  "falsification")],
             ["compliance", "documentation"], (REF_CMS_FWA,)),
        fact(c, "The documentation is unclear about a diagnosis the coder believes may be present. What "
                "should the coder do?",
             ("Send the provider a non-leading query asking for clarification",
              "A compliant query asks the provider to clarify without suggesting an answer tied to payment"),
             [("Code the diagnosis the coder believes is present", "Coders may not assign diagnoses that are "
                                                                   "not documented"),
              ("Add the diagnosis to the record", "Only the provider documents diagnoses"),
              ("Ask a leading question that suggests a higher-paying diagnosis", "Leading queries are not "
                                                                                 "compliant")],
             ["compliance", "documentation", "query"], ("AHIMA/ACDIS Guidelines for Achieving a Compliant "
                                                        "Query Practice",)),
        fact(c, "Which part of Medicare mainly covers physician services and outpatient care?",
             ("Part B", "Part B covers physician services, outpatient care and durable medical equipment"),
             [("Part A", "Part A covers inpatient hospital, skilled nursing facility and hospice care"),
              ("Part C", "Part C is Medicare Advantage, run by private plans"),
              ("Part D", "Part D covers outpatient prescription drugs")],
             ["compliance", "medicare"], ("Medicare & You (CMS)",)),
        fact(c, "Which part of Medicare is the Medicare Advantage program, in which private plans provide "
                "benefits?",
             ("Part C", "Part C is Medicare Advantage"),
             [("Part A", "Part A is hospital insurance"),
              ("Part B", "Part B is medical insurance for physician and outpatient services"),
              ("Part D", "Part D is prescription drug coverage")],
             ["compliance", "medicare"], ("Medicare & You (CMS)",)),
    ]


def build(rng: random.Random) -> list[Spec]:
    return pick(rng, [
        (_laws(), 6), (_fraud_abuse(), 4), (_ncci(), 3), (_hipaa(), 10), (_abn(), 3), (_general(), 14),
    ])
