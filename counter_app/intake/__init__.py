"""Taking an application at the counter: the intake service, attachments, applicants,
status changes after intake, and receipts."""
