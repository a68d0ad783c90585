"""Authentication, CSRF protection, request size limits and security headers.

- Credentials: ``Authorization: Bearer <token>`` for scripts, or the session cookie the
  dashboard's login form sets (HttpOnly, SameSite=Strict). The cookie holds an HMAC of
  the token, never the token. Every comparison uses :func:`secrets.compare_digest`.
- CSRF: a state-changing request that carries an ``Origin`` (or, without one, a
  ``Referer``) naming another site is refused with 403, whether or not auth is on, so a
  web page elsewhere cannot drive a server on this machine's loopback. Browsers always
  send ``Origin`` on cross-site POSTs; scripts that send neither are not browsers.
- Size: a body larger than the configured limit is refused with 413, from the
  ``Content-Length`` header when there is one and while streaming otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from downline.api._settings import Settings

__all__ = [
    "SESSION_COOKIE",
    "BodyTooLarge",
    "GuardMiddleware",
    "check_credentials",
    "request_authenticated",
    "session_value",
]

SESSION_COOKIE = "downline_session"
_UNSAFE = {b"POST", b"PUT", b"PATCH", b"DELETE"}
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
     b"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
]


class BodyTooLarge(HTTPException):
    """The request body exceeds the upload limit (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"request body larger than the limit of {limit:,} bytes "
            "(start the server with a larger --max-upload-mb to accept it)",
        )


def session_value(token: str) -> str:
    """The session cookie value for a token: an HMAC, so the cookie never holds the token.

    Examples
    --------
    >>> session_value("s3cret") == session_value("s3cret") != session_value("other")
    True
    """
    return hmac.new(token.encode("utf-8"), b"downline-dashboard-session", hashlib.sha256
                    ).hexdigest()


def check_credentials(settings: Settings, user: str | None, secret: str) -> str | None:
    """The session value for valid login credentials, else None (constant-time checks).

    ``secret`` is the token (any or no user name), or a password of ``settings.users``.
    """
    ok = False
    if settings.token:
        ok |= secrets.compare_digest(secret.encode("utf-8"), settings.token.encode("utf-8"))
    if settings.users and user:
        expected = settings.users.get(user, "")
        ok |= bool(expected) & secrets.compare_digest(
            secret.encode("utf-8"), expected.encode("utf-8"))
    if not ok:
        return None
    key = settings.token or "users:" + ",".join(sorted(settings.users or {}))
    return session_value(key)


def _expected_session(settings: Settings) -> str:
    key = settings.token or "users:" + ",".join(sorted(settings.users or {}))
    return session_value(key)


def request_authenticated(request: Request, settings: Settings) -> bool:
    """Whether the request carries valid credentials (always true with auth off)."""
    if not settings.auth_required:
        return True
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if settings.token and scheme.lower() == "bearer" and value:
        if secrets.compare_digest(value.strip().encode("utf-8"),
                                  settings.token.encode("utf-8")):
            return True
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return secrets.compare_digest(cookie.encode("utf-8"),
                                      _expected_session(settings).encode("utf-8"))
    return False


def _same_origin(origin: str, host: str) -> bool:
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc.lower() == host.lower()


class GuardMiddleware:
    """ASGI middleware: body-size limit, cross-site check and security headers.

    Pure ASGI (no per-request task), so it costs next to nothing on the hot paths.
    """

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def _reject(self, send: Any, status: int, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode("utf-8")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()), *_HEADERS]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        method = scope.get("method", "GET").encode()
        if method in _UNSAFE:
            host = headers.get(b"host", b"").decode("latin-1")
            origin = headers.get(b"origin", b"").decode("latin-1")
            referer = headers.get(b"referer", b"").decode("latin-1")
            claimed = origin if origin and origin != "null" else referer
            if origin == "null" or (claimed and not _same_origin(claimed, host)):
                await self._reject(send, 403, "cross-site request refused (Origin does not "
                                   "match this server)")
                return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                await self._reject(send, 400, "invalid Content-Length header")
                return
            if too_big:
                await self._reject(send, 413, BodyTooLarge(self.max_body).detail)
                return
        received = 0
        started = False

        async def limited_receive() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        async def send_with_headers(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _HEADERS if k not in present]
                message = dict(message, headers=[*message.get("headers", []), *extra])
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge as exc:
            if started:
                raise
            await self._reject(send, 413, str(exc.detail))
