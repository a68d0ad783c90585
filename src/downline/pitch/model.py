"""The statistical layer: a calibrated text classifier that catches what the rules miss.

:class:`PitchClassifier` follows the scikit-learn contract (hyperparameters in
``__init__``, ``fit`` returns ``self``, learned values end with ``_``). It reads normalized
posts through TF-IDF word 1-2-grams and character 3-5-grams, and a multinomial logistic
regression over four classes (``none``, ``income``, ``health``, ``disclosure``), calibrated
with Platt scaling on 5 stratified folds (:class:`~sklearn.calibration.CalibratedClassifierCV`).
The probability of a violation is ``1 - P(none)``.

The final risk of a post combines that probability with the rule flags in a second,
two-feature logistic regression (stacking) fitted on out-of-fold probabilities of the
training set, so that the risk is calibrated whether or not rules fired.

:func:`default_classifier` trains on the shipped ``data/train.csv`` at first use (about one
second, deterministic) and keeps the fitted model in memory. The evaluation set
``data/eval.csv`` is never read here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion

from downline.errors import ParameterError

__all__ = ["CLASSES", "PitchClassifier", "default_classifier", "load_dataset"]

CLASSES = ("none", "income", "health", "disclosure")


def load_dataset(name: str) -> list[dict[str, str]]:
    """Rows of a shipped labelled set (``"train"`` or ``"eval"``) as dictionaries.

    Columns: ``text``, ``label`` (1 = violation), ``category``, ``rules``, ``source_note``.

    Examples
    --------
    >>> rows = load_dataset("eval")
    >>> len(rows) >= 300
    True
    """
    if name not in ("train", "eval"):
        raise ParameterError(f"no shipped data set {name!r}; use 'train' or 'eval'",
                             field="name")
    path = resources.files("downline.pitch") / "data" / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


class PitchClassifier:
    """Calibrated TF-IDF + logistic-regression classifier of normalized posts.

    Parameters
    ----------
    C : float
        Inverse regularization strength of the logistic regression.
    max_fpr : float
        The flagging threshold ``threshold_`` is the lowest probability (at least 0.5)
        whose out-of-fold false-positive rate on the training set is at most ``max_fpr``.
    random_state : int
        Seed for the fold split; training is deterministic.

    Attributes
    ----------
    features_ : FeatureUnion
    calibrated_ : CalibratedClassifierCV
    threshold_ : float
    risk_coef_ : ndarray of shape (3,)
        Intercept and weights of the risk stacker on (logit p, rule severity).

    Examples
    --------
    >>> clf = default_classifier()
    >>> p = clf.violation_proba(["quit your job and earn from home with me"])
    >>> bool(p[0] > 0.5)
    True
    """

    def __init__(self, C: float = 8.0, max_fpr: float = 0.05, random_state: int = 0) -> None:
        self.C = C
        self.max_fpr = max_fpr
        self.random_state = random_state

    def _make(self) -> tuple[FeatureUnion, CalibratedClassifierCV]:
        features = FeatureUnion([
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     token_pattern=r"(?u)\b\w+\b", min_df=1)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                     min_df=2)),
        ])
        base = LogisticRegression(C=self.C, max_iter=500, class_weight="balanced",
                                  solver="newton-cg")
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=self.random_state)
        return features, CalibratedClassifierCV(base, method="sigmoid", cv=folds,
                                                ensemble=False)

    def _oof_template(self) -> CalibratedClassifierCV:
        base = LogisticRegression(C=self.C, max_iter=500, class_weight="balanced",
                                  solver="newton-cg")
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=self.random_state)
        return CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)

    def fit(self, texts: Sequence[str], categories: Sequence[str],
            rule_severity: Sequence[float] | None = None) -> PitchClassifier:
        """Fit on normalized texts and their class (one of :data:`CLASSES`).

        ``rule_severity`` (the highest rule severity per post, 0 when none fired) trains
        the risk stacker; without it the risk is the model probability alone.
        """
        y = np.array([CLASSES.index(c) for c in categories])
        self.features_, self.calibrated_ = self._make()
        X = self.features_.fit_transform(texts)
        self.calibrated_.fit(X, y)
        self.base_ = self.calibrated_.calibrated_classifiers_[0].estimator
        self.word_names_ = self.features_.transformer_list[0][1].get_feature_names_out()
        self.n_word_ = len(self.word_names_)
        # Out-of-fold probabilities give honest inputs for the threshold and the stacker.
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=self.random_state + 1)
        template = self._oof_template()
        oof = cross_val_predict(template, X, y, cv=folds, method="predict_proba")
        p_oof = 1.0 - oof[:, 0]
        negatives = p_oof[y == 0]
        self.threshold_ = 0.5
        for t in np.arange(0.5, 0.96, 0.01):
            if negatives.size == 0 or float(np.mean(negatives >= t)) <= self.max_fpr:
                self.threshold_ = float(round(t, 2))
                break
        sev = np.zeros(len(y)) if rule_severity is None else np.asarray(rule_severity, float)
        Z = np.column_stack([_logit(p_oof), sev])
        stacker = LogisticRegression(C=1.0, max_iter=1000).fit(Z, (y > 0).astype(int))
        self.risk_coef_ = np.concatenate([stacker.intercept_, stacker.coef_[0]])
        return self

    def _transform(self, texts: Sequence[str]):
        return self.features_.transform(texts)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities, columns in :data:`CLASSES` order."""
        return self.calibrated_.predict_proba(self._transform(texts))

    def violation_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability that each post breaks some rule."""
        return 1.0 - self.predict_proba(texts)[:, 0]

    def risk(self, p_model: np.ndarray, rule_severity: np.ndarray) -> np.ndarray:
        """Calibrated risk from model probability and highest rule severity (0-3)."""
        z = (self.risk_coef_[0] + self.risk_coef_[1] * _logit(np.asarray(p_model, float))
             + self.risk_coef_[2] * np.asarray(rule_severity, float))
        return 1.0 / (1.0 + np.exp(-z))

    def explain(self, text: str, category: str, k: int = 3) -> list[tuple[int, int]]:
        """Slices of ``text`` (normalized) holding the words that pushed it towards ``category``.

        The words are the ``k`` word n-grams with the largest positive contribution
        (TF-IDF weight times logistic-regression coefficient) to the class.
        """
        cls = CLASSES.index(category)
        row = self.features_.transformer_list[0][1].transform([text])
        coef = self.base_.coef_[cls, : self.n_word_] - self.base_.coef_[0, : self.n_word_]
        contrib = [(row.data[i] * coef[j], j) for i, j in enumerate(row.indices)]
        contrib = sorted((c for c in contrib if c[0] > 0), reverse=True)[:k]
        spans: list[tuple[int, int]] = []
        for _, j in contrib:
            words = self.word_names_[j].split()
            pat = r"(?<!\w)" + r"\W{1,5}".join(re.escape(w) for w in words) + r"(?!\w)"
            m = re.search(pat, text)
            if m:
                spans.append((m.start(), m.end()))
        return sorted(set(spans))


def _shipped_training() -> tuple[list[str], list[str], list[float]]:
    from downline.pitch.normalize import normalize
    from downline.pitch.rules import load_rules

    rules = load_rules()
    texts, cats, sev = [], [], []
    for row in load_dataset("train"):
        norm = normalize(row["text"])
        texts.append(norm.text)
        cats.append(row["category"] if row["label"] == "1" else "none")
        hits = rules.match(norm)
        sev.append(max((h.rule.weight for h in hits), default=0))
    return texts, cats, sev


@lru_cache(maxsize=1)
def default_classifier() -> PitchClassifier:
    """The classifier trained on the shipped training set (trained once, then cached)."""
    texts, cats, sev = _shipped_training()
    return PitchClassifier().fit(texts, cats, sev)
