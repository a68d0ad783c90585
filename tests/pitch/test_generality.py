"""Paraphrases written after the rules and both data sets, in the style of claims that
regulators' warning letters quote (none copied). A smoke test of generality, not a bar."""

from __future__ import annotations

import pytest

from downline.pitch import screen

CLAIMS = [
    "Essential oils can help boost your immune system and fight off the coronavirus",
    "I went from being unemployed to making $10,000 a month with this company",
    "Say goodbye to your 9 to 5 forever",
    "If you've lost your job because of COVID, this business is your answer",
    "Our colloidal silver has been proven to kill the virus",
    "My husband was able to quit his job and we now make a full-time income from home",
    "This product can prevent and treat coronavirus infection",
    "Take control of your finances and replace your income from home",
    "Thieves oil is a great defense against corona",
    "Made enough to buy a new car in my first year!",
    "Vitamin C IV therapy to protect you from COVID-19",
    "Earn a six-figure income in your first year",
    "These supplements shrink tumors and reverse cancer",
    "Our turmeric is a natural painkiller for arthritis sufferers",
    "I paid off $30,000 of debt in 8 months with this business",
    "CBD oil stops seizures in children",
    "Ditch the inhaler! Breathe easy with our blend",
]
COMPLIANT = [
    "Our company is donating masks to local hospitals during the pandemic",
    "Join us Saturday for a free essential oils class, no purchase needed #ad",
    "My friend just started chemo, please keep her in your prayers",
    "We reached our fundraising goal for the children's hospital, $5,000 raised!",
    "I'm grateful for my job and my family today",
]


@pytest.mark.parametrize("text", CLAIMS)
def test_unseen_claims_flagged_by_rules(text):
    assert screen(text, model=False).violation


@pytest.mark.parametrize("text", COMPLIANT)
def test_unseen_compliant_posts_pass(text):
    assert screen(text).ok
