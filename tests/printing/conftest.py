"""Fixtures for the printing tests: a terminal signing key and a receipt factory."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms.text import Text
from printing import qr_payload
from printing.model import Material, MissingMaterial, ReceiptData, mask_identifier, mask_name
from tests.printing.printing_support import (
    ACCEPTED_AT,
    CODE_SECRET,
    FALLBACK_ITEMS,
    PORTAL,
    ReceiptFactory,
)


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def make_receipt(signing_key: Ed25519PrivateKey) -> ReceiptFactory:
    """Build a ReceiptData with a genuinely signed QR URL; keyword arguments override."""

    def build(
        receipt_no: str = "0K3-7QXM-004-R", item_code: str = "SCJG-001", **overrides: Any
    ) -> ReceiptData:
        payload = qr_payload.sign_payload(signing_key, receipt_no, item_code, ACCEPTED_AT, "7QXM")
        code = qr_payload.tracking_code(CODE_SECRET, receipt_no)
        values: dict[str, Any] = dict(
            kind="acceptance",
            hall="南昌市政务服务中心",
            window="12",
            receipt_no=receipt_no,
            item_name=FALLBACK_ITEMS[0][1],
            department=FALLBACK_ITEMS[0][2],
            applicant_name=mask_name("张三明"),
            applicant_id=mask_identifier("11010519491231002X"),
            accepted_at=ACCEPTED_AT,
            promised_date=date(2026, 12, 3),
            fee="0.00",
            clerk_id="C0107",
            tracking_url=qr_payload.qr_url(PORTAL, receipt_no, code, payload),
            verification_code=qr_payload.typed_code(CODE_SECRET, receipt_no),
            materials=(Material(Text("居民身份证", "Resident ID card"), True),),
            missing=(MissingMaterial(Text("营业执照", "Licence"), Text("已过期", "expired")),),
            come_back=Text("十个工作日内回到任一综合窗口", "Any general window within 10 days"),
        )
        values.update(overrides)
        return ReceiptData(**values)

    return build
