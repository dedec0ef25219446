"""Receipts and one-time notices as PDF, QR payloads, and printer back-ends. No Qt."""
