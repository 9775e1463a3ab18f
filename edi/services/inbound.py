"""The inbound pipeline: receive → archive → identify → de-duplicate → parse and validate →
acknowledge → map to the domain → hand to the ERP.

Every step persists its outcome before the next begins and every step can run again without
harm, so a worker killed at any point (tasks are ``acks_late``) loses nothing and duplicates
nothing: the redelivered task resumes from the recorded state.
"""

from __future__ import annotations

import json
import logging
import mmap
import time
import uuid
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path
from typing import Any, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from edi import codecs
from edi.codecs.base import EdiError, InterchangeResult, Issue, MessageResult
from edi.codecs.split import split as split_interchanges
from edi.files import HubPaths, claim, hub_paths, safe_name, sha256_of, write_atomic
from edi.models import HubSettings, Interchange, InterchangeMessage, TradingPartner
from suppliers.audit import Actor, event_record

log = logging.getLogger(__name__)
State = Interchange.State

MESSAGE_BATCH = 500


class PipelineError(Exception):
    """A permanent failure of one interchange: recorded, shown, not retried automatically."""


# --- receive -----------------------------------------------------------------------------------

def _archive_target(partner: TradingPartner | None, name: str, *, channel: str, paths: HubPaths | None = None) -> Path:
    paths = paths or hub_paths()
    base = paths.partner(partner.code).archive if partner else paths.drop_root / "_unrouted" / "archive"
    if channel == Interchange.Channel.ERP:
        base = paths.erp_inbox / "archive"
    now = datetime.now(dt_timezone.utc)
    return base / now.strftime("%Y/%m/%d") / f"{now:%H%M%S}-{uuid.uuid4().hex[:10]}-{safe_name(name)}"


def _relative(path: Path, paths: HubPaths | None = None) -> str:
    paths = paths or hub_paths()
    try:
        return paths.relative(path)
    except ValueError:
        return str(path.resolve())


def archive_path_of(interchange: Interchange) -> Path:
    rel = Path(interchange.archive_path)
    return rel if rel.is_absolute() else hub_paths().absolute(interchange.archive_path)


def _record_archived(
    *, partner: TradingPartner | None, channel: str, archived: Path, filename: str,
    as2_message_id: str = "", parent: Interchange | None = None, paths: HubPaths | None = None,
    sha256: tuple[str, int] | None = None, record_as: Path | None = None, queue: bool = True,
) -> Interchange:
    # ``paths`` and ``sha256`` (digest, size) spare a busy receiver a query and a second read.
    # ``record_as``: where the file will be once the caller has moved it (it is read at
    # ``archived`` now); such a caller queues the processing itself after the move (``queue=False``).
    digest, size = sha256 or sha256_of(archived)
    with transaction.atomic():
        interchange = Interchange.objects.create(
            direction=Interchange.Direction.IN, channel=channel, partner=partner, state=State.ARCHIVED,
            size=size, sha256=digest, archive_path=_relative(record_as or archived, paths), filename=filename[:255],
            as2_message_id=as2_message_id, parent=parent,
            standard=partner.standard if partner else "",
        )
        event_record(actor=_actor(partner), verb="interchange.received", obj=interchange,
                     supplier=partner.supplier if partner else None,
                     payload={"channel": channel, "size": size, "sha256": digest, "file": filename})
        if queue:
            _queue_processing(interchange)
    return interchange


