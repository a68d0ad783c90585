"""The statistical layer: a linear model over hashed word and character features.

:class:`PitchClassifier` follows the scikit-learn contract (hyperparameters in
``__init__``, ``fit`` returns ``self``, learned values end with ``_``). A post is read as
its normalized text with every condition name (the ICD-10-CM vocabulary of
:mod:`~downline.pitch.rules`) replaced by one token and every amount of money by another,
so that "oils for PMS" and "oils for gout" look alike and "$1,730" and "$12k" do too.
Features are word unigrams and bigrams and character 4-grams inside words, hashed into
``n_features`` buckets, binary and L2-normalized. A multinomial logistic regression over
four classes (``none``, ``income``, ``health``, ``disclosure``) is fitted with
scikit-learn; the probability of a violation is ``1 - P(none)``.

The flagging threshold is chosen on out-of-fold probabilities of grouped folds (no source
group in both parts), and a two-feature logistic regression on (logit p, highest rule
severity) turns the two into a calibrated risk.

**The fitted model is an artifact, not a process.** :func:`build` fits it on the cited
corpus (``data/corpus``) and ``data/train.csv`` and writes ``data/model/pitch-model.npz``
(the weights of the features seen in training) and ``pitch-model.json`` (version,
hyperparameters, threshold, risk coefficients, the SHA-256 of the weights and of the data
it was fitted on). :func:`default_classifier` loads it in a few milliseconds, checks the
checksum, and never trains. Scoring uses NumPy only: no scikit-learn import at screen time.
Rebuild with ``python -m downline.pitch.model build`` after changing the corpus or the rules'
condition vocabulary (a test checks that the artifact matches the data).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
import zlib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np

from downline.errors import ArtifactError, ParameterError
from downline.pitch.corpus import load_corpus
from downline.pitch.normalize import normalize
from downline.pitch.rules import MASK, load_rules

__all__ = [
    "ARTIFACT_VERSION",
    "CLASSES",
    "PitchClassifier",
    "build",
    "default_classifier",
    "featurize",
    "load_dataset",
    "training_rows",
]

CLASSES = ("none", "income", "health", "disclosure")
#: Version of the artifact format and feature extraction; a model of another version is
#: refused at load time.
ARTIFACT_VERSION = 2
_ARTIFACT = "pitch-model"

_MONEY = re.compile(
    r"[$€£]\s?\d[\d.,]*\s?(?:k|m|mil|million|thousand|grand)?(?![a-z])"
    r"|\b\d[\d.,]*\s?(?:k|grand|thousand|million|dollars?|bucks|usd|eur|euros?)\b")
_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[$%#!?]")
_COND_TOKEN = "zzcond"
_MONEY_TOKEN = "zzmoney"


def load_dataset(name: str) -> list[dict[str, str]]:
    """Rows of a shipped labelled set (``"train"`` or ``"eval"``) as dictionaries.

    Columns: ``text``, ``label`` (1 = violation), ``category``, ``rules``, ``source_note``.
    These posts were written by the project; the cited corpus of real claims is
    :func:`downline.pitch.corpus.load_corpus`.

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


def _conditions():
    return load_rules().conditions


def _prepare(normalized: str, conditions) -> str:
    """The normalized text with condition names and amounts of money replaced by tokens."""
    text = conditions.mask(normalized) if conditions is not None else normalized
    if MASK in text:
        text = re.sub(f"{MASK}+", f" {_COND_TOKEN} ", text)
    text = _MONEY.sub(f" {_MONEY_TOKEN} ", text)
    return _DIGITS.sub("0", text)


def _tokens(normalized: str, conditions) -> list[str]:
    return _TOKEN.findall(_prepare(normalized, conditions))


def _feature_names(tokens: Sequence[str]) -> list[str]:
    """The feature names of a token sequence (for inspection; scoring hashes them)."""
    names = [f"w:{t}" for t in tokens]
    names += [f"b:{a} {b}" for a, b in pairwise(tokens)]
    for t in tokens:
        names += _char_names(t)
    return names


def _char_names(token: str) -> list[str]:
    if len(token) < 4 or token.startswith("zz"):
        return []
    padded = f"<{token}>"
    return [f"c:{padded[i:i + 4]}" for i in range(len(padded) - 3)]


# Hash ids of a token's unigram and character features, per bucket count (tokens repeat
# across posts, so this spares most of the hashing); cleared when it grows large.
_TOKEN_IDS: dict[tuple[str, int], tuple[int, ...]] = {}


