"""Compliant rewrites for flagged phrases and for whole posts.

Each rule carries a rewrite template; this module fills it in. Health claims get
structure/function wording chosen from the disease the phrase named, followed by the FDA
disclaimer; earnings claims get non-financial benefits and a link to the income disclosure
statement; undisclosed endorsements get the disclosure put first.

What does not live here: deciding what is flagged (:mod:`downline.pitch.rules`).
"""

from __future__ import annotations

import re

__all__ = [
    "FDA_DISCLAIMER",
    "INCOME_DISCLOSURE",
    "fill_template",
    "rewrite_text",
    "structure_function",
]

#: The disclaimer 21 CFR 101.93(c) requires next to a structure/function statement.
FDA_DISCLAIMER = (
    "These statements have not been evaluated by the Food and Drug Administration. This "
    "product is not intended to diagnose, treat, cure, or prevent any disease."
)
#: Placeholder for the company's income disclosure statement link.
INCOME_DISCLOSURE = "[link to the company's income disclosure statement]"

# Structure/function wording for the body system a disease claim touched (21 CFR 101.93(f)).
_STRUCTURE_FUNCTION: tuple[tuple[str, str], ...] = (
    (r"anxi|panic|stress|ptsd|ocd|ansiedad", "supports a calm, relaxed mood"),
    (r"depress|bipolar|depresion", "supports a positive mood"),
    (r"insomn|sleep|insomnio", "supports restful sleep"),
    (r"blood pressure|hypertens|heart|stroke|presion", "supports healthy circulation"),
    (r"cholesterol|colesterol", "supports heart health"),
    (r"blood sugar|diabet|azucar", "supports healthy glucose metabolism"),
    (r"arthrit|joint|gout|tendon|artritis", "supports joint comfort and mobility"),
    (r"pain|ache|migrain|sciatica|neuropath|dolor|migran",
     "supports comfort after everyday exercise"),
    (r"inflamm|inflamacion", "supports a healthy response to exercise"),
    (r"acne|eczema|psoria|rosacea|skin|sunburn|burn|scar|wart",
     "supports healthy-looking skin"),
    (r"ibs|crohn|colitis|reflux|gerd|ulcer|diarrh|digest", "supports digestive comfort"),
    (r"adhd|autism|alzheimer|dementia|parkinson|focus", "supports focus and clarity"),
    (r"thyroid|hashimoto", "supports healthy energy levels"),
    (r"obes|weight|peso", "supports your goals alongside a balanced diet and exercise"),
    (r"asthma|allerg|sinus|bronch|pneumon|hay fever", "supports clear, easy breathing"),
    (r"virus|viral|flu|cold|covid|corona|infect|bacteri|strep|immun|gripe|resfriad",
     "supports a healthy immune system"),
)
_DEFAULT_SF = "supports overall wellness as part of a healthy lifestyle"


def structure_function(phrase: str) -> str:
    """Structure/function wording for the body system a flagged phrase is about.

    Examples
    --------
    >>> structure_function("cured my anxiety")
    'supports a calm, relaxed mood'
    >>> structure_function("fights cancer")
    'supports overall wellness as part of a healthy lifestyle'
    """
    low = phrase.lower()
    for pattern, wording in _STRUCTURE_FUNCTION:
        if re.search(pattern, low):
            return wording
    return _DEFAULT_SF


def fill_template(template: str, phrase: str, *, brand: str = "[Brand]",
                  income_disclosure: str = INCOME_DISCLOSURE) -> str:
    """Fill a rule's rewrite template for one flagged phrase.

    Placeholders: ``{structure_function}``, ``{fda_disclaimer}``, ``{income_disclosure}``,
    ``{typical_income}``, ``{brand}``, ``{outbreak}``, ``{resources}``, ``{text}``.
    Unknown placeholders are left as written.

    Examples
    --------
    >>> fill_template("{structure_function}*. *{fda_disclaimer}", "lowers blood pressure")[:35]
    'Supports healthy circulation*. *The'
    """
    values = {
        "structure_function": structure_function(phrase).capitalize(),
        "fda_disclaimer": FDA_DISCLAIMER,
        "income_disclosure": income_disclosure,
        "typical_income": "[typical annual earnings from the income disclosure statement]",
        "brand": brand,
        "outbreak": "this illness",
        "resources": "your state's unemployment office and local job centers",
        "text": phrase,
    }
    return re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def rewrite_text(text: str, flags, *, brand: str = "[Brand]") -> str:
    """A compliant version of a whole post: flagged phrases replaced, disclosures added.

    Parameters
    ----------
    text : str
        The original post.
    flags : sequence of Flag
        The flags of its screening (spans in ``text``).
    brand : str
        Company name used in the endorsement disclosure.

    Returns
    -------
    str
        The post with each flagged phrase replaced by compliant wording, the endorsement
        disclosure first when END-1 fired, the income disclosure link after earnings
        claims and the FDA disclaimer after health claims.

    Examples
    --------
    >>> from downline.pitch import screen
    >>> s = screen("This oil cured my anxiety!", model=False)
    >>> print(rewrite_text(s.text, s.flags))  # doctest: +NORMALIZE_WHITESPACE
    This oil supports a calm, relaxed mood!
    These statements have not been evaluated by the Food and Drug Administration. This product
    is not intended to diagnose, treat, cure, or prevent any disease.
    """
    spans = sorted(
        (f for f in flags if f.category != "disclosure" and f.end > f.start),
        key=lambda f: (f.start, -f.end),
    )
    out: list[str] = []
    pos = 0
    for flag in spans:
        if flag.start < pos:
            continue
        out.append(text[pos:flag.start])
        out.append(_short_replacement(flag))
        pos = flag.end
    out.append(text[pos:])
    body = re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()
    categories = {f.category for f in flags}
    if "disclosure" in categories:
        body = f"#ad I'm an independent {brand} distributor. {body}"
    if "income" in categories:
        body += f"\nEarnings vary and most distributors earn little. See {INCOME_DISCLOSURE}"
    if "health" in categories:
        body += f"\n{FDA_DISCLAIMER}"
    return body


def _short_replacement(flag) -> str:
    if flag.category == "health":
        if flag.rule_id in ("HLT-3", "HLT-4"):
            return "is part of my daily routine"
        if flag.rule_id == "HLT-2":
            return "supports my everyday wellness"
        return structure_function(flag.text)
    return "[earnings claim removed]"
