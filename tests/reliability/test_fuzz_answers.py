"""Form answers and applicant data fuzzed with hypothesis: control characters, very long
strings, mixed scripts, right-to-left text, emoji, pasted whitespace. Each application is
either refused with a report of every problem (each with a zh and en message, tied to a
field) or saved cleanly: it reads back as saved, and its receipt renders as a PDF."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.errors import ValidationFailed
from counter_app.intake.receipts import render_receipt
from counter_app.terminal import Terminal
from forms.catalog import SAMPLE_CATALOG_DIR
from tests.sync.conftest import PERSON, pdf

WEIRD = [
    "\u202egnp.exe", "مرحبا بالعالم", "שלום עולם", "👨‍👩‍👧‍👦🇨🇳", "\x00", "\x1b[31mred",
    " \t\n 王小明 \u3000", "Ａ全角１２３", "ᚠᛇᚻ", "\ufeffBOM", "e\u0301", "\u200b", "\r\n",
    "𠮷野家", "ÅÄÖ", "'; DROP TABLE submissions; --", "{{7*7}}", "<script>x</script>", "\ud7ff",
]  # fmt: skip
pieces = st.one_of(st.sampled_from(WEIRD), st.text(max_size=8))
fuzz = st.one_of(
    st.text(max_size=40),
    st.lists(pieces, max_size=8).map("".join),
    st.text(min_size=300, max_size=3000),
    st.sampled_from(WEIRD),
)
ID_NO = PERSON["id_no"]


def half(valid: list[str]) -> st.SearchStrategy[str]:
    """Half the time a valid value (pasted with spaces, lower case...), so that many fuzzed
    applications get through validation and saving and printing are fuzzed too."""
    return st.booleans().flatmap(lambda ok: st.sampled_from(valid) if ok else fuzz)


id_numbers = half([ID_NO, ID_NO.lower(), f"  {ID_NO}\t", ID_NO.replace("X", "x")])
phones = half(["13800138000", " 138 0013 8000 ", "+86 13800138000"])
names = half(["王小明", " 王小明\u3000", "欧阳·娜娜", "Zhang San"])
seen = Counter[str]()


def check_outcome(t: Terminal, code: str, applicant: dict[str, str], answers: Any) -> None:
    files = {"scan": [pdf(str(answers)[:50])]} if code == "SYNC-001" else {}
    try:
        r = t.intake.accept(code, applicant, answers, files, clerk_id="C001")
    except ValidationFailed as exc:
        assert exc.report.problems
        for problem in exc.report.problems:
            assert problem.path and problem.text.zh and problem.text.en
        seen["refused"] += 1
        return
    finally:  # injection text among the answers: the tables are all still there
        assert t.store.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'submissions'")
    sub = t.intake.get(r.receipt_no)
    assert sub.uuid == r.uuid
    pdf_bytes = render_receipt(t, r.receipt_no)
    assert pdf_bytes.startswith(b"%PDF-")
    seen["saved"] += 1


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names, id_no=id_numbers, phone=phones, note=fuzz)
def test_fuzzed_text_item(terminal: Terminal, name: str, id_no: str, phone: str, note: str) -> None:
    applicant = {"kind": "person", "id_no": id_no, "name": name, "phone": phone}
    check_outcome(terminal, "SYNC-001", applicant, {"note": note})


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzzed_answers_on_every_sample_item(terminal: Terminal, data: st.DataObject) -> None:
    if not seen["imported"]:
        terminal.import_catalog(SAMPLE_CATALOG_DIR)
        seen["imported"] += 1
    items = {i.code: i for i in terminal.service_items() if i.code != "SYNC-001"}
    if not items:
        terminal.import_catalog(SAMPLE_CATALOG_DIR)
        items = {i.code: i for i in terminal.service_items() if i.code != "SYNC-001"}
    item = items[data.draw(st.sampled_from(sorted(items)))]
    values = st.one_of(fuzz, st.integers(), st.none(), st.lists(fuzz, max_size=3), st.booleans())
    answers = {f.code: data.draw(values) for f in item.fields}
    applicant = {"kind": item.applicant_kind, "id_no": data.draw(id_numbers)}
    applicant |= {"name": data.draw(names), "phone": data.draw(phones)}
    check_outcome(terminal, item.code, applicant, answers)


def test_zz_report_counts() -> None:
    print(f"\nfuzzed applications: {dict(seen)}")
