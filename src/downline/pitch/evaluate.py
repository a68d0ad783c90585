"""Evaluation of the screen on the cited corpus, by source: grouped folds and the held-out set.

Two figures, and they mean different things:

* **Grouped cross-validation** (:func:`grouped_cv`): the corpus is split into folds by
  source group (:attr:`~downline.pitch.corpus.Claim.group`: a company, or a document), so
  no document and no company is in both the fitting and the testing part. The statistical
  layer is refitted on each training part (with ``train.csv``) and its threshold is chosen
  there. The *rules* were written while looking at the corpus outside the held-out set,
  so the rules-alone figure here is tuned-on and optimistic.
* **Held-out** (:func:`holdout`): a quarter of the source groups, chosen by a seeded hash
  before any rule was written (:func:`~downline.pitch.corpus.is_holdout`), and never used
  to tune rules. The model is fitted on everything else. This is the honest figure, on a
  small set, so its intervals are wide.

A violation counts as caught when the screen flags it *in its category* (an earnings claim
needs an income flag, a health claim a health flag); a compliant statement is a false
positive when it gets any income or health flag (disclosure flags are out of scope: the
corpus has no disclosure labels). Intervals are Wilson score intervals (95%).

Run ``python -m downline.pitch.evaluate`` to print the tables, ``--write`` to store the
figures in ``data/corpus/evaluation.json`` and refresh the table in ``docs/pitch.md``, or
``--docs-only`` to refresh the table from the stored figures (a test checks that the docs
and the stored figures agree).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from downline.common import intervals
from downline.pitch.corpus import load_corpus
from downline.pitch.model import CORPUS_CLASS, fit_rows, training_rows
from downline.pitch.screen import screen_many

__all__ = [
    "Rate",
    "Report",
    "grouped_cv",
    "grouped_folds",
    "holdout",
    "render_markdown",
    "wilson",
]

_CATEGORY_FLAG = {"earnings": "income", "health": "health"}
_Z95 = intervals.Z95


def wilson(k: int, n: int, z: float = _Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``k / n``.

    Parameters
    ----------
    k, n : int
        Successes and trials (``0 <= k <= n``).
    z : float
        Normal quantile (1.96 for 95%).

    Returns
    -------
    (low, high) : tuple of float
        ``(0.0, 1.0)`` when ``n == 0``.

    Examples
    --------
    >>> lo, hi = wilson(8, 10)
    >>> round(lo, 4), round(hi, 4)
    (0.4902, 0.9433)
    """
    if not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n")
    if n == 0:
        return 0.0, 1.0
    return intervals.wilson(k, n, z=z)


def grouped_folds(groups: Sequence[str], n_splits: int = 5, seed: int = 0
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split row indices into folds so that every group falls in exactly one test fold.

    Groups are shuffled with ``seed`` and then, largest first, given to the fold with the
    fewest rows so far (so folds are balanced in size).

    Returns
    -------
    list of (train_index, test_index)

    Examples
    --------
    >>> folds = grouped_folds(["a", "a", "b", "c", "c", "d"], n_splits=2)
    >>> sorted(len(test) for _, test in folds)
    [3, 3]
    """
    if n_splits < 2:
        raise ValueError("n_splits must be at least 2")
    groups = list(groups)
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    names = sorted(members)
    rng = np.random.default_rng(seed)
    rng.shuffle(names)
    names.sort(key=lambda g: -len(members[g]))  # stable: shuffled order breaks ties
    folds: list[list[int]] = [[] for _ in range(min(n_splits, len(names)))]
    for g in names:
        min(folds, key=len).extend(members[g])
    everything = np.arange(len(groups))
    out = []
    for f in folds:
        test = np.array(sorted(f), dtype=np.int64)
        out.append((np.setdiff1d(everything, test), test))
    return out


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson interval."""

    k: int
    n: int
    low: float
    high: float

    @classmethod
    def of(cls, k: int, n: int) -> Rate:
        lo, hi = wilson(k, n)
        return cls(int(k), int(n), round(lo, 4), round(hi, 4))

    @property
    def value(self) -> float:
        """``k / n`` (0 when ``n == 0``)."""
        return self.k / self.n if self.n else 0.0

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}] ({self.k}/{self.n})"


