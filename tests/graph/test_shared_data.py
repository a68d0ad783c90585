"""The research graphs of ../shared/data load with the published sizes."""

from __future__ import annotations

import numpy as np
import pytest

from downline.data import sample_path
from downline.graph import read_graph


def test_ego_facebook(shared_data):
    g = read_graph(shared_data / "facebook" / "facebook_OPIM_bidirected_4039n_176468arcs.txt")
    assert g.number_of_nodes() == 4039
    assert g.number_of_edges() == 176468
    # every undirected edge is stored both ways: in- and out-degrees agree
    assert np.array_equal(g.in_degree(), g.out_degree())


def test_nethept_snowgy_keeps_given_probabilities(shared_data):
    g = read_graph(shared_data / "nethept" / "NetHEPT_snowgy_15233n_32235arcs_wc.txt")
    assert g.number_of_nodes() == 15233
    assert g.meta["header_m"] == 32235
    # 22 self-loops dropped by the default policy, nothing else
    assert g.meta["self_loops_dropped"] == 22
    assert g.number_of_edges() == 32235 - 22
    assert g.successors(0)[:3] == [1, 15, 184]
    f = g.edges().set_index(["source", "target"])["p"]
    assert f[(0, 184)] == pytest.approx(0.2)
    assert f[(0, 1)] == pytest.approx(0.0625)


def test_nethept_chen_format(shared_data):
    g = read_graph(shared_data / "nethept" / "hep_ChenFormat_LPIM.txt")
    assert g.number_of_nodes() == 15233
    assert g.labels[0] == 1 and g.labels[-1] == 15233  # 1-indexed file
    f = g.edges().set_index(["source", "target"])["p"]
    assert f[(1, 2)] == pytest.approx(0.01) and f[(2, 1)] == pytest.approx(0.14)
    assert f[(3, 4)] == pytest.approx(0.03) and f[(4, 3)] == pytest.approx(1.0)


def test_email_eu_core_and_bundled_copy_agree(shared_data):
    original = read_graph(shared_data / "email-eu-core" / "email-Eu-core.txt")
    bundled = read_graph(sample_path())
    assert original.number_of_nodes() == bundled.number_of_nodes() == 1005
    assert original.meta["self_loops_dropped"] == 642
    assert original.number_of_edges() == 25571 - 642
    assert np.array_equal(original.indices, bundled.indices)
