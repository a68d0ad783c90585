"""Service endpoints: health, and the dashboard's login and logout."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from downline import __version__
from downline.api.security import SESSION_COOKIE, check_credentials, request_authenticated

router = APIRouter(prefix="/api", tags=["service"])


@router.get("/health", summary="Health check")
def health(request: Request) -> dict[str, Any]:
    """Always answers (no credentials needed); says whether this request is signed in."""
    settings = request.app.state.settings
    return {"status": "ok", "version": __version__, "auth": settings.auth_required,
            "signed_in": request_authenticated(request)}


def _safe_next(target: str) -> str:
    """Only same-site paths: never redirect a login to another site."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.post("/login", summary="Sign in to the dashboard", response_class=Response,
             responses={303: {"description": "Signed in; cookie set"},
                        401: {"description": "Wrong credentials"}})
def login(
    request: Request,
    token: Annotated[str, Form(max_length=500)] = "",
    user: Annotated[str, Form(max_length=200)] = "",
    next_page: Annotated[str, Form(alias="next", max_length=500)] = "/",
) -> Response:
    """Check the token (or a user's password) and set an HttpOnly, SameSite=Strict cookie
    holding a new server-side session that expires after the server's session lifetime."""
    settings = request.app.state.settings
    if not settings.auth_required:
        return RedirectResponse(_safe_next(next_page), status_code=303)
    if not check_credentials(settings, user or None, token):
        if "text/html" in request.headers.get("accept", ""):
            target = quote(_safe_next(next_page), safe="/")
            return RedirectResponse(f"/login?failed=1&next={target}", status_code=303)
        return JSONResponse({"detail": "wrong token or password"}, status_code=401)
    sessions = request.app.state.sessions
    response = RedirectResponse(_safe_next(next_page), status_code=303)
    response.set_cookie(SESSION_COOKIE, sessions.create(), max_age=int(sessions.ttl),
                        httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout", summary="Sign out", response_class=Response,
             responses={303: {"description": "Cookie cleared"}})
def logout(request: Request) -> Response:
    """End the session on the server and clear the dashboard's cookie."""
    request.app.state.sessions.revoke(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
