"""What an AS2 endpoint answers: status, headers, body (the view turns it into a response)."""

from __future__ import annotations

from dataclasses import dataclass

TEXT = {"Content-Type": "text/plain"}


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
