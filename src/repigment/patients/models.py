"""A clinic's patients, their POPIA consents and their vitiligo diagnosis.

A patient belongs to one clinic. Health information is special personal information under
POPIA, so every use rests on a recorded consent for that purpose; a withdrawn consent keeps
its record (with the date of withdrawal) and stops the use from then on.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Clinic
from repigment.core.keyset import KeysetPage, keyset_page

ADULT_AGE = 18  # POPIA: a child is a person under 18; a competent person consents for them
ZA_ID_LENGTH = 13


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Intersex or another sex")


class Phototype(models.IntegerChoices):
    TYPE_I = 1, _("I")
    TYPE_II = 2, _("II")
    TYPE_III = 3, _("III")
    TYPE_IV = 4, _("IV")
    TYPE_V = 5, _("V")
    TYPE_VI = 6, _("VI")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    PORTUGUESE = "pt", _("Portuguese")
    AFRIKAANS = "af", _("Afrikaans")
    ZULU = "zu", _("isiZulu")
    XHOSA = "xh", _("isiXhosa")
    SOTHO = "st", _("Sesotho")
    TSWANA = "tn", _("Setswana")
    SWAHILI = "sw", _("Kiswahili")
    ARABIC = "ar", _("Arabic")
    OTHER = "other", _("Another language")


def name_key(text: str) -> str:
    """A name as searched: case-folded, accents and punctuation gone, single spaces
    ("Mokoena-Dubé " -> "mokoena dube")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def number_key(text: str) -> str:
    """A record or passport number as searched: letters and digits only, upper case
    ("jhb-0102 " -> "JHB0102")."""
    return re.sub(r"[\W_]+", "", text).upper()


#: Above every character a key can hold: ``key >= p AND key < p + TOP`` finds the prefix ``p``
#: by walking the column's index (databases compare the keys in code point order: SQLite's
#: BINARY, PostgreSQL's C collation).
TOP = "\U0010ffff"


class PatientQuerySet(models.QuerySet["Patient"]):
    def search(self, text: str) -> PatientQuerySet:
        """Patients whose record number, passport number or South African ID number is
        ``text`` (exactly, punctuation and case aside), or whose family or given names start
        with it, or with each of its words: one subquery, the union of branches that each walk
        an index, so none scans the table however large the registry."""
        every = Patient.objects.order_by()
        number = number_key(text)
        branches = []
        if number:
            exact = Q(record_key=number) | Q(passport_key=number)
            if number.isdigit() and len(number) == ZA_ID_LENGTH:
                exact |= Q(za_id_number=number)
            branches.append(every.filter(exact))
        words = name_key(text).split()
        if words:
            whole = " ".join(words)
            branches.append(
                every.filter(_starts(whole, "family_key") | _starts(whole, "given_key"))
            )
        if len(words) > 1:
            each = every
            for word in words:
                each = each.filter(_starts(word, "family_key") | _starts(word, "given_key"))
            branches.append(each)
        if words:
            branches.append(_fuzzy(every, words))
        if not branches:
            return self.none()
        first, *others = (branch.values("pk") for branch in branches)
        return self.filter(pk__in=first.union(*others) if others else first)

    def in_clinics(self, clinic_ids: list[int]) -> PatientQuerySet:
        """Patients of these clinics, filtered so that a list in list order walks an order
        index: one clinic by its (clinic, name…) index; several by the whole list's order
        index, the clinic tested on each row (``+clinic_id`` keeps the planner from reading a
        clinic's every patient through the clinic index and sorting them all)."""
        if len(clinic_ids) <= 1:
            return self.filter(clinic_id__in=clinic_ids)
        table = Patient._meta.db_table
        marks = ", ".join(["%s"] * len(clinic_ids))
        return self.extra(where=[f'+"{table}"."clinic_id" IN ({marks})'], params=clinic_ids)

    def keyset(
        self, *, after: int | None = None, before: int | None = None, size: int = 25
    ) -> KeysetPage[Patient]:
        """One page in list order (family name, given names, id) next to the patient ``after``
        or ``before``, walking the index that has the list's order (no OFFSET)."""
        return keyset_page(
            self, ("family_name", "given_names"), after=after, before=before, size=size
        )

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Patient]:
        """Rows inserted in bulk get their search keys too (``save()`` is not called)."""
        rows = list(objs)
        for row in rows:
            row.fill_keys()
        return super().bulk_create(rows, *args, **kwargs)


#: Words shorter than this are left to the prefix branches (a two-letter word shares a trigram
#: or two with half the registry).
FUZZY_MIN = 3


