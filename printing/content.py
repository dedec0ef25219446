"""What a receipt says, independent of how it is drawn.

Both PDF layouts and the ESC/POS text back-end print the same sections in the same order
from these functions, so the A4 sheet, the roll and the thermal printout can never disagree
about what the citizen was told. Every label is bilingual: Chinese first, English under it.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.text import Text
from printing.model import ReceiptData

DUPLICATE = Text("副本", "DUPLICATE")
CONTINUED = Text("续", "continued")
RECEIPT_NO = Text("受理编号", "Receipt No.")
TYPED_CODE = Text("查询码", "Code")
ADDRESS = Text("查询地址", "Tracking address")
SIGNATURE = Text("申请人签名", "Applicant's signature")
UNSIGNED = Text(
    "申请人未签名：本回执未经申请人签名确认。",
    "Not signed: the applicant did not sign to confirm this receipt.",
)
RECEIVED = Text("已收材料", "Materials received")
REUSED = Text("复用", "reused")
STILL_NEEDED = Text("需补正材料", "Still needed")
COME_BACK = Text("补正地点与时间", "Where and when to come back")
NOTES = Text("说明", "Notes")
NONE = Text("无", "none")

TITLES = {
    "acceptance": Text("受理回执", "Acceptance Receipt"),
    "notice": Text("一次性告知书", "One-time Notice"),
}
ACCEPTANCE_NOTE = Text(
    "请妥善保管本回执。扫描二维码，或打开查询地址，输入受理编号和查询码，即可查看办理进度。",
    "Keep this receipt. Scan the QR code, or open the tracking address and enter the receipt "
    "number and the code, to follow your application.",
)
NOTICE_NOTE = Text(
    "以上为需要补正的全部材料，一次告知。补齐后请携带本告知书到任一综合窗口办理。",
    "This notice lists everything still needed, once. Bring it with the materials to any "
    "general window.",
)

SETTLED_ON_THE_SPOT = Text("即办件，已当场办结", "Settled on the spot")
SETTLED_NOTE = Text(
    "本事项为即办件，已于受理时当场办结。扫描二维码可查看办理记录并评价服务。",
    "This item was settled at the window when it was accepted. Scan the QR code to see the "
    "record and rate the service.",
)

NOTICE_LAW = Text(
    "依据《中华人民共和国行政许可法》第三十二条：申请材料不齐全或者不符合法定形式的，"
    "应当当场或者在五日内一次告知申请人需要补正的全部内容；逾期不告知的，"
    "自收到申请材料之日起即为受理。",
    "Administrative Licensing Law, article 32: when materials are incomplete or not in the "
    "legal form, everything to be corrected is told at once, on the spot or within five "
    "days; if not told in time, the application counts as accepted from the day the "
    "materials were received.",
)


def seal_line(data: ReceiptData) -> Text:
    """Who issues the notice and when, next to the seal."""
    day = data.accepted_at.strftime("%Y-%m-%d")
    return Text(f"{data.hall}（盖章）　{day}", f"{data.hall} (seal), {day}")


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled line of the receipt: label and value, each in both languages."""

    label: Text
    value: Text


def plain(value: str) -> Text:
    """A value that reads the same in both languages (numbers, IDs, names)."""
    return Text(value, value)


SUPPLEMENT_TITLE = Text("补正材料收件回执", "Supplement Receipt")
SUPPLEMENT_NOTE = Text(
    "补正材料已收取，将转交原受理窗口。办理进度请凭原受理回执上的查询码查询。",
    "The materials were received and go to the window that took the application. Follow "
    "it with the code on your first receipt.",
)


def title(data: ReceiptData) -> Text:
    return SUPPLEMENT_TITLE if data.taken_for else TITLES[data.kind]


def hall_line(data: ReceiptData) -> Text:
    return Text(f"{data.hall}　{data.window} 号窗口", f"Window {data.window}")


def fee_text(fee: str) -> Text:
    """The fee in yuan; "0.00" reads as free, which is what a citizen wants to know."""
    if fee.strip() in ("", "0", "0.00"):
        return Text("免费", "free of charge")
    return Text(f"¥{fee} 元", f"CNY {fee}")


def rows(data: ReceiptData) -> tuple[Row, ...]:
    """The labelled facts, in print order; a notice promises no date since nothing is accepted."""
    when = data.accepted_at.strftime("%Y-%m-%d %H:%M")
    result = [
        Row(Text("办理事项", "Service item"), data.item_name),
        Row(Text("承办部门", "Department"), data.department),
        Row(Text("申请人", "Applicant"), plain(data.applicant_name)),
        Row(Text("证件号码", "ID number"), plain(data.applicant_id)),
    ]
    if data.taken_for:
        result[3:] = [Row(Text("收件时间", "Received at"), plain(when))]
        result.append(Row(Text("原申请", "For"), data.taken_for))
    elif data.is_notice:
        result.append(Row(Text("告知时间", "Issued at"), plain(when)))
    else:
        result.append(Row(Text("受理时间", "Accepted at"), plain(when)))
        result.append(_outcome_row(data))
    result.append(Row(Text("收费", "Fee"), fee_text(data.fee)))
    result.append(Row(Text("受理人员", "Clerk"), plain(data.clerk_id)))
    return tuple(result)


def _outcome_row(data: ReceiptData) -> Row:
    """A 即办件 is settled on the receipt itself; a 承诺件 gets its promised date, marked
    when the holidays of a year it runs into are not published yet."""
    if data.settled_on_the_spot:
        return Row(Text("办理结果", "Outcome"), SETTLED_ON_THE_SPOT)
    day = data.promised_date.isoformat()
    if data.due_provisional:
        return Row(
            Text("承诺办结日期", "Promised by"),
            Text(f"{day}（节假日安排未公布，日期可能调整）", f"{day} (holidays not yet published)"),
        )
    return Row(Text("承诺办结日期", "Promised by"), plain(day))


def material_lines(data: ReceiptData) -> tuple[Text, ...]:
    """Received materials, numbered, reused ones marked so the citizen knows what was kept."""
    lines = []
    for number, material in enumerate(data.materials, start=1):
        mark = Text(f"（{REUSED.zh}）", f" ({REUSED.en})") if material.reused else plain("")
        lines.append(
            Text(f"{number}. {material.name.zh}{mark.zh}", f"{number}. {material.name.en}{mark.en}")
        )
    return tuple(lines)


def missing_lines(data: ReceiptData) -> tuple[Row, ...]:
    """Each material still needed with the reason, numbered."""
    return tuple(
        Row(
            Text(f"{n}. {m.name.zh}", f"{n}. {m.name.en}"),
            m.reason,
        )
        for n, m in enumerate(data.missing, start=1)
    )


NOT_YET = Text("暂未开通", "not available yet")


def closing_notes(data: ReceiptData) -> tuple[Text, ...]:
    """The notes at the foot; before any platform is known, the honest word about tracking
    replaces the instructions that could not work yet."""
    offline = (data.offline_note,) if data.offline_note else ()
    if data.taken_for:
        return (SUPPLEMENT_NOTE, *offline)
    if data.is_notice:
        return (NOTICE_NOTE, NOTICE_LAW, *offline)
    if data.settled_on_the_spot:
        return (SETTLED_NOTE, *offline)
    return offline or (ACCEPTANCE_NOTE,)


def address(data: ReceiptData) -> str:
    """The tracking address as printed: the short one, or "not available yet"."""
    if data.offline_note:
        return f"{NOT_YET.zh} {NOT_YET.en}"
    return data.short_address
