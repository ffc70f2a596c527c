"""Users, clinics, memberships with roles, personal API tokens and the audit trail."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.core.appendonly import AppendOnly, AppendOnlyQuerySet, WriteOnce


class Role(models.TextChoices):
    PRESCRIBER = "prescriber", _("Prescriber")
    PHARMACIST = "pharmacist", _("Pharmacist")
    CLINIC_ADMIN = "clinic_admin", _("Clinic administrator")
    ANALYST = "analyst", _("Registry analyst")
    AUDITOR = "auditor", _("Auditor")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff (site administration)"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    #: When the person turned on a second factor (repigment.accounts.twofactor); None: off.
    #: Kept on the user so that a signed-in request learns it without another query.
    two_factor_since = models.DateTimeField(_("two-factor log-in since"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Clinic(models.Model):
    """A dermatology clinic or an import pharmacy; data is partitioned by it."""

    class Kind(models.TextChoices):
        CLINIC = "clinic", _("Clinic")
        PHARMACY = "pharmacy", _("Import pharmacy")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLINIC)
    city = models.CharField(_("city"), max_length=100)
    # The site column of the registry dataset: short, stable, and free of the clinic's name, so
    # pooled exports say which site a row came from without saying more than that.
    code = models.CharField(
        _("short code"),
        max_length=12,
        blank=True,
        help_text=_("Letters and digits naming the clinic in registry exports (for example JHB)."),
        validators=[
            RegexValidator(r"^[A-Z0-9]{2,12}$", _("Use 2 to 12 capital letters or digits."))
        ],
    )
    country = models.CharField(_("country (ISO 3166 alpha-2)"), max_length=2, default="ZA")
    label_jurisdiction = models.CharField(
        _("label applied when prescribing"),
        max_length=3,
        choices=[("EMA", _("EU (EMA)")), ("FDA", _("US (FDA)"))],
        default="EMA",
        help_text=_("Whose ruxolitinib cream label new prescriptions are checked against."),
    )
    served_clinics = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="pharmacies",
        verbose_name=_("clinics this pharmacy supplies"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="clinic_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One role of one person in one clinic; a person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "clinic", "role"], name="one_role_once")
        ]
        ordering = ["clinic__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.clinic}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Not revoked, of an active user (expired or not)."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def active(self) -> ApiTokenQuerySet:
        """Usable and not expired: the tokens that work."""
        return self.usable().filter(expires__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored (the token is random, 256 bits).

    Every token works on the REST API; ``scopes`` lists what else it may do: ``"fhir"`` lets a
    FHIR client read through ``/fhir/R4`` (read only, within the holder's clinics and roles).

    It expires (``settings.API_TOKEN_DAYS`` after creation unless chosen otherwise, at most
    ``API_TOKEN_MAX_DAYS``) and may be read-only: the API then refuses it anything but reading.
    """

    PREFIX = "rpg_"
    SCOPE_FHIR = "fhir"
    SCOPES = (SCOPE_FHIR,)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    expires = models.DateTimeField(_("expires"))
    read_only = models.BooleanField(
        _("read-only"), default=False, help_text=_("The API refuses it anything but reading.")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(
        cls,
        user: User,
        name: str,
        scopes: Sequence[str] = (),
        *,
        days: int | None = None,
        read_only: bool = False,
    ) -> tuple[ApiToken, str]:
        """Create a token valid for ``days`` (default ``API_TOKEN_DAYS``, at most
        ``API_TOKEN_MAX_DAYS``) and return it with its one-time clear text."""
        unknown = set(scopes) - set(cls.SCOPES)
        if unknown:
            raise ValueError(f"unknown token scopes: {sorted(unknown)}")
        days = settings.API_TOKEN_DAYS if days is None else days
        if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
            raise ValueError(f"a token lasts 1 to {settings.API_TOKEN_MAX_DAYS} days, not {days}")
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user, name=name, digest=_hash_token(raw), hint=raw[:8], created=now,
            expires=now + timedelta(days=days), read_only=read_only, scopes=sorted(scopes),
        )  # fmt: skip
        return token, raw

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @classmethod
    def find_active(cls, raw: str) -> ApiToken | None:
        return cls.objects.active().select_related("user").filter(digest=_hash_token(raw)).first()

    @classmethod
    def find_expired(cls, raw: str) -> ApiToken | None:
        """The token if it would work but for its expiry (so the API can say so)."""
        found = cls.objects.usable().filter(digest=_hash_token(raw)).first()
        return found if found is not None and found.is_expired else None

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed log-in")
    API_AUTH_FAILED = "api_auth_failed", _("Rejected API credentials")
    LOCKED_OUT = "locked_out", _("Refused: too many failed attempts")
    LOCKOUT_LIFTED = "lockout_lifted", _("Lockout lifted")
    ACCESS_DENIED = "access_denied", _("Access refused")
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Removed")
    EXPORT = "export", _("Exported")
    TOKEN = "token", _("API token issued or revoked")
    MEMBERSHIP = "membership", _("Membership changed")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Two-factor log-in turned on")
    TWO_FACTOR_VERIFIED = "2fa_verified", _("Second factor accepted")
    TWO_FACTOR_FAILED = "2fa_failed", _("Second factor refused")
    RECOVERY_CODE_USED = "2fa_recovery_used", _("Recovery code used")
    RECOVERY_CODES_NEW = "2fa_recovery_new", _("New recovery codes made")
    TWO_FACTOR_REMOVED = "2fa_removed", _("Two-factor log-in turned off")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def naming(self, patient_id: int) -> AuditEntryQuerySet:
        """Entries that name the patient: who read or changed their record, and when."""
        return self.filter(patients__patient_id=patient_id)