def _fuzzy(every: models.QuerySet[Patient], words: list[str]) -> models.QuerySet[Patient]:
    """Patients each of whose ``words`` is like a word of their names, through the index that
    migration 0004 built for this database.

    PostgreSQL: trigram similarity of each word to the family or given-names key, whole
    (``key % word``, at least 0.3) or to a stretch of it (``key %> word``, at least 0.6),
    through pg_trgm's GIN indexes, so a typo ("nadoo") still finds "Naidoo",
    and "khum" the "Khumalo" of "Ndlovu Khumalo". SQLite: the FTS5 table of the
    name keys, each word as a prefix token, so "khum" finds "Ndlovu Khumalo" (any word of a
    name, not only the first), but a typo finds nothing: SQLite has no trigram index.
    """
    if all(len(word) < FUZZY_MIN for word in words):
        return every.none()
    table = Patient._meta.db_table
    if connection.vendor == "postgresql":
        # similar as a whole (a typo) or like a stretch of the key (a later word of the name)
        # tested on the row itself (no subquery of ids joined back to the table), so that each
        # word's four comparisons are one bitmap of the two trigram indexes
        # (unqualified: inside the search's union the table is aliased)
        near = "(family_key %% %s OR family_key %%> %s OR given_key %% %s OR given_key %%> %s)"
        for word in words:
            if len(word) < FUZZY_MIN:  # a short word still narrows, as a prefix
                every = every.filter(_starts(word, "family_key") | _starts(word, "given_key"))
            else:
                every = every.extra(where=[near], params=[word] * 4)
        return every
    if connection.vendor == "sqlite":
        match = " ".join(f'"{word}"*' for word in words)  # name_key words: letters, digits
        fts = f"{table}_fts"
        return every.filter(pk__in=RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [match]))
    return every.none()


def _starts(prefix: str, field: str) -> Q:
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + TOP})