def interchange_receive_bytes(
    *, data: bytes | Path, partner: TradingPartner | None, channel: str, filename: str = "",
    as2_message_id: str = "",
) -> Interchange:
    """Archive received bytes (or a finished temp file, moved into the archive), then record them.

    The raw bytes are on disk, flushed, before the record exists; processing is queued when the
    record commits. An AS2 Message-ID seen before raises ``IntegrityError`` from the unique index,
    which the caller turns into a duplicate.
    """
    target = _archive_target(partner, filename or "payload", channel=channel)
    if isinstance(data, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        data.replace(target)
    else:
        write_atomic(target, data)
    return _record_archived(partner=partner, channel=channel, archived=target, filename=filename,
                            as2_message_id=as2_message_id)


def interchange_receive_file(*, source: Path, partner: TradingPartner | None, channel: str) -> Interchange | None:
    """Claim a dropped file by renaming it into the archive, then record it.

    The rename is atomic: of several pollers only one gets the file (the others get None). A
    crash after the rename and before the file reaches its place in the archive leaves it under
    the archive's ``.claimed`` folder, which :func:`recover_claimed` finishes on a later pass.

    The record names the file's final place from the start, and processing is queued only once
    the file is there: a worker quick enough to start before the move would otherwise read the
    ``.claimed`` path and find the file gone (found by bench/bench_pipeline.py with 2 workers).
    """
    target = _archive_target(partner, source.name, channel=channel)
    staging = target.parent.parent.parent.parent / ".claimed" / target.name
    if not claim(source, staging):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    interchange = _record_archived(partner=partner, channel=channel, archived=staging, filename=source.name,
                                   record_as=target, queue=False)
    staging.replace(target)
    _queue_processing(interchange)
    return interchange


# A claim younger than this may still be being recorded by another poller (beat starts the next
# poll while a long one runs); only older files in ``.claimed`` are a crash's leftovers.
CLAIM_GRACE_SECONDS = 120.0


def recover_claimed(*, archive_root: Path, partner: TradingPartner | None, channel: str) -> int:
    """Finish claims a crash interrupted: files left in ``<archive>/.claimed`` for a while."""
    staging_dir = archive_root / ".claimed"
    if not staging_dir.is_dir():
        return 0
    done = 0
    now_ts = time.time()
    for staged in sorted(staging_dir.iterdir()):
        try:
            # the rename into .claimed set the ctime: it says when the claim was made
            if not staged.is_file() or now_ts - staged.stat().st_ctime < CLAIM_GRACE_SECONDS:
                continue
        except FileNotFoundError:
            continue  # its poller finished it meanwhile
        # recorded already (the poller died between the record and the move): the record names
        # the file's final place, or (records made before that was so) its ``.claimed`` path;
        # claimed names are unique (time and a random part)
        existing = Interchange.objects.filter(direction=Interchange.Direction.IN,
                                              archive_path__endswith=f"/{staged.name}").first()
        now = datetime.now(dt_timezone.utc)
        target = archive_root / now.strftime("%Y/%m/%d") / staged.name
        if existing is not None and ".claimed" not in Path(existing.archive_path).parts:
            target = archive_path_of(existing)
        target.parent.mkdir(parents=True, exist_ok=True)
        if existing is None:
            original = staged.name.split("-", 2)[-1]
            recorded = _record_archived(partner=partner, channel=channel, archived=staged, filename=original,
                                        record_as=target, queue=False)
            staged.replace(target)
            _queue_processing(recorded)
        else:
            # its processing was queued already, or resume_stalled queues it
            staged.replace(target)
            Interchange.objects.filter(pk=existing.pk).update(archive_path=_relative(target))
        done += 1
    return done


def _queue_processing(interchange: Interchange) -> None:
    from edi.tasks import process_interchange

    pk = interchange.pk
    # robust: the record is committed by now; if the broker is down the caller must not fail
    # (an AS2 sender would be told "not stored"), and resume_stalled queues it again later.
    transaction.on_commit(lambda: process_interchange.delay(pk), robust=True)


def _actor(partner: TradingPartner | None) -> Actor:
    return Actor.partner(partner.code) if partner else Actor.system("edi")


# --- state ---------------------------------------------------------------------------------------

def _move(interchange: Interchange, to: str, *, error: str = "", **fields: Any) -> None:
    """The one guard of the interchange state machine; records the move as an event."""
    current = interchange.state
    if current != to and not interchange.can_transition_to(to):
        raise PipelineError(f"interchange {interchange.pk} cannot move from {current} to {to}")
    interchange.state = to
    interchange.error = error
    for name, value in fields.items():
        setattr(interchange, name, value)
    if to in (State.PROCESSED, State.DELIVERED):
        interchange.processed_at = timezone.now()
    interchange.save()
    event_record(actor=_actor(interchange.partner), verb=f"interchange.{to}", obj=interchange,
                 supplier=interchange.partner.supplier if interchange.partner_id else None,
                 payload={"from": current, "to": to, **({"error": error[:500]} if error else {})})


def interchange_fail(*, interchange: Interchange, error: str, issues: list[dict] | None = None) -> Interchange:
    """Mark failed with the reason, release the duplicate key, tell the EDI administrators."""
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update().get(pk=interchange.pk)
        if interchange.state == State.FAILED and interchange.error == error:
            return interchange
        fields: dict[str, Any] = {"dedupe_key": None}
        if issues is not None:
            fields["issues"] = issues
        if interchange.state != State.FAILED:
            _move(interchange, State.FAILED, error=error, **fields)
        else:
            interchange.error = error
            interchange.dedupe_key = None
            interchange.save(update_fields=["error", "dedupe_key", "updated_at"])
        from edi.services.notify import notify_failure

        notify_failure(interchange)
    _copy_to_error_folder(interchange)
    return interchange


def _copy_to_error_folder(interchange: Interchange) -> None:
    """A partner's failed file also lands in its ``error`` folder with the reason beside it."""
    if interchange.direction != Interchange.Direction.IN or not interchange.partner_id or not interchange.archive_path:
        return
    source = archive_path_of(interchange)
    if not source.is_file():
        return
    dirs = hub_paths().partner(interchange.partner.code).ensure()
    name = f"{interchange.pk}-{safe_name(interchange.filename or source.name)}"
    try:
        with open(source, "rb") as fh:
            write_atomic(dirs.error / name, fh, fsync=False)
        write_atomic(dirs.error / f"{name}.error.txt", (interchange.error + "\n").encode(), fsync=False)
    except OSError:
        log.exception("could not copy interchange %s to the error folder", interchange.pk)


def interchange_reprocess(*, interchange: Interchange, actor: Any) -> Interchange:
    """Run a failed (or, on purpose, a finished) inbound interchange through the pipeline again."""
    if interchange.direction != Interchange.Direction.IN:
        from edi.services.outbound import interchange_resend

        return interchange_resend(interchange=interchange, actor=actor)
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update().get(pk=interchange.pk)
        current = interchange.state
        if not interchange.can_transition_to(State.ARCHIVED):
            raise PipelineError(f"an interchange in state {current} cannot be reprocessed")
        interchange.state = State.ARCHIVED
        interchange.error = ""
        interchange.attempts = 0
        interchange.dedupe_key = None
        interchange.duplicate_of = None
        interchange.save()
        event_record(actor=actor, verb="interchange.reprocess", obj=interchange,
                     supplier=interchange.partner.supplier if interchange.partner_id else None,
                     payload={"from": current})
        _queue_processing(interchange)
    return interchange


# --- the pipeline -------------------------------------------------------------------------------

def interchange_process(*, interchange_id: int) -> Interchange:
    """Advance an inbound interchange as far as it goes. Safe to call any number of times."""
    interchange = Interchange.objects.select_related("partner", "partner__supplier").get(pk=interchange_id)
    if interchange.direction != Interchange.Direction.IN:
        raise PipelineError("interchange_process is for inbound interchanges")
    try:
        if interchange.state == State.ARCHIVED:
            interchange = _parse_and_acknowledge(interchange)
        if interchange.state in (State.PARSED, State.ACKNOWLEDGED):
            interchange = _map_messages(interchange)
    except PipelineError as exc:
        return interchange_fail(interchange=interchange, error=str(exc))
    except EdiError as exc:
        issues = [_issue_json(i) for i in exc.issues]
        return interchange_fail(interchange=interchange, error=_edi_error_text(exc), issues=issues)
    return interchange


def _edi_error_text(exc: EdiError) -> str:
    lines = [str(exc)] + [str(i) for i in exc.issues[:20]]
    return "\n".join(dict.fromkeys(lines))


def _issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "code": issue.code, "message": issue.message, "level": issue.level,
        "severity": getattr(issue, "severity", "error"), "interchange": issue.interchange,
        "group": issue.group, "message_ref": issue.message_ref, "segment": issue.segment,
        "position": issue.position, "element": issue.element, "text": str(issue),
    }


