"""Refitting on reviewed cases: measured by cross-validation, refused without labels."""

from __future__ import annotations

import pytest

from downline.compliance import refit_screen
from downline.errors import ComplianceError
from downline.store import Workspace


@pytest.mark.slow
def test_refit_on_the_sample_is_measured(sample) -> None:
    with Workspace(sample["path"], read_only=True) as ws:
        r = refit_screen(ws, "sample-company", folds=5, seed=0)
    assert r.confirmed > 300 and r.dismissed > 50
    assert 0.5 < r.cv_auc <= 1 and 0 <= r.cv_brier < 0.25
    # The screen's risk is not fitted to these labels; the refit is, out of fold.
    assert r.cv_brier < r.screen_brier
    assert len(r.coef) == len(r.features)
    with Workspace(sample["path"], read_only=True) as ws:
        again = refit_screen(ws, "sample-company", seed=0)
    assert again.cv_auc == r.cv_auc


def test_refit_needs_labels(ws) -> None:
    with pytest.raises(ComplianceError, match="no cases"):
        refit_screen(ws, "acme")
