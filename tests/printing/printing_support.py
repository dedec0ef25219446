"""Shared by the printing tests: sample data, and helpers that read a PDF the way a person
or a phone would (text, pages, QR codes, embedded fonts). Imported as `printing_support`
(tests/ has no packages, so the name must not clash with anything importable)."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, ImageDraw

from forms.text import Text
from printing.model import ReceiptData

CATALOG_DIR = Path(__file__).resolve().parents[2] / "assets" / "catalog"
PORTAL = "https://zwfw.example.gov.cn"
CODE_SECRET = bytes(range(32))
CHINA = timezone(timedelta(hours=8))
ACCEPTED_AT = datetime(2026, 11, 26, 14, 5, tzinfo=CHINA)

# Until the forms engineer's catalog lands, these stand in for assets/catalog/*.yaml.
FALLBACK_ITEMS = [
    (
        "SCJG-001",
        Text("个体工商户设立登记", "Registration of an individual business"),
        Text("市场监督管理局", "Market Regulation Administration"),
        [Text("居民身份证", "Resident ID card"), Text("经营场所证明", "Proof of premises")],
    ),
    (
        "GJJ-001",
        Text("住房公积金提取（租房）", "Housing fund withdrawal (renting)"),
        Text("住房公积金管理中心", "Housing Provident Fund Centre"),
        [Text("租房合同", "Tenancy agreement"), Text("银行卡", "Bank card")],
    ),
]


SampleItem = tuple[str, Text, Text, list[Text]]


def sample_item_ids() -> list[str]:
    """One id per sample catalog file (or fallback item), known at collection time."""
    files = sorted(CATALOG_DIR.glob("*.yaml"))
    return [f.stem for f in files] if files else [item[0] for item in FALLBACK_ITEMS]


def sample_item(item_id: str) -> SampleItem:
    """(code, name, department, material names) of one sample item, loaded in the test so
    that a broken catalog file fails its own test, not the whole module's collection."""
    path = CATALOG_DIR / f"{item_id}.yaml"
    if not path.exists():
        return next(item for item in FALLBACK_ITEMS if item[0] == item_id)
    from forms.catalog import load_item

    item = load_item(path)
    return item.code, item.name, item.department, [m.name for m in item.materials]


def signature_png() -> bytes:
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line([(10, 80), (100, 20), (200, 70), (290, 30)], fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def pages(pdf: bytes) -> Iterator[pdfium.PdfPage]:
    document = pdfium.PdfDocument(pdf)
    for index in range(len(document)):
        yield document[index]


def page_count(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """The text a reader can select and search, one string per page."""
    return [page.get_textpage().get_text_range() for page in pages(pdf)]


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    return [(w / 72 * 25.4, h / 72 * 25.4) for w, h in (p.get_size() for p in pages(pdf))]


def qr_codes(pdf: bytes, dpi: int = 150) -> list[list[str]]:
    """Every QR code zxing-cpp finds on each page, rasterised at `dpi` like a scan."""
    found = []
    for page in pages(pdf):
        image = page.render(scale=dpi / 72).to_pil()
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        found.append([r.text for r in results])
    return found


def embedded_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, emb column) rows of `pdffonts` (poppler-utils)."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


ReceiptFactory = Callable[..., ReceiptData]


def right_edge_mm(pdf: bytes) -> float:
    """The rightmost extent of any character on the first page, in millimetres."""
    page = next(pages(pdf))
    textpage = page.get_textpage()
    right = max(textpage.get_charbox(i)[2] for i in range(textpage.count_chars()))
    return float(right) / 72 * 25.4


def image_count(pdf: bytes) -> int:
    """Raster images on the first page (the QR is vector, so this counts the signature)."""
    import pypdfium2.raw as pdfium_c

    page = next(pages(pdf))
    return len(list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])))


def bottom_gap_mm(pdf: bytes) -> float:
    """Distance from the lowest character on the first page to the paper's bottom edge."""
    page = next(pages(pdf))
    textpage = page.get_textpage()
    lowest = min(textpage.get_charbox(i)[1] for i in range(textpage.count_chars()))
    return float(lowest) / 72 * 25.4
