"""``downline compliance``: posts tied to the tree, cases, reports, the approved library.

Thin wrappers over :mod:`downline.compliance`; ``--json`` prints the same ``to_dict()``
that the API serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from downline.cli._common import console, print_json
from downline.errors import ComplianceError, FormatError, StoreError

__all__ = ["register"]

Workspace_ = Annotated[str | None, typer.Option("--workspace", "-w", help="Workspace file "
                                                "(default $DOWNLINE_WORKSPACE or "
                                                "./downline.duckdb).")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
Name = Annotated[str, typer.Argument(help="The company: a genealogy stored in the workspace.")]


def register(app: typer.Typer) -> None:
    """Add the ``compliance`` command group to ``app``."""
    sub = typer.Typer(
        help="The compliance program: distributors' posts screened and tied to the tree, "
             "cases with deadlines, reports by leg, the approved-content library.",
        no_args_is_help=True,
    )
    sub.command("ingest")(ingest)
    sub.command("cases")(cases)
    sub.command("report")(report)
    sub.command("library")(library)
    sub.command("sample")(sample)
    app.add_typer(sub, name="compliance")


def _open(workspace: str | None, read_only: bool = False) -> Any:
    # lazy: the store brings DuckDB and pandas
    from downline.store import Workspace

    if read_only and workspace is not None and not Path(workspace).exists():
        raise StoreError(f"no workspace at {workspace}")
    return Workspace(workspace, read_only=read_only)


def ingest(
    posts: Annotated[str, typer.Argument(help="Posts table: .csv/.tsv/.jsonl (compressed "
                                         "too) or .parquet with post_id, member_id, "
                                         "platform, url, posted_at, text [, image].")],
    genealogy: Annotated[str, typer.Option("--genealogy", "-g", help="The company's "
                                           "genealogy in the workspace.")],
    workspace: Workspace_ = None,
    no_model: Annotated[bool, typer.Option("--no-model", help="Rules only (faster).")] = False,
    no_ocr: Annotated[bool, typer.Option("--no-ocr", help="Do not read images.")] = False,
    as_json: Json = False,
) -> None:
    """Screen a table of posts into the workspace: open a case for each flagged post."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.compliance import ingest_posts

    with _open(workspace) as ws:
        result = ingest_posts(ws, genealogy, posts, model=not no_model, ocr=not no_ocr)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(f"batch {result.batch}: {result.read:,} posts read, {result.stored:,} "
                  f"stored, {result.flagged:,} flagged (cases opened, "
                  f"{result.escalated_at_once:,} escalated at once as repeat offences); "
                  f"{result.shares:,} shares of library items ({result.edited_shares:,} "
                  f"edited); {result.images_read:,} images read")
    if result.issues:
        table = Table("kind", "line", "post", "member", "message",
                      title=f"{sum(result.issue_counts.values()):,} issues")
        for issue in result.issues[:30]:
            table.add_row(issue["kind"], str(issue["line"] or ""), issue["post_id"] or "",
                          issue["member_id"] or "", issue["message"])
        console.print(table)