class AuditEntry(AppendOnly):
    """One request's record: who did what, to which object and which patients, when, from where.

    Append-only and hash-chained (``repigment.core.appendonly``); ``time`` is the database's
    clock. The patients it names are ``AuditPatient`` rows, covered by the hash. How a request
    becomes one entry is in ``repigment.accounts.audit``.
    """

    time_field = "time"

    objects = AuditEntryQuerySet.as_manager()

    time = models.DateTimeField(default=timezone.now, editable=False)
    # Indexed below, with the time: no index of their own to keep up on every write.
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_email = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=20, blank=True)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    #: The request's other actions besides the main one: [[action, object_type, object_id], ...]
    also = models.JSONField(default=list, blank=True)
    path = models.CharField(max_length=300, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # Each filter of the audit pages, newest first, is a walk down one of these.
        indexes: ClassVar = [
            models.Index(fields=["clinic", "time", "id"], name="audit_clinic_time"),
            models.Index(fields=["actor", "time", "id"], name="audit_actor_time"),
            models.Index(fields=["action", "time", "id"], name="audit_action_time"),
            models.Index(fields=["time", "id"], name="audit_time"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action}"

    def actions(self) -> list[tuple[str, str, str]]:
        """(action, object_type, object_id) of everything the request recorded, main first."""
        main = (self.action, self.object_type, self.object_id)
        return [main, *(tuple(row) for row in self.also)]  # type: ignore[misc]

    def name_patients(self, patient_ids: Iterable[int]) -> None:
        """Set the patients an entry about to be written names."""
        self._patient_ids: list[int] = sorted({int(pk) for pk in patient_ids})

    @property
    def patient_ids(self) -> list[int]:
        """The patients it names: as set before writing, else as stored."""
        if not hasattr(self, "_patient_ids"):
            if not self._state.adding:
                return sorted(named.patient_id for named in self.patients.all())
            self._patient_ids = []  # written without naming anyone
        return self._patient_ids

    def chain_children(self) -> dict[str, list[Any]]:
        return {"patients": self.patient_ids}

    @classmethod
    def chain_prefetch(cls) -> tuple[str, ...]:
        return ("patients",)

    @classmethod
    def write_children(cls, rows: Sequence[AppendOnly]) -> None:
        """Every patient of every row in one statement, however many: COPY on PostgreSQL (a
        JSON array of 53,617 pairs took 232 ms there; COPY about a quarter), one INSERT from a
        JSON array of pairs on SQLite."""
        pairs = [(row.pk, pk) for row in rows for pk in row.patient_ids]  # type: ignore[attr-defined]
        if not pairs:
            return
        table = connection.ops.quote_name(AuditPatient._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} (entry_id, patient_id) FROM STDIN") as copy:
                    for pair in pairs:
                        copy.write_row(pair)
                return
            cursor.execute(
                f"INSERT INTO {table} (entry_id, patient_id) SELECT json_extract(value, '$[0]'), "
                "json_extract(value, '$[1]') FROM json_each(%s)",
                [json.dumps(pairs)],
            )


class AuditPatient(WriteOnce):
    """A patient an audit entry names: one row each, so "who saw this patient" is one indexed
    query. Write-once, and covered by its entry's hash."""

    entry = models.ForeignKey(
        AuditEntry, on_delete=models.PROTECT, related_name="patients", db_index=False
    )
    patient_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("patient named in an audit entry")
        verbose_name_plural = _("patients named in audit entries")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["entry", "patient_id"], name="audit_names_patient_once")
        ]
        indexes: ClassVar = [
            models.Index(fields=["patient_id", "entry"], name="audit_patient_entry"),
        ]

    def __str__(self) -> str:
        return f"entry {self.entry_id}: patient {self.patient_id}"
