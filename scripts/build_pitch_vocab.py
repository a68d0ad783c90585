"""Regenerate ``src/downline/pitch/data/vocab/conditions.tsv`` from ICD-10-CM.

The condition vocabulary of the pitch screen is derived, not typed: every ICD-10-CM
category and subcategory of chapters A-R (diseases, mental and developmental disorders,
symptoms, abnormal findings), plus the burns and frostbite blocks, gives its description
and its inclusion terms; each is simplified to the words a post would use ("Type 2
diabetes mellitus without complications" -> "type 2 diabetes mellitus", "type 2
diabetes"). Lay names and abbreviations that ICD-10-CM does not spell ("adhd", "high blood
pressure", "cancer") come from ``lay_terms.tsv`` beside the output, one term and the
ICD-10-CM code it stands for per line; this script checks that every such code exists.

Source: the ``simple-icd-10-cm`` package (MIT licence), which ships the CMS/CDC ICD-10-CM
tabular list (a US government work, public domain). The package version is written in the
output's first line.

Run: ``python scripts/build_pitch_vocab.py`` (needs ``pip install simple-icd-10-cm``).
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

import simple_icd_10_cm as icd

OUT = Path(__file__).resolve().parents[1] / "src" / "downline" / "pitch" / "data" / "vocab"

# Words that make a description longer without changing what a lay reader calls it.
_DROP_PREFIX = re.compile(
    r"^(?:other specified |other |unspecified |acute on chronic |acute |chronic |primary |"
    r"secondary |essential |recurrent |mild |moderate |severe |persistent |idiopathic |"
    r"generalized |localized |congenital |hereditary |drug-induced |alcohol-induced )+")
_DROP_SUFFIX = re.compile(
    r"(?: without (?:complications?|mention of .*|.*)| with .*| due to .*| of unspecified .*|"
    r" in diseases classified elsewhere| not elsewhere classified| nos| site unspecified|"
    r" unspecified| in remission| nec| of newborn| in pregnancy.*| complicating .*)$")
_MEDICAL_WORD = re.compile(
    r"(?:itis|osis|oma|emia|aemia|pathy|algia|ism|iasis|ectasis|plegia|trophy|rrhea|rrhoea|"
    r"penia|megaly|uria|ocele|cele|spasm|sclerosis|phobia|mania|philia|lepsy|plasia|"
    r"oses|itides|omas)$")
# Generic heads that never stand alone as a condition name.
_GENERIC = {
    "disorder", "disorders", "disease", "diseases", "syndrome", "condition", "conditions",
    "abnormality", "abnormalities", "symptoms", "signs", "findings", "problems", "problem",
    "infection", "infections", "complications", "injury", "deformity", "other", "state",
    "reaction", "episode", "history", "status", "observation", "care", "encounter",
    "examination", "person", "contact", "exposure", "screening", "counseling", "tumor",
    "neoplasm", "lesion", "mass", "cyst", "pain", "fever", "ache", "dependence", "abuse",
    "use", "type", "stage", "phase", "level", "levels", "elevated", "low", "high",
    "abnormal", "loss", "failure", "weakness", "fatigue", "malaise", "shock", "fall",
}
_CHAPTERS = tuple("ABCDEFGHIJKLMNOPQR")
# Words that head a condition name without a medical suffix.
_HEADS = {
    "disease", "diseases", "disorder", "disorders", "syndrome", "syndromes", "deficiency",
    "infection", "infections", "fever", "pain", "cancer", "hernia", "ulcer", "ulcers",
    "failure", "palsy", "apnea", "varices", "abscess", "abscesses", "insufficiency",
    "stones", "calculus", "attack", "attacks", "fatigue", "cough", "sores", "sore", "rash",
    "warts", "acne", "flu", "pox", "plague", "measles", "mumps", "rubella", "malaria",
    "cholera", "dementia", "psychosis", "neurosis", "phobias", "tremor", "tics", "vertigo",
    "tinnitus", "obesity", "anorexia", "bulimia", "insomnia", "hypersomnia", "narcolepsy",
    "stroke", "angina", "arrhythmia", "fibrillation", "murmur", "hypertension",
    "hypotension", "embolism", "thrombosis", "aneurysm", "edema", "oedema", "ascites",
    "jaundice", "colic", "constipation", "diarrhea", "incontinence", "retention",
    "dysfunction", "impotence", "infertility", "sterility", "migraine", "headache",
    "seizures", "convulsions", "epilepsy", "paralysis", "blindness", "deafness",
    "cataract", "glaucoma", "asthma", "allergy", "allergies", "dermatitis", "eczema",
    "psoriasis", "lupus", "gout", "scurvy", "rickets", "goiter", "cyst", "cysts", "polyp",
    "polyps", "tumor", "tumors", "neoplasm", "neoplasms", "carcinoma", "sarcoma", "leukemia",
    "lymphoma", "melanoma", "myeloma", "hemorrhage", "bleeding", "anemia", "hives",
    "itching", "scabies", "lice", "burn", "burns", "frostbite", "sunburn", "nausea",
    "vomiting", "reflux", "heartburn", "indigestion", "dyspepsia", "bloating", "gas",
    "wheezing", "congestion", "depression", "anxiety", "mania", "autism", "addiction",
    "dependence", "delirium", "amnesia", "stammering", "stuttering", "dyslexia",
}


def _simplify(text: str) -> set[str]:
    """Lay forms of one ICD-10-CM description or inclusion term."""
    t = text.lower()
    t = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", t)        # bracketed qualifiers
    forms = set()
    for part in re.split(r",|;| and | or ", t):
        part = re.sub(r"[^a-z0-9' -]", " ", part)
        part = re.sub(r"\s+", " ", part).strip(" -")
        if not part:
            continue
        for _ in range(3):
            part = _DROP_SUFFIX.sub("", part).strip()
            part = _DROP_PREFIX.sub("", part).strip()
        forms.add(part)
        # "type 2 diabetes mellitus" -> "type 2 diabetes"; "x disorder" kept as is.
        if part.endswith(" mellitus"):
            forms.add(part[: -len(" mellitus")])
    out = set()
    for f in forms:
        words = f.split()
        # Posts name conditions in a few words; longer descriptions are anatomy.
        if not 1 <= len(words) <= 3 or len(f) < 4:
            continue
        if re.search(r"\d", f) and not re.fullmatch(r"type [12] diabetes(?: mellitus)?", f):
            continue
        if any(len(w) < 3 and w not in ("of", "b", "c", "a", "d", "e") for w in words):
            continue
        if words[0] in _GENERIC or words[-1] in ("of", "the", "to", "in", "with", "and"):
            continue
        if len(words) == 1 and (f in _GENERIC or not (_MEDICAL_WORD.search(f) or f in _WHOLE)):
            continue
        if all(w in _GENERIC for w in words):
            continue
        # The head of the phrase ("abscess" in "abscess of lung", "anemia" in "sickle-cell
        # anemia") must name a condition; this drops "except ankle", "pancreatic duct".
        head = f.split(" of ")[0].split()[-1]
        if not (_MEDICAL_WORD.search(head) or head in _HEADS or head in _WHOLE):
            continue
        out.add(f)
    return out


_WHOLE: set[str] = set()


def main() -> None:
    version = metadata.version("simple-icd-10-cm")
    codes = [c for c in icd.get_all_codes(with_dots=True)
             if icd.is_category_or_subcategory(c) and not icd.is_extended_subcategory(c)]
    keep = [c for c in codes if c.startswith(_CHAPTERS)
            or re.match(r"T(2[0-9]|3[0-4])", c)]
    # One-word category titles ("Asthma", "Migraine", "Psoriasis") are condition names
    # in their own right even without a medical suffix.
    for c in keep:
        if icd.is_category(c):
            d = re.sub(r"\([^)]*\)", "", icd.get_description(c)).strip().lower()
            if re.fullmatch(r"[a-z'-]{4,}", d) and d not in _GENERIC:
                _WHOLE.add(d)
    rows: dict[str, str] = {}
    for c in keep:
        texts = [icd.get_description(c), *icd.get_inclusion_term(c)]
        for text in texts:
            for form in _simplify(text):
                rows.setdefault(form, c)
    lay = []
    for lineno, line in enumerate((OUT / "lay_terms.tsv").read_text(encoding="utf-8")
                                  .splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        term, _, code = line.partition("\t")
        if not icd.is_valid_item(code.strip()):
            sys.exit(f"lay_terms.tsv:{lineno}: {code!r} is not an ICD-10-CM code")
        lay.append((term.strip().lower(), code.strip()))
    with (OUT / "conditions.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# derived by scripts/build_pitch_vocab.py from simple-icd-10-cm {version} "
                 f"(ICD-10-CM tabular list); lay terms from lay_terms.tsv\n")
        fh.write("term\ticd10cm\tsource\n")
        for term, code in sorted(rows.items()):
            fh.write(f"{term}\t{code}\ticd10cm\n")
        for term, code in sorted(set(lay)):
            fh.write(f"{term}\t{code}\tlay\n")
    print(f"{len(rows)} ICD-10-CM terms, {len(lay)} lay terms -> {OUT / 'conditions.tsv'}")


if __name__ == "__main__":
    main()
