"""One run of the reminders: find what is due, create each reminder once, close what the
record has resolved, and send patients their message once, if they consented to contact.

Safe to run again and again, and by two timers at once: a reminder's key is unique, and a
patient's message is claimed (one row per reminder) before it is sent. A claim whose sending
fails is released, so the next run tries again; a message is never sent twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Field, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.constants import OnConflict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, User
from repigment.core.languages import Scope, covers
from repigment.core.rows import STALE_AFTER, refresh_statistics
from repigment.core.templatetags.dates import day_text
from repigment.patients.services import contact_consent
from repigment.reminders.channels import CHANNELS, channel_for
from repigment.reminders.models import DoneReason, PatientMessage, Reminder
from repigment.reminders.registry import Due, Urgency, kind_of, kinds, sources

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class RunResult:
    created: int = 0
    resolved: int = 0
    sent: int = 0
    no_consent: int = 0
    no_address: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (
            f"reminders: {self.created} new, {self.resolved} resolved; patient messages: "
            f"{self.sent} sent, {self.no_consent} withheld (no consent to contact), "
            f"{self.no_address} without an address, {self.failed} failed"
        )


def lead_days() -> int:
    return int(settings.REMINDER_LEAD_DAYS)


#: Reminders handled per statement: lists of keys and ids never grow with the registry.
CHUNK = 500


def chunk_size() -> int:
    """Rows per statement in a run (read at run time, so a test can make chunks small)."""
    return CHUNK


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, chunk_size())):
        yield chunk


def _store_new(dues: list[Due]) -> int:
    """Create the reminders of ``dues`` whose key does not exist yet (open or done): one query
    for the keys, one insert, and one audit entry naming their patients."""
    keys = [due.key for due in dues]
    existing = set(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
    new = {due.key: due for due in dues if due.key not in existing}  # a source may repeat one
    if not new:
        return 0
    store_dues(list(new.values()))
    _audit_many(AuditAction.CREATE, [due.patient.pk for due in new.values() if due.patient])
    return len(new)


def store_dues(dues: list[Due]) -> None:
    """Insert a reminder for each of ``dues`` (at most a chunk), ignoring a key that exists
    (a second timer may race us): the rows ``bulk_create`` stores.

    On SQLite without a model instance per row and each field preparing its value (two
    thirds of the cost of storing a first run's reminders): each row's values are what
    those fields prepare, built from the due directly (tests/reminders/test_insert.py)."""
    if connection.vendor != "sqlite":
        insert([_reminder(due) for due in dues], ignore_conflicts=True)
        return
    ops = connection.ops
    values = [
        {
            "key": due.key, "kind": due.kind, "due_on": ops.adapt_datefield_value(due.due_on),
            "clinic_id": due.clinic.pk, "patient_id": due.patient.pk if due.patient else None,
            "responsible_role": due.responsible_role,
            "responsible_user_id": due.responsible_user.pk if due.responsible_user else None,
            "params": ops.adapt_json_value(due.params, None), "url": due.url,
            "notify_patient": bool(due.notify_patient),
            "created": ops.adapt_datetimefield_value(timezone.now()),
            "done_at": None, "done_by_id": None, "done_reason": "",
        }
        for due in dues
    ]  # fmt: skip
    fields = _insert_fields(Reminder)
    assert values[0].keys() == {f.attname for f in fields}, "a reminder field is not stored"
    _execute_insert(Reminder, fields, [[row[f.attname] for f in fields] for row in values], True)


def store_claims(channel: str, claims: list[tuple[int, str]]) -> None:
    """Insert a claim (``PatientMessage``) for each (reminder id, language): the rows
    ``bulk_create`` stores; on SQLite built directly, as ``store_dues`` builds reminders."""
    if connection.vendor != "sqlite":
        insert(
            [PatientMessage(reminder_id=pk, channel=channel, language=lang) for pk, lang in claims]
        )
        return
    fields = _insert_fields(PatientMessage)
    now = connection.ops.adapt_datetimefield_value
    values = [
        {
            "channel": channel,
            "language": language,
            "sent_at": now(timezone.now()),
            "reminder_id": pk,
        }
        for pk, language in claims
    ]
    assert values[0].keys() == {f.attname for f in fields}, "a claim field is not stored"
    _execute_insert(
        PatientMessage, fields, [[row[f.attname] for f in fields] for row in values], False
    )


def _reminder(due: Due) -> Reminder:
    return Reminder(
        key=due.key, kind=due.kind, due_on=due.due_on, clinic=due.clinic, patient=due.patient,
        responsible_role=due.responsible_role, responsible_user=due.responsible_user,
        params=due.params, url=due.url, notify_patient=due.notify_patient,
    )  # fmt: skip


def _insert_fields(model: type[Model]) -> list[Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def insert(rows: list[Model], ignore_conflicts: bool = False) -> None:
    """``bulk_create(rows, ignore_conflicts=...)`` of new rows of one model (at most a chunk).

    On SQLite, without compiling Django's statement of about ninety rows per batch (a
    placeholder and a prepared value per field per row, every placeholder rewritten), which
    was most of the cost of storing a first run's reminders: Django's own statement for one
    row (``INSERT OR IGNORE``), each field preparing its own value, executed for every row by
    the driver. PostgreSQL keeps ``bulk_create``: one statement per chunk there was cheaper
    than a statement per row (a round trip each) or one built here (psycopg splits a long
    query in Python). Primary keys are not set.
    """
    if not rows:
        return
    model = type(rows[0])
    if connection.vendor != "sqlite":
        model._default_manager.bulk_create(rows, ignore_conflicts=ignore_conflicts)
        return
    fields = _insert_fields(model)
    values = [
        [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields] for row in rows
    ]
    _execute_insert(model, fields, values, ignore_conflicts)


def _execute_insert(
    model: type[Model],
    fields: list[Field[Any, Any]],
    values: list[list[Any]],
    ignore_conflicts: bool,
) -> None:
    """SQLite: Django's one-row INSERT of ``fields`` executed for each row of prepared values."""
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    ops = connection.ops
    sql = " ".join(
        part
        for part in (
            ops.insert_statement(on_conflict=on_conflict),
            ops.quote_name(model._meta.db_table),
            f"({', '.join(ops.quote_name(f.column) for f in fields)})",
            f"VALUES ({', '.join(['%s'] * len(fields))})",
            ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
        )
        if part
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _audit_many(action: str, patient_ids: list[int], object_type: str = "reminder") -> None:
    audit.record(None, action, object_type=object_type, patient_ids=patient_ids)


def collect(today: date, result: RunResult) -> None:
    """Create what is due and close what is resolved, without messaging anyone.

    In bounded memory: what a source finds is handled a chunk at a time; only the keys found
    are kept (to close the open reminders no longer due), never the records behind them.
    """
    horizon = today + timedelta(days=lead_days())
    for source in sources():
        found: set[str] = set()

        def due_now(dues: Iterable[Due], found: set[str] = found) -> Iterator[Due]:
            for due in dues:
                found.add(due.key)
                if due.due_on <= horizon:
                    yield due

        for chunk in _chunks(due_now(source.due(today))):
            with transaction.atomic():
                result.created += _store_new(chunk)
        open_ones = Reminder.objects.open().filter(kind__in=list(source.kinds))
        stale = (
            (pk, patient_id)
            for pk, key, patient_id in open_ones.values_list("pk", "key", "patient_id").iterator(
                chunk_size=chunk_size()
            )
            if key not in found
        )
        for chunk in _chunks(list(stale)):
            with transaction.atomic():
                Reminder.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
                    done_at=timezone.now(), done_reason=DoneReason.RESOLVED
                )
                _audit_many(AuditAction.UPDATE, [pid for _, pid in chunk if pid is not None])
            result.resolved += len(chunk)


