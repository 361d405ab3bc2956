"""The one error a refused content file raises."""

from __future__ import annotations


class ContentError(Exception):
    """A refused content file: ``path`` is the JSON path of the faulty entry."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path} : {message}")
        self.path = path
        self.message = message
