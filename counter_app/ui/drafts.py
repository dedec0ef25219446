"""Work in progress that survives a crash or a power cut (no Qt here).

The intake flow saves its `Draft` as the clerk types; at the next start the window offers it
back. A draft records the form version it started on, so a catalog update that arrives
meanwhile does not change the questions under the clerk's hands. One draft per window: the
file is `data_dir/drafts/current.json`, replaced atomically (write, fsync, rename) so a kill
at any moment leaves the previous or the new draft, never half of one.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from counter_app.ui.prefs import atomic_write

log = logging.getLogger(__name__)

STEPS = ("item", "applicant", "form", "materials", "signature", "review")


@dataclass
class Draft:
    """An application being entered. `step` is where the clerk was (one of STEPS)."""

    draft_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    service_code: str = ""
    service_version: int | None = None
    applicant: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    attachments: dict[str, list[str]] = field(default_factory=dict)
    reuse: list[str] = field(default_factory=list)
    deferred: dict[str, list[str]] = field(default_factory=dict)  # 容缺: code -> [form, due]
    signature_b64: str = ""
    step: str = "item"
    clerk_id: str = ""
    updated_at: str = ""

    def signature_png(self) -> bytes | None:
        return base64.b64decode(self.signature_b64) if self.signature_b64 else None

    def set_signature(self, png: bytes | None) -> None:
        self.signature_b64 = base64.b64encode(png).decode() if png else ""

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Draft:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("draft is not an object")
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


class DraftStore:
    """Saves and offers back the window's one draft."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "drafts" / "current.json"

    def save(self, draft: Draft) -> None:
        draft.updated_at = datetime.now(UTC).isoformat(timespec="seconds")
        atomic_write(self.path, draft.to_json())

    def load(self) -> Draft | None:
        """The saved draft, or None; a damaged file is set aside, not fatal."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            draft = Draft.from_json(raw)
        except (ValueError, TypeError):
            log.warning("setting aside an unreadable draft %s", self.path)
            self.path.replace(self.path.with_suffix(".damaged"))
            return None
        return draft if draft.service_code else None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
