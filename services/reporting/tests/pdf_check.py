"""Reading a PDF export back as a reader would: its text (pdftotext) and, for words in
Vietnamese, whether the marked letters really render (pdftoppm): a font without Vietnamese
glyphs shows ế, ệ, ễ as plain e or as identical missing-glyph boxes, which text extraction
alone would not notice. Uses Debian's poppler-utils."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image, ImageChops

# Put these words in a report (e.g. in an authority's name) and check them with `check_glyphs`.
GLYPH_WORDS = ("ế", "ệ", "ễ", "e")
DPI = 200


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is missing: install Debian's poppler-utils (apt-get install -y poppler-utils)")
    return found


def pdf_text(document: Path) -> str:
    return subprocess.run(
        [poppler("pdftotext"), "-layout", str(document), "-"], capture_output=True, text=True, check=True
    ).stdout


def check_glyphs(document: Path, work: Path) -> None:
    """Each of GLYPH_WORDS on page 1 leaves ink, and the marked letters differ from a plain e
    and from each other."""
    bbox = work / "words.html"
    subprocess.run([poppler("pdftotext"), "-bbox", str(document), str(bbox)], check=True)
    words = _word_boxes(bbox.read_text(encoding="utf-8"))
    subprocess.run(
        [poppler("pdftoppm"), "-r", str(DPI), "-f", "1", "-l", "1", "-png", str(document), str(work / "page")],
        check=True,
    )
    page = Image.open(next(work.glob("page*.png"))).convert("L")
    crops = {word: _ink(page, words[word], DPI / 72) for word in GLYPH_WORDS}
    for word, crop in crops.items():
        assert crop.getbbox() is not None, f"{word} left no ink on the page"
    marked = [crops[w] for w in ("ế", "ệ", "ễ")]
    for i, first in enumerate(marked):
        assert _differs(first, crops["e"]), "a marked e renders like a plain e: the font lacks Vietnamese glyphs"
        for second in marked[i + 1 :]:
            assert _differs(first, second), "two different Vietnamese letters render alike (missing-glyph boxes)"


def _word_boxes(html: str) -> dict[str, tuple[float, float, float, float]]:
    root = ElementTree.fromstring(
        html.replace("<!DOCTYPE", "<!-- ").replace('"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">', "-->")
    )
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for element in root.iter():
        if element.tag.endswith("word") and element.text in GLYPH_WORDS:
            a = element.attrib
            boxes.setdefault(element.text, (float(a["xMin"]), float(a["yMin"]), float(a["xMax"]), float(a["yMax"])))
    missing = set(GLYPH_WORDS) - set(boxes)
    assert not missing, f"pdftotext did not find the words {missing}: the text layer is wrong"
    return boxes


def _ink(page: Image.Image, box: tuple[float, float, float, float], scale: float) -> Image.Image:
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    crop = page.crop((x0 - 2, y0 - 6, x1 + 2, y1 + 6)).point(lambda v: 255 if v < 128 else 0)
    ink = crop.getbbox()
    return crop.crop(ink) if ink else crop


def _differs(first: Image.Image, second: Image.Image) -> bool:
    if first.size != second.size:
        return True
    return ImageChops.difference(first, second).getbbox() is not None
