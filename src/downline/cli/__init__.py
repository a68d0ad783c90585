"""The ``downline`` command line: one Typer app, one module per area.

Each area module in this package exposes ``register(app)``, which adds its commands. The
commands are thin: they parse options, call the area's public function and print the
result as a rich table, or as JSON with ``--json``. Errors from :mod:`downline.errors`
become a one-line message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

import typer

from downline.cli import _common

app = typer.Typer(
    name="downline",
    help="Downlines, influencers, cascades and compliant pitches on real networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    import importlib

    for name in _common.AREA_MODULES:
        try:
            module = importlib.import_module(f"downline.cli.{name}")
        except ModuleNotFoundError as exc:
            # An area whose CLI module is not written yet; anything else is a real error.
            if exc.name != f"downline.cli.{name}":
                raise
            continue
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, turning `downline` errors into one-line messages."""
    try:
        # Without standalone mode, an Exit raised by a command comes back as its code.
        code = app(args=argv, standalone_mode=False)
    except _common.EXIT_EXCEPTIONS as exc:
        sys.exit(_common.report_exit(exc))
    if isinstance(code, int) and code:
        sys.exit(code)
