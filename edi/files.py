"""The hub's folders and the two file operations everything else relies on: atomic writes and
atomic claims. Paths in the database are relative to the file-drop root, so the whole tree can
move (restore on another machine) without rewriting records.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings


@dataclass(frozen=True)
class HubPaths:
    drop_root: Path
    erp_outbox: Path
    erp_inbox: Path

    def partner(self, code: str) -> PartnerDirs:
        return PartnerDirs(self.drop_root / code)

    # Files archived from the ERP inbox live outside the drop root; their stored path starts with
    # this marker (a partner code cannot contain '@'), so they move with the inbox on a restore.
    ERP_INBOX = "@erp_inbox/"

    def relative(self, path: Path) -> str:
        """``path`` as stored: relative to the drop root, or marked relative to the ERP inbox.
        Raises ValueError for a path under neither."""
        resolved = Path(path).resolve()
        try:
            return str(resolved.relative_to(self.drop_root.resolve()))
        except ValueError:
            return self.ERP_INBOX + str(resolved.relative_to(self.erp_inbox.resolve()))

    def absolute(self, relative: str) -> Path:
        if relative.startswith(self.ERP_INBOX):
            return self.erp_inbox / relative.removeprefix(self.ERP_INBOX)
        return self.drop_root / relative


@dataclass(frozen=True)
class PartnerDirs:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "in"

    @property
    def outbox(self) -> Path:
        return self.root / "out"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def error(self) -> Path:
        return self.root / "error"

    def ensure(self) -> PartnerDirs:
        for d in (self.inbox, self.outbox, self.archive, self.error):
            d.mkdir(parents=True, exist_ok=True)
        return self


def _resolve(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def hub_paths() -> HubPaths:
    from edi.models import HubSettings

    hub = HubSettings.get()
    return HubPaths(_resolve(hub.drop_root), _resolve(hub.erp_outbox), _resolve(hub.erp_inbox))


def write_atomic(path: Path, data: bytes | BinaryIO, *, fsync: bool = True) -> int:
    """Write ``data`` to ``path`` so that readers see either nothing or the whole file.

    The bytes go to a dot-file in the same folder (pollers skip dot-files), are flushed to disk,
    then renamed into place. Returns the number of bytes written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:8]}.tmp"
    written = 0
    try:
        with open(tmp, "wb") as fh:
            if isinstance(data, (bytes, bytearray, memoryview)):
                fh.write(data)
                written = len(data)
            else:
                while chunk := data.read(1 << 20):
                    fh.write(chunk)
                    written += len(chunk)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if fsync:
        _fsync_dir(path.parent)
    return written


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def claim(source: Path, target: Path) -> bool:
    """Move ``source`` to ``target`` atomically; False if someone else moved it first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(source, target)
    except FileNotFoundError:
        return False
    return True


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def safe_name(name: str) -> str:
    """A file name from outside (AS2 Content-Disposition, a partner's drop) made harmless."""
    base = os.path.basename(name.replace("\\", "/")).strip().lstrip(".")
    cleaned = "".join(c if c.isalnum() or c in "-_.+" else "_" for c in base)[:120]
    return cleaned or "payload"