def _token_ids(token: str, mask: int) -> tuple[int, ...]:
    key = (token, mask)
    ids = _TOKEN_IDS.get(key)
    if ids is None:
        if len(_TOKEN_IDS) > 200_000:
            _TOKEN_IDS.clear()
        crc = zlib.crc32
        ids = tuple(crc(n.encode()) & mask for n in (f"w:{token}", *_char_names(token)))
        _TOKEN_IDS[key] = ids
    return ids


def featurize(texts: Sequence[str], n_features: int = 2**18, conditions=None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashed binary features of normalized texts, L2-normalized, as CSR arrays.

    Parameters
    ----------
    texts : sequence of str
        Normalized posts (:func:`~downline.pitch.normalize.normalize`).
    n_features : int
        Number of hash buckets (a power of two).
    conditions : Conditions, optional
        The condition vocabulary used to mask condition names (default: the core rules').

    Returns
    -------
    indptr, indices, values : ndarray
        Row ``i`` has features ``indices[indptr[i]:indptr[i+1]]`` with those values.

    Examples
    --------
    >>> indptr, idx, val = featurize(["oils for pms", "oils for gout"])
    >>> bool(np.isclose((val[:indptr[1]] ** 2).sum(), 1.0))
    True
    """
    if conditions is None:
        conditions = _conditions()
    mask = n_features - 1
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    crc = zlib.crc32
    for text in texts:
        tokens = _tokens(text, conditions)
        ids: set[int] = set()
        for t in tokens:
            ids.update(_token_ids(t, mask))
        ids.update(crc(f"b:{a} {b}".encode()) & mask for a, b in pairwise(tokens))
        if ids:
            w = 1.0 / np.sqrt(len(ids))
            indices.extend(sorted(ids))
            values.extend([w] * len(ids))
        indptr.append(len(indices))
    return (np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
            np.asarray(values, dtype=np.float32))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _group_folds(groups: Sequence[str], n_splits: int, seed: int) -> list[np.ndarray]:
    # lazy: pitch.evaluate imports this module
    from downline.pitch.evaluate import grouped_folds

    return [test for _, test in grouped_folds(groups, n_splits=n_splits, seed=seed)]


class PitchClassifier:
    """Multinomial logistic regression over hashed features of normalized posts.

    Parameters
    ----------
    C : float
        Inverse regularization strength.
    max_fpr : float
        ``threshold_`` is the lowest probability (at least 0.5) whose out-of-fold
        false-positive rate on the compliant training posts is at most ``max_fpr``.
    n_features : int
        Hash buckets.
    random_state : int
        Seed of the grouped folds; fitting is deterministic.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features, 4)
        Weights per hash bucket and class (zero for buckets never seen in training).
    intercept_ : ndarray of shape (4,)
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

    def __init__(self, C: float = 4.0, max_fpr: float = 0.07, n_features: int = 2**18,
                 random_state: int = 0) -> None:
        self.C = C
        self.max_fpr = max_fpr
        self.n_features = n_features
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting ----
    def _fit_lr(self, X, y: np.ndarray):
        # lazy: sklearn costs 1 s; the saved model predicts without it
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced",
                                  solver="lbfgs").fit(X, y)

    def _matrix(self, texts: Sequence[str]):
        # lazy: scipy.sparse costs 0.3 s; only fitting needs it
        from scipy.sparse import csr_matrix

        indptr, idx, val = featurize(texts, self.n_features)
        return csr_matrix((val, idx, indptr), shape=(len(texts), self.n_features))

    def fit(self, texts: Sequence[str], categories: Sequence[str],
            groups: Sequence[str] | None = None,
            rule_severity: Sequence[float] | None = None) -> PitchClassifier:
        """Fit on normalized texts and their class (one of :data:`CLASSES`).

        ``groups`` (the source of each post) keeps each source in one fold when the
        threshold and the risk stacker are chosen on out-of-fold probabilities;
        ``rule_severity`` (highest rule severity per post, 0 when none fired) trains the
        risk stacker.
        """
        y = np.array([CLASSES.index(c) for c in categories])
        X = self._matrix(texts)
        lr = self._fit_lr(X, y)
        coef = np.zeros((self.n_features, len(CLASSES)), dtype=np.float32)
        coef[:, lr.classes_] = lr.coef_.T
        intercept = np.full(len(CLASSES), -30.0, dtype=np.float32)
        intercept[lr.classes_] = lr.intercept_
        self.coef_, self.intercept_ = coef, intercept
        if groups is None:
            groups = [str(i) for i in range(len(y))]
        oof = np.zeros(len(y))
        for test in _group_folds(groups, 5, self.random_state):
            train = np.setdiff1d(np.arange(len(y)), test)
            sub = self._fit_lr(X[train], y[train])
            proba = sub.predict_proba(X[test])
            none_col = list(sub.classes_).index(0) if 0 in sub.classes_ else None
            oof[test] = 1.0 - (proba[:, none_col] if none_col is not None else 0.0)
        negatives = oof[y == 0]
        self.threshold_ = 0.95
        for t in np.arange(0.5, 0.951, 0.01):
            if negatives.size == 0 or float(np.mean(negatives >= t)) <= self.max_fpr:
                self.threshold_ = float(round(t, 2))
                break
        # lazy: sklearn costs 1 s; the saved model predicts without it
        from sklearn.linear_model import LogisticRegression

        sev = np.zeros(len(y)) if rule_severity is None else np.asarray(rule_severity, float)
        Z = np.column_stack([_logit(oof), sev])
        stacker = LogisticRegression(C=1.0, max_iter=1000).fit(Z, (y > 0).astype(int))
        self.risk_coef_ = np.concatenate([stacker.intercept_, stacker.coef_[0]]).astype(float)
        return self

    # ------------------------------------------------------------------ scoring ----
    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Class scores (before the softmax), columns in :data:`CLASSES` order."""
        indptr, idx, val = featurize(texts, self.n_features)
        scores = np.tile(self.intercept_.astype(np.float64), (len(texts), 1))
        if idx.size:
            contrib = self.coef_[idx] * val[:, None]
            rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
            np.add.at(scores, rows, contrib)
        return scores

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, columns in :data:`CLASSES` order."""
        return _softmax(self.decision_function(texts))

    def violation_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each post breaks some rule."""
        return 1.0 - self.predict_proba(texts)[:, 0]

    def risk(self, p_model: np.ndarray, rule_severity: np.ndarray) -> np.ndarray:
        """Calibrated risk from model probability and highest rule severity (0-3)."""
        z = (self.risk_coef_[0] + self.risk_coef_[1] * _logit(np.asarray(p_model, float))
             + self.risk_coef_[2] * np.asarray(rule_severity, float))
        return 1.0 / (1.0 + np.exp(-z))

    def explain(self, text: str, category: str, k: int = 3) -> list[tuple[int, int]]:
        """Slices of ``text`` (normalized) holding the words that pushed it to ``category``.

        The words are the ``k`` words of the post whose unigram weight for the class,
        minus that for ``none``, is largest and positive.
        """
        cls = CLASSES.index(category)
        mask = self.n_features - 1
        best: list[tuple[float, int, int]] = []
        for m in re.finditer(r"[a-z0-9]+(?:'[a-z]+)?", text):
            j = zlib.crc32(f"w:{m.group()}".encode()) & mask
            gain = float(self.coef_[j, cls] - self.coef_[j, 0])
            if gain > 0:
                best.append((gain, m.start(), m.end()))
        best.sort(reverse=True)
        return sorted({(a, b) for _, a, b in best[:k]})

    # ---------------------------------------------------------------- artifact ----
    def save(self, directory: str | Path, provenance: dict | None = None) -> Path:
        """Write ``pitch-model.npz`` and ``pitch-model.json`` into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        used = np.flatnonzero(np.any(self.coef_ != 0, axis=1)).astype(np.int64)
        npz = directory / f"{_ARTIFACT}.npz"
        tmp = directory / f".{_ARTIFACT}.npz.tmp"
        with tmp.open("wb") as fh:
            np.savez_compressed(fh, used=used, coef=self.coef_[used].astype(np.float32),
                                intercept=self.intercept_.astype(np.float32))
        tmp.replace(npz)
        meta = {
            "version": ARTIFACT_VERSION,
            "classes": list(CLASSES),
            "n_features": self.n_features,
            "params": {"C": self.C, "max_fpr": self.max_fpr,
                       "random_state": self.random_state},
            "threshold": self.threshold_,
            "risk_coef": [float(x) for x in self.risk_coef_],
            "weights_sha256": hashlib.sha256(npz.read_bytes()).hexdigest(),
            **(provenance or {}),
        }
        (directory / f"{_ARTIFACT}.json").write_text(json.dumps(meta, indent=1) + "\n",
                                                     encoding="utf-8")
        return npz

    @classmethod
    def load(cls, directory: str | Path) -> PitchClassifier:
        """Load a saved model, checking its version and the checksum of its weights.

        Raises
        ------
        downline.errors.ArtifactError
            When a file is missing, of another version, or its checksum does not match.
        """
        directory = Path(directory)
        meta_path = directory / f"{_ARTIFACT}.json"
        npz = directory / f"{_ARTIFACT}.npz"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            raw = npz.read_bytes()
        except (OSError, ValueError) as exc:
            raise ArtifactError(f"pitch model artifact unreadable ({exc}); rebuild it with "
                                "'python -m downline.pitch.model build'", path=directory) from exc
        if meta.get("version") != ARTIFACT_VERSION:
            raise ArtifactError(f"pitch model artifact is version {meta.get('version')}, "
                                f"expected {ARTIFACT_VERSION}; rebuild it", path=meta_path)
        if hashlib.sha256(raw).hexdigest() != meta.get("weights_sha256"):
            raise ArtifactError("pitch model weights do not match their checksum; rebuild "
                                "with 'python -m downline.pitch.model build'", path=npz)

        with np.load(io.BytesIO(raw)) as data:
            used, weights, intercept = data["used"], data["coef"], data["intercept"]
        self = cls(**meta["params"], n_features=int(meta["n_features"]))
        self.coef_ = np.zeros((self.n_features, len(CLASSES)), dtype=np.float32)
        self.coef_[used] = weights
        self.intercept_ = intercept
        self.threshold_ = float(meta["threshold"])
        self.risk_coef_ = np.asarray(meta["risk_coef"], dtype=float)
        self.meta_ = meta
        return self


