"""The counter terminal: local store, intake services, CLI; `ui/` holds the only Qt code."""

__version__ = "0.1.0"
