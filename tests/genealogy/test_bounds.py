"""Reports refuse to create more periods than the stated bound, naming the far date."""

from __future__ import annotations

import pytest

from downline.errors import LimitError
from downline.genealogy import read_genealogy
from downline.genealogy.reports import attrition, recruits_per_period


def test_a_date_in_2999_with_daily_periods(tmp_path):
    p = tmp_path / "g.csv"
    p.write_text("member_id,sponsor_id,joined_at\na,,2024-01-01\nb,a,2024-01-02\n"
                 "c,b,2999-01-01\n")
    gen = read_genealogy(p)
    with pytest.raises(LimitError, match=r"356,112 periods.*2999-01-01"):
        recruits_per_period(gen, "D", member="a")
    with pytest.raises(LimitError, match="DOWNLINE_MAX_PERIODS"):
        attrition(gen, "D", by="period", member="a")
    assert len(recruits_per_period(gen, "Y", member="a").periods) == 976