def _parse_and_acknowledge(interchange: Interchange) -> Interchange:
    path = archive_path_of(interchange)
    if not path.exists():
        raise PipelineError(f"the archived file is missing: {interchange.archive_path}")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise PipelineError("the file is empty")
    standard = codecs.detect(head)
    if standard == "json":
        return _parse_canonical_json(interchange, path)
    if standard == "idoc":
        from edi.services.erp import parse_idoc_file

        return parse_idoc_file(interchange, path, _store_documents)
    if interchange.partner_id and interchange.partner.standard != standard:
        raise PipelineError(
            f"{standard.upper()} received from {interchange.partner.code}, a {interchange.partner.standard.upper()} partner"
        )
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        ranges = split_interchanges(mm, standard)
        if len(ranges) > 1:
            return _split(interchange, mm, ranges)
    return _parse_interchange(interchange, path, standard)


def _split(interchange: Interchange, buf: Any, ranges: list[tuple[int, int]]) -> Interchange:
    """A file holding several interchanges becomes one record per interchange."""
    archive = archive_path_of(interchange)
    with transaction.atomic():
        for n, (start, end) in enumerate(ranges, start=1):
            part = archive.with_name(f"{archive.name}.{n:03d}")
            write_atomic(part, bytes(buf[start:end]))
            _record_archived(partner=interchange.partner, channel=interchange.channel, archived=part,
                             filename=f"{interchange.filename}#{n}", parent=interchange)
        _move(interchange, State.SPLIT, message_count=0,
              document_types=f"{len(ranges)} interchanges")
    return interchange


