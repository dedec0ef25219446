"""From a stored application to its receipt: what is printed, the signed QR, and the audit
of every copy (uses the store's `terminal` fixture: a real data folder and SQLite file)."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pypdfium2 as pdfium
import pytest
from PIL import Image

from counter_app.errors import NotFound
from counter_app.intake import receipts
from counter_app.store import audit
from counter_app.terminal import Terminal
from printing import qr_payload
from printing.backends import PdfFileBackend
from printing.errors import PrintOutputError

APPLICANT = {
    "kind": "person",
    "id_no": "11010519491231002x",
    "name": "王小明",
    "phone": "13800138000",
}
ANSWERS = {"address": "南昌市红谷滩区市民中心 1 号", "marital_status": "single"}
PDF = b"%PDF-1.4\n% test document\n1 0 obj <<>> endobj\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _accept(terminal: Terminal, married: bool = False, **extra: object) -> str:
    answers = {**ANSWERS, "marital_status": "married" if married else "single"}
    result = terminal.intake.accept(
        "TEST-001",
        APPLICANT,
        answers,
        {"id_card": [PDF], "form": [PDF]},
        clerk_id="C001",
        **extra,  # type: ignore[arg-type]
    )
    return result.receipt_no


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def _actions(terminal: Terminal, receipt_no: str) -> list[str]:
    return [e["action"] for e in audit.entries(terminal.store, receipt_no)]


def test_receipt_data_shows_the_stored_application_masked(terminal: Terminal) -> None:
    png = _png()
    number = _accept(terminal, signature_png=png)
    data = receipts.receipt_data_for(terminal, number)
    sub = terminal.intake.get(number)
    assert data.kind == "acceptance" and not data.duplicate
    assert data.receipt_no == f"{number[:3]}-{number[3:7]}-{number[7:10]}-{number[10:]}"
    assert data.item_name.zh == "测试事项" and data.department.en == "Test department"
    assert data.applicant_name == "王*明"
    assert data.applicant_id == "**************002X"
    assert data.hall == "南昌市民中心" and data.window == "12" and data.clerk_id == "C001"
    assert data.promised_date == sub.due_date
    assert (
        data.accepted_at.utcoffset() is not None
        and data.accepted_at.utcoffset().seconds == 8 * 3600
    )
    assert [(m.name.zh, m.reused) for m in data.materials] == [
        ("居民身份证", False),
        ("申请表", False),
    ]
    assert data.signature_png == png


def test_the_qr_url_is_signed_by_this_terminal(terminal: Terminal) -> None:
    number = _accept(terminal)
    url = receipts.receipt_data_for(terminal, number).tracking_url
    assert url.startswith(f"{receipts.UNENROLLED_PORTAL}/t/")
    query = parse_qs(urlsplit(url).query)
    claim = qr_payload.verify_payload(terminal.public_key(), query["p"][0])
    assert (claim.receipt_no, claim.item_code, claim.terminal_id) == (number, "TEST-001", "7QXM")
    assert qr_payload.code_matches(terminal.code_secret(), number, query["c"][0])
    terminal.portal_url = "https://zwfw.example.gov.cn"
    assert receipts.receipt_data_for(terminal, number).tracking_url.startswith(
        "https://zwfw.example.gov.cn/t/"
    )


def test_the_qr_reuses_the_payload_signed_at_intake_and_signs_older_ones_alike(
    terminal: Terminal,
) -> None:
    number = _accept(terminal)
    stored = terminal.intake.get(number).signed_payload
    url = receipts.receipt_data_for(terminal, number).tracking_url
    assert stored and parse_qs(urlsplit(url).query)["p"] == [stored]
    # an application taken before payloads were stored: signed at print, the same QR
    terminal.store.execute("UPDATE submissions SET signed_payload = NULL")
    assert receipts.receipt_data_for(terminal, number).tracking_url == url


def test_a_notice_lists_what_is_missing_and_where_to_come_back(terminal: Terminal) -> None:
    number = _accept(terminal, married=True, wrong={"form": "未签字"})
    data = receipts.receipt_data_for(terminal, number)
    assert data.kind == "notice"
    reasons = {m.name.zh: m.reason.zh for m in data.missing}
    assert reasons == {"结婚证": "未提供", "申请表": "不符合要求：未签字"}
    assert "南昌市民中心" in data.come_back.zh
    text = _text(receipts.render_receipt(terminal, number, "80mm"))
    assert "一次性告知书" in text and "结婚证" in text and "未签字" in text


def test_hall_specific_come_back_wording_is_used(terminal: Terminal) -> None:
    terminal.store.set_setting("notice_come_back_zh", "请到三楼 5 号窗口")
    terminal.store.set_setting("notice_come_back_en", "Third floor, window 5")
    number = _accept(terminal, married=True)
    assert receipts.receipt_data_for(terminal, number).come_back.en == "Third floor, window 5"


def test_render_audits_the_original_and_each_reprint(terminal: Terminal) -> None:
    number = _accept(terminal)
    original = receipts.render_receipt(terminal, number, "a4", actor="C001")
    reprint = receipts.render_receipt(terminal, number, "a4", duplicate=True, actor="C001")
    assert "副本" not in _text(original)
    assert "副本" in _text(reprint) and "DUPLICATE" in _text(reprint)
    assert _actions(terminal, number)[-2:] == [receipts.PRINT, receipts.REPRINT]
    assert audit.verify(terminal.store).ok


def test_deliver_marks_the_second_copy_duplicate(terminal: Terminal, tmp_path: Path) -> None:
    number = _accept(terminal)
    first = PdfFileBackend(tmp_path / "first.pdf")
    second = PdfFileBackend(tmp_path / "second.pdf", paper="80mm")
    assert receipts.deliver(terminal, number, first, "C001") is False
    assert receipts.deliver(terminal, number, second, "C001") is True
    assert "副本" not in _text((tmp_path / "first.pdf").read_bytes())
    assert "副本" in _text((tmp_path / "second.pdf").read_bytes())
    entry = audit.entries(terminal.store, number)[-1]
    assert entry["action"] == receipts.REPRINT and '"80mm"' in entry["detail"]


def test_a_failed_print_leaves_the_application_and_the_next_copy_is_the_original(
    terminal: Terminal, tmp_path: Path
) -> None:
    number = _accept(terminal)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PrintOutputError):
        receipts.deliver(terminal, number, PdfFileBackend(blocker / "r.pdf"), "C001")
    assert terminal.intake.get(number).status == "received"
    assert receipts.PRINT not in _actions(terminal, number)
    assert receipts.deliver(terminal, number, PdfFileBackend(tmp_path / "r.pdf"), "C001") is False


def test_unknown_receipt_is_not_found(terminal: Terminal) -> None:
    with pytest.raises(NotFound):
        receipts.receipt_data_for(terminal, "000-7QXM-999-0")
