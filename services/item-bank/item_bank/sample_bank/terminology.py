"""Medical terminology items generated from a hand-written table of word parts and terms.

Terminology is the one CPC area that can be generated combinatorially without risking a wrong
key, as long as the table is careful: each word part has one meaning, and parts whose meanings
overlap (sub- and hypo-, endo- and intra-) are kept out of each other's option lists so that no
distractor is arguably right.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ._common import Spec, pick, spec

DOMAIN = "TERM"
REF = "Medical terminology: word roots, prefixes and suffixes"


@dataclass(frozen=True, slots=True)
class Part:
    kind: str  # "prefix" | "root" | "suffix"
    form: str
    meaning: str
    clash: str = ""  # parts sharing a clash group never appear as each other's distractors


PARTS: tuple[Part, ...] = (
    # Suffixes
    Part("suffix", "-itis", "inflammation"),
    Part("suffix", "-ectomy", "surgical removal, excision"),
    Part("suffix", "-otomy", "cutting into, incision"),
    Part("suffix", "-ostomy", "creation of an artificial opening"),
    Part("suffix", "-plasty", "surgical repair or reconstruction", "repair"),
    Part("suffix", "-scopy", "visual examination with an instrument"),
    Part("suffix", "-algia", "pain"),
    Part("suffix", "-megaly", "enlargement"),
    Part("suffix", "-pexy", "surgical fixation"),
    Part("suffix", "-rrhaphy", "suture, surgical repair by suturing", "repair"),
    Part("suffix", "-centesis", "surgical puncture to remove fluid"),
    Part("suffix", "-desis", "binding, surgical fusion"),
    Part("suffix", "-lysis", "breaking down, destruction, separation"),
    Part("suffix", "-tripsy", "crushing"),
    Part("suffix", "-oma", "tumor, mass"),
    Part("suffix", "-osis", "abnormal condition", "condition"),
    Part("suffix", "-pathy", "disease", "condition"),
    Part("suffix", "-plegia", "paralysis"),
    Part("suffix", "-rrhea", "flow, discharge"),
    Part("suffix", "-emia", "blood condition"),
    Part("suffix", "-malacia", "softening"),
    Part("suffix", "-ptosis", "drooping, sagging"),
    Part("suffix", "-stenosis", "narrowing"),
    Part("suffix", "-graphy", "process of recording an image"),
    # Prefixes
    Part("prefix", "brady-", "slow"),
    Part("prefix", "tachy-", "fast, rapid"),
    Part("prefix", "hyper-", "above normal, excessive", "above"),
    Part("prefix", "hypo-", "below normal, deficient", "below"),
    Part("prefix", "peri-", "around, surrounding"),
    Part("prefix", "endo-", "within, inner", "within"),
    Part("prefix", "epi-", "upon, on", "above"),
    Part("prefix", "sub-", "under, beneath", "below"),
    Part("prefix", "inter-", "between"),
    Part("prefix", "dys-", "bad, painful, difficult"),
    Part("prefix", "a-", "without, absence of"),
    Part("prefix", "poly-", "many, much"),
    Part("prefix", "hemi-", "half"),
    Part("prefix", "neo-", "new"),
    Part("prefix", "post-", "after, behind", "after"),
    Part("prefix", "pre-", "before, in front of"),
    Part("prefix", "retro-", "backward, behind", "after"),
    Part("prefix", "trans-", "across, through"),
    Part("prefix", "bi-", "two, both"),
    Part("prefix", "macro-", "large"),
    # Roots (combining forms)
    Part("root", "arthr/o", "joint"),
    Part("root", "hepat/o", "liver"),
    Part("root", "nephr/o", "kidney", "kidney"),
    Part("root", "ren/o", "kidney", "kidney"),
    Part("root", "gastr/o", "stomach"),
    Part("root", "cardi/o", "heart"),
    Part("root", "oste/o", "bone"),
    Part("root", "dermat/o", "skin"),
    Part("root", "cholecyst/o", "gallbladder"),
    Part("root", "col/o", "colon, large intestine"),
    Part("root", "encephal/o", "brain"),
    Part("root", "my/o", "muscle"),
    Part("root", "neur/o", "nerve"),
    Part("root", "oophor/o", "ovary"),
    Part("root", "hyster/o", "uterus", "uterus"),
    Part("root", "rhin/o", "nose"),
    Part("root", "ot/o", "ear"),
    Part("root", "ophthalm/o", "eye"),
    Part("root", "pneumon/o", "lung"),
    Part("root", "cyst/o", "urinary bladder, sac"),
    Part("root", "lith/o", "stone, calculus"),
    Part("root", "chondr/o", "cartilage"),
    Part("root", "angi/o", "vessel"),
    Part("root", "phleb/o", "vein"),
    Part("root", "hem/o", "blood"),
    Part("root", "lapar/o", "abdomen, abdominal wall"),
    Part("root", "laryng/o", "larynx, voice box"),
    Part("root", "trache/o", "trachea, windpipe"),
    Part("root", "blephar/o", "eyelid"),
    Part("root", "mamm/o", "breast"),
    Part("root", "crani/o", "skull"),
    Part("root", "cost/o", "rib"),
    Part("root", "erythr/o", "red"),
    Part("root", "leuk/o", "white"),
    Part("root", "cyan/o", "blue"),
    Part("root", "glyc/o", "sugar, glucose"),
    Part("root", "thorac/o", "chest"),
    Part("root", "salping/o", "fallopian tube"),
    Part("root", "orchi/o", "testis"),
)


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    parts: tuple[str, ...]  # forms from PARTS
    meaning: str


TERMS: tuple[Term, ...] = (
    Term("arthritis", ("arthr/o", "-itis"), "inflammation of a joint"),
    Term("arthroscopy", ("arthr/o", "-scopy"), "visual examination of the inside of a joint"),
    Term("arthroplasty", ("arthr/o", "-plasty"), "surgical repair or reconstruction of a joint"),
    Term("arthrocentesis", ("arthr/o", "-centesis"), "surgical puncture of a joint to remove fluid"),
    Term("arthrodesis", ("arthr/o", "-desis"), "surgical fusion of a joint"),
    Term("arthralgia", ("arthr/o", "-algia"), "pain in a joint"),
    Term("hepatitis", ("hepat/o", "-itis"), "inflammation of the liver"),
    Term("hepatomegaly", ("hepat/o", "-megaly"), "enlargement of the liver"),
    Term("nephrectomy", ("nephr/o", "-ectomy"), "surgical removal of a kidney"),
    Term("nephropexy", ("nephr/o", "-pexy"), "surgical fixation of a kidney"),
    Term("nephrolithotomy", ("nephr/o", "lith/o", "-otomy"), "incision into the kidney to remove a stone"),
    Term("gastritis", ("gastr/o", "-itis"), "inflammation of the stomach"),
    Term("gastrectomy", ("gastr/o", "-ectomy"), "surgical removal of all or part of the stomach"),
    Term("gastrostomy", ("gastr/o", "-ostomy"), "creation of an artificial opening into the stomach"),
    Term("gastroscopy", ("gastr/o", "-scopy"), "visual examination of the stomach with a scope"),
    Term("cardiomegaly", ("cardi/o", "-megaly"), "enlargement of the heart"),
    Term("cholecystectomy", ("cholecyst/o", "-ectomy"), "surgical removal of the gallbladder"),
    Term("cholecystitis", ("cholecyst/o", "-itis"), "inflammation of the gallbladder"),
    Term("colectomy", ("col/o", "-ectomy"), "surgical removal of all or part of the colon"),
    Term("colostomy", ("col/o", "-ostomy"), "creation of an opening from the colon through the abdominal "
                                            "wall"),
    Term("osteomalacia", ("oste/o", "-malacia"), "softening of bone"),
    Term("osteotomy", ("oste/o", "-otomy"), "surgical cutting into a bone"),
    Term("chondromalacia", ("chondr/o", "-malacia"), "softening of cartilage"),
    Term("dermatitis", ("dermat/o", "-itis"), "inflammation of the skin"),
    Term("encephalitis", ("encephal/o", "-itis"), "inflammation of the brain"),
    Term("neuralgia", ("neur/o", "-algia"), "pain along a nerve"),
    Term("neuropathy", ("neur/o", "-pathy"), "disease of the nerves"),
    Term("myopathy", ("my/o", "-pathy"), "disease of muscle"),
    Term("hysterectomy", ("hyster/o", "-ectomy"), "surgical removal of the uterus"),
    Term("oophorectomy", ("oophor/o", "-ectomy"), "surgical removal of an ovary"),
    Term("salpingectomy", ("salping/o", "-ectomy"), "surgical removal of a fallopian tube"),
    Term("orchiectomy", ("orchi/o", "-ectomy"), "surgical removal of a testis"),
    Term("rhinoplasty", ("rhin/o", "-plasty"), "surgical repair or reshaping of the nose"),
    Term("rhinorrhea", ("rhin/o", "-rrhea"), "discharge from the nose"),
    Term("otalgia", ("ot/o", "-algia"), "ear pain"),
    Term("blepharoplasty", ("blephar/o", "-plasty"), "surgical repair of an eyelid"),
    Term("blepharoptosis", ("blephar/o", "-ptosis"), "drooping of the upper eyelid"),
    Term("cystoscopy", ("cyst/o", "-scopy"), "visual examination of the urinary bladder with a scope"),
    Term("cystitis", ("cyst/o", "-itis"), "inflammation of the urinary bladder"),
    Term("lithotripsy", ("lith/o", "-tripsy"), "crushing of a stone"),
    Term("phlebitis", ("phleb/o", "-itis"), "inflammation of a vein"),
    Term("angioplasty", ("angi/o", "-plasty"), "surgical repair of a blood vessel"),
    Term("laparoscopy", ("lapar/o", "-scopy"), "visual examination of the abdominal cavity with a scope"),
    Term("laparotomy", ("lapar/o", "-otomy"), "incision into the abdominal wall"),
    Term("laryngitis", ("laryng/o", "-itis"), "inflammation of the larynx"),
    Term("tracheostomy", ("trache/o", "-ostomy"), "creation of an opening into the trachea"),
    Term("tracheotomy", ("trache/o", "-otomy"), "incision into the trachea"),
    Term("craniotomy", ("crani/o", "-otomy"), "incision into the skull"),
    Term("thoracentesis", ("thorac/o", "-centesis"), "surgical puncture of the chest cavity to remove fluid"),
    Term("mammography", ("mamm/o", "-graphy"), "process of recording images of the breast"),
    Term("hemiplegia", ("hemi-", "-plegia"), "paralysis of one side of the body"),
    Term("bradycardia", ("brady-", "cardi/o"), "slow heart rate"),
    Term("tachycardia", ("tachy-", "cardi/o"), "fast heart rate"),
    Term("hyperglycemia", ("hyper-", "glyc/o", "-emia"), "abnormally high blood sugar"),
    Term("hypoglycemia", ("hypo-", "glyc/o", "-emia"), "abnormally low blood sugar"),
    Term("pericarditis", ("peri-", "cardi/o", "-itis"), "inflammation of the sac surrounding the heart"),
    Term("endocarditis", ("endo-", "cardi/o", "-itis"), "inflammation of the inner lining of the heart"),
    Term("subcostal", ("sub-", "cost/o"), "below the ribs"),
    Term("intercostal", ("inter-", "cost/o"), "between the ribs"),
    Term("leukemia", ("leuk/o", "-emia"), "cancer of the white blood cells"),
    Term("cyanosis", ("cyan/o", "-osis"), "bluish discoloration of the skin"),
    Term("hematoma", ("hem/o", "-oma"), "localized collection of blood"),
)
PART_BY_FORM = {p.form: p for p in PARTS}


def _kind_label(kind: str) -> str:
    return {"prefix": "prefix", "suffix": "suffix", "root": "combining form"}[kind]


def _clashes(a: Part, b: Part) -> bool:
    return a.meaning == b.meaning or (bool(a.clash) and a.clash == b.clash)


def _part_items(rng: random.Random) -> list[Spec]:
    out = []
    for p in PARTS:
        peers = [q for q in PARTS if q.kind == p.kind and q.form != p.form and not _clashes(p, q)]
        by_meaning = {q.meaning: q for q in peers}  # one part per meaning, so option texts stay distinct
        wrong = rng.sample(sorted(by_meaning.values(), key=lambda q: q.form), 3)
        label = _kind_label(p.kind)
        out.append(spec(
            DOMAIN,
            f"What does the {label} {p.form} mean?",
            (p.meaning.capitalize(), f"The {label} {p.form} means '{p.meaning}'"),
            [(q.meaning.capitalize(), f"'{q.meaning}' is the meaning of {q.form}") for q in wrong],
            ["terminology", "word-parts", p.kind],
            [REF],
        ))
        peers_by_form = [q for q in PARTS if q.kind == p.kind and q.form != p.form and not _clashes(p, q)]
        wrong_forms = rng.sample(peers_by_form, 3)
        out.append(spec(
            DOMAIN,
            f"Which {label} means '{p.meaning}'?",
            (p.form, f"{p.form} means '{p.meaning}'"),
            [(q.form, f"{q.form} means '{q.meaning}'") for q in wrong_forms],
            ["terminology", "word-parts", p.kind],
            [REF],
        ))
    return out


def _related(t: Term) -> list[Term]:
    """Terms sharing a word part with t: the distractors a candidate could confuse with it."""
    shared = [u for u in TERMS if u.word != t.word and set(u.parts) & set(t.parts)]
    return shared if len(shared) >= 3 else shared + [u for u in TERMS if u.word != t.word and u not in shared]


def _breakdown(t: Term) -> str:
    pieces = [f"{f} ({PART_BY_FORM[f].meaning})" for f in t.parts]
    return " + ".join(pieces)


def _term_items(rng: random.Random) -> list[Spec]:
    out = []
    for t in TERMS:
        wrong = rng.sample(_related(t)[:8], 3)
        out.append(spec(
            DOMAIN,
            f"What does the term '{t.word}' mean?",
            (t.meaning.capitalize(), f"{t.word} = {_breakdown(t)}: {t.meaning}"),
            [(u.meaning.capitalize(), f"That is the meaning of '{u.word}' ({_breakdown(u)})") for u in wrong],
            ["terminology", "medical-terms"],
            [REF],
        ))
        wrong = rng.sample(_related(t)[:8], 3)
        out.append(spec(
            DOMAIN,
            f"Which term means '{t.meaning}'?",
            (t.word, f"{t.word} = {_breakdown(t)}"),
            [(u.word, f"'{u.word}' means {u.meaning} ({_breakdown(u)})") for u in wrong],
            ["terminology", "medical-terms", "term-building"],
            [REF],
        ))
    return out


def build(rng: random.Random) -> list[Spec]:
    parts = _part_items(rng)
    terms = _term_items(rng)
    return pick(rng, [(parts, 18), (terms, 22)])