def _identify(interchange: Interchange, result: InterchangeResult, standard: str) -> TradingPartner:
    env = result.envelope
    hub = HubSettings.get()
    ours = hub.x12_id if standard == "x12" else hub.edifact_id
    partner = interchange.partner
    if partner is None:
        partner = TradingPartner.objects.filter(standard=standard, interchange_id=env.sender, is_active=True).first()
        if partner is None:
            raise PipelineError(f"no trading partner has {standard.upper()} interchange id {env.sender!r}")
    elif env.sender and env.sender != partner.interchange_id:
        raise PipelineError(
            f"the interchange names sender {env.sender!r}, but {partner.code}'s interchange id is "
            f"{partner.interchange_id!r}"
        )
    if not partner.is_active:
        raise PipelineError(f"trading partner {partner.code} is inactive")
    if env.receiver and env.receiver != ours:
        raise PipelineError(f"the interchange is addressed to {env.receiver!r}, not to this hub ({ours!r})")
    return partner


def _parse_interchange(interchange: Interchange, path: Path, standard: str) -> Interchange:
    messages: list[InterchangeMessage] = []
    results: list[InterchangeResult] = []
    types: dict[str, None] = {}
    stored = 0

    with transaction.atomic():
        interchange = Interchange.objects.select_for_update(of=("self",)).select_related("partner__supplier").get(pk=interchange.pk)
        if interchange.state != State.ARCHIVED:
            return interchange  # another worker got here first
        InterchangeMessage.objects.filter(interchange=interchange).delete()
        with open(path, "rb") as fh:
            for item in codecs.read(fh):
                if isinstance(item, MessageResult):
                    types[item.message_type] = None
                    messages.append(_message_row(interchange, stored + len(messages), item))
                    if len(messages) >= MESSAGE_BATCH:
                        InterchangeMessage.objects.bulk_create(messages)
                        stored += len(messages)
                        messages = []
                else:
                    results.append(item)
        if messages:
            InterchangeMessage.objects.bulk_create(messages)
            stored += len(messages)
        if not results:
            raise PipelineError("no complete interchange found in the file")
        result = results[0]
        partner = _identify(interchange, result, standard)
        env = result.envelope
        interchange.partner = partner
        interchange.standard = standard
        interchange.control_number = env.control_number or ""
        interchange.sender_id = env.sender or ""
        interchange.receiver_id = env.receiver or ""
        interchange.message_count = stored
        interchange.document_types = ",".join(types)[:200]
        interchange.issues = [_issue_json(i) for i in result.issues]
        interchange.ack_status = result.status
        if interchange.control_number:
            interchange.dedupe_key = f"{partner.pk}:{standard}:{interchange.control_number}"
            try:
                with transaction.atomic():
                    interchange.save()
            except IntegrityError:
                holder = Interchange.objects.filter(dedupe_key=interchange.dedupe_key).first()
                InterchangeMessage.objects.filter(interchange=interchange).delete()
                interchange.dedupe_key = None
                interchange.message_count = 0
                _move(interchange, State.DUPLICATE, duplicate_of=holder,
                      error=f"duplicate of interchange #{holder.pk if holder else '?'} "
                            f"(control number {env.control_number} from {partner.code})")
                return interchange
        ack = _acknowledge(interchange, partner, result, standard, message_types=set(types))
        rejected = result.status == "rejected"
        _move(interchange, State.ACKNOWLEDGED if ack else State.PARSED)
    if rejected:
        raise PipelineError(_rejection_text(result))
    return interchange


def _rejection_text(result: InterchangeResult) -> str:
    issues = list(result.issues)
    for m in result.messages:
        issues.extend(m.issues)
    errors = [str(i) for i in issues if getattr(i, "severity", "error") == "error"]
    return "the interchange was rejected:\n" + "\n".join(errors[:20] or ["no message could be read"])


def _message_row(interchange: Interchange, index: int, item: MessageResult) -> InterchangeMessage:
    doc = item.document
    errors = [i for i in item.issues if getattr(i, "severity", "error") == "error"]
    return InterchangeMessage(
        interchange=interchange, index=index, message_type=item.message_type[:10], message_ref=item.message_ref[:35],
        document_type=(doc or {}).get("type", ""), document_id=str((doc or {}).get("id", ""))[:70],
        document=doc,
        state=InterchangeMessage.State.ACCEPTED if item.accepted and doc is not None else
        (InterchangeMessage.State.SKIPPED if item.accepted else InterchangeMessage.State.REJECTED),
        error="\n".join(str(i) for i in (errors or item.issues)[:10]) if not (item.accepted and doc) else "",
        issues=[_issue_json(i) for i in item.issues],
    )