def patient_language(code: str) -> str:
    """The patient's preferred language if its messages are translated, else the default."""
    return code if covers(code, Scope.MESSAGES) else settings.LANGUAGE_CODE


def shown_params(params: dict[str, str]) -> dict[str, str]:
    """The reminder's stored parameters as a person reads them: a day kept as ISO (the
    stored form, stable whatever the language) is shown in words, "21 Dec 2026"."""
    shown = {}
    for name, value in params.items():
        try:
            day = date.fromisoformat(value) if len(value) == 10 else None
        except (TypeError, ValueError):
            day = None
        shown[name] = day_text(day) if day else value
    return shown


def message_text(reminder: Reminder, language: str) -> tuple[str, str]:
    """Subject and body of the patient's message, in ``language``."""
    return MessageWriter().text(reminder, language)


#: Stand-ins rendered into the message template once per language, then replaced per patient.
_SLOTS = ("\x00name\x00", "\x00body\x00", "\x00clinic\x00")


class MessageWriter:
    """Writes patients' messages for one run: the template is rendered once per language with
    stand-ins, then each message fills in its patient's name, body and clinic (the template
    escapes nothing, so this is what rendering it per patient gives, at a fraction of the
    cost); days are formatted once per language."""

    def __init__(self) -> None:
        self._frames: dict[str, list[str]] = {}
        self._days: dict[tuple[str, date], str] = {}

    def _frame(self, language: str) -> list[str]:
        """The template in ``language``, cut at its stand-ins (whatever their order)."""
        if language not in self._frames:
            name, body, clinic = _SLOTS
            text = render_to_string(
                "reminders/email/patient_message.txt",
                {"patient": {"given_names": name}, "clinic": {"name": clinic}, "body": body},
            )
            self._frames[language] = re.split(f"({'|'.join(_SLOTS)})", text)
        return self._frames[language]

    def _day(self, language: str, day: date) -> str:
        if (language, day) not in self._days:
            self._days[language, day] = date_format(day)
        return self._days[language, day]

    def text(self, reminder: Reminder, language: str) -> tuple[str, str]:
        kind = kind_of(reminder.kind)
        assert kind is not None and kind.patient_subject is not None
        patient = reminder.patient
        assert patient is not None
        with translation.override(language):
            params = {
                **shown_params(reminder.params),
                "due": self._day(language, reminder.due_on),
                "clinic": reminder.clinic.name,
            }
            subject = str(kind.patient_subject) % params
            filled = dict(
                zip(
                    _SLOTS,
                    (
                        str(patient.given_names),
                        str(kind.patient_body or "") % params,
                        str(reminder.clinic.name),
                    ),
                    strict=True,
                )
            )
            frame = self._frame(language)
        return subject, "".join(filled.get(part, part) for part in frame)


