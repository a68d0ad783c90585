"""Settings of one server process and the bind-address rule (token required off loopback)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from downline.errors import ParameterError

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "Settings", "check_bind", "is_loopback"]

DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024


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
    """

    workspace: Path
    token: str | None = None
    users: dict[str, str] | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    job_workers: int = 2
    max_batch_posts: int = 20_000

    @property
    def auth_required(self) -> bool:
        """True when requests must carry credentials."""
        return bool(self.token or self.users)

    @property
    def upload_dir(self) -> Path:
        """Where uploads are staged while they are read (next to the workspace file)."""
        return self.workspace.parent / ".uploads"
