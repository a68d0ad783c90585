"""What the browser tests need is there: a missing playwright fails here, by name.

(The browser test modules import playwright at the top; conftest.py leaves them out of
the collection when it is missing, so that this is the one clear failure.)
"""

from __future__ import annotations

import pytest


def test_playwright_is_installed() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"playwright is missing ({exc}); it is a test dependency: "
                    "pip install -e '.[test]'")
