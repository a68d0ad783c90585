"""Screening posts: the result types and the ``screen`` / ``screen_many`` functions.

A post is normalized (:mod:`~downline.pitch.normalize`), matched against the rule library
(:mod:`~downline.pitch.rules`), scored by the statistical layer
(:mod:`~downline.pitch.model`), and every flag is given its explanation, source and a
compliant rewrite (:mod:`~downline.pitch.rewrite`). Reports are written by
:mod:`~downline.pitch.report`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from downline.errors import FormatError, InputError
from downline.pitch.model import CLASSES, default_classifier
from downline.pitch.normalize import Normalized, normalize
from downline.pitch.report import write_report
from downline.pitch.rewrite import fill_template, rewrite_text
from downline.pitch.rules import RuleSet, load_rules

if TYPE_CHECKING:  # pandas and the model are imported only when used
    import pandas as pd

    from downline.pitch.model import PitchClassifier

__all__ = ["Batch", "Flag", "Screening", "screen", "screen_many"]

# Risk of a post screened by the rules alone, by the highest severity that fired
# (0 = none). Set from the share of violations among the shipped evaluation posts at
# each level, rounded; with the statistical layer the risk is fitted instead.
_RULE_ONLY_RISK = {0: 0.08, 1: 0.7, 2: 0.9, 3: 0.97}

_ML_SOURCE = ("downline statistical layer (logistic regression over hashed word and character "
              "features, fitted on the cited corpus data/corpus and data/train.csv)")
_ML_TEXT = {
    "income": ("Reads like an earnings or lifestyle claim (FTC MLM guidance, 2024), though no "
               "rule matched exactly. The highlighted words weighed most; check the wording."),
    "health": ("Reads like a health claim about a product (FDA 21 CFR 101.93, FTC Health "
               "Products Compliance Guidance 2022), though no rule matched exactly."),
    "disclosure": ("Reads like a product endorsement (FTC Endorsement Guides, 16 CFR 255) "
                   "without a clear disclosure, though no rule matched exactly."),
}
_ML_REWRITE = {
    "income": "rule INC-1",
    "health": "rule HLT-1",
    "disclosure": "rule END-1",
}


@dataclass(frozen=True)
class Flag:
    """One problem found in a post.

    Attributes
    ----------
    rule_id : str
        ``INC-1`` ... ``END-1``, a company rule id, or ``ML-1`` for the statistical layer.
    category : str
        ``income``, ``health`` or ``disclosure``.
    severity : str
        ``low``, ``medium`` or ``high``.
    start, end : int
        Offsets of the flagged words in the original text (``text[start:end]``).
    text : str
        The flagged words as written.
    title, explanation, source : str
        What the rule is, why it matters to a distributor, and what it rests on.
    rewrite : str
        A compliant alternative.
    """

    rule_id: str
    category: str
    severity: str
    start: int
    end: int
    text: str
    title: str
    explanation: str
    source: str
    rewrite: str

    def to_dict(self) -> dict:
        """The flag as a plain dictionary."""
        return asdict(self)


@dataclass(frozen=True)
class Screening:
    """The result of screening one post.

    Attributes
    ----------
    text : str
        The post as given.
    flags : tuple of Flag
        Problems found, in text order.
    risk : float
        Calibrated probability in [0, 1] that the post breaks a rule.
    model_score : float or None
        The statistical layer's violation probability (None when it was not used).
    truncated : bool
        True when the post was longer than :data:`~downline.pitch.normalize.MAX_CHARS`
        characters and only its beginning was screened.
    """

    text: str
    flags: tuple[Flag, ...]
    risk: float
    model_score: float | None = None
    truncated: bool = False

    @property
    def violation(self) -> bool:
        """True when at least one flag was raised."""
        return bool(self.flags)

    @property
    def ok(self) -> bool:
        """True when nothing was flagged."""
        return not self.flags

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories flagged, sorted."""
        return tuple(sorted({f.category for f in self.flags}))

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rule ids flagged, sorted and without repeats."""
        return tuple(sorted({f.rule_id for f in self.flags}))

    def suggested_text(self, brand: str = "[Brand]") -> str:
        """A compliant rewrite of the whole post (see :func:`.rewrite.rewrite_text`)."""
        return self.text if self.ok else rewrite_text(self.text, self.flags, brand=brand)

    def to_dict(self) -> dict:
        """The screening as a plain dictionary (flags as dictionaries)."""
        return {
            "text": self.text,
            "violation": self.violation,
            "risk": self.risk,
            "model_score": self.model_score,
            "truncated": self.truncated,
            "categories": list(self.categories),
            "flags": [f.to_dict() for f in self.flags],
            "suggested_text": self.suggested_text(),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per flag (columns of :class:`Flag`)."""
        # lazy: pandas costs 0.3 s; screening does not need it otherwise
        import pandas as pd

        columns = list(Flag.__dataclass_fields__)
        return pd.DataFrame([f.to_dict() for f in self.flags], columns=columns)


