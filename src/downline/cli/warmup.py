"""``downline warmup``: compile every area's numba kernels once, into numba's on-disk cache.

The kernels are compiled with ``cache=True``: the first call of each one in a fresh
environment compiles it (seconds each) and writes the machine code to numba's cache
(``__pycache__`` beside the sources, or ``$NUMBA_CACHE_DIR``); later processes load it in
milliseconds. This command pays that cost up front by calling the public functions of
each area on tiny inputs, with the same argument types the real commands use, and then
writes a marker so that other commands know the cache is warm. Until then, a command that
needs kernels prints a one-line hint on stderr when stderr is a terminal.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from downline.cli._common import console, err_console, print_json, progress_bar

# Commands that run numba kernels (the others never pay compilation).
KERNEL_COMMANDS = frozenset({
    "load", "info", "simulate", "influencers", "genealogy", "migration", "demo",
})

_HINT = ("note: numba kernels are not compiled yet on this machine; this first run compiles "
         "what it needs (seconds per kernel). `downline warmup` compiles them all once.")


def _kernel_sources() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    files = sorted(root.glob("*/_kernels.py")) + sorted(root.glob("common/_*kernels.py"))
    return [f for f in files if f.is_file()]


def _fingerprint() -> str:
    """Changes whenever a kernel source, numba or the cache location changes."""
    # lazy: importlib.metadata (email, zipfile, csv) costs 15-40 ms of --help
    from importlib import metadata

    digest = hashlib.sha256()
    for name in ("numba", "numpy"):
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            pass
    digest.update(os.environ.get("NUMBA_CACHE_DIR", "").encode())
    for path in _kernel_sources():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def marker_path() -> Path:
    """Where the warm-cache marker lives: in ``$NUMBA_CACHE_DIR``, else the user cache."""
    cache = os.environ.get("NUMBA_CACHE_DIR")
    if cache:
        return Path(cache) / "downline-warmup.json"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "downline" / "warmup.json"


def is_warm() -> bool:
    """Whether ``downline warmup`` ran for these kernel sources and this cache."""
    try:
        data = json.loads(marker_path().read_text())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("fingerprint") == _fingerprint()


def hint_if_cold(command: str | None) -> None:
    """Print the warm-up hint on stderr when ``command`` needs kernels and the cache is cold.

    Only for a person at a terminal: piped output and error messages stay as they are.
    """
    if (command in KERNEL_COMMANDS and err_console.is_terminal
            and not os.environ.get("DOWNLINE_NO_WARMUP_HINT")):
        try:
            cold = not is_warm()
        except OSError:
            return
        if cold:
            err_console.print(_HINT, style="dim", highlight=False, soft_wrap=True)


# -- the steps: each area's public functions on tiny inputs --------------------------------------


def _tiny_graph() -> Any:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.graph import Graph

    src = [0, 0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8]
    dst = [1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9]
    return Graph.from_edges(src, dst, nodes=list(range(12)), name="warmup")


def _graph_step(tmp: Path) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.graph import describe, read_graph

    path = tmp / "edges.txt"
    path.write_text("# warm-up\n0 1\n1 2\n2 0\n2 3\n4 3\n")
    g = read_graph(path, weights="wc")
    read_graph(path, undirected=True, reverse=True)
    describe(g)
    g.reverse  # noqa: B018 - builds the transposed CSR (a kernel)
    for scheme in ("wc", "uniform:0.1", "trivalency"):
        _tiny_graph().with_weights(scheme, seed=1)


def _cascade_step(tmp: Path) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.cascade import Migration, simulate

    g = _tiny_graph()
    for scheme, model in (("uniform:0.3", "ic"), ("uniform:1", "ic"), ("wc", "ic"),
                          ("trivalency", "ic"), ("wc", "lt")):
        simulate(g.with_weights(scheme, seed=1), model, [0], runs=4, seed=1)
    wc = g.with_weights("wc")
    for follow in ("cascade", "threshold"):
        simulate(wc, Migration(follow=follow, attrition_old=0.1, attrition_new=0.1,
                               backfill=0.1, level_decay=0.5, steps=3), [0], runs=4, seed=1)


def _influence_step(tmp: Path) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline import influence

    influence.warmup()


def _genealogy_step(tmp: Path) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.genealogy import (
        attrition,
        downline_report,
        generate_genealogy,
        read_genealogy,
        recruits_per_period,
        write_genealogy,
    )

    gen = generate_genealogy(60, seed=1, periods=6)
    path = write_genealogy(gen, tmp / "members.csv")
    gen = read_genealogy(path)
    downline_report(gen)
    recruits_per_period(gen, "M")
    attrition(gen, "M", by="period")
    attrition(gen, by="level")


def _engine_step(tmp: Path) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.graph import edgelist_to_csr, open_csr

    path = tmp / "big.txt"
    path.write_text("0 1\n1 2\n2 0\n2 3\n")
    open_csr(edgelist_to_csr(path, tmp / "csr"))


STEPS: tuple[tuple[str, Callable[[Path], None]], ...] = (
    ("graph readers and CSR", _graph_step),
    ("cascades (IC, LT, migration)", _cascade_step),
    ("influence (RR sets, greedy, baselines)", _influence_step),
    ("genealogy", _genealogy_step),
    ("out-of-core graph reader", _engine_step),
)


def run_warmup(progress: Callable[[int, str], None] | None = None) -> list[dict[str, Any]]:
    """Run every step; return each step's name and seconds. Writes the warm marker."""
    done = []
    with tempfile.TemporaryDirectory(prefix="downline-warmup-") as tmp:
        for i, (name, step) in enumerate(STEPS):
            if progress is not None:
                progress(i, name)
            t = time.perf_counter()
            step(Path(tmp))
            done.append({"step": name, "seconds": round(time.perf_counter() - t, 3)})
    if progress is not None:
        progress(len(STEPS), "done")
    marker = marker_path()
    marker.parent.mkdir(parents=True, exist_ok=True)
    tmp_marker = marker.with_suffix(".tmp")
    tmp_marker.write_text(json.dumps({"fingerprint": _fingerprint(), "steps": done}))
    os.replace(tmp_marker, marker)
    return done


def warmup(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compile every area's numba kernels once into numba's on-disk cache (run after install)."""
    with progress_bar("compiling kernels", total=len(STEPS), enabled=not as_json) as bar:
        def report(i: int, name: str) -> None:
            bar(i, None)
            if not as_json and not err_console.is_terminal and name != "done":
                err_console.print(f"compiling: {name}", highlight=False)

        t = time.perf_counter()
        steps = run_warmup(report)
    total = time.perf_counter() - t
    if as_json:
        print_json({"steps": steps, "seconds": round(total, 3), "marker": str(marker_path())})
        return
    for s in steps:
        console.print(f"{s['step']:<40} {s['seconds']:>7.2f} s", highlight=False)
    console.print(f"kernels compiled and cached in {total:.1f} s", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``warmup`` to the app."""
    app.command("warmup")(warmup)
