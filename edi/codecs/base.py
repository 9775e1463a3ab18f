"""Types shared by every codec: issues, typed errors, envelopes and read results.

A reader turns a byte stream into a sequence of results, one :class:`MessageResult` per
message as soon as it is read (so a 100 MB interchange never sits in memory as a whole),
followed by one :class:`InterchangeResult` after the interchange trailer. A writer turns
canonical documents (plain ``dict``\\ s, see ``docs/canonical.md``) into one interchange.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Standard = Literal["edifact", "x12"]
Level = Literal["interchange", "group", "message", "segment", "element"]
Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding, located precisely enough for a person and for an acknowledgement.

    ``code`` is the standard's own error code: the EDIFACT syntax error code (data element
    0085, e.g. ``"13"`` missing) or the X12 code of the acknowledgement segment at that
    level (TA1 I18, AK5/IK5 718, AK3/IK3 720, AK4/IK4 723).
    ``position`` is the segment position in the message counted from the header (UNH/ST = 1).
    ``element`` is the element position in the segment, ``"3"``, or ``"3.1"`` for a component.
    ``severity`` ``"warning"`` marks a finding that does not reject anything (reported, tolerated).
    """

    code: str
    message: str
    level: Level = "segment"
    interchange: str | None = None
    group: str | None = None
    message_ref: str | None = None
    segment: str | None = None
    position: int | None = None
    element: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = []
        if self.interchange is not None:
            where.append(f"interchange {self.interchange}")
        if self.group is not None:
            where.append(f"group {self.group}")
        if self.message_ref is not None:
            where.append(f"message {self.message_ref}")
        if self.segment is not None:
            seg = self.segment if self.position is None else f"{self.segment}#{self.position}"
            where.append(f"segment {seg}")
        if self.element is not None:
            where.append(f"element {self.element}")
        loc = ", ".join(where)
        text = f"{loc}: {self.message}" if loc else self.message
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{prefix}{text} [code {self.code}]"


class EdiError(Exception):
    """Base of every error a codec raises. Anything else escaping a codec is a bug."""

    def __init__(self, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.issues: list[Issue] = issues or []


class EdiSyntaxError(EdiError):
    """The bytes are not a readable interchange (no envelope, bad separators, bad charset)."""


class UnsupportedDocument(EdiError):
    """Readable, but a message type, version or direction this engine does not translate."""


class CanonicalError(EdiError):
    """A canonical document handed to a writer is incomplete or malformed."""


@dataclass(slots=True)
class Envelope:
    """The interchange header, as read or as to be written."""

    standard: Standard
    sender: str
    receiver: str
    control_number: str
    sender_qualifier: str = ""
    receiver_qualifier: str = ""
    date: str = ""  # ISO YYYY-MM-DD
    time: str = ""  # HH:MM
    syntax: str = ""  # EDIFACT "UNOA:3"; X12 ISA12 "00401"
    test: bool = False
    ack_requested: bool = False


@dataclass(slots=True)
class MessageResult:
    """One message (UNH..UNT or ST..SE) read, validated and mapped.

    ``document`` is the canonical document, or ``None`` when the message was rejected or is of
    a type that has no canonical form. ``issues`` holds every finding; a message with issues
    may still carry a document when the findings are warnings the acknowledgement reports as
    accepted with errors.
    """

    envelope: Envelope
    message_type: str  # "DESADV", "856"
    version: str  # "D96A", "004010"
    message_ref: str  # UNH 0062 / ST02
    group: str | None
    document: Document | None
    issues: list[Issue] = field(default_factory=list)
    accepted: bool = True
    segment_count: int = 0


@dataclass(slots=True)
class MessageStatus:
    """What the acknowledgement needs to know of one message, kept after its document is gone."""

    message_type: str
    message_ref: str
    group: str | None
    accepted: bool
    issues: list[Issue] = field(default_factory=list)
    version: str = ""
    group_functional_id: str | None = None


@dataclass(slots=True)
class InterchangeResult:
    """Emitted after an interchange's trailer: envelope-level findings and per-message status.

    ``message_count``, when set, is the number of messages read, and ``messages`` then lists only
    the messages that have findings (rejected, or accepted with warnings): a reader streaming a
    million-message interchange keeps memory flat that way, and an acknowledgement only needs to
    name the messages it does not accept plainly. When ``None``, ``messages`` lists every message.
    """

    envelope: Envelope
    issues: list[Issue] = field(default_factory=list)
    messages: list[MessageStatus] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    message_count: int | None = None

    @property
    def status(self) -> Literal["accepted", "rejected", "partially_accepted"]:
        errors = [i for i in self.issues if i.severity == "error"]
        if any(i.level == "interchange" for i in errors):
            return "rejected"
        total = len(self.messages) if self.message_count is None else self.message_count
        if total == 0:
            return "rejected" if errors else "accepted"
        rejected = sum(1 for m in self.messages if not m.accepted)
        if rejected == 0:
            return "accepted"
        return "rejected" if rejected >= total else "partially_accepted"