@dataclass(frozen=True)
class Report:
    """Recall and false-positive rates of one evaluation, rules alone and rules + model.

    Attributes
    ----------
    name : str
        ``grouped-cv`` or ``held-out``.
    recall : dict
        ``{"rules": {"earnings": Rate, "health": Rate}, "combined": {...}}``.
    fpr : dict
        Same keys, rates over compliant statements (``all``, ``earnings``, ``health``).
    missed : dict
        Per category: caught by rules, caught only by the model, missed by both.
    missed_examples : list of str
        Up to 12 violations both layers missed (first 120 characters).
    n_rows, n_groups : int
    """

    name: str
    recall: dict
    fpr: dict
    missed: dict
    missed_examples: list = field(default_factory=list)
    n_rows: int = 0
    n_groups: int = 0

    def to_dict(self) -> dict:
        """The report as plain data (rates as dictionaries)."""
        return asdict(self)


def _flag_categories(screenings) -> list[set[str]]:
    return [set(s.categories) - {"disclosure"} for s in screenings]


def _score(name: str, rows, rule_cats, comb_cats, n_groups: int) -> Report:
    recall: dict = {"rules": {}, "combined": {}}
    fpr: dict = {"rules": {}, "combined": {}}
    missed: dict = {}
    examples = []
    for cat, flag in _CATEGORY_FLAG.items():
        idx = [i for i, r in enumerate(rows) if r.violation and r.category == cat]
        by_rules = sum(flag in rule_cats[i] for i in idx)
        by_comb = sum(flag in comb_cats[i] for i in idx)
        recall["rules"][cat] = Rate.of(by_rules, len(idx))
        recall["combined"][cat] = Rate.of(by_comb, len(idx))
        missed[cat] = {"rules": by_rules, "model_only": by_comb - by_rules,
                       "missed": len(idx) - by_comb, "n": len(idx)}
        examples += [f"[{cat}] {rows[i].text[:120]}" for i in idx if flag not in comb_cats[i]]
    for which, cats in (("rules", rule_cats), ("combined", comb_cats)):
        for scope in ("all", "earnings", "health"):
            idx = [i for i, r in enumerate(rows) if not r.violation
                   and (scope == "all" or r.category == scope)]
            fpr[which][scope] = Rate.of(sum(bool(cats[i]) for i in idx), len(idx))
    return Report(name, recall, fpr, missed, examples[:12], len(rows), n_groups)


def _screen_rows(rows, clf):
    """Screenings of ``rows`` by the rules alone and by rules + ``clf`` (batched)."""
    texts = [r.text for r in rows]
    return (screen_many(texts, model=False).screenings,
            screen_many(texts, model=clf).screenings)


def grouped_cv(n_splits: int = 5, seed: int = 0) -> Report:
    """Grouped cross-validation on the whole corpus (see the module docstring).

    The model of each fold is fitted on the other folds plus ``train.csv``.
    """
    rows = list(load_corpus())
    extra = [r for r in training_rows() if r[2].startswith("train:")]
    rule_cats: list[set[str]] = [set()] * len(rows)
    comb_cats: list[set[str]] = [set()] * len(rows)
    for train, test in grouped_folds([r.group for r in rows], n_splits, seed):
        fit = [(rows[i].text, CORPUS_CLASS[rows[i].category] if rows[i].violation else "none",
                rows[i].group) for i in train] + extra
        clf = fit_rows(fit)
        test_rows = [rows[i] for i in test]
        by_rules, combined = _screen_rows(test_rows, clf)
        for j, i in enumerate(test):
            rule_cats[i] = _flag_categories([by_rules[j]])[0]
            comb_cats[i] = _flag_categories([combined[j]])[0]
    return _score("grouped-cv", rows, rule_cats, comb_cats, len({r.group for r in rows}))


