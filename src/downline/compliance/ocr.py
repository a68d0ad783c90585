"""Text in posted images, read by OCR (Tesseract through pytesseract).

Earnings claims often travel as pictures (commission statements, paycheck screenshots);
the text in the picture is the claim, and it is screened like a caption. The Tesseract
engine is Debian's ``tesseract-ocr`` package, installed by ``scripts/ensure-debian.sh``
(``make test`` and ``make demo`` run it).
"""

from __future__ import annotations

import shutil
from os import PathLike
from pathlib import Path

from downline.errors import ComplianceError

__all__ = ["MAX_IMAGE_PIXELS", "image_text", "ocr_available"]

MAX_IMAGE_PIXELS = 40_000_000
"""Largest image read (width x height); a larger one is reported, not decoded, so that a
decompression bomb cannot exhaust memory."""


def ocr_available() -> bool:
    """Whether the Tesseract engine and its Python binding are installed.

    Examples
    --------
    >>> isinstance(ocr_available(), bool)
    True
    """
    try:
        # lazy: OCR is optional at run time: this checks whether it is installed
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return shutil.which("tesseract") is not None


def image_text(path: str | PathLike[str], *, lang: str = "eng", timeout: float = 30.0) -> str:
    """The text Tesseract reads in the image at ``path`` (whitespace tidied).

    Parameters
    ----------
    path : path
        A PNG, JPEG, GIF, BMP, TIFF or WebP file.
    lang : str
        Tesseract language(s), ``"eng"`` or for example ``"eng+spa"`` when installed.
    timeout : float
        Seconds before OCR of one image is given up.

    Returns
    -------
    str

    Raises
    ------
    downline.errors.ComplianceError
        The file is missing, is not an image, is larger than :data:`MAX_IMAGE_PIXELS`,
        holds no readable text, or Tesseract is not installed (the message says how to
        install it).

    Examples
    --------
    >>> from PIL import Image, ImageDraw
    >>> import tempfile, os
    >>> img = Image.new("L", (600, 120), 255)
    >>> ImageDraw.Draw(img).text((10, 40), "COMMISSION 4,250", fill=0, font_size=40)
    >>> path = os.path.join(tempfile.mkdtemp(), "c.png"); img.save(path)
    >>> "COMMISSION" in image_text(path)  # doctest: +SKIP
    True
    """
    # lazy: PIL and pytesseract (which brings pandas) only for image posts
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise ComplianceError("image file not found", path=path, field="image")
    try:
        # lazy: pytesseract brings pandas; only image posts need it
        import pytesseract
    except ImportError as exc:
        raise ComplianceError("pytesseract is not installed (pip install pytesseract)",
                              field="image") from exc
    try:
        with Image.open(path) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ComplianceError(
                    f"image is {width}x{height} pixels, more than {MAX_IMAGE_PIXELS:,}",
                    path=path, field="image")
            probe.load()
            image = probe.convert("L")
    except UnidentifiedImageError as exc:
        raise ComplianceError("not an image (PNG, JPEG, GIF, BMP, TIFF or WebP)", path=path,
                              field="image") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ComplianceError(f"image cannot be decoded ({exc})", path=path,
                              field="image") from exc
    # Small screenshots read far better scaled up: Tesseract expects ~300 dpi text.
    if image.height < 600:
        factor = max(2, 600 // max(image.height, 1))
        factor = min(factor, 4)
        image = image.resize((image.width * factor, image.height * factor))
    try:
        text = pytesseract.image_to_string(image, lang=lang, timeout=timeout)
    except pytesseract.TesseractNotFoundError as exc:
        raise ComplianceError("the Tesseract OCR engine is not installed; run "
                              "sh scripts/ensure-debian.sh tesseract-ocr tesseract-ocr-eng",
                              field="image") from exc
    except (pytesseract.TesseractError, RuntimeError) as exc:
        raise ComplianceError(f"OCR failed ({str(exc).strip()[:200]})", path=path,
                              field="image") from exc
    text = " ".join(text.split())
    if not any(ch.isalnum() for ch in text):
        raise ComplianceError("no text could be read in the image", path=path, field="image")
    return text
