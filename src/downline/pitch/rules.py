"""The rule library: loading, validating and matching TOML rule files.

The core rules ship as ``downline/pitch/rules/core.toml`` (English and Spanish), their
vocabulary as ``rules/vocab.toml``; a company
adds its own file (product names, brand, banned words, extra rules) without touching code::

    schema = 1
    name = "acme"

    [terms]                      # literal phrases, added to the core vocabulary
    brand = ["Acme"]
    product = ["Glow Drops", "Zen Shake"]

    [[rule]]
    id = "ACME-1"
    category = "health"          # income, health or disclosure
    severity = "high"            # low, medium or high
    title = "Banned word"
    source = "Acme compliance manual, section 4"
    explanation = "Acme products are never described as medicine."
    rewrite = "part of my daily routine"
    terms = ["miracle drops", "medicine"]

The full schema (``[vocab]`` regex fragments, ``[[rule.trigger]]`` with ``patterns``,
``near``, ``window``, ``requires``, and ``[[rule.exception]]`` with ``near``, ``anywhere``,
``visible``) is described at the top of ``core.toml``. Patterns run on the normalized post,
with Python's backtracking ``re``; a pattern that repeats a group containing an unbounded
quantifier (``(a+)+``) is rejected, so matching time stays linear in the post length.

Conditions (diseases, disorders, symptoms) are not a regex list: ``%disease%`` matches any
term of the condition vocabulary ``data/vocab/conditions.tsv`` (derived from ICD-10-CM by
``scripts/build_pitch_vocab.py``, plus lay names and abbreviations), found by a word
lookup and masked in a copy of the post so that patterns stay small and fast. A company
adds conditions with ``[terms] disease = ["..."]``; ``[vocab] disease`` still takes regex
fragments.

Every error names the file, the line and the field. What does not live here: normalization
(:mod:`downline.pitch.normalize`) and the result types (:mod:`downline.pitch.screen`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path

from downline.errors import NotFoundError, RulesFileError
from downline.pitch.normalize import Normalized, normalize

__all__ = [
    "CATEGORIES",
    "MASK",
    "SEVERITIES",
    "Conditions",
    "Exception_",
    "Hit",
    "Rule",
    "RuleSet",
    "Trigger",
    "load_rules",
]

CATEGORIES = ("income", "health", "disclosure")
SEVERITIES = {"low": 1, "medium": 2, "high": 3}
_RULE_FIELDS = {
    "id", "category", "severity", "title", "source", "explanation", "rewrite", "patterns",
    "terms", "near", "window", "trigger", "exception", "languages", "requires",
}
_TRIGGER_FIELDS = {"patterns", "terms", "near", "window", "requires"}
_EXCEPTION_FIELDS = {"near", "anywhere", "window", "visible"}
_TOP_FIELDS = {"schema", "name", "vocab", "terms", "rule"}
_PLACEHOLDER = re.compile(r"%([a-z_0-9]+)%")
# A quantified group that itself contains an unbounded quantifier: (a+)+, (\w+\s*)*, (x*){2,}.
_NESTED = re.compile(r"\((?:[^()\\]|\\.){0,200}[+*](?:[^()\\]|\\.){0,200}\)(?:[+*]|\{\d*,\})")
_HASHTAG = re.compile(r"#\w+")
_TAG_GAP = re.compile(r"[\s.,;:|·•/\\-]*")
_CORE = "core.toml"
_VOCAB = "vocab.toml"


@dataclass(frozen=True)
class Trigger:
    """Patterns that fire a rule, and the context every match needs within ``window``."""

    pattern: re.Pattern[str]
    near: tuple[re.Pattern[str], ...] = ()
    window: int = 80
    requires: re.Pattern[str] | None = None
    masked: bool = False


@dataclass(frozen=True)
class Exception_:
    """Conditions that, all together, cancel a rule (see the module docstring)."""

    near: re.Pattern[str] | None = None
    anywhere: re.Pattern[str] | None = None
    window: int = 80
    visible: bool = False


@dataclass(frozen=True)
class Rule:
    """One compliance rule.

    Attributes
    ----------
    id, category, severity, title, source, explanation, rewrite : str
        As written in the rules file; ``severity`` is low, medium or high.
    triggers : tuple of Trigger
    exceptions : tuple of Exception_
    origin : str
        The file the rule came from.
    """

    id: str
    category: str
    severity: str
    title: str
    source: str
    explanation: str
    rewrite: str
    triggers: tuple[Trigger, ...]
    exceptions: tuple[Exception_, ...] = ()
    origin: str = ""

    @property
    def weight(self) -> int:
        """Severity as a number: low 1, medium 2, high 3."""
        return SEVERITIES[self.severity]


@dataclass(frozen=True)
class Hit:
    """A rule match on a normalized text: the rule and the normalized slice."""

    rule: Rule
    start: int
    end: int


@dataclass(frozen=True)
class RuleSet:
    """A validated set of rules, ready to match normalized posts.

    Build one with :func:`load_rules`.
    """

    rules: tuple[Rule, ...]
    files: tuple[str, ...] = field(default=())
    conditions: Conditions | None = None

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)

    def get(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id`` (:class:`~downline.errors.NotFoundError`, a
        ``KeyError``, when absent)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise NotFoundError(f"no rule {rule_id!r} in this rule set", field="rule")

    def match(self, norm: Normalized, max_hits_per_rule: int = 20) -> list[Hit]:
        """All rule hits on a normalized post, overlapping hits of one rule merged."""
        text = norm.text
        masked = self.conditions.mask(text) if self.conditions is not None else text
        hits: list[Hit] = []
        buried: tuple[int, int] | None = None
        gates: dict[tuple[int, bool], bool] = {}
        for rule in self.rules:
            spans: list[tuple[int, int]] = []
            for trig in rule.triggers:
                subject = masked if trig.masked else text
                if trig.requires is not None:
                    # A cheap test on the whole post spares the costly pattern most of the time.
                    key = (id(trig.requires), trig.masked)
                    if key not in gates:
                        gates[key] = trig.requires.search(subject) is not None
                    if not gates[key]:
                        continue
                for m in trig.pattern.finditer(subject):
                    a, b = m.start(), m.end()
                    if b == a:
                        continue
                    if trig.near:
                        lo, hi = max(0, a - trig.window), b + trig.window
                        if not all(p.search(subject, lo, hi) for p in trig.near):
                            continue
                    spans.append((a, b))
                    if len(spans) >= 4 * max_hits_per_rule:
                        break
            if not spans:
                continue
            if rule.exceptions:
                if buried is None:
                    buried = _trailing_tags(norm)
                spans = [s for s in spans if not _excepted(rule, text, s, buried)]
            for a, b in _merge(spans)[:max_hits_per_rule]:
                hits.append(Hit(rule, a, b))
        return hits


#: The character that replaces a condition name in the masked copy of a post. It is a
#: letter (so ``\\b`` and ``\\w`` treat a masked name as a word) that normalization never
#: produces, and the masked copy keeps every offset of the normalized text.
MASK = "\u01f3"
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_PLAIN = re.compile(r"[a-z' /-]+")
_TRIPLE = re.compile(r"(.)\1\1")


def _variants(tokens: tuple[str, ...]) -> set[tuple[str, ...]]:
    last = tokens[-1]
    if "'" not in last:
        return {tokens}
    out = {tokens}
    if last.endswith("'s"):
        out.add((*tokens[:-1], last[:-2]))
    if "'" in last:
        out.add((*tokens[:-1], last.replace("'", "")))
    return out


class Conditions:
    """A word-sequence lookup of condition names, used to mask them in a post.

    Parameters
    ----------
    terms : iterable of str
        Condition names as written ("type 2 diabetes", "ADHD", "Hashimoto's"); they are
        normalized like posts. A name also matches with a plural ``s`` on its last word.

    Examples
    --------
    >>> c = Conditions(["type 2 diabetes", "adhd"])
    >>> c.mask("my type 2 diabetes and adhd").replace(MASK, "#")
    'my ############### and ####'
    """

    def __init__(self, terms: Iterable[str]) -> None:
        table: set[tuple[str, ...]] = set()
        for term in terms:
            low = term.lower()
            # Plain lower-case terms (nearly all of the vocabulary) read the same normalized.
            plain = _PLAIN.fullmatch(low) is not None and not _TRIPLE.search(low)
            tokens = tuple(_TOKEN.findall(low if plain else normalize(term).text))
            if tokens:
                table.update(_variants(tokens))
        self._table = frozenset(table)
        self.longest = max((len(t) for t in table), default=0)
        self._first = frozenset(t[0] for t in table)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, term: str) -> bool:
        return tuple(_TOKEN.findall(normalize(term).text)) in self._table

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Slices of ``text`` (normalized) holding condition names, longest match first."""
        toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        table, first, out = self._table, self._first, []
        i, n = 0, len(toks)
        while i < n:
            word = toks[i][0]
            if word not in first and not (word.endswith("s") and word[:-1] in first):
                i += 1
                continue
            found = 0
            for k in range(min(self.longest, n - i), 0, -1):
                seq = tuple(t[0] for t in toks[i:i + k])
                if seq in table or (seq[-1].endswith("s")
                                    and (*seq[:-1], seq[-1][:-1]) in table):
                    found = k
                    break
            if found:
                out.append((toks[i][1], toks[i + found - 1][2]))
                i += found
            else:
                i += 1
        return out

    def mask(self, text: str) -> str:
        """``text`` with every condition name replaced by :data:`MASK` characters."""
        spans = self.spans(text)
        if not spans:
            return text
        parts, last = [], 0
        for a, b in spans:
            parts.append(text[last:a])
            parts.append(MASK * (b - a))
            last = b
        parts.append(text[last:])
        return "".join(parts)


