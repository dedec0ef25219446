"""The sync wire protocol (shared models) and the terminal's outbox sync engine."""