def _messages_due(today: date) -> QuerySet[Reminder]:
    """Open reminders due within the lead time whose patient has not had their message yet,
    in id order."""
    kinds = [code for source in sources() for code, k in source.kinds.items() if k.patient_subject]
    return (
        Reminder.objects.open()
        .filter(notify_patient=True, patient__isnull=False, kind__in=kinds, message__isnull=True)
        .filter(due_on__lte=today + timedelta(days=lead_days()))
        .order_by("pk")
    )


#: A message ready to go: its reminder, language, subject and body.
Ready = tuple[Reminder, str, str, str]


def notify(today: date, result: RunResult) -> None:
    """Message the patients of the reminders due, a chunk at a time: a chunk is two queries
    (the next ids after the last chunk's, then their rows, each knowing whether its patient
    consents to contact), one insert of its claims, one mail connection and one audit entry
    naming the patients messaged."""
    due, last = _messages_due(today).values_list("pk", flat=True), 0
    writer = MessageWriter()
    while ids := list(due.filter(pk__gt=last)[: chunk_size()]):
        last = ids[-1]
        # The chunk's ids first, then its rows: joined with patients and clinics in the same
        # query, PostgreSQL joined every reminder still due before it kept the first few.
        chunk = (
            Reminder.objects.filter(pk__in=ids)
            .annotate(contact=contact_consent("patient"))
            .select_related("patient__clinic", "clinic")
            .order_by("pk")
        )
        ready: dict[str, list[Ready]] = {}
        for reminder in chunk:
            message = _ready(reminder, result, writer)
            if message is not None:
                ready.setdefault(message[0], []).append(message[1])
        for channel, messages in ready.items():
            _send(channel, messages, result)


def _ready(
    reminder: Reminder, result: RunResult, writer: MessageWriter
) -> tuple[str, Ready] | None:
    """The channel and the message for this reminder's patient, or None (counted why)."""
    patient = reminder.patient
    assert patient is not None
    if not reminder.contact:  # type: ignore[attr-defined]
        result.no_consent += 1
        return None
    channel = channel_for(patient)
    if channel is None:
        result.no_address += 1
        return None
    language = patient_language(patient.preferred_language)
    try:
        subject, body = writer.text(reminder, language)
    except Exception:
        logger.exception("message for reminder %s could not be written", reminder.pk)
        result.failed += 1
        return None
    return channel.name, (reminder, language, subject, body)


def _send(channel: str, messages: list[Ready], result: RunResult) -> None:
    """Claim the messages, send them, and release the claims of those that failed (the next
    run tries them again): a message is never sent twice."""
    claimed = _claim(channel, messages)
    went = CHANNELS[channel].send_all(
        [(reminder.patient, subject, body) for reminder, _, subject, body in claimed]  # type: ignore[misc]
    )
    failed = [message[0].pk for message, ok in zip(claimed, went, strict=True) if not ok]
    if failed:
        PatientMessage.objects.filter(reminder_id__in=failed).delete()
    sent = [message[0].patient_id for message, ok in zip(claimed, went, strict=True) if ok]
    if sent:
        _audit_many(AuditAction.CREATE, [pid for pid in sent if pid is not None], "patient_message")
    result.sent += len(sent)
    result.failed += len(failed)


