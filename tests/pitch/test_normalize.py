"""Normalization: obfuscations undone, offsets pointing back at the original words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from downline.pitch import find_amounts, normalize, screen


def test_hashtags_split():
    assert "quit your job" in normalize("#quityourjob").text
    assert "financial freedom" in normalize("#FinancialFreedom").text
    assert "libertad financiera" in normalize("#libertadfinanciera").text


def test_leetspeak_and_spacing():
    assert normalize("qu1t your j0b").text == "quit your job"
    assert normalize("q.u.i.t your j-o-b").text == "quit your job"
    assert normalize("q u i t").text == "quit"
    assert normalize("covid19 and 10k").text == "covid19 and 10k"


def test_decorative_unicode_accents_case():
    assert normalize("𝐐𝐔𝐈𝐓 ＪＯＢ").text == "quit job"
    assert normalize("Clínicamente PROBADO").text == "clinicamente probado"
    assert normalize("fr\u200beedom").text == "freedom"
    assert normalize("sooooo gooood").text == "soo good"


def test_emoji():
    assert "money" in normalize("DM me 💰").text


def test_currency_formats():
    values = [a.value for a in find_amounts(normalize(
        "$10k, 10.000 EUR, $1,730, 2.500 €, six figures, 3 grand").text)]
    assert values == [10000.0, 10000.0, 1730.0, 2500.0, 100000.0, 3000.0]
    assert find_amounts("ran a 5 mile loop") == []


def test_spans_point_at_original_words():
    text = "Omg 𝐐.𝐔.𝐈.𝐓 your J0B!! #FireYourBoss and this oil c.u.r.e.s anxiety"
    s = screen(text, model=False)
    assert s.flags
    for flag in s.flags:
        assert flag.text == text[flag.start:flag.end]
    words = {f.rule_id: f.text for f in s.flags}
    assert words["INC-4"] == "𝐐.𝐔.𝐈.𝐓 your J0B"
    assert "FireYourBoss" in words["INC-2"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_unicode_never_crashes_and_spans_valid(text):
    n = normalize(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for a, b in zip(n.starts, n.ends, strict=True):
        assert 0 <= a <= b <= len(text)
    s = screen(text, model=False)
    assert 0.0 <= s.risk <= 1.0
    for f in s.flags:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.text == text[f.start:f.end]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(
    ["quit", "your", "job", "#ad", "$10k", "cures", "anxiety", "covid", "💰", "j0b", "q.u.i.t",
     "love", "serum", "🦠", "עברית", "مرحبا", "\u202e", "  ", "\x00"]), max_size=40))
def test_claim_soup_spans_valid(words):
    text = " ".join(words)
    for f in screen(text, model=False).flags:
        assert f.text == text[f.start:f.end]
