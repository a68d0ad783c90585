"""Pitch screening: flag earnings, health and disclosure claims, explain them, rewrite them.

A distributor's post goes in; out comes a :class:`Screening` saying which rules it breaks
(``INC-1`` ... ``INC-6`` earnings, ``HLT-1`` ... ``HLT-4`` health, ``END-1`` disclosure,
``ML-1`` from the statistical layer), which words triggered each flag, why, on what
regulatory source, and a compliant alternative. The rule library is data
(``rules/core.toml``); companies add their own TOML file without touching code.

Examples
--------
>>> from downline.pitch import screen
>>> s = screen("This oil cured my anxiety! #ad", model=False)
>>> [(f.rule_id, f.text) for f in s.flags]
[('HLT-1', 'cured my anxiety')]
"""

from downline.pitch.normalize import MAX_CHARS, Normalized, find_amounts, normalize
from downline.pitch.report import highlight_html, write_report
from downline.pitch.rewrite import FDA_DISCLAIMER, rewrite_text, structure_function
from downline.pitch.rules import Rule, RuleSet, load_rules
from downline.pitch.screen import Batch, Flag, Screening, screen, screen_many

__all__ = [
    "FDA_DISCLAIMER",
    "MAX_CHARS",
    "Batch",
    "Flag",
    "Normalized",
    "Rule",
    "RuleSet",
    "Screening",
    "find_amounts",
    "highlight_html",
    "load_rules",
    "normalize",
    "rewrite_text",
    "screen",
    "screen_many",
    "structure_function",
    "write_report",
]
