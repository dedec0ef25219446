"""The printing package's errors, each carrying a message for the clerk in zh_CN and en.

    PrintingError(LocalizedError)
     ├── FontMissing        the embedded Chinese font cannot be read
     ├── PayloadError       a QR payload is malformed or its signature does not verify
     ├── ReceiptDataError   the data handed to a layout cannot be drawn (e.g. a broken image)
     ├── PrintOutputError   a PDF file could not be written (full disk, unwritable path)
     └── PrinterError       a printer (CUPS `lp`, ESC/POS device) refused or is unreachable

Outside errors (OSError, subprocess, escpos, cryptography) are translated into these at the
package boundary, so a caller catches `PrintingError` and shows `exc.message(lang)`.
The application itself is never touched by a printing failure: it stays accepted and the
receipt can be printed again.
"""

from __future__ import annotations

from forms.text import LocalizedError


class PrintingError(LocalizedError):
    """Base of every error raised by `printing`."""


class FontMissing(PrintingError):
    """The bundled font file is missing or unreadable, so no receipt can be drawn."""


class PayloadError(PrintingError):
    """A QR payload is malformed, of an unknown version, or its signature does not verify."""


class ReceiptDataError(PrintingError):
    """The receipt's data cannot be drawn as given (e.g. the signature is not an image)."""


class PrintOutputError(PrintingError):
    """The PDF could not be written to its destination."""


class PrinterError(PrintingError):
    """The printer, its spooler or its connection failed."""
