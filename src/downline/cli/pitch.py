"""``downline screen``: screen a post or a batch of posts for compliance problems.

Exit codes: 0 when nothing was flagged, 1 when at least one post was flagged (like a
linter, so the command can gate a publishing pipeline), 2 on bad input, which includes a
one-post file that is not text (empty, blank or binary: see :func:`post_text`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape

from downline.cli._common import console, print_json
from downline.cli._format import Col, number, print_table
from downline.errors import FormatError

_BATCH_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")


def register(app: typer.Typer) -> None:
    """Add the ``screen`` command to ``app``."""

    @app.command("screen")
    def screen_command(
        source: str = typer.Argument(
            ..., help="A text file (one post), a .csv/.tsv/.jsonl batch with a 'text' "
                      "column, or '-' to read one post from stdin."),
        rules: list[Path] = typer.Option(  # noqa: B008
            [], "--rules", help="Company rules file (TOML); repeat for several."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
        report_dir: Path | None = typer.Option(  # noqa: B008
            None, "--report-dir", help="For a batch: write screening.csv and screening.html here."),
        text_field: str = typer.Option("text", "--field", help="Column/field holding the post."),
        no_model: bool = typer.Option(False, "--no-model", help="Rules only (faster)."),
        brand: str = typer.Option("[Brand]", "--brand", help="Company name for rewrites."),
    ) -> None:
        """Flag earnings, health and disclosure claims, explain them and suggest rewrites.

        Exit code 0: nothing flagged; 1: something flagged; 2: bad input.
        """
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.pitch import screen, screen_many

        model = not no_model
        extra = [str(p) for p in rules]
        if source != "-" and Path(source).suffix.lower() in _BATCH_SUFFIXES:
            batch = screen_many(source, text_field=text_field, rules=extra, model=model,
                                brand=brand, report_dir=report_dir)
            if as_json:
                print_json(batch.to_dict())
            else:
                _print_batch(batch)
            _exit(1 if batch.n_violations else 0)
        if source == "-":
            text = post_text(sys.stdin.buffer.read(), "<stdin>")
        else:
            path = Path(source)
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise FormatError(f"cannot read file ({exc.strerror})", path=path) from exc
            text = post_text(raw, path)
        result = screen(text, rules=extra, model=model, brand=brand)
        if as_json:
            print_json(result.to_dict())
        else:
            _print_one(result)
        _exit(1 if result.violation else 0)


_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}


def post_text(raw: bytes, where: str | Path) -> str:
    """The text of a one-post file, or a FormatError for an empty or binary file.

    UTF-8 (with or without a BOM) is expected; a file that is not UTF-8 but reads as
    Windows-1252 text is accepted. NUL bytes, or more than 1% control characters, mean the
    file is not text (an executable, an image, a PDF).
    """
    if not raw.strip():
        raise FormatError("file is empty; nothing to screen", path=where)
    head = raw[:65536]
    if b"\x00" in head:
        raise FormatError(f"not a text file (binary byte at offset {head.index(0)})",
                          path=where)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
        text = raw.decode("cp1252", errors="replace")
        if text.count("\ufffd") > len(text) // 100:
            raise FormatError(f"not a text file (byte {bad} is not UTF-8)", path=where) from exc
    controls = sum(1 for b in head if b in _CONTROL)
    if controls > len(head) // 100:
        raise FormatError("not a text file (too many control characters)", path=where)
    return text


def _exit(code: int) -> None:
    # SystemExit rather than typer.Exit: the main entry point runs click with
    # standalone_mode=False, which turns typer.Exit into a discarded return value.
    sys.exit(code)


def _print_one(result) -> None:
    if result.ok:
        console.print(f"[green]ok[/green] (risk {number(result.risk)})")
        return
    console.print(f"[red]flagged[/red] (risk {number(result.risk)}): {len(result.flags)} issue(s)")
    for flag in result.flags:
        console.print(f"\n[bold]{escape(flag.rule_id)}[/bold] {escape(flag.title)} "
                      f"[{flag.category}, {flag.severity}] chars {flag.start}-{flag.end}")
        console.print(f'  words:   "{escape(flag.text[:200])}"')
        console.print(f"  why:     {escape(flag.explanation)}")
        console.print(f"  source:  {escape(flag.source)}")
        console.print(f"  instead: {escape(flag.rewrite)}")
    if result.truncated:
        console.print("\n[yellow]note:[/yellow] only the first 100,000 characters were screened")
    console.print("\n[bold]Suggested post:[/bold]")
    console.print(escape(result.suggested_text()))


def _print_batch(batch) -> None:
    print_table(
        [Col("id", justify="left"), Col("verdict", justify="left"), Col("risk"),
         Col("rules", justify="left", key=False),
         Col("flagged words", justify="left", key=False, optional=True)],
        ((escape(str(post_id)), "flagged" if s.violation else "ok", float(s.risk),
          " ".join(s.rule_ids), escape(" | ".join(f.text[:60] for f in s.flags)))
         for post_id, s in zip(batch.ids, batch.screenings, strict=True)),
        title=f"{number(len(batch))} posts, {number(batch.n_violations)} flagged",
    )
    if batch.csv_path:
        console.print(f"report: {batch.csv_path}, {batch.html_path}")
