"""Compiled kernels of the text-table reader: lines and fields of a block of bytes.

:mod:`downline.common.tables` calls these on one block of a file at a time (its chunked
route); everything here works on a flat ``uint8`` array and writes field positions, never
Python strings. Blanks are the ASCII whitespace bytes (space, tab, CR, VT, FF).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Status codes of ``split_block``.
OK = 0
LONG_LINE = 1
TOO_MANY_FIELDS = 2


@njit(cache=True, inline="always")
def _blank(c):
    return c == 32 or c == 9 or c == 13 or c == 11 or c == 12


@njit(cache=True)
def _is_comment(data, a, b, prefixes, prefix_lens):
    for k in range(prefix_lens.shape[0]):
        n = prefix_lens[k]
        if n == 0 or b - a < n:
            continue
        same = True
        for t in range(n):
            if data[a + t] != prefixes[k, t]:
                same = False
                break
        if same:
            return True
    return False


@njit(cache=True, nogil=True)
def split_block(data, delimiter, prefixes, prefix_lens, ncols, max_fields, max_line):
    """Rows and the positions of their first ``ncols`` fields in a block of whole lines.

    Lines end at LF; blanks around a line and around each field are trimmed; blank lines
    and lines starting with a comment prefix are not rows. ``delimiter`` 0 means runs of
    blanks separate fields, else that byte does.

    Returns
    -------
    rows, starts, ends, counts, lines, status, status_line, status_value
        ``starts[r, c]:ends[r, c]`` is field ``c`` of row ``r`` (only when ``c <
        counts[r]``), ``lines[r]`` its 0-based line in the block. ``status`` is OK, or
        LONG_LINE / TOO_MANY_FIELDS at 0-based line ``status_line`` (with the length or
        the number of fields in ``status_value``); rows before it are complete.
    """
    n = data.shape[0]
    newlines = 0
    for i in range(n):
        if data[i] == 10:
            newlines += 1
    cap = newlines + 1
    width = max(ncols, 1)
    starts = np.zeros((cap, width), dtype=np.int32)
    ends = np.zeros((cap, width), dtype=np.int32)
    counts = np.zeros(cap, dtype=np.int32)
    lines = np.zeros(cap, dtype=np.int32)
    r = 0
    line = 0
    i = 0
    while i < n:
        j = i
        while j < n and data[j] != 10:
            j += 1
        if j - i > max_line:
            return r, starts, ends, counts, lines, LONG_LINE, line, j - i
        a = i
        b = j
        while a < b and _blank(data[a]):
            a += 1
        while b > a and _blank(data[b - 1]):
            b -= 1
        if a < b and not _is_comment(data, a, b, prefixes, prefix_lens):
            k = 0
            p = a
            if delimiter == 0:
                while p < b:
                    q = p
                    while q < b and not _blank(data[q]):
                        q += 1
                    if k < ncols:
                        starts[r, k] = p
                        ends[r, k] = q
                    k += 1
                    p = q
                    while p < b and _blank(data[p]):
                        p += 1
            else:
                while True:
                    q = p
                    while q < b and data[q] != delimiter:
                        q += 1
                    fa = p
                    fb = q
                    while fa < fb and _blank(data[fa]):
                        fa += 1
                    while fb > fa and _blank(data[fb - 1]):
                        fb -= 1
                    if k < ncols:
                        starts[r, k] = fa
                        ends[r, k] = fb
                    k += 1
                    if q >= b:
                        break
                    p = q + 1
            if k > max_fields:
                return r, starts, ends, counts, lines, TOO_MANY_FIELDS, line, k
            counts[r] = k
            lines[r] = line
            r += 1
        line += 1
        i = j + 1
    return r, starts, ends, counts, lines, OK, -1, 0


@njit(cache=True, nogil=True)
def parse_ids(data, starts, ends, out):
    """Fields written as integers the way a number is written (``0``, ``-12``, ``345``,
    never ``007`` or ``+5``) into int64 ``out``; returns the first other row or -1."""
    limit = np.int64(922337203685477580)  # (2**63 - 1) // 10
    for r in range(starts.shape[0]):
        a = starts[r]
        b = ends[r]
        if a >= b:
            return r
        neg = data[a] == 45
        p = a + 1 if neg else a
        if p >= b or (data[p] == 48 and (b - p > 1 or neg)):
            return r
        v = np.int64(0)
        for q in range(p, b):
            c = np.int64(data[q]) - 48
            if c < 0 or c > 9:
                return r
            if v > limit or (v == limit and c > 7):
                return r
            v = v * 10 + c
        out[r] = -v if neg else v
    return -1


@njit(cache=True, nogil=True)
def first_non_integer(data, starts, ends):
    """First row whose field is not ``[+-]digits`` (-1 if none)."""
    for r in range(starts.shape[0]):
        a = starts[r]
        b = ends[r]
        if a < b and (data[a] == 43 or data[a] == 45):
            a += 1
        if a >= b:
            return r
        for q in range(a, b):
            if data[q] < 48 or data[q] > 57:
                return r
    return -1


@njit(cache=True, nogil=True)
def gather(data, starts, ends):
    """The fields' bytes end to end and their int64 offsets (an Arrow string column)."""
    rows = starts.shape[0]
    offsets = np.zeros(rows + 1, dtype=np.int64)
    for r in range(rows):
        offsets[r + 1] = offsets[r] + (ends[r] - starts[r])
    out = np.empty(offsets[rows], dtype=np.uint8)
    for r in range(rows):
        o = offsets[r]
        for q in range(starts[r], ends[r]):
            out[o] = data[q]
            o += 1
    return out, offsets