@dataclass(frozen=True)
class Batch:
    """The result of :func:`screen_many`: one screening per post, plus report files."""

    screenings: tuple[Screening, ...]
    ids: tuple[str, ...]
    csv_path: str | None = None
    html_path: str | None = None
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.screenings)

    def __iter__(self):
        return iter(self.screenings)

    @property
    def n_violations(self) -> int:
        """How many posts were flagged."""
        return sum(s.violation for s in self.screenings)

    def to_frame(self) -> pd.DataFrame:
        """One row per post: id, text, violation, risk, model score, rules and categories."""
        # lazy: pandas costs 0.3 s; screening does not need it otherwise
        import pandas as pd

        return pd.DataFrame({
            "id": list(self.ids),
            "text": [s.text for s in self.screenings],
            "violation": [s.violation for s in self.screenings],
            "risk": [round(s.risk, 4) for s in self.screenings],
            "model_score": [None if s.model_score is None else round(s.model_score, 4)
                            for s in self.screenings],
            "rules": [" ".join(s.rule_ids) for s in self.screenings],
            "categories": [" ".join(s.categories) for s in self.screenings],
            "flagged_words": [" | ".join(f.text for f in s.flags) for s in self.screenings],
            "suggested_text": [s.suggested_text() for s in self.screenings],
        })

    def to_dict(self) -> dict:
        """The batch as a plain dictionary."""
        return {
            "n_posts": len(self),
            "n_violations": self.n_violations,
            "csv_path": self.csv_path,
            "html_path": self.html_path,
            "posts": [dict(id=i, **s.to_dict()) for i, s in zip(self.ids, self.screenings,
                                                                 strict=True)],
        }


def _ruleset(rules: RuleSet | Sequence[str | PathLike[str]] | None) -> RuleSet:
    if rules is None:
        return load_rules()
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, str | PathLike):
        return load_rules([rules])
    return load_rules(list(rules))


def _is_frame(obj: Any) -> bool:
    # A DataFrame without importing pandas for callers that never pass one.
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "columns")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _classifier(model: bool | PitchClassifier):
    """The statistical layer to use: None (rules only), the shipped one, or the one given."""
    if model is False or model is None:
        return None
    if model is True:
        return default_classifier()
    return model


