"""The ``downline`` command line: one Typer app, one module per area.

Each area module in this package exposes ``register(app)``, which adds its commands. The
commands are thin: they parse options, call the area's public function and print the
result as a rich table, or as JSON with ``--json``. Errors from :mod:`downline.errors`
become a one-line message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
import typer.main

from downline.cli import _common
from downline.cli.warmup import hint_if_cold

app = typer.Typer(
    name="downline",
    help="Downlines, influencers, cascades and compliant pitches on real networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: flags shown as flags (``--reverse / --no-reverse``, ``--json``)
    # rather than with a ``<bool>`` type column, and no rich import for ``--help``.
    rich_markup_mode=None,
)


def _register_all() -> None:
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


def command_flags(args: list[str]) -> dict[str, str]:
    """Parameter name -> flag (``as_json`` -> ``--json``) of the command ``args`` invoke."""
    command: Any = typer.main.get_command(app)
    for token in args:
        if token.startswith("-"):
            continue
        sub = getattr(command, "commands", {}).get(token)
        if sub is None:
            break
        command = sub
    flags = {}
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") != "option" or param.name is None:
            continue
        longs = [o for o in param.opts if o.startswith("--")]
        flags[param.name] = longs[0] if longs else param.opts[0]
    return flags


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, turning `downline` errors into one-line messages."""
    args = sys.argv[1:] if argv is None else argv
    command = next((a for a in args if not a.startswith("-")), None)
    if command is not None and "--help" not in args:
        hint_if_cold(command)
    try:
        # Without standalone mode, an Exit raised by a command comes back as its code.
        code = app(args=argv, standalone_mode=False)
    except _common.EXIT_EXCEPTIONS as exc:
        sys.exit(_common.report_exit(exc, command_flags(args)))
    if isinstance(code, int) and code:
        sys.exit(code)
