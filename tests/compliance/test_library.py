"""The approved-content library, and share tracking measured against its bar."""

from __future__ import annotations

import numpy as np
import pytest

from downline.compliance import (
    LIBRARY,
    approve,
    corpus_posts,
    edit_share,
    library_items,
    match_shares,
    share_diff,
)
from downline.errors import ComplianceError
from downline.store import ComplianceLedger

from .conftest import BAD, GOOD

# Posts on the same products, written independently of the library: the hard negatives.
SAME_TOPIC = (
    "Restocked the citrus body wash today, the scent is amazing in the morning shower",
    "Who is coming to the skincare demo? Message me for the address",
    "Gift sets make the holidays easy, I wrapped six of them last night",
    "Free shipping is back for members, stock up on your favourites",
    "Training call tonight was great, learned so much about customer care",
    "My lavender hand cream is almost empty, time to refill the tin",
    "Read our income disclosure before you decide anything about the business",
    "Switched my coffee club order to decaf and I do not regret it",
    "Do not forget sunscreen this summer, reapply every two hours at the beach",
    "Spent Saturday at the food bank with friends from church",
    "Bamboo utensils are the best thing in my kitchen drawer",
    "Peanut caramel protein bars are gone already, ordering more",
    "#ad Our lavender hand cream is back. Rich and light, in a refillable tin.",
    "#ad The spring skincare line is live on my page. Questions welcome.",
)
KINDS = (("tags",), ("emoji",), ("swap",), ("reorder",), ("extra",),
         ("tags", "emoji", "swap"), ("tags", "emoji", "swap", "reorder", "extra"))


def test_share_tracking_bar() -> None:
    """Recall >= 0.95 of edited shares at <= 1% false matches among unrelated posts."""
    rng = np.random.default_rng(2026)
    shares, truth = [], []
    for i, text in enumerate(LIBRARY):
        for k in range(70):
            kinds = KINDS[k % len(KINDS)] if k < 49 else None
            shares.append(edit_share(text, rng, kinds))
            truth.append(i)
    truth = np.asarray(truth)
    assert sum(s != LIBRARY[t] for s, t in zip(shares, truth, strict=True)) > 0.95 * len(shares)
    found, _ = match_shares(shares, LIBRARY)
    recall = float(np.mean(found == truth))
    unrelated = corpus_posts()["text"].tolist() + list(SAME_TOPIC)
    wrong, _ = match_shares(unrelated, LIBRARY)
    false_rate = float(np.mean(wrong >= 0))
    assert recall >= 0.95, recall
    assert false_rate <= 0.01, false_rate
    assert not np.any((found >= 0) & (found != truth))  # never the wrong item


def test_approve_screens_first_and_versions(ws) -> None:
    with pytest.raises(ComplianceError, match="not approved: the screen flags INC"):
        approve(ws, "acme", BAD, approved_by="compliance")
    first = approve(ws, "acme", GOOD, approved_by="compliance", at="2025-01-01")
    assert first.version == 1 and len(first.item_id) == 7
    with pytest.raises(ComplianceError, match="already library item"):
        approve(ws, "acme", GOOD, approved_by="compliance")
    second = approve(ws, "acme", GOOD + " Ask me for a sample.", approved_by="lee",
                     item_id=first.item_id, at="2025-02-01")
    assert (second.item_id, second.version) == (first.item_id, 2)
    (item,) = library_items(ws, "acme")
    assert item.version == 2 and item.approved_by == "lee"
    assert len(ComplianceLedger(ws).library("acme")) == 2  # version 1 kept
    trail = ComplianceLedger(ws).audit("acme")
    assert trail["action"].tolist() == ["approve", "approve"]
    with pytest.raises(ComplianceError, match="item id"):
        approve(ws, "acme", GOOD, approved_by="x", item_id="bad id!")


def test_diff_shows_the_edit() -> None:
    diff = share_diff("Our new body wash is here.", "Our brand new body wash is here. #quityourjob")
    assert {"op": "+", "text": "brand"} in diff
    assert diff[-1] == {"op": "+", "text": "#quityourjob"}
    assert share_diff("same words", "same words") == [{"op": "=", "text": "same words"}]
