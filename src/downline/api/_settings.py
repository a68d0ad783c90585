"""Settings of one server process and the bind-address rule (token required off loopback)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from downline.errors import ParameterError

__all__ = [
    "DEFAULT_MAX_UPLOAD_BYTES",
    "LOOPBACK_NAMES",
    "Settings",
    "allowed_hosts_for",
    "check_bind",
    "host_name",
    "is_loopback",
]

DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def host_name(host: str) -> str:
    """The host name of a ``Host`` header or URL authority, lower case, no port.

    Examples
    --------
    >>> host_name("LocalHost:8000"), host_name("[::1]:8080"), host_name("127.0.0.1")
    ('localhost', '::1', '127.0.0.1')
    """
    value = host.strip().lower().rsplit("@", 1)[-1]
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def allowed_hosts_for(bind: str, extra: tuple[str, ...] | list[str] = ()) -> tuple[str, ...]:
    """The host names a server bound to ``bind`` answers to: loopback names, the bind
    address itself, and ``extra`` (``--allow-host``); ``*`` in ``extra`` allows any.

    Examples
    --------
    >>> allowed_hosts_for("127.0.0.1")
    ('127.0.0.1', 'localhost', '::1')
    >>> allowed_hosts_for("10.0.0.5", ["dl.example.org"])
    ('127.0.0.1', 'localhost', '::1', '10.0.0.5', 'dl.example.org')
    """
    names = list(LOOPBACK_NAMES)
    for name in (bind, *extra):
        value = host_name(name) if name != "*" else "*"
        if value and value not in ("0.0.0.0", "::") and value not in names:
            names.append(value)
    return tuple(names)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None, users: dict[str, str] | None = None) -> None:
    """Refuse a bind address that other machines can reach when no credentials are set.

    Raises
    ------
    ParameterError
        ``host`` is not a loopback address and neither a token nor a user list is given.

    Examples
    --------
    >>> check_bind("127.0.0.1", None)
    >>> check_bind("0.0.0.0", None)
    Traceback (most recent call last):
    ...
    downline.errors.ParameterError: field 'token': binding 0.0.0.0 exposes the workspace \
to other machines; set a token with --token or DOWNLINE_TOKEN (or bind 127.0.0.1)
    """
    if is_loopback(host) or token or users:
        return
    raise ParameterError(
        f"binding {host} exposes the workspace to other machines; set a token with --token "
        "or DOWNLINE_TOKEN (or bind 127.0.0.1)",
        field="token",
    )


@dataclass(frozen=True)
class Settings:
    """What one server process serves and how it protects it.

    Attributes
    ----------
    workspace : Path
        The workspace file (DuckDB); uploads are staged in ``<folder>/.uploads``.
    token : str or None
        The shared secret for ``Authorization: Bearer`` and the dashboard login; None
        turns authentication off (allowed on loopback only, see :func:`check_bind`).
    users : dict or None
        Optional ``{user: password}`` list accepted by the login form besides the token.
    max_upload_bytes : int
        Largest request body accepted (uploads included); larger ones get 413.
    job_workers : int
        Threads running analysis jobs.
    max_batch_posts : int
        Largest number of posts in one batch screening.
    allowed_hosts : tuple of str
        Host names the server answers to (the ``Host`` header); loopback names by
        default, ``*`` for any. Anything else gets 421 (DNS rebinding defence).
    max_json_bytes, max_form_bytes : int
        Largest JSON body and login-form body (uploads have ``max_upload_bytes``).
    session_ttl : float
        Seconds a dashboard session lives after login.
    body_grace, min_body_rate : float
        A body must arrive within ``body_grace + bytes / min_body_rate`` seconds.
    job_time_limit : float
        Seconds an analysis job may run before it is cancelled.
    job_memory_limit : int
        Bytes of resident memory above which running jobs are cancelled.
    """

    workspace: Path
    token: str | None = None
    users: dict[str, str] | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    job_workers: int = 2
    max_batch_posts: int = 20_000
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES
    max_json_bytes: int = 2 * 1024 * 1024
    max_form_bytes: int = 64 * 1024
    session_ttl: float = 8 * 3600.0
    body_grace: float = 10.0
    min_body_rate: float = 64 * 1024.0
    job_time_limit: float = 50.0
    job_memory_limit: int = 3 * 1024**3 // 2

    def host_allowed(self, name: str) -> bool:
        """Whether the server answers to host ``name`` (already lower case, no port)."""
        return "*" in self.allowed_hosts or name in self.allowed_hosts

    @property
    def auth_required(self) -> bool:
        """True when requests must carry credentials."""
        return bool(self.token or self.users)

    @property
    def upload_dir(self) -> Path:
        """Where uploads are staged while they are read (next to the workspace file)."""
        return self.workspace.parent / ".uploads"