@njit(cache=True, nogil=True)
def has_unicode_space(data):
    """Does the block hold a non-ASCII whitespace character (NBSP, U+2000..U+200A, ...)?"""
    n = data.shape[0]
    for i in range(n - 1):
        c = data[i]
        if c < 0xC2:
            continue
        d = data[i + 1]
        if c == 0xC2 and (d == 0x85 or d == 0xA0):
            return True
        if i + 2 < n:
            e = data[i + 2]
            if c == 0xE1 and d == 0x9A and e == 0x80:
                return True
            if c == 0xE2 and d == 0x80 and (e <= 0x8A or e == 0xA8 or e == 0xA9 or e == 0xAF):
                return True
            if c == 0xE2 and d == 0x81 and e == 0x9F:
                return True
            if c == 0xE3 and d == 0x80 and e == 0x80:
                return True
    return False


@njit(cache=True, nogil=True)
def count_newlines(data, start, stop):
    """Number of LF bytes in ``data[start:stop]``."""
    k = 0
    for i in range(start, stop):
        if data[i] == 10:
            k += 1
    return k


_POW10 = np.array([10.0 ** k for k in range(23)])


@njit(cache=True, nogil=True)
def parse_numbers(data, starts, ends, out):
    """Fields written as decimal numbers (``[+-]digits[.digits][e[+-]digits]`` or
    ``.digits``) into float64 ``out``.

    Returns ``(bad, slow)``: ``bad`` is the first row that is not such a number (-1 if
    none); ``slow`` is True when some value has more than 15 significant digits or a far
    exponent, where this exact fast path (one correctly rounded multiplication or division
    of exact doubles) does not apply and the caller converts the text instead.
    """
    slow = False
    for r in range(starts.shape[0]):
        a = starts[r]
        b = ends[r]
        p = a
        neg = False
        if p < b and (data[p] == 43 or data[p] == 45):
            neg = data[p] == 45
            p += 1
        mant = np.int64(0)
        sig = 0
        int_digits = 0
        frac_digits = 0
        frac_kept = 0
        while p < b and 48 <= data[p] <= 57:
            c = data[p] - 48
            if sig > 0 or c != 0:
                sig += 1
                if sig <= 15:
                    mant = mant * 10 + c
            int_digits += 1
            p += 1
        if sig > 15:
            slow = True
        if p < b and data[p] == 46:
            p += 1
            while p < b and 48 <= data[p] <= 57:
                c = data[p] - 48
                frac_digits += 1
                if sig > 0 or c != 0:
                    sig += 1
                    if sig <= 15:
                        mant = mant * 10 + c
                        frac_kept = frac_digits
                    else:
                        slow = True
                else:
                    frac_kept = frac_digits
                p += 1
        if int_digits + frac_digits == 0:
            return r, slow
        e = 0
        if p < b and (data[p] == 101 or data[p] == 69):
            p += 1
            eneg = False
            if p < b and (data[p] == 43 or data[p] == 45):
                eneg = data[p] == 45
                p += 1
            if p >= b:
                return r, slow
            while p < b and 48 <= data[p] <= 57:
                if e < 100000:
                    e = e * 10 + (data[p] - 48)
                p += 1
            if eneg:
                e = -e
        if p != b:
            return r, slow
        if slow:
            continue
        e10 = e - frac_kept
        if e10 < -22 or e10 > 22:
            if mant == 0:
                out[r] = -0.0 if neg else 0.0
                continue
            slow = True
            continue
        v = np.float64(mant)
        if e10 >= 0:
            v = v * _POW10[e10]
        else:
            v = v / _POW10[-e10]
        out[r] = -v if neg else v
    return -1, slow