def cases(
    genealogy: Name,
    workspace: Workspace_ = None,
    state: Annotated[str | None, typer.Option("--state", help="open, notified, escalated, "
                                              "resolved, dismissed or active.")] = None,
    member: Annotated[str | None, typer.Option("--member", help="Only this member.")] = None,
    leg: Annotated[str | None, typer.Option("--leg", help="Only this leg (a frontline "
                                            "member's id).")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue cases.")] = False,
    now: Annotated[str | None, typer.Option("--now", help="Measure deadlines at this time "
                                            "(default now, UTC).")] = None,
    advance_: Annotated[bool, typer.Option("--advance", help="Apply the deadline rules at "
                                           "--now first (notices, escalations).")] = False,
    action: Annotated[str | None, typer.Option("--act", help="Take an action on --case: "
                                               "notify, escalate, resolve, dismiss.")] = None,
    case_id: Annotated[int | None, typer.Option("--case", help="The case to act on.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who acts.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Note for the trail.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Cases listed.")] = 50,
    as_json: Json = False,
) -> None:
    """The case queue with deadlines; take an action or apply the deadline rules."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.compliance import act, advance, case_queue, load_genealogy

    out: dict[str, Any] = {}
    with _open(workspace) as ws:
        gen = load_genealogy(ws, genealogy)
        if action is not None:
            if case_id is None or not actor:
                raise ComplianceError("--act needs --case and --actor", field="act")
            out["action"] = act(ws, genealogy, case_id, action, actor=actor, at=now,
                                note=note)
        if advance_:
            out["advance"] = advance(ws, genealogy, gen, now=now)
        queue = case_queue(ws, genealogy, gen, state=state, member=member, leg=leg,
                           overdue=True if overdue else None, now=now, limit=limit)
    if as_json:
        print_json({**out, **queue.to_dict()})
        return
    if "action" in out:
        a = out["action"]
        console.print(f"case {a['case_id']}: {a['from_state']} -> {a['state']}")
    if "advance" in out:
        a = out["advance"]
        console.print(f"deadlines at {a['at']}: {len(a['notified'])} notified, "
                      f"{len(a['escalated'])} escalated to the sponsor")
    counts = ", ".join(f"{k} {v:,}" for k, v in queue.counts.items())
    console.print(f"{queue.total:,} cases match ({counts})")
    table = Table("case", "post", "member", "leg", "offence", "rules", "state", "due",
                  "overdue")
    for c in queue.cases:
        due = f"{c['due_action']} by {c['due_at'][:16]}" if c["due_at"] else ""
        table.add_row(str(c["case_id"]), c["post_id"], c["member_id"], str(c["leg"]),
                      str(c["offence"]), c["rule_ids"], c["state"], due,
                      "yes" if c["overdue"] else "")
    console.print(table)


def report(
    genealogy: Name,
    workspace: Workspace_ = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Members and leaders listed.")] = 10,
    min_posts: Annotated[int, typer.Option("--min-posts", min=1, help="Leave out legs with "
                                           "fewer posts.")] = 30,
    refit: Annotated[bool, typer.Option("--refit", help="Also refit the screen on the "
                                        "resolved and dismissed cases (cross-validated).")
                     ] = False,
    as_json: Json = False,
) -> None:
    """Violations per leg, level, rank and cohort with intervals; repeat offenders; the
    leaders whose downlines produce the most."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.compliance import compliance_report, load_genealogy, refit_screen

    with _open(workspace, read_only=True) as ws:
        gen = load_genealogy(ws, genealogy)
        result = compliance_report(ws, genealogy, gen, top=top, min_posts=min_posts)
        fitted = refit_screen(ws, genealogy) if refit else None
    if as_json:
        payload = result.to_dict()
        if fitted is not None:
            payload["refit"] = fitted.to_dict()
        print_json(payload)
        return
    c = result.company
    console.print(f"[bold]{genealogy}[/]: {result.posts:,} posts, {result.violations:,} "
                  f"violations ({c.rate_per_100:.1f} per 100 posts, 95% CI {c.low:.1f}-"
                  f"{c.high:.1f}); {result.dismissed:,} dismissed")
    for title, rows in (("by leg (surest worst first)", result.by_leg[:top]),
                        ("by level", result.by_level), ("by rank", result.by_rank),
                        ("by joining cohort", result.by_cohort)):
        table = Table("group", "posts", "violations", "per 100", "95% CI", title=title)
        for g in rows:
            mark = " [red]*[/]" if g.low > c.high else ""
            table.add_row(g.group + mark, f"{g.posts:,}", f"{g.violations:,}",
                          f"{g.rate_per_100:.1f}", f"{g.low:.1f}-{g.high:.1f}")
        console.print(table)
    table = Table("leader", "rank", "downline violations", "per 100", "mean distance",
                  title="leaders whose downlines produce the most violations")
    for x in result.leaders[:top]:
        table.add_row(x["member_id"], str(x["rank"]), f"{x['downline_violations']:,}",
                      f"{x['rate_per_100']:.1f}", f"{x['mean_distance']:.1f}")
    console.print(table)
    table = Table("member", "violations", "posts", "max offence", "leg", "sponsor",
                  title=f"repeat offenders ({len(result.repeat_offenders):,})")
    for x in result.repeat_offenders[:top]:
        table.add_row(x["member_id"], str(x["violations"]), str(x["posts"]),
                      str(x["max_offence"]), str(x["leg"]), str(x["sponsor"]))
    console.print(table)
    r = result.resolution
    if r.get("resolved"):
        console.print(f"resolved {r['resolved']:,} cases, median {r['median_hours']:.1f} h "
                      f"(90% within {r['p90_hours']:.1f} h); {r['active']:,} active, "
                      f"{r['dismissed']:,} dismissed")
    if fitted is not None:
        console.print(f"refit on {fitted.confirmed} resolved / {fitted.dismissed} dismissed "
                      f"cases, {fitted.folds}-fold CV: AUC {fitted.cv_auc:.3f} (screen's "
                      f"risk {fitted.screen_auc:.3f}), Brier {fitted.cv_brier:.3f} "
                      f"(screen {fitted.screen_brier:.3f})")


def library(
    genealogy: Name,
    workspace: Workspace_ = None,
    approve_text: Annotated[str | None, typer.Option("--approve", help="Approve this text "
                                                     "(screened first).")] = None,
    approve_file: Annotated[Path | None, typer.Option("--approve-file", help="Approve the "
                                                      "text of this file.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who approves.")] = None,
    item: Annotated[str | None, typer.Option("--item", help="Add a version to this "
                                             "item.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the item.")] = None,
    as_json: Json = False,
) -> None:
    """The approved-content library with share counts and how shares spread."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.compliance import approve, load_genealogy, share_report

    approved = None
    with _open(workspace, read_only=approve_text is None and approve_file is None) as ws:
        if approve_text is not None or approve_file is not None:
            if not by:
                raise ComplianceError("--approve needs --by", field="by")
            text = approve_text
            if approve_file is not None:
                try:
                    text = approve_file.read_text(encoding="utf-8-sig")
                except OSError as exc:
                    raise FormatError(f"cannot read file ({exc.strerror})",
                                      path=approve_file) from exc
            approved = approve(ws, genealogy, text.strip(), approved_by=by, item_id=item,
                               title=title)
        gen = load_genealogy(ws, genealogy)
        shares = share_report(ws, genealogy, gen)
    if as_json:
        payload = shares.to_dict()
        if approved is not None:
            payload["approved"] = approved.to_dict()
        print_json(payload)
        return
    if approved is not None:
        console.print(f"approved item {approved.item_id} version {approved.version}")
    table = Table("item", "v", "shares", "edited", "edited flagged", "members", "legs", "text",
                  title=f"library of {genealogy}: {shares.shares:,} shares")
    for x in shares.items:
        table.add_row(x["item_id"], str(x["version"]), f"{x['shares']:,}", f"{x['edited']:,}",
                      f"{x.get('edited_flagged', 0):,}", f"{x['members']:,}", str(x["legs"]),
                      x["text"][:60])
    console.print(table)
    table = Table("leg", "shares", "members", title="shares per leg")
    for x in shares.by_leg[:10]:
        table.add_row(x["leg"], f"{x['shares']:,}", f"{x['members']:,}")
    console.print(table)


def sample(
    name: Annotated[str, typer.Argument(help="Name of the sample company.")
                    ] = "compliance-sample",
    workspace: Workspace_ = None,
    members: Annotated[int, typer.Option("--members", min=50, help="Members.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 1,
    as_json: Json = False,
) -> None:
    """Store the generated sample company (one leg's leader encourages bad claims)."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.compliance import load_sample

    with _open(workspace) as ws:
        info = load_sample(ws, name, n_members=members, seed=seed)
    if as_json:
        print_json(info)
        return
    state = "stored" if info["loaded"] else "already stored"
    console.print(f"sample {name} {state}: {info['posts']:,} posts, {info['cases']:,} cases; "
                  f"planted leg {info['planted_leg']}")