ACK_MESSAGE_TYPES = frozenset({"CONTRL", "997", "999", "TA1"})


def _acknowledge(interchange: Interchange, partner: TradingPartner, result: InterchangeResult, standard: str,
                 *, message_types: set[str]) -> bool:
    """Queue the CONTRL / 997 / 999 for this interchange when the partner wants acknowledgements.

    Acknowledgements themselves are never acknowledged (``message_types`` are all the types read:
    the result lists only messages with findings). Returns whether one was queued.
    """
    if not partner.ack or interchange.acknowledgements.exists():
        return bool(interchange.acknowledgements.exists())
    if message_types & ACK_MESSAGE_TYPES:
        return False
    from edi.services.outbound import outbound_acknowledgement

    outbound_acknowledgement(inbound=interchange, partner=partner, result=result, standard=standard)
    return True


def _store_documents(interchange: Interchange, documents: Iterable[dict[str, Any]], *, message_type: str) -> Interchange:
    """Record canonical documents that came without an EDI envelope (ERP JSON, IDoc XML)."""
    from edi.codecs.canonical import validate_document

    with transaction.atomic():
        interchange = Interchange.objects.select_for_update().get(pk=interchange.pk)
        if interchange.state != State.ARCHIVED:
            return interchange
        InterchangeMessage.objects.filter(interchange=interchange).delete()
        rows = []
        for index, doc in enumerate(documents):
            problems = validate_document(doc)
            rows.append(InterchangeMessage(
                interchange=interchange, index=index, message_type=message_type,
                document_type=str(doc.get("type", ""))[:30] if isinstance(doc, dict) else "",
                document_id=str(doc.get("id", ""))[:70] if isinstance(doc, dict) else "",
                document=doc if isinstance(doc, dict) else None,
                state=InterchangeMessage.State.REJECTED if problems else InterchangeMessage.State.ACCEPTED,
                error="\n".join(problems[:20]),
            ))
        InterchangeMessage.objects.bulk_create(rows)
        interchange.message_count = len(rows)
        interchange.document_types = ",".join(dict.fromkeys(r.document_type for r in rows))[:200]
        interchange.standard = message_type.lower()
        _move(interchange, State.PARSED)
    rejected = [r for r in rows if r.state == InterchangeMessage.State.REJECTED]
    if rejected:
        raise PipelineError("invalid document(s):\n" + "\n".join(
            f"document {r.index + 1}: {r.error}" for r in rejected[:10]))
    return interchange


def _parse_canonical_json(interchange: Interchange, path: Path) -> Interchange:
    try:
        with open(path, "rb") as fh:
            data = json.load(fh)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PipelineError(f"not valid JSON: {exc}") from exc
    documents = data if isinstance(data, list) else [data]
    return _store_documents(interchange, documents, message_type="JSON")


def _map_messages(interchange: Interchange) -> Interchange:
    from edi.services.mapping import MappingError, map_document

    pending = InterchangeMessage.objects.filter(
        interchange=interchange, state__in=[InterchangeMessage.State.ACCEPTED, InterchangeMessage.State.FAILED]
    ).order_by("index")
    failures = 0
    for message in pending.iterator(chunk_size=200):
        try:
            with transaction.atomic():
                outcome = map_document(interchange=interchange, message=message)
                message.state = InterchangeMessage.State.PROCESSED if outcome.mapped else InterchangeMessage.State.SKIPPED
                message.error = outcome.note
                message.object_type, message.object_id = outcome.object_type, outcome.object_id
                message.erp_file = outcome.erp_file
                message.save(update_fields=["state", "error", "object_type", "object_id", "erp_file"])
        except MappingError as exc:
            failures += 1
            InterchangeMessage.objects.filter(pk=message.pk).update(
                state=InterchangeMessage.State.FAILED, error=str(exc)[:2000])
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update().get(pk=interchange.pk)
        if interchange.state not in (State.PARSED, State.ACKNOWLEDGED):
            return interchange
        if failures:
            first = InterchangeMessage.objects.filter(interchange=interchange, state="failed").order_by("index").first()
            raise PipelineError(f"{failures} message(s) could not be processed; first: "
                                f"{first.message_type} {first.document_id}: {first.error}")
        rejected = InterchangeMessage.objects.filter(interchange=interchange, state="rejected").count()
        note = f"{rejected} message(s) rejected at validation and acknowledged as such" if rejected else ""
        _move(interchange, State.PROCESSED, error=note)
    return interchange
