"""Text normalization for pitch screening, with a map back to the original characters.

Rules and the statistical layer read a *normalized* copy of a post: decorative unicode
folded to plain letters, accents and zero-width characters removed, leetspeak undone
(``j0b`` -> ``job``), spacing tricks closed up (``q.u.i.t`` -> ``quit``), hashtags split
into words (``#QuitYourJob`` -> ``#quit your job``), everything lower case. Every character
of the normalized copy remembers which characters of the original it came from, so that a
match in the normalized copy is reported on the user's own words.

Money is not rewritten; :func:`find_amounts` reads the usual formats (``$10k``,
``10.000 EUR``, ``$1,730``, ``six figures``) from a normalized text.

What does not live here: the rules themselves (:mod:`downline.pitch.rules`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["MAX_CHARS", "Amount", "Normalized", "find_amounts", "normalize"]

#: Only the first ``MAX_CHARS`` characters of a post are screened; longer text is cut and
#: the result says so. This bounds the time spent on one post (about 0.1 s on one core).
MAX_CHARS = 100_000

_EMOJI_WORDS = {
    "💰": "money",
    "💵": "money",
    "💸": "money",
    "🤑": "money",
    "💲": "money",
    "🏦": "money",
    "🚗": "car",
    "🏎": "car",
    "🏖": "beach",
    "🏝": "beach",
    "✈": "travel",
    "🛫": "travel",
    "🏠": "house",
    "🏡": "house",
    "🦠": "virus",
    "💊": "pill",
    "💉": "needle",
}

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "!": "i", "|": "l"})


@dataclass(frozen=True)
class Normalized:
    """A normalized text and the map from its characters to the original text.

    Attributes
    ----------
    text : str
        The normalized text.
    original : str
        The text as given (before truncation).
    starts, ends : list of int
        ``starts[i]:ends[i]`` is the slice of ``original`` that normalized character ``i``
        came from. Characters inserted by normalization (spaces between hashtag words) have
        an empty slice.
    truncated : bool
        True when only the first :data:`MAX_CHARS` characters were normalized.
    """

    text: str
    original: str
    starts: list[int]
    ends: list[int]
    truncated: bool = False

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized slice ``[start, end)`` to a slice of the original text.

        Examples
        --------
        >>> n = normalize("Q.U.I.T your J0B!")
        >>> n.text
        'quit your job!'
        >>> a, b = n.span(10, 13)
        >>> n.original[a:b]
        'J0B'
        """
        if not self.text or end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        a = self.starts[start]
        b = max(self.ends[end - 1], a)
        return a, b


class _Builder:
    """Accumulates one normalization stage: output text plus its composed offset map."""

    __slots__ = ("ends", "parts", "src_ends", "src_starts", "starts")

    def __init__(self, starts: list[int], ends: list[int]) -> None:
        self.src_starts = starts
        self.src_ends = ends
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def copy(self, text: str, a: int, b: int) -> None:
        if b > a:
            self.parts.append(text[a:b])
            self.starts.extend(self.src_starts[a:b])
            self.ends.extend(self.src_ends[a:b])

    def emit(self, chars: str, i: int) -> None:
        """Emit ``chars`` as coming from input character ``i``."""
        if chars:
            self.parts.append(chars)
            self.starts.extend([self.src_starts[i]] * len(chars))
            self.ends.extend([self.src_ends[i]] * len(chars))

    def insert(self, chars: str, i: int, length: int) -> None:
        """Emit ``chars`` that come from no character, placed before input character ``i``."""
        pos = self.src_starts[i] if i < length else (self.src_ends[-1] if length else 0)
        self.parts.append(chars)
        self.starts.extend([pos] * len(chars))
        self.ends.extend([pos] * len(chars))


