"""The one error search front ends turn into a message naming the bad parameter."""

from __future__ import annotations


class InvalidSearch(ValueError):
    """A search parameter is invalid; ``field`` names it, the message says why."""

    def __init__(self, message: str, field: str = "q") -> None:
        super().__init__(message)
        self.field = field
