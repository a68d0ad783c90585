"""The workspace: an embedded DuckDB file that keeps networks, genealogies and results.

A user loads once and analyses many times. Every write is one transaction: a load that
fails half-way (bad data, a full disk, Ctrl-C) leaves the workspace as it was. No area
writes SQL; they go through :class:`Workspace`.
"""

from downline.store.compliance import AUDIT_COLUMNS, ComplianceLedger
from downline.store.workspace import (
    DEFAULT_WORKSPACE,
    Workspace,
    default_lock_wait,
    default_workspace_path,
)

__all__ = [
    "AUDIT_COLUMNS",
    "DEFAULT_WORKSPACE",
    "ComplianceLedger",
    "Workspace",
    "default_lock_wait",
    "default_workspace_path",
]