@lru_cache(maxsize=1)
def _shipped_conditions() -> tuple[str, ...]:
    path = resources.files("downline.pitch") / "data" / "vocab" / "conditions.tsv"
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("term\t"):
            terms.append(line.split("\t", 1)[0])
    return tuple(terms)


def _trailing_tags(norm: Normalized) -> tuple[int, int]:
    """The normalized slice holding a trailing pile of 4+ hashtags ((n, n) when none).

    Scans back from the end of the post, so the cost is linear in the pile's length.
    """
    n = len(norm.text)
    screened = norm.original[: norm.starts[-1] + 1] if norm.starts else ""
    tail_start = max(0, len(screened) - 4000)
    tail = screened[tail_start:].rstrip()
    tags = list(_HASHTAG.finditer(tail))
    count, first, end = 0, None, len(tail)
    for tag in reversed(tags):
        if not _TAG_GAP.fullmatch(tail, tag.end(), end):
            break
        count, first, end = count + 1, tag.start(), tag.start()
    if count < 4 or first is None or not tail[:first].strip():
        return n, n
    cut = tail_start + first
    for i, start in enumerate(norm.starts):
        if start >= cut:
            return i, n
    return n, n


def _excepted(rule: Rule, text: str, span: tuple[int, int], buried: tuple[int, int]) -> bool:
    a, b = span
    for exc in rule.exceptions:
        if exc.near is not None:
            if not exc.near.search(text, max(0, a - exc.window), b + exc.window):
                continue
        if exc.anywhere is not None:
            found = False
            for m in exc.anywhere.finditer(text):
                if not (exc.visible and buried[0] <= m.start() < buried[1]):
                    found = True
                    break
            if not found:
                continue
        return True
    return False


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