def _stage(
    pattern: re.Pattern[str], text: str, starts: list[int], ends: list[int], handler
) -> tuple[str, list[int], list[int]]:
    """Apply ``handler(builder, match)`` to every match of ``pattern``; copy the rest."""
    matches = list(pattern.finditer(text))
    if not matches:
        return text, starts, ends
    out = _Builder(starts, ends)
    pos = 0
    for m in matches:
        out.copy(text, pos, m.start())
        handler(out, m, text)
        pos = m.end()
    out.copy(text, pos, len(text))
    return "".join(out.parts), out.starts, out.ends


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """Plain lower-case form of one non-ASCII character ('' when it carries no text)."""
    if ch in _EMOJI_WORDS:
        return f" {_EMOJI_WORDS[ch]} "
    cat = unicodedata.category(ch)
    if cat in ("Cf", "Cc", "Mn", "Me", "Cs", "Co", "Cn") or ch in "\ufe0f\ufe0e":
        return " " if cat == "Cc" else ""
    if cat == "So" or cat == "Sk":
        return " "
    if cat.startswith("Z"):
        return " "
    folded = unicodedata.normalize("NFKD", ch)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.lower()
    if folded in ("\u2018", "\u2019", "\u02bc", "\u00b4"):
        return "'"
    if folded in ("\u201c", "\u201d", "\u00ab", "\u00bb"):
        return '"'
    if folded in ("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"):
        return "-"
    return folded


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
_LEET_RUN = re.compile(r"(?<=[A-Za-z])[0134579@$!|]{1,3}(?=[A-Za-z])")
_SPACED = re.compile(r"(?<![\w.])[A-Za-z](?:[.\-_*· ][A-Za-z]){2,24}(?!\w)")
_ELONGATED = re.compile(r"([a-z])\1{2,}", re.IGNORECASE)
_HASHTAG = re.compile(r"#(\w{1,60})")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _fold_handler(out: _Builder, m: re.Match[str], text: str) -> None:
    for i in range(m.start(), m.end()):
        out.emit(_fold_char(text[i]), i)


def _control_handler(out: _Builder, m: re.Match[str], text: str) -> None:
    out.emit(" ", m.start())


def _leet_handler(out: _Builder, m: re.Match[str], text: str) -> None:
    for i in range(m.start(), m.end()):
        out.emit(text[i].translate(_LEET), i)


def _spaced_handler(out: _Builder, m: re.Match[str], text: str) -> None:
    # Real single-letter words ("a", "I", "y") sit between real words; a run of three or
    # more single letters divided by one character is a word spelled out to dodge filters.
    for i in range(m.start(), m.end()):
        if text[i].isalpha():
            out.emit(text[i], i)


def _elongated_handler(out: _Builder, m: re.Match[str], text: str) -> None:
    out.copy(text, m.start(), m.start() + 2)


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Words known to the hashtag splitter (shipped list plus the training posts)."""
    words: set[str] = set()
    data = resources.files("downline.pitch") / "data"
    words.update((data / "words.txt").read_text(encoding="utf-8").split())
    # Words of the training posts, hashtags left out (they are what needs splitting).
    train = re.sub(r"#\w+", " ", (data / "train.csv").read_text(encoding="utf-8")).lower()
    words.update(w for w in re.findall(r"[a-z]{2,20}", _strip_accents(train)))
    words.update(("a", "i", "y", "o"))
    return frozenset(words)


def _strip_accents(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def split_compound(word: str) -> tuple[str, ...] | None:
    """Split a run-together lower-case word into known words, fewest words first.

    Returns None when no full split exists.

    Examples
    --------
    >>> split_compound("quityourjob")
    ('quit', 'your', 'job')
    """
    vocab = vocabulary()
    n = len(word)
    if n > 60:
        return None
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (words used, previous cut)
    best[0] = (0, 0)
    for end in range(1, n + 1):
        for start in range(max(0, end - 20), end):
            prev = best[start]
            if prev is None:
                continue
            piece = word[start:end]
            if piece in vocab or piece.isdigit():
                cand = (prev[0] + 1, start)
                if best[end] is None or cand[0] < best[end][0]:
                    best[end] = cand
    if best[n] is None:
        return None
    pieces = []
    end = n
    while end > 0:
        start = best[end][1]
        pieces.append(word[start:end])
        end = start
    return tuple(reversed(pieces))


def _hashtag_handler(out: _Builder, m: re.Match[str], text: str) -> None:
    length = len(text)
    out.copy(text, m.start(), m.start() + 1)  # keep '#': disclosure rules look for '#ad'
    body_start = m.start(1)
    pieces: list[tuple[int, int]] = []
    for part in _CAMEL.finditer(m.group(1)):
        a, b = body_start + part.start(), body_start + part.end()
        split = split_compound(text[a:b].lower()) if b - a > 3 else None
        if split is None or len(split) == 1:
            pieces.append((a, b))
            continue
        pos = a
        for word in split:
            pieces.append((pos, pos + len(word)))
            pos += len(word)
    last = body_start
    for k, (a, b) in enumerate(pieces):
        if k and a == last:
            out.insert(" ", a, length)
        else:
            out.copy(text, last, a)
        out.copy(text, a, b)
        last = b
    out.copy(text, last, m.end())


def normalize(text: str, max_chars: int = MAX_CHARS) -> Normalized:
    """Normalize a post for matching, keeping a map back to the original characters.

    Parameters
    ----------
    text : str
        The post as written. Bytes are decoded as UTF-8 with replacement.
    max_chars : int
        Only this many leading characters are normalized (see :data:`MAX_CHARS`).

    Returns
    -------
    Normalized
        The normalized text and the offset map.

    Examples
    --------
    >>> normalize("Ready to #QuitYourJob? DM me 💰").text
    'ready to #quit your job? dm me  money '
    >>> normalize("𝐅𝐢𝐫𝐞 your b.o.s.s, ¡Libertad financiera!").text
    'fire your boss, ¡libertad financiera!'
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    original = str(text)
    truncated = len(original) > max_chars
    work = original[:max_chars] if truncated else original
    starts = list(range(len(work)))
    ends = list(range(1, len(work) + 1))
    work, starts, ends = _stage(_CONTROL, work, starts, ends, _control_handler)
    work, starts, ends = _stage(_NON_ASCII, work, starts, ends, _fold_handler)
    work, starts, ends = _stage(_LEET_RUN, work, starts, ends, _leet_handler)
    work, starts, ends = _stage(_SPACED, work, starts, ends, _spaced_handler)
    work, starts, ends = _stage(_HASHTAG, work, starts, ends, _hashtag_handler)
    work, starts, ends = _stage(_ELONGATED, work, starts, ends, _elongated_handler)
    lowered = work.lower()
    if len(lowered) != len(work):  # a few characters grow when lowered; fold one by one
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in work)
    return Normalized(lowered, original, starts, ends, truncated)


