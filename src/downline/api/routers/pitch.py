"""Pitch endpoints: screen one post, or a batch file with a downloadable report."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from downline.api._settings import Settings
from downline.api._state import WorkspaceGuard
from downline.api.deps import get_guard, get_settings
from downline.api.routers._common import ResultId
from downline.api.uploads import display_name, read_upload
from downline.common.serialize import to_jsonable as jsonable
from downline.errors import InputError
from downline.pitch import Batch, Flag, Screening, highlight_html, screen, screen_many, write_report

router = APIRouter(prefix="/api/pitch", tags=["pitch"])

Guard = Annotated[WorkspaceGuard, Depends(get_guard)]
Config = Annotated[Settings, Depends(get_settings)]
_INLINE_CHARS = 5_000


class ScreenRequest(BaseModel):
    """One post to screen."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "I made $1,730 in my first 10 days! #quityourjob", "model": False},
        {"text": "This oil cured my anxiety! #ad"}]})

    text: str = Field(max_length=200_000, description="The post (only the first 100,000 "
                      "characters are screened)")
    model: bool = Field(True, description="Use the statistical layer besides the rules")
    brand: str = Field("[Brand]", max_length=100, description="Company name for disclosures")


def _screening_out(s: Screening, brand: str) -> dict[str, Any]:
    # Screening.to_dict() would build the rewrite with the default brand; build it once.
    return {
        "text": s.text,
        "violation": s.violation,
        "risk": jsonable(s.risk),
        "model_score": jsonable(s.model_score),
        "truncated": s.truncated,
        "categories": list(s.categories),
        "rule_ids": list(s.rule_ids),
        "flags": [f.to_dict() for f in s.flags],
        "suggested_text": s.suggested_text(brand),
        "highlighted_html": highlight_html(s),
    }


@router.post("/screen", summary="Screen one post")
async def screen_post(body: ScreenRequest, request: Request) -> dict[str, Any]:
    """Flags (rule, words, explanation, source, rewrite), risk, and a compliant rewrite.

    ``highlighted_html`` is the post with every flagged span in a ``<mark>``, all text
    escaped.
    """
    if len(body.text) <= _INLINE_CHARS and not body.model:
        # Rules alone take well under a millisecond: cheaper than a thread hop.
        result = screen(body.text, model=False, brand=body.brand)
    elif len(body.text) <= _INLINE_CHARS:
        # The model's cost is mostly per call: concurrent posts share one call.
        result = await request.app.state.screen_batcher.screen(body.text, body.brand)
    else:
        result = await run_in_threadpool(screen, body.text, model=body.model, brand=body.brand)
    return _screening_out(result, body.brand)


@router.post("/batch", status_code=201, summary="Screen a batch file",
             responses={400: {"description": "Malformed file"},
                        413: {"description": "File too large"}})
def screen_batch(
    guard: Guard,
    settings: Config,
    file: Annotated[UploadFile, File(description=".csv/.tsv with a text column (and "
                                                 "optional id), or .jsonl with a text field")],
    text_field: Annotated[str, Form(min_length=1, max_length=64)] = "text",
    model: Annotated[bool, Form()] = True,
) -> dict[str, Any]:
    """Screen every post of the file and store the batch as a result; the CSV and HTML
    reports are at ``/api/pitch/batch/{result_id}/report.csv`` and ``report.html``."""
    shown = display_name(file.filename)
    if Path(shown.lower().removesuffix(".gz")).suffix not in (".csv", ".tsv", ".jsonl"):
        raise InputError("batch files must be .csv, .tsv or .jsonl", field="file")

    def run(path: Path) -> Batch:
        return screen_many(path, text_field=text_field, model=model)

    batch = read_upload(file, settings.upload_dir, settings.max_upload_bytes, run)
    if len(batch) > settings.max_batch_posts:
        raise InputError(f"{len(batch):,} posts; at most {settings.max_batch_posts:,} per batch",
                         field="file")
    posts = [dict(id=i, **jsonable(s.to_dict())) for i, s in zip(batch.ids, batch.screenings,
                                                                  strict=True)]
    payload = {"file": shown, "n_posts": len(batch), "n_violations": batch.n_violations,
               "posts": posts}
    result_id = guard.save_result("screening-batch", payload, subject=shown,
                                  params={"text_field": text_field, "model": model})
    base = f"/api/pitch/batch/{result_id}"
    return {"result_id": result_id, "file": shown, "n_posts": len(batch),
            "n_violations": batch.n_violations, "posts": posts[:200],
            "report_csv": f"{base}/report.csv", "report_html": f"{base}/report.html"}


def _batch_from(guard: WorkspaceGuard, result_id: int) -> Batch:
    result = guard.result(result_id)
    if result["kind"] != "screening-batch":
        raise InputError(f"result {result_id} is not a batch screening", field="result_id")
    screenings, ids = [], []
    for post in result["payload"]["posts"]:
        flags = tuple(Flag(**f) for f in post["flags"])
        screenings.append(Screening(post["text"], flags, post["risk"] or 0.0,
                                    post.get("model_score"), bool(post.get("truncated"))))
        ids.append(str(post["id"]))
    return Batch(tuple(screenings), tuple(ids))


@router.get("/batch/{result_id}/report.{fmt}", summary="Download a batch report",
            response_class=Response,
            responses={200: {"content": {"text/csv": {}, "text/html": {}}},
                       404: {"description": "Unknown result"}})
def batch_report(result_id: ResultId, fmt: Literal["csv", "html"], guard: Guard,
                 settings: Config) -> Response:
    """The batch as ``screening.csv`` (one row per post) or ``screening.html`` (flagged
    words marked; self-contained, no script)."""
    batch = _batch_from(guard, result_id)
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.upload_dir) as folder:
        csv_path, html_path = write_report(batch, folder)
        content = (csv_path if fmt == "csv" else html_path).read_bytes()
    media = "text/csv; charset=utf-8" if fmt == "csv" else "text/html; charset=utf-8"
    name = f"screening-{result_id}.{fmt}"
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
