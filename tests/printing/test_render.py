"""Every sample item's receipt and notice, on both papers, read back the way a citizen's
phone and a PDF reader would: the QR gives exactly the URL, its payload verifies, the
Chinese text is real text, and the font is embedded."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from printing import parts, qr_payload
from printing.errors import PayloadError, PrintingError, ReceiptDataError
from printing.model import Material, MissingMaterial, ReceiptData
from printing.render import render_pdf
from tests.printing.printing_support import (
    CODE_SECRET,
    ReceiptFactory,
    SampleItem,
    embedded_fonts,
    image_count,
    page_texts,
    qr_codes,
    sample_item,
    sample_item_ids,
    signature_png,
)


def _for_item(make_receipt: ReceiptFactory, item: SampleItem, kind: str) -> ReceiptData:
    code, name, department, materials = item
    received = tuple(Material(m, reused=(i == 0)) for i, m in enumerate(materials))
    missing = tuple(MissingMaterial(m.name, m.name) for m in received[:2])
    return make_receipt(
        receipt_no="0K3-7QXM-001-R",
        item_code=code,
        kind=kind,
        item_name=name,
        department=department,
        materials=received if kind == "acceptance" else received[2:],
        missing=missing if kind == "notice" else (),
    )


@pytest.mark.parametrize("paper", ["a4", "80mm"])
@pytest.mark.parametrize("kind", ["acceptance", "notice"])
@pytest.mark.parametrize("item_id", sample_item_ids())
def test_every_sample_item_prints_a_scannable_verifiable_receipt(
    make_receipt: ReceiptFactory,
    signing_key: Ed25519PrivateKey,
    item_id: str,
    kind: str,
    paper: str,
) -> None:
    item = sample_item(item_id)
    data = _for_item(make_receipt, item, kind)
    pdf = render_pdf(data, paper)

    first_page_codes = qr_codes(pdf)[0]
    assert first_page_codes == [data.tracking_url]
    query = parse_qs(urlsplit(first_page_codes[0]).query)
    claim = qr_payload.verify_payload(signing_key.public_key(), query["p"][0])
    assert claim.item_code == item[0]
    assert claim.receipt_no == data.receipt_no.replace("-", "")
    assert qr_payload.code_matches(CODE_SECRET, data.receipt_no, query["c"][0])

    text = "".join(page_texts(pdf))
    assert data.item_name.zh[:6] in text
    assert data.receipt_no in text
    assert data.verification_code in text
    assert ("一次性告知书" in text) == (kind == "notice")


def test_a_tampered_payload_from_a_scanned_receipt_fails(
    make_receipt: ReceiptFactory, signing_key: Ed25519PrivateKey
) -> None:
    scanned = qr_codes(render_pdf(make_receipt(), "80mm"))[0][0]
    payload = parse_qs(urlsplit(scanned).query)["p"][0]
    qr_payload.verify_payload(signing_key.public_key(), payload)  # genuine as scanned
    middle = len(payload) // 2
    forged = payload[:middle] + ("B" if payload[middle] != "B" else "C") + payload[middle + 1 :]
    with pytest.raises(PayloadError):
        qr_payload.verify_payload(signing_key.public_key(), forged)


@pytest.mark.parametrize("paper", ["a4", "80mm"])
def test_only_the_embedded_font_is_used(
    make_receipt: ReceiptFactory, tmp_path: Path, paper: str
) -> None:
    fonts = embedded_fonts(render_pdf(make_receipt(duplicate=True), paper), tmp_path)
    assert fonts, "pdffonts lists no font"
    assert all(emb == "yes" for _, emb in fonts), fonts
    assert all("WenQuanYiMicroHei" in name for name, _ in fonts), fonts


def test_qr_stays_at_error_correction_m_and_a_phone_sized_version(
    make_receipt: ReceiptFactory,
) -> None:
    url = make_receipt(item_code="ZWFW-SHEBAO-0001").tracking_url
    _, version = parts.qr_matrix(url)
    assert version <= 11, f"QR version {version} is too dense for 45 mm on a roll"


def test_unknown_paper_is_refused(make_receipt: ReceiptFactory) -> None:
    with pytest.raises(PrintingError, match="Unknown paper"):
        render_pdf(make_receipt(), "letter")


@pytest.mark.parametrize("paper", ["a4", "80mm"])
def test_the_signature_image_is_printed_when_given(
    make_receipt: ReceiptFactory, paper: str
) -> None:
    assert image_count(render_pdf(make_receipt(), paper)) == 0
    signed = render_pdf(make_receipt(signature_png=signature_png()), paper)
    assert image_count(signed) == 1
    assert "申请人签名" in page_texts(signed)[0]
    assert "未签名" not in "".join(page_texts(signed))


@pytest.mark.parametrize("paper", ["a4", "80mm"])
@pytest.mark.parametrize("kind", ["acceptance", "notice"])
def test_an_unsigned_receipt_says_it_was_not_signed(
    make_receipt: ReceiptFactory, paper: str, kind: str
) -> None:
    """The signature step tells clerk and citizen that an unsigned receipt says so."""
    text = "".join(page_texts(render_pdf(make_receipt(kind=kind), paper)))
    flat = " ".join(text.split())
    assert "申请人未签名" in flat
    assert "the applicant did not sign" in flat


def test_a_signature_that_is_not_an_image_is_a_clear_error(
    make_receipt: ReceiptFactory,
) -> None:
    with pytest.raises(ReceiptDataError) as caught:
        render_pdf(make_receipt(signature_png=b"\x89PNG broken"), "a4")
    assert "签名图片无法读取" in caught.value.message("zh_CN")