_NUMBER_WORDS = {
    "five": 5, "six": 6, "seven": 7, "eight": 8, "cinco": 5, "seis": 6, "siete": 7,
}
_MULTIPLIERS = {
    "k": 1e3, "mil": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6, "mm": 1e6,
    "million": 1e6, "millones": 1e6, "millon": 1e6,
}
_CURRENCY = r"(?:\$|usd|us\$|€|eur|euros?|£|gbp|dollars?|bucks|dolares|pesos|mxn)"
_AMOUNT = re.compile(
    rf"(?P<pre>{_CURRENCY})?\s?(?P<num>\d{{1,3}}(?:[.,\s]\d{{3}})+(?:[.,]\d{{1,2}})?|\d+(?:[.,]\d+)?)"
    rf"\s?(?P<mult>k|mil|thousand|grand|million|millones|millon|mm|m)?\b\s?(?P<post>{_CURRENCY})?"
    r"|(?P<fig>five|six|seven|eight|cinco|seis|siete|[5-8])[\s-]?(?:figures?|figure|cifras)\b"
)


@dataclass(frozen=True)
class Amount:
    """A sum of money found in a normalized text: value, currency and its slice."""

    value: float
    currency: str | None
    start: int
    end: int


def _parse_number(num: str) -> float:
    num = num.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", num):
        return float(re.sub(r"[.,]", "", num))
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+[.,]\d{1,2}", num):
        return float(re.sub(r"[.,]", "", num[:-3]) + "." + num[-2:].lstrip(".,"))
    return float(num.replace(",", "."))


def find_amounts(text: str) -> list[Amount]:
    """Sums of money in a normalized text: ``$10k``, ``10.000 EUR``, ``six figures``.

    A bare number counts only with a currency or a multiplier next to it.

    Examples
    --------
    >>> [a.value for a in find_amounts(normalize("made $10k, then 10.000 eur").text)]
    [10000.0, 10000.0]
    >>> find_amounts("a six-figure income")[0].value
    100000.0
    """
    found = []
    for m in _AMOUNT.finditer(text):
        if m.group("fig"):
            word = m.group("fig")
            digits = _NUMBER_WORDS.get(word, int(word) if word.isdigit() else 6)
            found.append(Amount(10.0 ** (digits - 1), None, m.start(), m.end()))
            continue
        pre, post, mult = m.group("pre"), m.group("post"), m.group("mult")
        if not (pre or post or mult in ("k", "thousand", "grand", "million", "mm", "millones")):
            continue
        try:
            value = _parse_number(m.group("num"))
        except ValueError:
            continue
        value *= _MULTIPLIERS.get(mult or "", 1.0)
        found.append(Amount(value, (pre or post or "").strip() or None, m.start(), m.end()))
    return found
