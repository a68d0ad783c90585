"""Refitting the screen's statistical layer on a company's own reviewed cases.

A resolved case is a confirmed violation; a dismissed case is a reviewer's "not a
violation". :func:`refit_screen` fits, on those labels, a logistic regression over what
the screen said about each post (as kept in the case's evidence: the rule ids, the
categories, the highest severity, the model score and risk, whether the image was
flagged) and the words of the normalized post (TF-IDF, through ``downline.pitch.normalize``),
and measures it by stratified cross-validation (posts with the same normalized text kept
in one fold) against the screen's own risk on the same
cases. ``downline.pitch`` has no public fitting API for a company's labels, so the refit
lives here and uses only pitch's public names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from downline.errors import ComplianceError
from downline.pitch import normalize
from downline.store import ComplianceLedger, Workspace

__all__ = ["RefitResult", "refit_screen"]

_SEVERITY = {"low": 1, "medium": 2, "high": 3}
_CATEGORIES = ("income", "health", "disclosure")


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class RefitResult:
    """A refit on reviewed cases, with its cross-validated figures.

    Attributes
    ----------
    confirmed, dismissed : int
        Resolved and dismissed cases used.
    folds : int
    cv_auc, cv_brier : float
        Out-of-fold ROC AUC and Brier score of the refitted model.
    screen_auc, screen_brier : float
        The same figures for the screen's own risk on the same cases.
    dismissals_caught : float
        Share of dismissed cases the refit (out of fold) scores below 0.5, at
        ``confirmed_kept`` share of confirmed cases scored at or above 0.5.
    confirmed_kept : float
    features : tuple of str
        The named (non-word) features, in the order of ``coef``.
    coef : tuple of float
    """

    confirmed: int
    dismissed: int
    folds: int
    cv_auc: float
    cv_brier: float
    screen_auc: float
    screen_brier: float
    dismissals_caught: float
    confirmed_kept: float
    features: tuple[str, ...]
    coef: tuple[float, ...]
    seed: int = 0
    model: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain values (the fitted model is left out)."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()
                if k != "model"}


def _features(evidence: list[dict[str, Any]], rules: list[str]) -> tuple[np.ndarray, list[str]]:
    names = ["logit_risk", "logit_model_score", "max_severity", "n_flags", "ml_only",
             "image_flagged", *[f"cat_{c}" for c in _CATEGORIES], *[f"rule_{r}" for r in rules]]
    X = np.zeros((len(evidence), len(names)))
    for i, ev in enumerate(evidence):
        s = ev["screening"]
        flags = s["flags"] + ((ev.get("image_screening") or {}).get("flags") or [])
        ids = {f["rule_id"] for f in flags}
        X[i, 0] = _logit(np.array([s["risk"]]))[0]
        X[i, 1] = _logit(np.array([s["model_score"] if s["model_score"] is not None
                                   else s["risk"]]))[0]
        X[i, 2] = max((_SEVERITY.get(f["severity"], 0) for f in flags), default=0)
        X[i, 3] = len(flags)
        X[i, 4] = float(ids == {"ML-1"})
        X[i, 5] = float(bool((ev.get("image_screening") or {}).get("violation")))
        for j, c in enumerate(_CATEGORIES):
            X[i, 6 + j] = float(any(f["category"] == c for f in flags))
        for j, r in enumerate(rules):
            X[i, 9 + j] = float(r in ids)
    return X, names


def _design(evidence: list[dict[str, Any]], rules: list[str], words: TfidfVectorizer,
            fit: bool, scale: tuple[np.ndarray, np.ndarray] | None = None):
    X, names = _features(evidence, rules)
    if scale is None:
        scale = (X.mean(axis=0), X.std(axis=0) + 1e-9)
    Xs = (X - scale[0]) / scale[1]
    texts = [normalize(ev["post"]["text"] + " " + (ev["post"].get("image_text") or "")).text
             for ev in evidence]
    W = words.fit_transform(texts) if fit else words.transform(texts)
    return sp.hstack([sp.csr_matrix(Xs), W]).tocsr(), names, scale


def refit_screen(
    ws: Workspace, genealogy: str, *, folds: int = 5, seed: int = 0, C: float = 1.0,
    min_cases: int = 20,
) -> RefitResult:
    """Refit the statistical layer on ``genealogy``'s resolved and dismissed cases.

    Parameters
    ----------
    ws : Workspace
    genealogy : str
    folds : int
        Folds of the stratified cross-validation.
    seed : int
        Seed of the fold split.
    C : float
        Inverse regularization strength of the logistic regression.
    min_cases : int
        Fewest cases of each kind (and at least ``folds``) needed.

    Returns
    -------
    RefitResult

    Raises
    ------
    downline.errors.ComplianceError
        Too few confirmed or dismissed cases to fit and measure.

    Examples
    --------
    See ``docs/compliance.md``.
    """
    frame = ComplianceLedger(ws).cases(genealogy, evidence=True)
    if frame.empty:
        raise ComplianceError(f"no cases for {genealogy!r}", field="genealogy")
    done = frame[frame["state"].isin(["resolved", "dismissed"])]
    y = (done["state"] == "resolved").to_numpy().astype(int)
    n_pos, n_neg = int(y.sum()), int((1 - y).sum())
    need = max(int(min_cases), int(folds))
    if n_pos < need or n_neg < need:
        raise ComplianceError(
            f"refitting needs at least {need} resolved and {need} dismissed cases; "
            f"{genealogy!r} has {n_pos} and {n_neg}", field="genealogy")
    evidence = [json.loads(e) for e in done["evidence"]]
    counts: dict[str, int] = {}
    for ev in evidence:
        for f in ev["screening"]["flags"]:
            counts[f["rule_id"]] = counts.get(f["rule_id"], 0) + 1
    rules = sorted(r for r, c in counts.items() if c >= 3)
    risk = np.array([ev["screening"]["risk"] for ev in evidence])

    def words() -> TfidfVectorizer:
        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                               token_pattern=r"(?u)\b\w+\b")

    oof = np.zeros(len(y))
    # Posts repeat (copied texts, shares): a text's cases stay in one fold, or the words
    # would be scored on posts the model was fitted on.
    groups = [normalize(ev["post"]["text"]).text for ev in evidence]
    split = StratifiedGroupKFold(n_splits=int(folds), shuffle=True, random_state=seed)
    for train, test in split.split(np.zeros(len(y)), y, groups):
        vec = words()
        ev_train = [evidence[i] for i in train]
        X_train, _, scale = _design(ev_train, rules, vec, fit=True)
        X_test, _, _ = _design([evidence[i] for i in test], rules, vec, fit=False, scale=scale)
        clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
        clf.fit(X_train, y[train])
        oof[test] = clf.predict_proba(X_test)[:, 1]
    vec = words()
    X, names, scale = _design(evidence, rules, vec, fit=True)
    model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced").fit(X, y)
    caught = float(np.mean(oof[y == 0] < 0.5))
    kept = float(np.mean(oof[y == 1] >= 0.5))
    return RefitResult(
        confirmed=n_pos, dismissed=n_neg, folds=int(folds),
        cv_auc=round(float(roc_auc_score(y, oof)), 4),
        cv_brier=round(float(brier_score_loss(y, oof)), 4),
        screen_auc=round(float(roc_auc_score(y, risk)), 4),
        screen_brier=round(float(brier_score_loss(y, risk)), 4),
        dismissals_caught=round(caught, 4), confirmed_kept=round(kept, 4),
        features=tuple(names), coef=tuple(round(float(c), 4) for c in model.coef_[0][:len(names)]),
        seed=seed, model=(model, vec, rules, scale))
