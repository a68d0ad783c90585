"""The evaluation by source: Wilson intervals, grouped folds, the corpus, the stored figures."""

from __future__ import annotations

import csv
import hashlib
import json
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from downline.pitch.corpus import group_of, is_holdout, load_corpus
from downline.pitch.evaluate import grouped_folds, render_markdown, wilson

DATA = resources.files("downline.pitch") / "data"


def _wilson_by_roots(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's interval as the roots of (p_hat - p)^2 = z^2 p (1 - p) / n."""
    ph = k / n
    roots = np.roots([1 + z * z / n, -(2 * ph + z * z / n), ph * ph])
    lo, hi = sorted(float(np.real(r)) for r in roots)
    return max(lo, 0.0), min(hi, 1.0)


@pytest.mark.parametrize("k,n", [(0, 10), (1, 10), (8, 10), (10, 10), (57, 61), (3, 180)])
def test_wilson_matches_quadratic_roots(k, n):
    assert wilson(k, n) == pytest.approx(_wilson_by_roots(k, n), abs=1e-9)


def test_wilson_textbook_values():
    # Newcombe (1998), Table I: 81/263 -> 0.2553 to 0.3662; and 8/10 -> 0.4902 to 0.9433.
    assert wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson(8, 10) == pytest.approx((0.4902, 0.9433), abs=5e-5)
    assert wilson(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson(3, 2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=2, max_size=80), st.integers(2, 6),
       st.integers(0, 5))
def test_grouped_folds_keep_groups_whole(labels, n_splits, seed):
    groups = [f"g{x}" for x in labels]
    folds = grouped_folds(groups, n_splits=n_splits, seed=seed)
    seen = np.concatenate([test for _, test in folds])
    assert sorted(seen.tolist()) == list(range(len(groups)))       # each row tested once
    for train, test in folds:
        assert not set(train) & set(test)
        assert not {groups[i] for i in train} & {groups[i] for i in test}


def test_corpus_folds_keep_documents_and_companies_apart():
    rows = load_corpus()

    def docs(idx):
        return {rows[i].doc_id for i in idx if not rows[i].written}

    def firms(idx):
        return {rows[i].group for i in idx if rows[i].group.startswith("company:")}

    for train, test in grouped_folds([r.group for r in rows], n_splits=5):
        assert not docs(train) & docs(test)
        assert not firms(train) & firms(test)


def test_corpus_rows_cite_their_documents():
    rows = load_corpus()
    with (DATA / "corpus" / "documents.csv").open(encoding="utf-8", newline="") as fh:
        docs = {d["doc_id"]: d for d in csv.DictReader(fh)}
    assert len(rows) >= 300
    for r in rows:
        assert r.label in ("violation", "compliant") and r.category in (
            "earnings", "health", "other")
        assert r.doc_id in docs and r.source == docs[r.doc_id]["source"]
        assert r.written == (docs[r.doc_id]["kind"] == "written")
        if r.written:        # nothing we wrote is attributed to a real document
            assert r.label == "compliant" and r.source.startswith("downline project")
    texts = [(r.doc_id, r.text) for r in rows]
    assert len(texts) == len(set(texts))


def test_groups_and_holdout():
    assert group_of("doTERRA", "A") == group_of("doTERRA (distributors X)", "B")
    assert group_of("unnamed company (DSSRC AC #1)", "A") != group_of(
        "unnamed company (DSSRC AC #1)", "B")
    rows = load_corpus()
    held = [r for r in rows if r.holdout]
    assert 0.1 < len({r.group for r in held}) / len({r.group for r in rows}) < 0.4
    assert all(is_holdout(r.group) for r in held)
    assert {r.label for r in held} == {"violation", "compliant"}


def test_docs_table_is_the_stored_evaluation():
    figures = json.loads((DATA / "corpus" / "evaluation.json").read_text(encoding="utf-8"))
    claims = (DATA / "corpus" / "claims.csv").read_bytes()
    assert figures["corpus_sha256"] == hashlib.sha256(claims).hexdigest(), (
        "the corpus changed: rerun python -m downline.pitch.evaluate --write")
    docs = resources.files("downline.pitch").joinpath("../../../docs/pitch.md")
    text = docs.read_text(encoding="utf-8")
    assert render_markdown(figures) in text
    names = [r["name"] for r in figures["reports"]]
    assert names == ["grouped-cv", "held-out"]


@pytest.mark.slow
def test_stored_holdout_figures_are_recomputed():
    """The held-out figures in the docs are what the evaluation code computes today."""
    from downline.pitch.evaluate import holdout

    figures = json.loads((DATA / "corpus" / "evaluation.json").read_text(encoding="utf-8"))
    stored = figures["reports"][1]
    assert holdout().to_dict() == stored
