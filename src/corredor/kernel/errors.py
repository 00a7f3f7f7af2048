"""Errors the use cases raise; the API turns each into one status code."""

from __future__ import annotations


class ServiceError(Exception):
    pass


class NotFound(ServiceError):
    """Unknown id, or an id the caller may not know exists (an applicant's view of others)."""


class Unauthenticated(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class Conflict(ServiceError):
    """The request is valid but the case is not in a state where it can happen."""

    def __init__(self, message: str, state: str | None = None, allowed: list[str] | None = None):
        super().__init__(message)
        self.state = state
        self.allowed = allowed or []


class TooManyAttempts(ServiceError):
    """Too many recent failures from this account or address: wait `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after} seconds")
        self.retry_after = retry_after


class InvalidInput(ServiceError):
    """Bad input that only the service can see (an unknown site id): names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