# ---------------------------------------------------------------------- data ----

CORPUS_CLASS = {"earnings": "income", "health": "health", "other": "disclosure"}


def training_rows(include_holdout: bool = True) -> list[tuple[str, str, str]]:
    """(text, class, group) of the posts the shipped model is fitted on.

    The cited corpus (violations by category; compliant rows as ``none``) and the
    project's ``train.csv``; ``eval.csv`` is never used. With ``include_holdout=False``
    the locked held-out groups of the corpus are left out.
    """
    rows = []
    for c in load_corpus():
        if not include_holdout and c.holdout:
            continue
        rows.append((c.text, CORPUS_CLASS[c.category] if c.violation else "none", c.group))
    for i, r in enumerate(load_dataset("train")):
        rows.append((r["text"], r["category"] if r["label"] == "1" else "none",
                     f"train:{i // 5}"))
    return rows


def _data_sha256() -> str:
    h = hashlib.sha256()
    base = resources.files("downline.pitch") / "data"
    for part in ("corpus/claims.csv", "train.csv", "vocab/conditions.tsv"):
        h.update((base / part).read_bytes())
    return h.hexdigest()


def fit_rows(rows: Sequence[tuple[str, str, str]], **params) -> PitchClassifier:
    """Fit a :class:`PitchClassifier` on (text, class, group) rows (texts as written)."""
    ruleset = load_rules()
    texts, sev = [], []
    for text, _, _ in rows:
        norm = normalize(text)
        texts.append(norm.text)
        sev.append(max((h.rule.weight for h in ruleset.match(norm)), default=0))
    return PitchClassifier(**params).fit(texts, [r[1] for r in rows], [r[2] for r in rows],
                                         sev)


def _artifact_dir():
    return resources.files("downline.pitch") / "data" / "model"


def build(directory: str | Path | None = None) -> Path:
    """Fit the shipped model on the corpus and ``train.csv`` and write the artifact.

    Examples
    --------
    >>> import tempfile
    >>> path = build(tempfile.mkdtemp())  # doctest: +SKIP
    """
    # lazy: sklearn costs 1 s; only building the model needs it
    import sklearn

    clf = fit_rows(training_rows())
    target = Path(directory) if directory is not None else Path(str(_artifact_dir()))
    return clf.save(target, {"data_sha256": _data_sha256(), "sklearn": sklearn.__version__,
                             "trained_on": "data/corpus/claims.csv + data/train.csv"})


@lru_cache(maxsize=1)
def default_classifier() -> PitchClassifier:
    """The shipped model, loaded from its artifact (never trained here)."""
    with resources.as_file(_artifact_dir()) as path:
        return PitchClassifier.load(path)


def _main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] != ["build"]:
        sys.exit("usage: python -m downline.pitch.model build [DIRECTORY]")
    path = build(args[1] if len(args) > 1 else None)
    print(f"wrote {path} and {path.with_suffix('.json')}")


if __name__ == "__main__":
    _main()
