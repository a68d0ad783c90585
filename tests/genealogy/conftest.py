"""Shared fixtures: a small hand-drawn sponsor tree with two roots.

    A (2024-01-01, vol 100)              X (2024-02-01, vol 40)
    ├── B (01-15, 50)                    └── Y (03-15, 4)
    │   ├── D (02-20, 20)
    │   │   └── F (03-10, 5)
    │   └── E (03-05, left 03-25, 10)
    └── C (02-10, left 04-20, 30)
        └── G (04-01, 7)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from downline.genealogy import Genealogy

SMALL_CSV = """member_id,sponsor_id,joined_at,left_at,rank,volume
A,,2024-01-01,,Gold,100
B,A,2024-01-15,,Silver,50
C,A,2024-02-10,2024-04-20,,30
D,B,2024-02-20,,,20
E,B,2024-03-05,2024-03-25,,10
F,D,2024-03-10,,,5
G,C,2024-04-01,,,7
X,,2024-02-01,,Bronze,40
Y,X,2024-03-15,,,4
"""


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "small.csv"
    path.write_text(SMALL_CSV, encoding="utf-8")
    return path


@pytest.fixture
def small(small_csv: Path) -> Genealogy:
    from downline.genealogy import read_genealogy

    return read_genealogy(small_csv)

