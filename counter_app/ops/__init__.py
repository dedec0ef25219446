"""Running a terminal: doctor, backup and restore, retention, logs, provisioning, export,
the demo, and opening the window."""
