"""The cited corpus of real claims: loading, grouping by source, and the locked held-out set.

``data/corpus/claims.csv`` holds statements quoted verbatim from public documents in which a
regulator or self-regulator cites them (FTC and FDA warning letters, FTC complaints, DSSRC
and NAD decisions), compliant statements from public sources (FDA regulation and guidance
examples, companies' published compliance guides) and hard negatives the project wrote
itself (``written == "yes"``). ``data/corpus/documents.csv`` lists every source document.
How the corpus was built, and the licences, are in ``data/README.md``.

Evaluation must never put one source in both training and test data, so every row has a
``group``: the company named by its document (so that two documents about dōTERRA stay
together), or the document itself when no company is named. Hard negatives written by the
project are grouped in blocks of five. A quarter of the groups, chosen by a seeded hash
before any rule was written against the corpus (see :func:`is_holdout`), is the locked
held-out set: it is read only for the final figure, never while rules are tuned.

What does not live here: the evaluation itself (:mod:`downline.pitch.evaluate`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["HOLDOUT_SALT", "HOLDOUT_SHARE", "Claim", "group_of", "is_holdout", "load_corpus"]

#: Salt and share of the held-out split. Changing either changes which documents are
#: held out, and so invalidates the held-out figure in the docs.
HOLDOUT_SALT = "downline-pitch-holdout-v1"
HOLDOUT_SHARE = 0.25

_NO_COMPANY = re.compile(r"^\(|^unnamed\b|^various\b", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One row of the corpus.

    Attributes
    ----------
    text : str
        The statement, verbatim.
    label : str
        ``violation`` or ``compliant``.
    category : str
        ``earnings``, ``health`` or ``other``.
    rule : str
        The rule of the core library the statement falls under (for compliant rows, the
        rule it is a hard negative for).
    company, doc_id, doc_title, source, date, kind : str
        The company and the document the statement comes from.
    written : bool
        True for statements written by the project (hard negatives), never attributed to
        a document.
    group : str
        Source group for grouped cross-validation (see the module docstring).
    """

    text: str
    label: str
    category: str
    rule: str
    company: str
    doc_id: str
    doc_title: str
    source: str
    date: str
    kind: str
    written: bool
    group: str

    @property
    def violation(self) -> bool:
        """True for a violation."""
        return self.label == "violation"

    @property
    def holdout(self) -> bool:
        """True when the row belongs to the locked held-out set."""
        return is_holdout(self.group)


def group_of(company: str, doc_id: str) -> str:
    """The source group of a document: its company, or the document when none is named.

    Examples
    --------
    >>> group_of("doTERRA (distributors Bacot, Busch, Wong)", "FTC-PR-2023-03")
    'company:doterra'
    >>> group_of("unnamed direct selling company (DSSRC AC #39)", "DSSRC-AC-39")
    'doc:DSSRC-AC-39'
    """
    if not company.strip() or _NO_COMPANY.search(company.strip()):
        return f"doc:{doc_id}"
    name = re.sub(r"\([^)]*\)", " ", company).split(";")[0]
    key = re.sub(r"[^a-z0-9]+", "", name.lower().replace("ō", "o"))
    return f"company:{key}" if key else f"doc:{doc_id}"


def is_holdout(group: str) -> bool:
    """True when ``group`` is in the locked held-out set (a seeded hash, about 25%).

    Examples
    --------
    >>> is_holdout("company:doterra") in (True, False)
    True
    """
    digest = hashlib.sha256(f"{HOLDOUT_SALT}:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < HOLDOUT_SHARE


def _corpus_path(name: str):
    return resources.files("downline.pitch") / "data" / "corpus" / name


@lru_cache(maxsize=1)
def load_corpus() -> tuple[Claim, ...]:
    """All rows of the shipped corpus, in file order.

    Returns
    -------
    tuple of Claim

    Examples
    --------
    >>> rows = load_corpus()
    >>> sorted({r.label for r in rows})
    ['compliant', 'violation']
    >>> all(r.doc_id and r.source for r in rows)
    True
    """
    # lazy: common.tables brings pyarrow (0.4 s); screening a post reads no table
    from downline.common.tables import read_table

    with resources.as_file(_corpus_path("claims.csv")) as path:
        table = read_table(path, delimiter=",", comment=None, types="string")
    cols = {name: table.column(name).to_pylist() for name in table.names}
    rows = []
    block: dict[str, int] = {}
    for i in range(table.num_rows):
        get = {k: ("" if v[i] is None else str(v[i])) for k, v in cols.items()}
        written = get["written"] == "yes"
        group = group_of(get["company"], get["doc_id"])
        if written:
            n = block.get(get["doc_id"], 0)
            block[get["doc_id"]] = n + 1
            group = f"written:{get['doc_id']}:{n // 5}"
        rows.append(Claim(
            text=get["text"], label=get["label"], category=get["category"], rule=get["rule"],
            company=get["company"], doc_id=get["doc_id"], doc_title=get["doc_title"],
            source=get["source"], date=get["date"], kind=get["kind"], written=written,
            group=group,
        ))
    return tuple(rows)
