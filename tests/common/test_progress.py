"""One Progress type: no area defines its own."""

from __future__ import annotations

import re
from pathlib import Path

import downline


def test_no_module_defines_its_own_progress_alias() -> None:
    src = Path(downline.__file__).parent
    pattern = re.compile(r"^Progress\s*=", re.MULTILINE)
    owners = [str(p.relative_to(src)) for p in src.rglob("*.py")
              if pattern.search(p.read_text(encoding="utf-8"))]
    assert owners == ["common/progress.py"]
