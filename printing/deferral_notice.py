"""The 容缺受理通知书: the written record of an acceptance with a minor material missing.

Two copies on two A4 pages, like the one-time notice: the applicant keeps the first, the
hall files the second with the signed promise. Each copy lists every deferred material with
the form it must come in and its catch-up date, what happens if it is late, the applicant's
signed promise, and the receipt's QR code (the same tracking URL as the receipt).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from forms.text import Text
from printing import content, parts
from printing.fonts import register_font

COPIES = (Text("第一联　申请人留存", "Copy 1: for the applicant"),
          Text("第二联　窗口留存", "Copy 2: kept by the hall"))  # fmt: skip
TITLE = Text("容缺受理通知书", "Notice of Acceptance with Materials to Follow")
PROMISE = Text(
    "本人承诺：在上述日期前按所列形式补交材料，所作承诺真实有效。",
    "I promise to hand in the materials above, in the form given, by the dates given.",
)


@dataclass(frozen=True, slots=True)
class Deferred:
    """One material to follow: its name, the form it must come in, the catch-up date."""

    name: Text
    form: str
    due: date


@dataclass(frozen=True, slots=True)
class DeferralNotice:
    """Everything the notice shows; name and identifier already masked."""

    hall: str
    window: str
    receipt_no: str
    item_name: Text
    applicant_name: str
    applicant_id: str
    accepted_at: datetime
    promised_date: date
    materials: tuple[Deferred, ...]
    consequence: Text
    tracking_url: str
    verification_code: str
    promise_png: bytes | None = None


def render_deferral_notice(notice: DeferralNotice) -> bytes:
    """Both copies as one A4 PDF."""
    font = register_font()
    styles = parts.make_styles(font, 10.5)
    story: list[Flowable] = []
    for number, copy in enumerate(COPIES):
        story += _copy(notice, copy, styles)
        if number == 0:
            story.append(PageBreak())
    buffer = io.BytesIO()
    margin = 18 * mm
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=margin, title=f"{TITLE.zh} {notice.receipt_no}", author=notice.hall,
        initialFontName=font,
    )  # fmt: skip
    doc.build(story)
    return buffer.getvalue()


def _copy(n: DeferralNotice, copy: Text, styles: parts.Styles) -> list[Flowable]:
    width = A4[0] - 36 * mm
    big = ParagraphStyle("title", parent=styles.centred, fontSize=16, leading=22, spaceAfter=4)
    title = Paragraph(escape(TITLE.zh), big)
    facts = [
        content.Row(content.RECEIPT_NO, content.plain(n.receipt_no)),
        content.Row(Text("办理事项", "Service item"), n.item_name),
        content.Row(Text("申请人", "Applicant"), content.plain(n.applicant_name)),
        content.Row(Text("证件号码", "ID number"), content.plain(n.applicant_id)),
        content.Row(Text("受理时间", "Accepted at"),
                    content.plain(n.accepted_at.strftime("%Y-%m-%d %H:%M"))),
        content.Row(Text("承诺办结日期", "Promised by"),
                    content.plain(n.promised_date.isoformat())),
        content.Row(Text("受理窗口", "Window"), content.plain(f"{n.hall} {n.window}")),
    ]  # fmt: skip
    rows = [
        content.Row(
            Text(f"{i}. {m.name.zh}", f"{i}. {m.name.en}"),
            Text(f"形式：{m.form}；补交期限：{m.due}前", f"Form: {m.form}; by {m.due}"),
        )
        for i, m in enumerate(n.materials, start=1)
    ]
    story: list[Flowable] = [title, *parts.bilingual(copy, styles, styles.centred), Spacer(1, 6)]
    story += [parts.rows_table(facts, styles, width, 0.24)]
    story += [parts.heading(Text("容缺材料", "Materials to follow"), styles)]
    story += [parts.rows_table(rows, styles, width, 0.4)]
    story += [parts.heading(Text("逾期后果", "If late"), styles)]
    story += parts.bilingual(n.consequence, styles)
    story += [parts.heading(Text("申请人承诺", "Applicant's promise"), styles)]
    story += parts.bilingual(PROMISE, styles)
    story += _signature(n, styles)
    story += [Spacer(1, 8), parts.QrFlowable(n.tracking_url, 0.62 * mm)]
    code = f"{content.TYPED_CODE.zh} {n.verification_code}"
    story += [Paragraph(escape(code), styles.centred)]
    return story


def _signature(n: DeferralNotice, styles: parts.Styles) -> list[Flowable]:
    if n.promise_png is None:
        return []
    from reportlab.platypus import Image

    image = Image(io.BytesIO(n.promise_png), 50 * mm, 18 * mm, kind="proportional", hAlign="LEFT")
    return [image]
