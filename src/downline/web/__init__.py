"""The dashboard: server-rendered pages over the REST API of :mod:`downline.api`.

Six pages (Overview, Genealogy, Influencers, What-if, Adoption, Pitch) and a login page,
rendered with Jinja2; small scripts in ``static/js`` call the JSON API and draw charts
with Plotly and graphs with Cytoscape.js. Both libraries are installed from npm by
``web/build.sh`` and committed under ``static/vendor``: the pages load nothing from
another site at run time. No computation happens here: a page only shows what an
endpoint returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from downline import __version__
from downline.api.security import request_authenticated

__all__ = ["PAGES", "mount_dashboard"]

_HERE = Path(__file__).parent
PAGES = (
    ("overview", "/", "Overview"),
    ("genealogy", "/genealogy", "Genealogy"),
    ("influencers", "/influencers", "Influencers"),
    ("whatif", "/whatif", "What-if"),
    ("adoption", "/adoption", "Adoption"),
    ("pitch", "/pitch", "Pitch"),
)


def _context(request: Request, page: str) -> dict[str, Any]:
    guard = request.app.state.guard
    summary = guard.summary()
    settings = request.app.state.settings
    return {
        "page": page,
        "pages": PAGES,
        "version": __version__,
        "summary": summary,
        "networks": [n["name"] for n in summary["networks"]],
        "genealogies": [g["name"] for g in summary["genealogies"]],
        "auth": settings.auth_required,
        "max_upload_mb": round(settings.max_upload_bytes / 2**20, 1),
    }


def mount_dashboard(app: FastAPI) -> None:
    """Add the dashboard's pages (``/``, ``/genealogy``, ...) and ``/static`` to ``app``.

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> from downline.api import create_app
    >>> with TestClient(create_app(":memory:")) as client:
    ...     "Overview" in client.get("/").text
    True
    """
    templates = Jinja2Templates(directory=str(_HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    def make_page(page: str, template: str) -> Any:
        def render(request: Request) -> Response:
            if not request_authenticated(request, request.app.state.settings):
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            return templates.TemplateResponse(request, template, _context(request, page))

        render.__name__ = f"page_{page}"
        return render

    for page, path, _title in PAGES:
        app.add_api_route(path, make_page(page, f"{page}.html"), methods=["GET"],
                          response_class=HTMLResponse, include_in_schema=False)

    def login_page(request: Request) -> Response:
        failed = request.query_params.get("failed") == "1"
        target = request.query_params.get("next", "/")
        return templates.TemplateResponse(request, "login.html", {
            "page": "login", "pages": PAGES, "version": __version__, "failed": failed,
            "next": target if target.startswith("/") and not target.startswith("//") else "/",
            "auth": request.app.state.settings.auth_required})

    app.add_api_route("/login", login_page, methods=["GET"], response_class=HTMLResponse,
                      include_in_schema=False)
