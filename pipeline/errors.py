"""Named failures. Permanent ones quarantine a document; transient ones are retried.

Each carries a message a user can read in ``docpipe status``.
"""


class DocpipeError(Exception):
    """Base class of docpipe's own failures."""

    exit_code = 1
    transient = False


class PermanentError(DocpipeError):
    """Retrying will not help: the input itself is the problem."""

    exit_code = 3


class TransientError(DocpipeError):
    """A network, store or lock failure: worth retrying with backoff."""

    exit_code = 4
    transient = True


class EmptyDocument(PermanentError):
    """The original has no bytes or no text."""


class UnsupportedInput(PermanentError):
    """Not a PDF or text document (binary data, an image, an archive...)."""


class EncryptedPDF(PermanentError):
    """The PDF is password protected."""


class MalformedPDF(PermanentError):
    """The PDF cannot be parsed (truncated, corrupt, zero pages)."""


class InputTooLarge(PermanentError):
    """Too many bytes, pages or pixels (a decompression bomb or a huge page)."""


class OCRFailed(PermanentError):
    """Tesseract failed or is not installed."""


class NotAResolution(PermanentError):
    """No General Assembly structure could be found in the text."""