def holdout() -> Report:
    """The locked held-out set, with a model fitted on everything else."""
    rows = [r for r in load_corpus() if r.holdout]
    clf = fit_rows(training_rows(include_holdout=False))
    by_rules, combined = _screen_rows(rows, clf)
    return _score("held-out", rows, _flag_categories(by_rules), _flag_categories(combined),
                  len({r.group for r in rows}))


def _corpus_sha256() -> str:
    raw = (resources.files("downline.pitch") / "data" / "corpus" / "claims.csv").read_bytes()
    return hashlib.sha256(raw).hexdigest()


def render_markdown(figures: dict) -> str:
    """The docs table for stored figures (``data/corpus/evaluation.json``)."""
    lines = [
        "| evaluation | category | recall, rules alone | recall, rules + model "
        "| FPR, rules alone | FPR, rules + model |",
        "|---|---|---|---|---|---|",
    ]
    for rep in figures["reports"]:
        for cat in ("earnings", "health"):
            r = rep["recall"]["rules"][cat]
            c = rep["recall"]["combined"][cat]
            fr = rep["fpr"]["rules"][cat]
            fc = rep["fpr"]["combined"][cat]
            lines.append(f"| {rep['name']} | {cat} | {_fmt(r)} | {_fmt(c)} | {_fmt(fr)} "
                         f"| {_fmt(fc)} |")
        fr, fc = rep["fpr"]["rules"]["all"], rep["fpr"]["combined"]["all"]
        lines.append(f"| {rep['name']} | all compliant | | | {_fmt(fr)} | {_fmt(fc)} |")
    lines += ["", "What is still missed (violations; rules / model only / missed by both):", "",
              "| evaluation | category | caught by rules | caught only by model | missed |",
              "|---|---|---|---|---|"]
    for rep in figures["reports"]:
        for cat, m in rep["missed"].items():
            lines.append(f"| {rep['name']} | {cat} | {m['rules']} | {m['model_only']} "
                         f"| {m['missed']} |")
    return "\n".join(lines)


def _fmt(rate: dict) -> str:
    v = rate["k"] / rate["n"] if rate["n"] else 0.0
    return f"{v:.3f} [{rate['low']:.3f}, {rate['high']:.3f}] ({rate['k']}/{rate['n']})"


_BEGIN, _END = "<!-- pitch-eval:begin -->", "<!-- pitch-eval:end -->"


def compute() -> dict:
    """Both evaluations as stored in ``data/corpus/evaluation.json``."""
    return {"corpus_sha256": _corpus_sha256(),
            "reports": [grouped_cv().to_dict(), holdout().to_dict()]}


def _main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(__file__).resolve()
    store = root.parent / "data" / "corpus" / "evaluation.json"
    if "--docs-only" in args:   # re-render the docs table from the stored figures
        figures = json.loads(store.read_text(encoding="utf-8"))
        args.append("--write")
    else:
        figures = compute()
    print(render_markdown(figures))
    for rep in figures["reports"]:
        print(f"\n{rep['name']}: still missed (examples)")
        for line in rep["missed_examples"]:
            print("  ", line)
    if "--write" in args:
        store.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
        docs = root.parents[3] / "docs" / "pitch.md"
        text = docs.read_text(encoding="utf-8")
        if _BEGIN in text and _END in text:
            a = text.index(_BEGIN) + len(_BEGIN)
            b = text.index(_END)
            text = text[:a] + "\n" + render_markdown(figures) + "\n" + text[b:]
            docs.write_text(text, encoding="utf-8")
        print(f"\nwrote {store}" + (f" and {docs}" if _BEGIN in text else ""))


if __name__ == "__main__":
    _main()
