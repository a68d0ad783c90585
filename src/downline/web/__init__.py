"""The dashboard: server-rendered pages over the REST API, and the API's docs page.

Seven pages (Overview, Genealogy, Influencers, What-if, Adoption, Pitch, Compliance) and a
login page, rendered with Jinja2; small scripts in ``static/js`` call the JSON API and draw charts
with Plotly and graphs with Cytoscape.js; ``/api/docs`` is Swagger UI. The three
libraries are installed from npm by ``web/build.sh`` (versions pinned in
``web/package.json``) and committed under ``static/vendor``: the pages load nothing from
another site at run time, and no page needs an inline script, so they all run under the
server's Content-Security-Policy. No computation happens here: a page only shows what an
endpoint returns.

This package imports nothing of :mod:`downline.api`; the application hands it what the
pages need as a :class:`DashboardHooks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from downline import __version__

__all__ = ["PAGES", "STATIC_DIR", "DashboardHooks", "mount_api_docs", "mount_dashboard"]

_HERE = Path(__file__).parent
STATIC_DIR = _HERE / "static"
PAGES = (
    ("overview", "/", "Overview"),
    ("genealogy", "/genealogy", "Genealogy"),
    ("influencers", "/influencers", "Influencers"),
    ("whatif", "/whatif", "What-if"),
    ("adoption", "/adoption", "Adoption"),
    ("diffusion", "/diffusion", "Diffusion network"),
    ("pitch", "/pitch", "Pitch"),
    ("compliance", "/compliance", "Compliance"),
)
"""``(key, path, title)`` of each page, in menu order; a new page adds a row here and a
template ``<key>.html``."""


@dataclass(frozen=True)
class DashboardHooks:
    """What the pages need from the application that serves them.

    Attributes
    ----------
    signed_in : callable
        ``signed_in(request) -> bool``: whether the request may see the pages.
    summary : callable
        ``summary() -> dict`` with ``networks``, ``genealogies`` and ``results`` lists
        (each row a dict with at least ``name``, or ``id``/``kind``/``subject``) plus
        ``path_name`` and ``file_bytes``.
    auth : bool
        Whether the server asks for credentials (shows Sign out).
    max_upload_bytes : int
        Largest upload, shown on the Overview.
    """

    signed_in: Callable[[Request], bool]
    summary: Callable[[], dict[str, Any]]
    auth: bool
    max_upload_bytes: int


def _templates() -> Jinja2Templates:
    return Jinja2Templates(directory=str(_HERE / "templates"))


def mount_static(app: FastAPI) -> None:
    """Serve ``/static`` (scripts, styles, vendored libraries) once."""
    if not any(getattr(r, "name", None) == "static" for r in app.router.routes):
        app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")


def mount_api_docs(app: FastAPI, openapi_url: str = "/api/openapi.json",
                   docs_url: str = "/api/docs") -> None:
    """Serve Swagger UI for ``openapi_url`` at ``docs_url`` from the vendored assets.

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> app = FastAPI(docs_url=None)
    >>> mount_api_docs(app)
    >>> with TestClient(app) as client:
    ...     "swagger-ui-bundle.js" in client.get("/api/docs").text
    True
    """
    mount_static(app)
    templates = _templates()

    def docs(request: Request) -> Response:
        return templates.TemplateResponse(request, "api_docs.html", {
            "openapi_url": openapi_url, "title": app.title, "version": __version__})

    app.add_api_route(docs_url, docs, methods=["GET"], response_class=HTMLResponse,
                      include_in_schema=False)


def mount_dashboard(app: FastAPI, hooks: DashboardHooks) -> None:
    """Add the dashboard's pages (``/``, ``/genealogy``, ...) and ``/static`` to ``app``.

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> app = FastAPI()
    >>> empty = {"networks": [], "genealogies": [], "results": [], "path_name": "ws",
    ...          "file_bytes": 0}
    >>> mount_dashboard(app, DashboardHooks(lambda r: True, lambda: empty, False, 1 << 20))
    >>> with TestClient(app) as client:
    ...     "Overview" in client.get("/").text
    True
    """
    templates = _templates()
    mount_static(app)

    def context(page: str) -> dict[str, Any]:
        summary = hooks.summary()
        return {
            "page": page,
            "pages": PAGES,
            "version": __version__,
            "summary": summary,
            "networks": [n["name"] for n in summary["networks"]],
            "genealogies": [g["name"] for g in summary["genealogies"]],
            "auth": hooks.auth,
            "max_upload_mb": round(hooks.max_upload_bytes / 2**20, 1),
        }

    def make_page(page: str, template: str) -> Any:
        def render(request: Request) -> Response:
            if not hooks.signed_in(request):
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            return templates.TemplateResponse(request, template, context(page))

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
            "auth": hooks.auth})

    app.add_api_route("/login", login_page, methods=["GET"], response_class=HTMLResponse,
                      include_in_schema=False)
