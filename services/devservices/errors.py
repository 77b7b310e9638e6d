"""Errors of the local service manager."""

from __future__ import annotations


class ServiceError(RuntimeError):
    """A local service could not be installed, started or reached; the message says why."""