def _as_text(text: object) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray | memoryview):
        return bytes(text).decode("utf-8", errors="replace")
    raise InputError(f"a post must be text (str or UTF-8 bytes), not {type(text).__name__}")


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Shrink ``[a, b)`` so that it neither starts nor ends with spaces or punctuation."""
    while a < b and (text[a].isspace() or text[a] in ".,;:!?"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ".,;:!?"):
        b -= 1
    return a, b


def _rule_flags(norm: Normalized, ruleset: RuleSet, brand: str) -> list[Flag]:
    flags = []
    for hit in ruleset.match(norm):
        a, b = _trim(norm.original, *norm.span(hit.start, hit.end))
        words = norm.original[a:b]
        rule = hit.rule
        flags.append(Flag(
            rule_id=rule.id, category=rule.category, severity=rule.severity, start=a, end=b,
            text=words, title=rule.title, explanation=rule.explanation, source=rule.source,
            rewrite=fill_template(rule.rewrite, words, brand=brand),
        ))
    return flags


def _ml_flag(norm: Normalized, probs: np.ndarray, clf, ruleset: RuleSet, brand: str
             ) -> Flag | None:
    k = int(np.argmax(probs[1:])) + 1
    category = CLASSES[k]
    spans = clf.explain(norm.text, category)
    if spans:
        a = norm.span(*spans[0])[0]
        b = norm.span(*spans[-1])[1]
    else:
        a, b = 0, len(norm.original)
    if b <= a and norm.original:
        a, b = 0, min(len(norm.original), 200)
    words = norm.original[a:b]
    template_rule = {"income": "INC-1", "health": "HLT-1", "disclosure": "END-1"}[category]
    try:
        template = ruleset.get(template_rule).rewrite
    except KeyError:
        template = "{text}"
    return Flag(
        rule_id="ML-1", category=category, severity="medium", start=a, end=b, text=words,
        title=f"Possible {category} claim (statistical layer)", explanation=_ML_TEXT[category],
        source=_ML_SOURCE, rewrite=fill_template(template, words, brand=brand),
    )


def _finish(norm: Normalized, flags: list[Flag], probs: np.ndarray | None, clf,
            ruleset: RuleSet, brand: str) -> Screening:
    severity = max((_SEV[f.severity] for f in flags), default=0)
    model_score = None
    if probs is not None and clf is not None:
        model_score = float(1.0 - probs[0])
        if not flags and model_score >= clf.threshold_:
            ml = _ml_flag(norm, probs, clf, ruleset, brand)
            if ml is not None:
                flags.append(ml)
        risk = float(clf.risk(np.array([model_score]), np.array([severity]))[0])
    else:
        risk = _RULE_ONLY_RISK[severity]
    if not norm.text.strip():
        risk = 0.0
    flags.sort(key=lambda f: (f.start, f.end, f.rule_id))
    return Screening(norm.original, tuple(flags), risk, model_score, norm.truncated)


_SEV = {"low": 1, "medium": 2, "high": 3}


def screen(
    text: str | bytes,
    *,
    rules: RuleSet | Sequence[str | PathLike[str]] | str | PathLike[str] | None = None,
    model: bool | PitchClassifier = True,
    brand: str = "[Brand]",
) -> Screening:
    """Screen one post for earnings, health and disclosure problems.

    Parameters
    ----------
    text : str or bytes
        The post. Bytes are decoded as UTF-8 (invalid bytes replaced). Any unicode is
        accepted; only the first :data:`~downline.pitch.normalize.MAX_CHARS` (100,000)
        characters are screened, which bounds the time for one post to well under a
        second (about 0.2 s on one core for 100,000 characters); ``truncated`` says when
        that happened.
    rules : RuleSet, path or list of paths, optional
        A rule set from :func:`~downline.pitch.rules.load_rules`, or company rules files
        added to the core rules. Default: the core rules.
    model : bool or PitchClassifier
        Use the shipped statistical layer (default), none (``False``: rules only, faster),
        or a fitted :class:`~downline.pitch.model.PitchClassifier` of your own.
    brand : str
        Company name used in suggested disclosures.

    Returns
    -------
    Screening
        Flags with spans in ``text``, a calibrated risk and the model score.

    Raises
    ------
    downline.errors.InputError
        When ``text`` is not text.
    downline.errors.RulesFileError
        When a company rules file is malformed.

    Examples
    --------
    >>> s = screen("I made $1,730 in my first 10 days! #quityourjob", model=False)
    >>> s.rule_ids
    ('INC-1', 'INC-4', 'INC-9')
    >>> s.flags[0].text
    'made $1,730'
    >>> screen("Walking in the cancer 5K today with my sister!", model=False).ok
    True
    """
    ruleset = _ruleset(rules)
    norm = normalize(_as_text(text))
    flags = _rule_flags(norm, ruleset, brand)
    probs, clf = None, _classifier(model)
    if clf is not None and norm.text.strip():
        probs = clf.predict_proba([norm.text])[0]
    return _finish(norm, flags, probs, clf if probs is not None else None, ruleset, brand)


def _read_batch(path: Path, text_field: str) -> tuple[list[str], list[str]]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise FormatError(f"cannot read file ({exc.strerror})", path=path) from exc
        content = raw.decode("utf-8-sig", errors="replace")
        texts, ids = [], []
        for lineno, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FormatError(f"not valid JSON ({exc.msg})", path=path, line=lineno) from exc
            if isinstance(obj, str):
                obj = {text_field: obj}
            if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
                raise FormatError(f"each line needs a string field '{text_field}'", path=path,
                                  line=lineno, field=text_field)
            texts.append(obj[text_field])
            ids.append(str(obj.get("id", len(ids) + 1)))
        return texts, ids
    if suffix in (".csv", ".tsv"):
        # lazy: common.tables brings pyarrow (0.4 s); screening a post reads no table
        from downline.common.tables import read_table

        table = read_table(path, delimiter="\t" if suffix == ".tsv" else ",", comment=None,
                           types="string")
        if text_field not in table.names:
            raise FormatError(f"no column '{text_field}' (columns: {', '.join(table.names)})",
                              path=path, line=1, field=text_field)
        texts = ["" if t is None else str(t) for t in table.column(text_field).to_pylist()]
        ids = ([str(i) for i in table.column("id").to_pylist()] if "id" in table.names
               else [str(i) for i in range(1, len(texts) + 1)])
        return texts, ids
    raise FormatError("batch files must be .csv, .tsv or .jsonl", path=path)


def screen_many(
    posts: str | PathLike[str] | Iterable[str] | pd.DataFrame,
    *,
    text_field: str = "text",
    rules: RuleSet | Sequence[str | PathLike[str]] | str | PathLike[str] | None = None,
    model: bool | PitchClassifier = True,
    brand: str = "[Brand]",
    report_dir: str | PathLike[str] | None = None,
) -> Batch:
    """Screen many posts at once, optionally writing a CSV and an HTML report.

    Parameters
    ----------
    posts : path, iterable of str or DataFrame
        A ``.csv``/``.tsv`` file with a ``text`` column (and optional ``id``), a
        ``.jsonl`` file with a ``text`` field per line, a DataFrame with that column, or
        the posts themselves.
    text_field : str
        Name of the column or field holding the post.
    rules, model, brand
        As for :func:`screen`.
    report_dir : path, optional
        Write ``screening.csv`` and ``screening.html`` (highlighted spans) there.

    Returns
    -------
    Batch

    Examples
    --------
    >>> batch = screen_many(["Love my new serum! Link in bio", "Happy Monday!"], model=False)
    >>> [s.violation for s in batch]
    [True, False]
    """
    if isinstance(posts, str | PathLike):
        texts, ids = _read_batch(Path(posts), text_field)
    elif _is_frame(posts):
        if text_field not in posts.columns:
            raise InputError(f"no column '{text_field}'", field=text_field)
        texts = ["" if _missing(t) else str(t) for t in posts[text_field]]
        ids = ([str(i) for i in posts["id"]] if "id" in posts.columns
               else [str(i) for i in range(1, len(texts) + 1)])
    else:
        texts = [_as_text(t) for t in posts]
        ids = [str(i) for i in range(1, len(texts) + 1)]
    ruleset = _ruleset(rules)
    norms = [normalize(t) for t in texts]
    all_flags = [_rule_flags(n, ruleset, brand) for n in norms]
    clf = _classifier(model) if norms else None
    probs = clf.predict_proba([n.text for n in norms]) if clf is not None else None
    screenings = tuple(
        _finish(n, f, None if probs is None else probs[i], clf, ruleset, brand)
        for i, (n, f) in enumerate(zip(norms, all_flags, strict=True))
    )
    batch = Batch(screenings, tuple(ids))
    if report_dir is not None:
        csv_path, html_path = write_report(batch, report_dir)
        batch = Batch(screenings, tuple(ids), str(csv_path), str(html_path))
    return batch



