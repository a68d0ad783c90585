"""Batch reports: a CSV table and a self-contained HTML page with the flagged words marked.

All text is escaped with :func:`html.escape`; the page needs no network and no script.
"""

from __future__ import annotations

import html
from os import PathLike
from pathlib import Path

from downline.errors import InputError

__all__ = ["highlight_html", "write_report"]

_COLORS = {"income": "#ffe08a", "health": "#ffb3b3", "disclosure": "#b3d4ff"}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;
vertical-align:top;text-align:left}mark{padding:0 .1rem;border-radius:.2rem}
mark.income{background:#ffe08a}mark.health{background:#ffb3b3}
mark.disclosure{background:#b3d4ff}.ok{color:#2a7a2a}.bad{color:#b00020;font-weight:600}
.post{white-space:pre-wrap;unicode-bidi:plaintext}small{color:#555}ul{margin:.2rem 0 0 1rem;
padding:0}
"""


def highlight_html(screening) -> str:
    """The post as HTML with each flagged span in a ``<mark>`` (everything escaped).

    Examples
    --------
    >>> from downline.pitch import screen
    >>> highlight_html(screen("Cures <b>anxiety</b>", model=False))
    '<mark class="health" title="HLT-1">Cures &lt;b&gt;anxiety</mark>&lt;/b&gt;'
    """
    text = screening.text
    out: list[str] = []
    pos = 0
    for flag in sorted(screening.flags, key=lambda f: (f.start, -f.end)):
        if flag.start < pos or flag.end <= flag.start:
            continue
        out.append(html.escape(text[pos:flag.start]))
        out.append(f'<mark class="{html.escape(flag.category)}" '
                   f'title="{html.escape(flag.rule_id)}">{html.escape(text[flag.start:flag.end])}'
                   "</mark>")
        pos = flag.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def write_report(batch, directory: str | PathLike[str]) -> tuple[Path, Path]:
    """Write ``screening.csv`` and ``screening.html`` for a :class:`~downline.pitch.Batch`.

    Returns the two paths. The directory is created when missing.
    """
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create report directory ({exc.strerror})",
                         path=folder) from exc
    csv_path = folder / "screening.csv"
    html_path = folder / "screening.html"
    batch.to_frame().to_csv(csv_path, index=False)
    rows = []
    for post_id, s in zip(batch.ids, batch.screenings, strict=True):
        verdict = ('<span class="bad">flagged</span>' if s.violation
                   else '<span class="ok">ok</span>')
        items = "".join(
            f"<li><b>{html.escape(f.rule_id)}</b> {html.escape(f.title)}: "
            f"&ldquo;{html.escape(f.text[:300])}&rdquo;<br><small>{html.escape(f.explanation)}"
            f" Source: {html.escape(f.source)}</small><br>Instead: "
            f"<i>{html.escape(f.rewrite)}</i></li>"
            for f in s.flags
        )
        rows.append(
            f"<tr><td>{html.escape(post_id)}</td><td>{verdict}<br>risk {s.risk:.2f}</td>"
            f'<td><div class="post" dir="auto">{highlight_html(s)}</div>'
            f"{'<ul>' + items + '</ul>' if items else ''}</td></tr>"
        )
    page = (
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>downline pitch screening"
        f"</title><style>{_STYLE}</style></head><body><h1>Pitch screening</h1>"
        f"<p>{len(batch)} posts, {batch.n_violations} flagged. Colors: "
        + " ".join(f'<mark class="{c}">{c}</mark>' for c in _COLORS)
        + "</p><table><tr><th>id</th><th>verdict</th><th>post and flags</th></tr>"
        + "".join(rows) + "</table></body></html>\n"
    )
    html_path.write_text(page, encoding="utf-8")
    return csv_path, html_path
