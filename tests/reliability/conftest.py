"""The reliability tests reuse the sync tests' real portal (uvicorn on loopback) and real
terminal data folder, so a fault here meets exactly the code the hall runs."""

from tests.sync.conftest import enrolled, portal, portal_settings, take, terminal

__all__ = ["enrolled", "portal", "portal_settings", "take", "terminal"]
