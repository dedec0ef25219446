"""Mixed into `Desk`: the window's city lookup ("one number"), one per window so its HTTP
connection is kept between a lookup and its downloads. Importing this is cheap (httpx loads
only when the lookup is first used), so it stays off the window's start path."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from counter_app.desk.city import CityDesk
    from counter_app.terminal import Terminal


class CityLookups:
    """Mixed into `Desk`, which gives `terminal` and calls `close_city` when it closes."""

    _city: CityDesk | None = None

    @property
    def terminal(self) -> Terminal:
        raise NotImplementedError

    @property
    def city(self) -> CityDesk:
        """The city lookup, on the storage thread like every call of the desk."""
        from counter_app.desk.city import CityDesk  # start-up: httpx only when asked

        self._city = self._city or CityDesk(self.terminal)
        return self._city

    def close_city(self) -> None:
        """Close the lookup's kept-alive connection (the window is closing)."""
        if self._city is not None:
            self._city.close()
        self._city = None
