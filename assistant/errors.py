"""One error family. Messages say what went wrong and what to do next.

"The corpus does not answer this" is not an error: it is an ``Answer`` with ``refused=True``.
Only the API, UI and CLI map these to status codes and messages.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigurationError(AssistantError):
    """Settings are invalid or a configured backend is not installed."""


class IndexNotFoundError(AssistantError):
    """No index in the data directory yet."""


class EmbeddingModelMismatchError(AssistantError):
    """The index was built with another embedding model than the one configured."""


class IndexCorruptError(AssistantError):
    """The index on disk cannot be read."""


class InputError(AssistantError):
    """A request is malformed or over a limit (too long, empty, bad audience...)."""


class UnknownFilterError(InputError):
    """A filter value (theme, council) that names nothing known; says what is accepted."""

    def __init__(self, message: str, *, field: str, value: str, choices: tuple[str, ...]) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.choices = choices


class ProviderError(AssistantError):
    """A remote model provider failed (connection, timeout, bad response)."""


class IngestError(AssistantError):
    """One source file could not be ingested; the message says why and what to do."""


class UnsupportedFormatError(IngestError):
    pass


class EmptyDocumentError(IngestError):
    pass


class CorruptFileError(IngestError):
    pass


class EncryptedFileError(IngestError):
    pass


class FileTooLargeError(IngestError):
    pass


class UnreadableFileError(IngestError):
    pass


class StorageError(AssistantError):
    """The data directory cannot be written (full disk, read-only, permissions)."""
