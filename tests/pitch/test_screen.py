"""Screening API, bad input, batch reports, CLI and the evaluation bars on eval.csv."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from downline.errors import FormatError, InputError
from downline.pitch import MAX_CHARS, normalize, screen, screen_many
from downline.pitch.model import load_dataset


@pytest.fixture(scope="module")
def eval_results():
    rows = load_dataset("eval")
    y = np.array([r["label"] == "1" for r in rows])
    texts = [r["text"] for r in rows]
    return y, screen_many(texts, model=False), screen_many(texts, model=True)


def test_eval_set_size_and_documentation():
    rows = load_dataset("eval")
    assert len(rows) >= 300
    assert {r["category"] for r in rows} == {"income", "health", "disclosure"}
    assert all(r["source_note"] for r in rows)


def test_eval_disjoint_from_train():
    train = {normalize(r["text"]).text.strip() for r in load_dataset("train")}
    held = {normalize(r["text"]).text.strip() for r in load_dataset("eval")}
    assert not train & held


def test_eval_bars_combined(eval_results):
    y, _, combined = eval_results
    pred = np.array([s.violation for s in combined])
    assert pred[y].mean() >= 0.90
    assert pred[~y].mean() <= 0.10


def test_eval_bars_rules_only(eval_results):
    y, rules_only, _ = eval_results
    pred = np.array([s.violation for s in rules_only])
    assert pred[y].mean() >= 0.85
    assert pred[~y].mean() <= 0.10


def test_risk_is_calibrated(eval_results):
    """Brier score below 0.08, and in each risk bin the share of violations is close."""
    y, _, combined = eval_results
    risk = np.array([s.risk for s in combined])
    assert ((risk >= 0) & (risk <= 1)).all()
    assert np.mean((risk - y) ** 2) < 0.08
    for lo, hi in ((0.0, 0.2), (0.8, 1.0001)):
        inside = (risk >= lo) & (risk < hi)
        # Both ends must be populated (a model that never commits would skip the check),
        # then the observed share must sit near the mean risk: 0.15, or 3 standard errors
        # of the share when the bin is small.
        n = int(inside.sum())
        assert n >= 20, (lo, hi, n)
        mean_risk = risk[inside].mean()
        tolerance = max(0.15, 3 * np.sqrt(mean_risk * (1 - mean_risk) / n))
        assert abs(y[inside].mean() - mean_risk) < tolerance, (lo, hi, n)


def test_ml_flag_points_at_words():
    # No rule matches this post; only the statistical layer flags it.
    text = ("Honestly the money from this business changed everything, my paycheck grew every "
            "month, message me")
    assert not screen(text, model=False).flags
    s = screen(text)
    assert s.violation and s.model_score is not None
    for f in s.flags:
        assert f.text == s.text[f.start:f.end]


def test_screening_types():
    s = screen("I made $1,730 in my first 10 days! #quityourjob", model=False)
    assert s.violation and not s.ok
    d = s.to_dict()
    assert json.loads(json.dumps(d))["flags"][0]["rule_id"] == "INC-1"
    assert list(s.to_frame().columns)[:3] == ["rule_id", "category", "severity"]
    assert "income disclosure" in s.suggested_text()


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\xff", "🦠" * 50, "مرحبا بالعالم",
                                  "שלום \u202eעולם", "Привет мир cures anxiety 你好",
                                  b"\xff\xfe\x00junk", "a" * 5000])
def test_bad_input_gives_a_result(text):
    s = screen(text)
    assert 0.0 <= s.risk <= 1.0
    for f in s.flags:
        assert f.text == s.text[f.start:f.end]


def test_empty_is_ok():
    s = screen("")
    assert s.ok and s.risk == 0.0


def test_non_text_rejected():
    with pytest.raises(InputError):
        screen(12345)


def test_megabyte_post_is_bounded():
    text = ("quit your job " + "x" * 90 + " #a #b ") * 9000 + "(((((" * 10000
    assert len(text) > 1_000_000
    t = time.perf_counter()
    s = screen(text)
    assert time.perf_counter() - t < 5.0
    assert s.truncated and s.violation
    assert all(f.end <= MAX_CHARS for f in s.flags)


def test_rtl_spans():
    text = "\u200fأنا ‏ I made $2,000 last week ‏ مرحبا"
    s = screen(text, model=False)
    assert s.flags and s.flags[0].text == "made $2,000"


def test_batch_csv_jsonl_and_report(tmp_path):
    csv_path = tmp_path / "posts.csv"
    csv_path.write_text('id,text\na,"This oil cures <b>anxiety</b>"\nb,Happy Monday!\n',
                        encoding="utf-8")
    batch = screen_many(csv_path, report_dir=tmp_path / "out")
    assert [s.violation for s in batch] == [True, False]
    assert batch.ids == ("a", "b")
    page = (tmp_path / "out" / "screening.html").read_text(encoding="utf-8")
    assert "<mark" in page and "&lt;b&gt;" in page and "<b>anxiety" not in page
    assert (tmp_path / "out" / "screening.csv").read_text(encoding="utf-8").startswith("id,")
    jl = tmp_path / "posts.jsonl"
    jl.write_text('{"text": "Lost 20 lbs in 3 weeks"}\n{"text": "hello"}\n', encoding="utf-8")
    assert screen_many(jl, model=False).n_violations == 1


def test_batch_errors(tmp_path):
    bad = tmp_path / "posts.jsonl"
    bad.write_text('{"text": "ok"}\n{not json\n', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        screen_many(bad)
    assert info.value.line == 2
    nocol = tmp_path / "posts.csv"
    nocol.write_text("body\nhello\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        screen_many(nocol)
    assert info.value.field == "text"


def test_cli(tmp_path):
    from downline.cli import app

    runner = CliRunner()
    post = tmp_path / "post.txt"
    post.write_text("This oil cured my anxiety", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(post), "--no-model"])
    assert res.exit_code == 1 and "HLT-1" in res.output
    res = runner.invoke(app, ["screen", "-", "--json", "--no-model"], input="Happy Monday!")
    assert res.exit_code == 0 and json.loads(res.output)["violation"] is False
    batch = tmp_path / "b.csv"
    batch.write_text("text\nFire your boss\nhello\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(batch), "--report-dir", str(tmp_path / "r")])
    assert res.exit_code == 1
    assert (tmp_path / "r" / "screening.html").exists()
    rules = tmp_path / "bad.toml"
    rules.write_text("[[rule]]\nid = 3\n", encoding="utf-8")
    res = runner.invoke(app, ["screen", str(post), "--rules", str(rules)])
    assert res.exit_code != 0