class Patient(models.Model):
    """A person treated at one clinic; the record number is unique within the clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    record_number = models.CharField(_("clinic record number"), max_length=40)
    given_names = models.CharField(_("given names"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    za_id_number = models.CharField(
        _("South African ID number"), max_length=13, blank=True, db_index=True
    )
    passport_number = models.CharField(_("passport number"), max_length=30, blank=True)
    passport_country = models.CharField(
        _("passport country (ISO 3166 alpha-2)"), max_length=2, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    phototype = models.PositiveSmallIntegerField(
        _("Fitzpatrick phototype"), choices=Phototype.choices
    )
    # The hook for the treatment app: the day the patient first applied the cream. Visit weeks
    # count from it; until it is set they count from the baseline visit.
    treatment_start = models.DateField(_("treatment start"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient_record",
        verbose_name=_("portal account"),
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    # Search keys (name_key / number_key of the fields above), kept by save() and bulk_create.
    family_key = models.CharField(max_length=100, editable=False, default="")
    given_key = models.CharField(max_length=100, editable=False, default="")
    record_key = models.CharField(max_length=40, editable=False, default="")
    passport_key = models.CharField(max_length=30, editable=False, default="")

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_names", "pk"]
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["clinic", "record_number"], name="patient_record_number_unique_in_clinic"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["clinic", "family_name", "date_of_birth"]),
            # The list's order, whole and within a clinic: keyset pages walk these. The clinic
            # last makes the whole list's index cover its filter, so an API page's OFFSET skips
            # index entries, not table rows (core/pagination.py asks for the ids first).
            models.Index(
                fields=["family_name", "given_names", "id", "clinic"], name="patient_list_order"
            ),
            models.Index(
                fields=["clinic", "family_name", "given_names", "id"],
                name="patient_clinic_list_order",
            ),
            models.Index(fields=["family_key"], name="patient_family_key"),
            models.Index(fields=["given_key"], name="patient_given_key"),
            models.Index(fields=["record_key"], name="patient_record_key"),
            models.Index(fields=["passport_key"], name="patient_passport_key"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.record_number})"

    def fill_keys(self) -> None:
        self.family_key = name_key(self.family_name)[:100]
        self.given_key = name_key(self.given_names)[:100]
        self.record_key = number_key(self.record_number)[:40]
        self.passport_key = number_key(self.passport_number)[:30]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            keys = {"family_key", "given_key", "record_key", "passport_key"}
            kwargs["update_fields"] = {*update_fields, *keys}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def is_minor_on(self, day: date) -> bool:
        return self.age_on(day) < ADULT_AGE

    def current_diagnosis(self) -> Diagnosis | None:
        return self.diagnoses.order_by("-recorded_on", "-pk").first()


class ConsentPurpose(models.TextChoices):
    TREATMENT = "treatment", _("Treatment records")
    PHOTOS = "photos", _("Clinical photographs")
    CONTACT = "contact", _("Contact by SMS or e-mail")
    REGISTRY = "registry", _("De-identified registry use")


PURPOSE_HELP = {
    ConsentPurpose.TREATMENT: _(
        "Recording and using health information (diagnosis, scores, treatment) for care."
    ),
    ConsentPurpose.PHOTOS: _("Taking and keeping clinical photographs of the skin."),
    ConsentPurpose.CONTACT: _("Reminders and messages by SMS or e-mail."),
    ConsentPurpose.REGISTRY: _(
        "Including the patient's outcomes, without name or identifiers, in registry figures."
    ),
}


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form (uploaded)")
    IN_PERSON = "in_person", _("Recorded in person")


class ConsentGiver(models.TextChoices):
    PATIENT = "patient", _("The patient")
    GUARDIAN = "guardian", _("Parent or guardian")


def _document_path(instance: ConsentDocument, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1]
    return f"consents/{instance.patient_id}/{uuid.uuid4().hex}.{extension}"


class ConsentDocument(models.Model):
    """A signed consent form (PDF, or a photo or scan with its metadata removed)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consent_documents")
    file = models.FileField(upload_to=_document_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"consent form {self.pk} of patient {self.patient_id}"


class Consent(models.Model):
    """Consent to one purpose: given on a date, in a way, by someone; perhaps withdrawn later."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    given_by = models.CharField(_("given by"), max_length=20, choices=ConsentGiver.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=150, blank=True)
    guardian_relationship = models.CharField(
        _("guardian's relationship to the patient"), max_length=60, blank=True
    )
    document = models.ForeignKey(
        ConsentDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = models.TextField(_("note on the withdrawal"), blank=True)

    class Meta:
        ordering = ["purpose", "-given_on", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["patient", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="one_current_consent_per_purpose",
            )
        ]
        indexes: ClassVar = [
            # The registry's patients (``registry_patients``), read by every registry report and
            # export: an index-only read of the current registry consents instead of every
            # consent of every purpose (PostgreSQL, 100,000 patients: 95 -> 50 ms).
            models.Index(
                fields=["patient"],
                condition=Q(purpose=ConsentPurpose.REGISTRY, withdrawn_on__isnull=True),
                name="consent_registry_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_on is None


class VitiligoType(models.TextChoices):
    NON_SEGMENTAL = "non_segmental", _("Non-segmental")
    SEGMENTAL = "segmental", _("Segmental")
    MIXED = "mixed", _("Mixed")
    UNCLASSIFIED = "unclassified", _("Unclassified")


class Activity(models.TextChoices):
    STABLE = "stable", _("Stable")
    ACTIVE = "active", _("Active")


class Comorbidity(models.TextChoices):
    THYROID = "thyroid", _("Thyroid disease")
    ALOPECIA_AREATA = "alopecia_areata", _("Alopecia areata")
    TYPE_1_DIABETES = "type_1_diabetes", _("Type 1 diabetes")
    PERNICIOUS_ANAEMIA = "pernicious_anaemia", _("Pernicious anaemia")
    RHEUMATOID_ARTHRITIS = "rheumatoid_arthritis", _("Rheumatoid arthritis")
    LUPUS = "lupus", _("Systemic lupus erythematosus")
    ADDISON = "addison", _("Addison's disease")


ICD10_VITILIGO = "L80"


class Diagnosis(models.Model):
    """The vitiligo diagnosis as recorded on a day; a later record supersedes it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diagnoses")
    vitiligo_type = models.CharField(
        _("type of vitiligo"), max_length=20, choices=VitiligoType.choices
    )
    onset_year = models.PositiveSmallIntegerField(_("year of onset"))
    activity = models.CharField(_("disease activity"), max_length=10, choices=Activity.choices)
    confetti_lesions = models.BooleanField(_("confetti-like lesions"), default=False)
    trichrome = models.BooleanField(_("trichrome lesions"), default=False)
    koebner = models.BooleanField(_("Koebner phenomenon"), default=False)
    facial_involvement = models.BooleanField(_("face involved"), default=False)
    comorbidities = models.JSONField(_("autoimmune comorbidities"), default=list, blank=True)
    other_comorbidities = models.CharField(
        _("other relevant conditions"), max_length=300, blank=True
    )
    icd10_code = models.CharField(_("ICD-10 code"), max_length=10, default=ICD10_VITILIGO)
    notes = models.TextField(_("clinical notes"), blank=True)
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")

    def __str__(self) -> str:
        return f"{self.icd10_code} {self.get_vitiligo_type_display()} ({self.recorded_on})"

    def comorbidity_labels(self) -> list[str]:
        labels = [str(Comorbidity(code).label) for code in self.comorbidities]
        return [*labels, self.other_comorbidities] if self.other_comorbidities else labels

    def activity_signs(self) -> list[str]:
        fields: list[tuple[bool, Any]] = [
            (self.confetti_lesions, _("confetti-like lesions")),
            (self.trichrome, _("trichrome lesions")),
            (self.koebner, _("Koebner phenomenon")),
        ]
        return [str(label) for seen, label in fields if seen]
