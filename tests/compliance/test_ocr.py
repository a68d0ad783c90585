"""OCR of posted images: a commission statement the test draws itself, read by Tesseract."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from downline.compliance import image_text, ingest_posts, ocr_available
from downline.errors import ComplianceError
from downline.store import ComplianceLedger

from .conftest import posts

INSTALL = "sh scripts/ensure-debian.sh tesseract-ocr tesseract-ocr-eng"
if not ocr_available():
    if os.environ.get("CI"):
        pytest.fail(f"tesseract is missing; run {INSTALL} (make test does)", pytrace=False)
    pytest.skip(f"tesseract is missing; run {INSTALL}", allow_module_level=True)


def statement(path: Path) -> Path:
    """A commission statement, drawn with Pillow's own font."""
    image = Image.new("RGB", (900, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.text((30, 25), "COMMISSION STATEMENT", fill="black", font_size=40)
    draw.text((30, 100), "Period: October 2025", fill="black", font_size=32)
    draw.text((30, 160), "Total commissions: $4,250.00", fill="black", font_size=32)
    draw.text((30, 220), "I made $4,250 this month from home", fill="black", font_size=32)
    image.save(path)
    return path


def test_ocr_reads_the_statement(tmp_path: Path) -> None:
    text = image_text(statement(tmp_path / "statement.png"))
    assert "COMMISSION STATEMENT" in text
    assert "$4,250" in text and "October 2025" in text


def test_image_post_is_screened_like_a_caption(ws, tmp_path: Path) -> None:
    statement(tmp_path / "statement.png")
    (tmp_path / "fake.png").write_text("this is not a picture")
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 100), 255).save(blank)
    frame = posts([("p1", "6", "2025-01-01", "Look what came in today 🙌"),
                   ("p2", "5", "2025-01-02", "Sunday vibes"),
                   ("p3", "4", "2025-01-03", "Nice day")])
    frame["image"] = ["statement.png", "fake.png", "blank.png"]
    path = tmp_path / "posts.csv"
    frame.to_csv(path, index=False)
    out = ingest_posts(ws, "acme", path, model=False)
    assert out.images_read == 1 and out.flagged == 1
    assert out.issue_counts == {"image": 2}
    messages = {i["post_id"]: i["message"] for i in out.issues}
    assert "not an image" in messages["p2"] and "no text" in messages["p3"]
    case = ComplianceLedger(ws).case("acme", 1)
    assert case["post_id"] == "p1"
    assert case["evidence"]["screening"]["violation"] is False  # the caption alone is fine
    flagged = case["evidence"]["image_screening"]
    assert flagged["violation"] and "INC-1" in {f["rule_id"] for f in flagged["flags"]}
    assert "$4,250" in case["evidence"]["post"]["image_text"]


def test_missing_image_is_an_error_of_that_image(tmp_path: Path) -> None:
    with pytest.raises(ComplianceError, match="not found"):
        image_text(tmp_path / "nope.png")
