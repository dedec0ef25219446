"""The states an application moves through, shared by terminal, wire protocol and portal."""

from __future__ import annotations

from enum import StrEnum

from forms.text import Text


class Status(StrEnum):
    """An application's state. The terminal sets the first two; the platform the rest."""

    RECEIVED = "received"  # accepted at the counter, all required materials present
    NOTICE_ISSUED = "notice_issued"  # one-time notice: materials missing, nothing accepted yet
    UNDER_REVIEW = "under_review"
    SUPPLEMENT_NEEDED = "supplement_needed"
    SUPPLEMENTED = "supplemented"  # the asked-for materials were brought to a window
    APPROVED = "approved"
    REJECTED = "rejected"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    VOIDED = "voided"  # voided at the counter by a supervisor, with a reason


LABELS: dict[Status, Text] = {
    Status.RECEIVED: Text("已受理", "Received"),
    Status.NOTICE_ISSUED: Text("已出具一次性告知单", "Notice issued"),
    Status.UNDER_REVIEW: Text("审查中", "Under review"),
    Status.SUPPLEMENT_NEEDED: Text("需补正材料", "Supplement needed"),
    Status.SUPPLEMENTED: Text("已补正材料", "Supplement received"),
    Status.APPROVED: Text("已批准", "Approved"),
    Status.REJECTED: Text("不予批准", "Rejected"),
    Status.READY_FOR_PICKUP: Text("待领取", "Ready for pickup"),
    Status.DELIVERED: Text("已办结送达", "Delivered"),
    Status.VOIDED: Text("已作废", "Voided"),
}

#: States in which the work is finished: counted as settled in the statistics.
SETTLED = frozenset({Status.APPROVED, Status.REJECTED, Status.READY_FOR_PICKUP, Status.DELIVERED})
#: States that still count against the promised completion date.
OPEN = frozenset(
    {Status.RECEIVED, Status.UNDER_REVIEW, Status.SUPPLEMENT_NEEDED, Status.SUPPLEMENTED}
)

# What a counter may set, and how (the platform refuses anything else from a terminal):
#: by accepting: the first status an application is pushed with;
ACCEPTANCE_STATES = frozenset({Status.RECEIVED, Status.NOTICE_ISSUED})
#: by a later status event: a supplement brought to any window of the hall, a void (with
#: a reason, by the owning terminal only). Every other state is the back office's.
COUNTER_EVENTS = frozenset({Status.SUPPLEMENTED, Status.VOIDED})
#: A 即办件 (item kind "immediate") is settled at the window in the same step as its
#: acceptance: the owning terminal sends this one status, once, right after RECEIVED.
SETTLED_ON_THE_SPOT = Status.DELIVERED
#: Events that need a note saying why.
NEEDS_REASON = frozenset({Status.VOIDED})
#: States only a counter sets: the back office may not.
COUNTER_ONLY = frozenset({Status.NOTICE_ISSUED, Status.SUPPLEMENTED, Status.VOIDED})


def label(status: str, lang: str = "zh_CN") -> str:
    """A status's name for people; unknown states from a newer platform show as they are."""
    try:
        return LABELS[Status(status)].get(lang)
    except ValueError:
        return status


#: What the back office may set (`portal set-status`, the back-office page).
BACK_OFFICE_STATES: tuple[Status, ...] = tuple(s for s in Status if s not in COUNTER_ONLY)


def choices(states: tuple[Status, ...] = BACK_OFFICE_STATES) -> Text:
    """`under_review（审查中）、approved（已批准）…`: the valid values, each with its name."""
    return Text(
        "、".join(f"{s.value}（{LABELS[s].zh}）" for s in states),
        ", ".join(f"{s.value} ({LABELS[s].en})" for s in states),
    )


#: An application's place in the terminal's outbox (`submissions.sync_state`).
SYNC_LABELS: dict[str, Text] = {
    "pending": Text("待上传", "waiting to be sent"),
    "synced": Text("已上传", "sent"),
    "rejected": Text("被平台拒收", "refused by the platform"),
    "conflict": Text("与平台冲突", "in conflict with the platform"),
}


def sync_label(state: str, lang: str = "zh_CN") -> str:
    """A sync state's name for people; an unknown one shows as it is."""
    text = SYNC_LABELS.get(state)
    return text.get(lang) if text else state
