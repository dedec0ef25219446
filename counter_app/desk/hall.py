"""The window's facade for a case of another window of the hall (issue 16): find it on
the platform, take its supplement (`counter_app.intake.hall_supplement`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from forms.text import Text
from sync.supplements import describe

if TYPE_CHECKING:
    from counter_app.clerks import Session
    from counter_app.intake.hall_supplement import RemoteCase, SupplementTaken
    from counter_app.terminal import Terminal


class HallCases:
    """Mixed into `Desk`, which gives `terminal`."""

    @property
    def terminal(self) -> Terminal:
        raise NotImplementedError

    def remote_case(self, receipt_no: str) -> RemoteCase:
        """The application of another window of this hall, from the platform (online)."""
        from counter_app.intake.hall_supplement import find_case

        return find_case(self.terminal, receipt_no)

    def take_hall_supplement(
        self, case: RemoteCase, files: Mapping[str, Sequence[Path]], session: Session
    ) -> SupplementTaken:
        """Take the supplement here; it reaches the owner through the platform."""
        from counter_app.clerks import get_clerk
        from counter_app.intake.hall_supplement import take

        get_clerk(self.terminal.store, session.clerk_id)
        return take(self.terminal, case, files, session.clerk_id)


def step_note(note: str, names: Mapping[str, Text]) -> Text | str:
    """A timeline note as the owner's record shows it: a supplement taken at another
    window names its materials and the window; any other note is shown as it is."""
    return describe(note, names) or note
