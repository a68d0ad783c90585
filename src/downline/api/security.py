"""Host allow-list, authentication, CSRF protection, body limits and security headers.

Everything here runs in :class:`GuardMiddleware`, before the application reads a byte of
the body, in this order:

1. **Host**: the ``Host`` header must name this server (:attr:`Settings.allowed_hosts`,
   loopback names by default). A page on another site that re-points its own DNS name to
   127.0.0.1 (DNS rebinding) sends its own name as the Host and is refused with 421.
2. **Cross-site**: a state-changing request whose ``Origin`` (or, without one,
   ``Referer``) is not this very server (same scheme, allowed host, same port) is
   refused with 403, whether or not authentication is on.
3. **Credentials**: every ``/api/`` path except health, login, logout and the API docs
   needs ``Authorization: Bearer <token>`` or a live session cookie when the server has
   credentials; without them the answer is 401 and the body is never read.
4. **Size and pace**: bodies are capped by kind (uploads :attr:`Settings.max_upload_bytes`,
   JSON :attr:`Settings.max_json_bytes`, forms :attr:`Settings.max_form_bytes`), from the
   ``Content-Length`` header when there is one and while streaming otherwise (413); a
   body that arrives slower than :attr:`Settings.min_body_rate` after a short grace is
   dropped with 408.

Sessions (the dashboard's login) live on the server: the cookie holds a random id,
expires after :attr:`Settings.session_ttl` seconds, and logout deletes it server-side, so
a copied cookie is worthless afterwards. Every secret comparison is constant-time.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from downline.api._settings import Settings, host_name

__all__ = [
    "PUBLIC_API_PATHS",
    "SESSION_COOKIE",
    "BodyTooLarge",
    "GuardMiddleware",
    "SessionStore",
    "check_credentials",
    "headers_authenticated",
    "request_authenticated",
]

SESSION_COOKIE = "downline_session"
PUBLIC_API_PATHS = frozenset({"/api/health", "/api/login", "/api/logout", "/api/docs",
                              "/api/openapi.json"})
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSP = (b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       b"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"content-security-policy", CSP),
]


class BodyTooLarge(HTTPException):
    """The request body exceeds its limit (413)."""

    def __init__(self, limit: int, what: str = "request body") -> None:
        hint = ("start the server with a larger --max-upload-mb to accept it"
                if what == "upload" else "send less, or upload a file instead")
        super().__init__(status_code=413,
                         detail=f"{what} larger than the limit of {limit:,} bytes ({hint})")


class BodyTooSlow(HTTPException):
    """The client sends its body slower than the server accepts (408)."""

    def __init__(self) -> None:
        super().__init__(status_code=408, detail="request body arrived too slowly; the "
                         "connection is closed")


class SessionStore:
    """Server-side dashboard sessions: random ids with an expiry, revocable.

    Parameters
    ----------
    ttl : float
        Seconds a session lives after login.
    capacity : int
        Sessions kept at most; the oldest go first.
    clock : callable
        Returns the time in seconds (tests pass a fake clock).

    Examples
    --------
    >>> now = [0.0]
    >>> store = SessionStore(ttl=60, clock=lambda: now[0])
    >>> sid = store.create()
    >>> store.valid(sid), store.valid("forged")
    (True, False)
    >>> now[0] = 61.0
    >>> store.valid(sid)
    False
    >>> sid = store.create(); store.revoke(sid); store.valid(sid)
    False
    """

    def __init__(self, ttl: float, capacity: int = 1000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = float(ttl)
        self._capacity = capacity
        self._clock = clock
        self._sessions: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def create(self) -> str:
        """A new session id, valid for :attr:`ttl` seconds."""
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[sid] = self._clock() + self.ttl
            while len(self._sessions) > self._capacity:
                self._sessions.popitem(last=False)
        return sid

    def valid(self, sid: str | None) -> bool:
        """Whether ``sid`` is a live session (expired ones are forgotten)."""
        if not sid or len(sid) > 100:
            return False
        with self._lock:
            expires = self._sessions.get(sid)
            if expires is None:
                return False
            if self._clock() >= expires:
                del self._sessions[sid]
                return False
            return True

    def revoke(self, sid: str | None) -> None:
        """End a session (logout); unknown ids are ignored."""
        if sid:
            with self._lock:
                self._sessions.pop(sid, None)


def check_credentials(settings: Settings, user: str | None, secret: str) -> bool:
    """Whether login credentials are valid (constant-time checks).

    ``secret`` is the token (any or no user name), or a password of ``settings.users``.

    Examples
    --------
    >>> from pathlib import Path
    >>> s = Settings(workspace=Path("ws.duckdb"), token="s3cret")
    >>> check_credentials(s, None, "s3cret"), check_credentials(s, None, "guess")
    (True, False)
    """
    ok = False
    if settings.token:
        ok |= secrets.compare_digest(secret.encode("utf-8"), settings.token.encode("utf-8"))
    if settings.users and user:
        expected = settings.users.get(user, "")
        ok |= bool(expected) & secrets.compare_digest(
            secret.encode("utf-8"), expected.encode("utf-8"))
    return bool(ok)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip('"')
    return None


def headers_authenticated(settings: Settings, sessions: SessionStore,
                          authorization: str, cookie_header: str) -> bool:
    """Whether raw ``Authorization`` / ``Cookie`` header values carry valid credentials
    (always true with authentication off)."""
    if not settings.auth_required:
        return True
    scheme, _, value = authorization.partition(" ")
    if settings.token and scheme.lower() == "bearer" and value:
        if secrets.compare_digest(value.strip().encode("utf-8"),
                                  settings.token.encode("utf-8")):
            return True
    return sessions.valid(_cookie(cookie_header, SESSION_COOKIE))


def request_authenticated(request: Request) -> bool:
    """Whether the request carries valid credentials (always true with auth off)."""
    return headers_authenticated(request.app.state.settings, request.app.state.sessions,
                                 request.headers.get("authorization", ""),
                                 request.headers.get("cookie", ""))


def _same_origin(claimed: str, scheme: str, host_header: str, settings: Settings) -> bool:
    """Whether an Origin/Referer names this server: same scheme, allowed host, same port."""
    parts = urlsplit(claimed)
    if parts.scheme not in ("http", "https") or parts.scheme != scheme or not parts.netloc:
        return False
    if parts.username or parts.password:
        return False
    return (parts.netloc.lower() == host_header.lower()
            and settings.host_allowed(host_name(parts.netloc)))


class GuardMiddleware:
    """ASGI middleware: Host allow-list, cross-site check, credentials, body limits,
    security headers (see the module docstring for the order).

    Pure ASGI (no per-request task), so it costs next to nothing on the hot paths.
    """

    def __init__(self, app: Any, settings: Settings, sessions: SessionStore) -> None:
        self.app = app
        self.settings = settings
        self.sessions = sessions

    async def _reject(self, send: Any, status: int, detail: str,
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
        body = json.dumps({"detail": detail}).encode("utf-8")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"), *(extra or []), *_HEADERS]})
        await send({"type": "http.response.body", "body": body})

    def _body_limit(self, content_type: str) -> tuple[int, str]:
        kind = content_type.split(";")[0].strip().lower()
        if kind == "multipart/form-data":
            return self.settings.max_upload_bytes, "upload"
        if kind == "application/x-www-form-urlencoded":
            return self.settings.max_form_bytes, "form body"
        return self.settings.max_json_bytes, "request body"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for key, value in scope.get("headers") or []:
            headers.setdefault(key, value)
        host = headers.get(b"host", b"").decode("latin-1")
        if not host or not self.settings.host_allowed(host_name(host)):
            await self._reject(send, 421, "this server does not answer to that host name "
                               "(allowed: " + ", ".join(self.settings.allowed_hosts) + "; "
                               "add one with --allow-host)")
            return
        method = scope.get("method", "GET")
        if method in _UNSAFE:
            origin = headers.get(b"origin", b"").decode("latin-1")
            referer = headers.get(b"referer", b"").decode("latin-1")
            claimed = origin or referer
            if origin == "null" or (claimed and not _same_origin(
                    claimed, scope.get("scheme", "http"), host, self.settings)):
                await self._reject(send, 403, "cross-site request refused (Origin does not "
                                   "match this server)")
                return
        path = scope.get("path", "")
        if path.startswith("/api/") and path not in PUBLIC_API_PATHS:
            if not headers_authenticated(
                    self.settings, self.sessions,
                    headers.get(b"authorization", b"").decode("latin-1"),
                    headers.get(b"cookie", b"").decode("latin-1")):
                await self._reject(send, 401, "authentication required: send "
                                   "'Authorization: Bearer <token>'",
                                   [(b"www-authenticate", b"Bearer")])
                return
        limit, what = self._body_limit(headers.get(b"content-type", b"").decode("latin-1"))
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await self._reject(send, 400, "invalid Content-Length header")
                return
            if declared > limit:
                await self._reject(send, 413, BodyTooLarge(limit, what).detail)
                return
        received = 0
        started = False
        began = time.monotonic()
        grace = self.settings.body_grace
        rate = self.settings.min_body_rate

        async def limited_receive() -> Any:
            nonlocal received
            deadline = began + grace + received / rate
            try:
                message = await asyncio.wait_for(receive(), max(0.05, deadline
                                                                - time.monotonic()))
            except TimeoutError:
                raise BodyTooSlow from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit, what)
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
        except BodyTooSlow as exc:
            if started:
                raise
            await self._reject(send, 408, str(exc.detail))
