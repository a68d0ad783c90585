"""Append quoted claims to the pitch corpus (a helper for whoever extends the corpus by hand).

Input on stdin, one item per line::

    @doc ID | title | source URL or identifier | date | company | kind | seen at (optional)
    V category rule | statement quoted verbatim from that document
    C category rule | a compliant statement from that document

``kind`` is one of the document kinds listed in ``src/downline/pitch/data/README.md``;
``written`` marks statements the project wrote itself (hard negatives). Rows go to
``src/downline/pitch/data/corpus/claims.csv`` and documents to ``documents.csv``;
a statement already present for the same document is skipped.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "downline" / "pitch" / "data" / "corpus"
DOCS = ROOT / "documents.csv"
CLAIMS = ROOT / "claims.csv"
DOC_FIELDS = ["doc_id", "title", "source", "date", "company", "kind", "seen_at"]
CLAIM_FIELDS = ["text", "label", "category", "rule", "company", "doc_id", "doc_title",
                "source", "date", "kind", "written"]


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main() -> None:
    docs = {d["doc_id"]: d for d in _read(DOCS)}
    claims = _read(CLAIMS)
    seen = {(c["doc_id"], c["text"]) for c in claims}
    current = None
    added = 0
    for lineno, line in enumerate(sys.stdin, start=1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@doc "):
            parts = [p.strip() for p in line[5:].rstrip(" |").split(" | ")]
            parts += [""] * (len(DOC_FIELDS) - len(parts))
            doc = dict(zip(DOC_FIELDS, parts, strict=True))
            docs[doc["doc_id"]] = doc
            current = doc
            continue
        head, sep, text = line.partition(" | ")
        bits = head.split()
        if not sep or len(bits) != 3 or bits[0] not in ("V", "C") or current is None:
            sys.exit(f"line {lineno}: cannot read {line[:60]!r}")
        text = text.strip()
        if (current["doc_id"], text) in seen:
            continue
        seen.add((current["doc_id"], text))
        claims.append({
            "text": text, "label": "violation" if bits[0] == "V" else "compliant",
            "category": bits[1], "rule": bits[2], "company": current["company"],
            "doc_id": current["doc_id"], "doc_title": current["title"],
            "source": current["source"], "date": current["date"], "kind": current["kind"],
            "written": "yes" if current["kind"] == "written" else "no",
        })
        added += 1
    _write(DOCS, DOC_FIELDS, sorted(docs.values(), key=lambda d: d["doc_id"]))
    _write(CLAIMS, CLAIM_FIELDS, claims)
    n_v = sum(c["label"] == "violation" for c in claims)
    print(f"added {added}; corpus {len(claims)} rows ({n_v} violations, "
          f"{len(claims) - n_v} compliant), {len(docs)} documents")


if __name__ == "__main__":
    main()