def _claim(channel: str, messages: list[Ready]) -> list[Ready]:
    """Claim every message (one row per reminder) in one insert; if another run claimed some
    of them meanwhile, claim one at a time and keep only those this run claimed."""
    try:
        with transaction.atomic():
            store_claims(channel, [(reminder.pk, language) for reminder, language, *_ in messages])
        return messages
    except IntegrityError:
        pass
    mine = []
    for message in messages:
        try:
            with transaction.atomic():
                PatientMessage.objects.create(
                    reminder=message[0], channel=channel, language=message[1]
                )
        except IntegrityError:
            continue  # another run claimed it: it is theirs to send
        mine.append(message)
    return mine


#: New reminders in one run above which the planner's statistics are brought up to date
#: before the messages are looked up (autovacuum's analyse may not have come yet).
ANALYSE_AFTER = STALE_AFTER


def run(today: date | None = None) -> RunResult:
    today = today or timezone.localdate()
    result = RunResult()
    collect(today, result)
    if result.created > ANALYSE_AFTER:
        # planned as the tiny tables they were, each chunk of messages sorted every reminder
        # still due (0.35 s a chunk at 100,000 patients on PostgreSQL)
        refresh_statistics(Reminder, PatientMessage)
    notify(today, result)
    return result


# --- what a person sees ------------------------------------------------------------------


def reminder_text(reminder: Reminder) -> str:
    kind = kind_of(reminder.kind)
    if kind is None:
        return reminder.kind
    return str(kind.title) % {**shown_params(reminder.params), "due": date_format(reminder.due_on)}


def is_overdue(reminder: Reminder, today: date) -> bool:
    """Late by its kind's rule: a notice ahead of a deadline only once the deadline passed."""
    kind = kind_of(reminder.kind)
    return (
        kind.overdue(reminder.due_on, reminder.params, today) if kind else reminder.due_on < today
    )


def open_mine(user: User, clinics: list[Clinic], role: str, today: date) -> QuerySet[Reminder]:
    """Open reminders, due within the lead time, that are this person's or their role's
    (unordered: the one filter the lists and the counts share)."""
    mine = Q(responsible_user=user) | Q(responsible_user__isnull=True, responsible_role=role)
    return (
        Reminder.objects.open()
        .filter(clinic__in=clinics, due_on__lte=today + timedelta(days=lead_days()))
        .filter(mine)
        .order_by()
    )


def open_for(
    user: User, clinics: list[Clinic], role: str, today: date, urgency: Urgency | None = None
) -> QuerySet[Reminder]:
    """Open reminders, due within the lead time, that are this person's or their role's, the
    most urgent first; only those of one ``urgency`` when given."""
    # Prefetched, not joined: a join makes the database sort every open reminder before it
    # keeps the first few; alone, it walks each clinic's in due order and stops early.
    found = open_mine(user, clinics, role, today).prefetch_related("patient__clinic", "clinic")
    if urgency is not None:  # one group: by its kinds, in the order of the open-work index
        return of_urgency(found, urgency).order_by("due_on", "pk")
    return found.alias(urgency=urgency_of_kind()).order_by("urgency", "due_on", "pk")


def of_urgency(reminders: QuerySet[Reminder], urgency: Urgency) -> QuerySet[Reminder]:
    """The reminders of one urgency; a kind no source registers counts as ``OTHER``."""
    if urgency == Urgency.OTHER:
        ranked = [code for code, kind in kinds().items() if kind.urgency != Urgency.OTHER]
        return reminders.exclude(kind__in=ranked)
    return reminders.filter(kind__in=[c for c, k in kinds().items() if k.urgency == urgency])


def urgency_of_kind() -> Case:
    """The kind's rank on a work list (``Urgency``), as SQL: safety first, then reviews, then
    reports owed, then the rest."""
    by_urgency: dict[Urgency, list[str]] = {}
    for code, kind in kinds().items():
        by_urgency.setdefault(kind.urgency, []).append(code)
    return Case(
        *(When(kind__in=codes, then=Value(int(u))) for u, codes in sorted(by_urgency.items())),
        default=Value(int(Urgency.OTHER)),
        output_field=IntegerField(),
    )