# ----------------------------------------------------------------------- loading ---


class _Source:
    """A parsed rules file with enough of its text to name lines in errors."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def error(self, message: str, field: str | None = None, rule: int | None = None,
              table: str = "rule") -> RulesFileError:
        return RulesFileError(message, path=self.path, line=self.line_of(field, rule, table),
                              field=field)

    def line_of(self, field: str | None, rule: int | None, table: str = "rule") -> int | None:
        """1-based line of ``field`` in the ``rule``-th [[rule]] table (or top level)."""
        start = 0
        if rule is not None:
            seen = -1
            for i, line in enumerate(self.lines):
                if line.strip().startswith(f"[[{table}]]"):
                    seen += 1
                    if seen == rule:
                        start = i
                        break
            else:
                return None
        if field is None:
            return start + 1
        key = field.split(".")[-1]
        pat = re.compile(rf"^\s*(?:\[\[?rule\.)?{re.escape(key)}\b")
        for i in range(start + (1 if rule is not None else 0), len(self.lines)):
            line = self.lines[i]
            if rule is not None and i > start and line.strip().startswith("[[rule]]"):
                break
            if pat.match(line) or re.match(rf"^\s*\[{re.escape(key)}\]", line):
                return i + 1
        return start + 1


def _read(path: str | PathLike[str]) -> tuple[_Source, dict]:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise RulesFileError(f"cannot read rules file ({exc.strerror})", path=p) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RulesFileError("rules file is not UTF-8", path=p, line=line) from exc
    src = _Source(str(p), text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise RulesFileError(
            f"not valid TOML: {exc}", path=p, line=int(m.group(1)) if m else None
        ) from exc
    return src, data


def _str_list(src: _Source, value, fld: str, rule: int | None, table: str = "rule"
              ) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise src.error("must be a string or a list of non-empty strings", fld, rule, table)
    return value


def _expand(src: _Source, pattern: str, vocab: dict[str, str], fld: str, rule: int | None,
            depth: int = 0) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in vocab:
            raise src.error(f"unknown vocabulary name %{name}%", fld, rule)
        return f"(?:{_expand(src, vocab[name], vocab, fld, rule, depth + 1)})"

    if depth > 5:
        raise src.error("vocabulary nests too deeply", fld, rule)
    return _PLACEHOLDER.sub(sub, pattern)


def _compile(src: _Source, patterns: Sequence[str], vocab: dict[str, str], fld: str,
             rule: int | None) -> re.Pattern[str]:
    expanded = []
    for pat in patterns:
        if _NESTED.search(pat):
            raise src.error(
                f"pattern {pat!r} repeats a group that has an unbounded quantifier inside; "
                "this can take exponential time (bound the outer repeat, e.g. {0,4})",
                fld, rule,
            )
        expanded.append(f"(?:{_expand(src, pat, vocab, fld, rule)})")
    try:
        # One look-behind for all alternatives: positions inside a word fail at once.
        return re.compile("(?<!\\w)(?:" + "|".join(expanded) + ")")
    except re.error as exc:
        raise src.error(f"invalid regular expression: {exc}", fld, rule) from exc


def _terms_pattern(terms: Iterable[str]) -> str:
    """A regex fragment matching literal phrases the way normalization writes them."""
    parts = []
    for term in sorted({t for t in terms}, key=len, reverse=True):
        norm = normalize(term).text.strip()
        words = [re.escape(w) for w in re.split(r"\s+", norm) if w]
        if words:
            parts.append(r"[\s#-]{0,3}".join(words) + r"(?!\w)")
    return "|".join(parts) if parts else r"(?!x)x"


def _check_fields(src: _Source, table: dict, allowed: set[str], where: str,
                  rule: int | None) -> None:
    for key in table:
        if key not in allowed:
            raise src.error(f"unknown field in {where} (allowed: {', '.join(sorted(allowed))})",
                            key, rule)


#: Vocabulary names matched by word lookup and masking rather than by regex.
MASKED_VOCABS = ("disease",)


def _parse_vocab(files: list[tuple[_Source, dict]],
                 masked_terms: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    vocab: dict[str, list[str]] = {}
    for src, data in files:
        for section, literal in (("vocab", False), ("terms", True)):
            table = data.get(section, {})
            if not isinstance(table, dict):
                raise src.error("must be a table of name = [strings]", section, None)
            for name, value in table.items():
                if not re.fullmatch(r"[a-z_0-9]+", name):
                    raise src.error("vocabulary names use a-z, 0-9 and _", name, None)
                items = _str_list(src, value, name, None)
                if literal and masked_terms is not None and name in MASKED_VOCABS:
                    masked_terms.setdefault(name, []).extend(items)
                    continue
                if literal:
                    items = [_terms_pattern(items)]
                vocab.setdefault(name, []).extend(items)
    return vocab


def _parse_rule(src: _Source, table: dict, index: int, vocab: dict[str, str]) -> Rule:
    if not isinstance(table, dict):
        raise src.error("each [[rule]] must be a table", "rule", index)
    _check_fields(src, table, _RULE_FIELDS, "[[rule]]", index)
    for key in ("id", "category", "severity", "title", "source", "explanation"):
        if key not in table:
            raise src.error("missing required field", key, index)
        if not isinstance(table[key], str) or not table[key].strip():
            raise src.error("must be a non-empty string", key, index)
    rule_id = table["id"].strip()
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]{0,30}", rule_id):
        raise src.error(f"invalid rule id {rule_id!r} (letters, digits, '-', '_')", "id", index)
    if table["category"] not in CATEGORIES:
        raise src.error(f"category must be one of {', '.join(CATEGORIES)}, "
                        f"not {table['category']!r}", "category", index)
    if table["severity"] not in SEVERITIES:
        raise src.error(f"severity must be one of {', '.join(SEVERITIES)}, "
                        f"not {table['severity']!r}", "severity", index)
    rewrite = table.get("rewrite", "")
    if not isinstance(rewrite, str):
        raise src.error("must be a string", "rewrite", index)

    trigger_tables = []
    if any(k in table for k in ("patterns", "terms", "near", "window", "requires")):
        trigger_tables.append({k: table[k] for k in _TRIGGER_FIELDS if k in table})
    extra = table.get("trigger", [])
    if not isinstance(extra, list):
        raise src.error("must be an array of tables [[rule.trigger]]", "trigger", index)
    trigger_tables.extend(extra)
    if not trigger_tables:
        raise src.error("a rule needs 'patterns' or 'terms'", "patterns", index)
    triggers = []
    for trig in trigger_tables:
        if not isinstance(trig, dict):
            raise src.error("must be a table", "trigger", index)
        _check_fields(src, trig, _TRIGGER_FIELDS, "[[rule.trigger]]", index)
        pats = _str_list(src, trig["patterns"], "patterns", index) if "patterns" in trig else []
        if "terms" in trig:
            pats.append(_terms_pattern(_str_list(src, trig["terms"], "terms", index)))
        if not pats:
            raise src.error("a trigger needs 'patterns' or 'terms'", "patterns", index)
        near = [_compile(src, [p], vocab, "near", index)
                for p in _str_list(src, trig.get("near", []), "near", index)]
        requires = None
        if "requires" in trig:
            requires = _compile(src, _str_list(src, trig["requires"], "requires", index), vocab,
                                "requires", index)
        uses_mask = any(_uses_masked(p) for p in [*pats, *_str_list(
            src, trig.get("near", []), "near", index), *(_str_list(
                src, trig["requires"], "requires", index) if "requires" in trig else [])])
        triggers.append(Trigger(_compile(src, pats, vocab, "patterns", index), tuple(near),
                                _window(src, trig.get("window", 80), index), requires,
                                uses_mask))
    exceptions = []
    exc_tables = table.get("exception", [])
    if not isinstance(exc_tables, list):
        raise src.error("must be an array of tables [[rule.exception]]", "exception", index)
    for exc in exc_tables:
        if not isinstance(exc, dict):
            raise src.error("must be a table", "exception", index)
        _check_fields(src, exc, _EXCEPTION_FIELDS, "[[rule.exception]]", index)
        if "near" not in exc and "anywhere" not in exc:
            raise src.error("an exception needs 'near' or 'anywhere'", "exception", index)
        visible = exc.get("visible", False)
        if not isinstance(visible, bool):
            raise src.error("must be true or false", "visible", index)
        exceptions.append(Exception_(
            near=_compile(src, _str_list(src, exc["near"], "near", index), vocab, "near", index)
            if "near" in exc else None,
            anywhere=_compile(src, _str_list(src, exc["anywhere"], "anywhere", index), vocab,
                              "anywhere", index) if "anywhere" in exc else None,
            window=_window(src, exc.get("window", 80), index),
            visible=visible,
        ))
    return Rule(
        id=rule_id, category=table["category"], severity=table["severity"],
        title=table["title"].strip(), source=table["source"].strip(),
        explanation=" ".join(table["explanation"].split()), rewrite=rewrite.strip(),
        triggers=tuple(triggers), exceptions=tuple(exceptions), origin=src.path,
    )


def _uses_masked(pattern: str) -> bool:
    return any(f"%{name}%" in pattern for name in MASKED_VOCABS)


def _window(src: _Source, value, index: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
        raise src.error("window must be an integer between 0 and 1000", "window", index)
    return value


def _core_path() -> str:
    return str(resources.files("downline.pitch") / "rules" / _CORE)


def _vocab_path() -> str:
    return str(resources.files("downline.pitch") / "rules" / _VOCAB)


@lru_cache(maxsize=32)
def _load(paths: tuple[str, ...], stamps: tuple[int, ...]) -> RuleSet:
    # ``stamps`` (modification times) only key the cache, so an edited file is re-read.
    files = [_read(p) for p in paths]
    for src, data in files:
        for key in data:
            if key not in _TOP_FIELDS:
                allowed = ", ".join(sorted(_TOP_FIELDS))
                raise src.error(f"unknown top-level field (allowed: {allowed})", key, None)
        if "schema" in data and data["schema"] != 1:
            raise src.error("unsupported schema version (expected 1)", "schema", None)
    masked_terms: dict[str, list[str]] = {}
    vocab_lists = _parse_vocab(files, masked_terms)
    # %disease% reads the masked copy: a run of MASK characters, or a company's regex.
    vocab_lists["disease"] = [f"{MASK}{{1,200}}", *vocab_lists.get("disease", [])]
    vocab = {name: "|".join(items) for name, items in vocab_lists.items()}
    conditions = Conditions([*_shipped_conditions(), *masked_terms.get("disease", [])])
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for src, data in files:
        tables = data.get("rule", [])
        if not isinstance(tables, list):
            raise src.error("must be an array of tables [[rule]]", "rule", None)
        for index, table in enumerate(tables):
            rule = _parse_rule(src, table, index, vocab)
            if rule.id in seen:
                raise src.error(f"rule id {rule.id!r} already defined in {seen[rule.id]}",
                                "id", index)
            seen[rule.id] = src.path
            rules.append(rule)
    return RuleSet(tuple(rules), paths, conditions)


@lru_cache(maxsize=1)
def _default_rules() -> RuleSet:
    paths = (_vocab_path(), _core_path())
    return _load(paths, tuple(_stamp(p) for p in paths))


def _stamp(path: str) -> int:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return -1


def load_rules(extra: Iterable[str | PathLike[str]] = (), *, core: bool = True) -> RuleSet:
    """Load the core rules and any company rules files.

    Parameters
    ----------
    extra : iterable of path
        Company rules files (TOML, same schema as the core file). Their ``[terms]`` and
        ``[vocab]`` entries extend the core vocabulary (``brand``, ``product``, ...) and
        their ``[[rule]]`` entries are added to the core rules.
    core : bool
        Include the shipped core rules (default). Company files may use the core
        vocabulary either way.

    Returns
    -------
    RuleSet

    Raises
    ------
    downline.errors.RulesFileError
        For a malformed file; the message names the file, line and field.

    Examples
    --------
    >>> rules = load_rules()
    >>> sorted({r.category for r in rules})
    ['disclosure', 'health', 'income']
    >>> rules.get("HLT-1").severity
    'high'
    """
    extra = [str(Path(p)) for p in extra]
    if not extra and core:
        return _default_rules()
    paths = [_vocab_path(), _core_path(), *extra]
    ruleset = _load(tuple(paths), tuple(_stamp(p) for p in paths))
    if not core:
        ruleset = RuleSet(tuple(r for r in ruleset.rules if r.origin not in paths[:2]),
                          ruleset.files, ruleset.conditions)
    return ruleset
