"""Forms for registering patients, their consents and their diagnosis.

Every message says what is wrong in a clinician's words; nothing is saved until all is valid.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from repigment.accounts.models import Clinic
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.identifiers import Sex as IdSex
from repigment.clinical.identifiers import parse_za_id
from repigment.core.forms import Form, ModelForm
from repigment.core.templatetags.dates import day_text
from repigment.patients.models import (
    PURPOSE_HELP,
    Comorbidity,
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Diagnosis,
    Patient,
    Sex,
)
from repigment.patients.uploads import UploadRejected, clean_document, read_upload

PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
OLDEST_BIRTH_YEAR = 1900

PHOTOTYPE_HELP = _lazy(
    "Fitzpatrick: I always burns, never tans; II always burns, tans with difficulty; "
    "III sometimes burns mildly, tans about average; IV rarely burns, tans easily; "
    "V never burns, tans very easily; VI never burns, deeply pigmented."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _today() -> date:
    return timezone.localdate()


class PatientForm(ModelForm):
    class Meta:
        model = Patient
        fields = [
            "record_number",
            "given_names",
            "family_name",
            "date_of_birth",
            "sex",
            "za_id_number",
            "passport_number",
            "passport_country",
            "phone",
            "email",
            "preferred_language",
            "phototype",
            "treatment_start",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "treatment_start": DateInput(),
            "za_id_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "za_id_number": _lazy("13 digits. Optional; or give a passport number and country."),
            "passport_country": _lazy("Two letters, for example ZW, MZ, CD."),
            "treatment_start": _lazy(
                "The day the patient first applied the cream. Visit weeks count from it; "
                "until it is set they count from the baseline visit."
            ),
            "phototype": PHOTOTYPE_HELP,
        }

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.id_number = None
        self.fields["phototype"].choices = [("", "—"), *self.fields["phototype"].choices[1:]]

    def clean_record_number(self) -> str:
        number = _tidy(self.cleaned_data["record_number"])
        others = Patient.objects.filter(clinic=self.clinic, record_number__iexact=number)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Record number %(number)s is already used in this clinic.") % {"number": number}
            )
        return number

    def clean_given_names(self) -> str:
        return _tidy(self.cleaned_data["given_names"])

    def clean_family_name(self) -> str:
        return _tidy(self.cleaned_data["family_name"])

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born > _today():
            raise forms.ValidationError(_("The date of birth is in the future."))
        if born.year < OLDEST_BIRTH_YEAR:
            raise forms.ValidationError(_("The date of birth is too far in the past."))
        return born

    def clean_za_id_number(self) -> str:
        number = "".join(self.cleaned_data["za_id_number"].split())
        if not number:
            return ""
        try:
            self.id_number = parse_za_id(number)
        except ClinicalInputError as error:
            raise forms.ValidationError(
                _("This is not a valid South African ID number: %(problem)s.")
                % {"problem": error.problem}
            ) from None
        return number

    def clean_passport_country(self) -> str:
        country = self.cleaned_data["passport_country"].strip().upper()
        if country and not COUNTRY.match(country):
            raise forms.ValidationError(_("Use the two-letter country code, for example ZW."))
        return country

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("Use digits, spaces and an optional leading +, for example +27 82 555 0123.")
            )
        return phone

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_treatment_start(self) -> date | None:
        start: date | None = self.cleaned_data.get("treatment_start")
        if start is not None and start > _today():
            raise forms.ValidationError(_("The treatment start is in the future."))
        return start

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_id_agrees(data)
        if data.get("passport_number") and not data.get("passport_country"):
            self.add_error("passport_country", _("Give the country that issued the passport."))
        born, start = data.get("date_of_birth"), data.get("treatment_start")
        if born and start and start < born:
            self.add_error("treatment_start", _("The treatment start is before the birth date."))
        return data

    def _check_id_agrees(self, data: dict[str, Any]) -> None:
        parsed = self.id_number
        if parsed is None:
            return
        born = data.get("date_of_birth")
        if born and born != parsed.birth_date:
            self.add_error(
                "date_of_birth",
                _("The ID number gives %(id_date)s as the date of birth, not %(date)s.")
                % {"id_date": day_text(parsed.birth_date), "date": day_text(born)},
            )
        sex = data.get("sex")
        id_sex = Sex.FEMALE if parsed.sex == IdSex.FEMALE else Sex.MALE
        if sex in (Sex.FEMALE, Sex.MALE) and sex != id_sex:
            self.add_error(
                "sex",
                _("The ID number is registered as %(id_sex)s; this says %(sex)s.")
                % {"id_sex": id_sex.label.lower(), "sex": Sex(sex).label.lower()},
            )


class ConsentForm(Form):
    """Consent to one or more purposes, given together on one day in one way."""

    purposes = forms.MultipleChoiceField(
        label=_lazy("Consented to"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    given_on = forms.DateField(label=_lazy("Consent given on"), widget=DateInput(), required=False)
    method = forms.ChoiceField(
        label=_lazy("How"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        initial=ConsentMethod.IN_PERSON,
        required=False,
    )
    given_by = forms.ChoiceField(
        label=_lazy("Given by"),
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        initial=ConsentGiver.PATIENT,
        required=False,
        help_text=_lazy("For a patient under 18 a parent or guardian consents."),
    )
    guardian_name = forms.CharField(label=_lazy("Guardian's name"), required=False, max_length=150)
    guardian_relationship = forms.CharField(
        label=_lazy("Guardian's relationship to the patient"), required=False, max_length=60
    )
    document = forms.FileField(
        label=_lazy("Signed consent form"),
        required=False,
        help_text=_lazy("PDF, or a photo or scan (JPEG, PNG, HEIC, WEBP)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/*"}),
    )

    def __init__(
        self,
        *args: Any,
        date_of_birth: date | None = None,
        require_purpose: bool = False,
        current: set[str] | None = None,
        document_required: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"given_on": _today()})
        super().__init__(*args, **kwargs)
        self.date_of_birth = date_of_birth
        self.document_required = document_required
        self.current = current or set()
        self.fields["purposes"].required = require_purpose
        self.fields["purposes"].help_text = " ".join(
            f"{ConsentPurpose(p).label}: {PURPOSE_HELP[ConsentPurpose(p)]}"
            for p in ConsentPurpose.values
        )
        if require_purpose:
            self.fields["purposes"].error_messages["required"] = _lazy(
                "Tick at least one purpose the patient consented to."
            )

    def clean_purposes(self) -> list[str]:
        purposes: list[str] = self.cleaned_data["purposes"]
        already = [str(ConsentPurpose(p).label) for p in purposes if p in self.current]
        if already:
            raise forms.ValidationError(
                _("Already in force: %(purposes)s. Withdraw it first to record it again.")
                % {"purposes": ", ".join(already)}
            )
        return purposes

    def clean_given_on(self) -> date | None:
        given: date | None = self.cleaned_data.get("given_on")
        if given is not None and given > _today():
            raise forms.ValidationError(_("Consent cannot be dated in the future."))
        return given

    def clean_document(self) -> Any:
        upload: UploadedFile | None = self.cleaned_data.get("document")
        if not upload:
            return None
        try:
            data = read_upload(upload, upload.name or "file", upload.size)
            return clean_document(data, upload.name or "file")
        except UploadRejected as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("purposes"):
            return data
        needed = {
            "given_on": _("Give the date the consent was given."),
            "method": _("Say how the consent was given."),
            "given_by": _("Say who gave the consent."),
        }
        for field, message in needed.items():
            if not data.get(field) and field not in self.errors:
                self.add_error(field, message)
        signed = data.get("method") == ConsentMethod.SIGNED_FORM
        missing = self.document_required and not data.get("document")
        if signed and missing and "document" not in self.errors:
            self.add_error("document", _("Upload the signed form, or choose “in person”."))
        if data.get("given_by") == ConsentGiver.GUARDIAN:
            for field in ("guardian_name", "guardian_relationship"):
                if not data.get(field, "").strip():
                    self.add_error(field, _("Needed when a guardian gives consent."))
        self._check_minor(data)
        return data

    def _check_minor(self, data: dict[str, Any]) -> None:
        born, given = self.date_of_birth, data.get("given_on")
        if born is None or given is None:
            return
        if given < born:
            self.add_error("given_on", _("The consent date is before the patient's birth."))
        age = given.year - born.year - ((given.month, given.day) < (born.month, born.day))
        if age < 18 and data.get("given_by") == ConsentGiver.PATIENT:
            self.add_error(
                "given_by",
                _("The patient was %(age)s on that day; a parent or guardian must consent.")
                % {"age": age},
            )


class WithdrawConsentForm(Form):
    withdrawn_on = forms.DateField(label=_lazy("Withdrawn on"), widget=DateInput())
    note = forms.CharField(
        label=_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("For example how the patient told the clinic."),
    )

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"withdrawn_on": _today()})
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_withdrawn_on(self) -> date:
        day: date = self.cleaned_data["withdrawn_on"]
        if day > _today():
            raise forms.ValidationError(_("A withdrawal cannot be dated in the future."))
        if day < self.consent.given_on:
            raise forms.ValidationError(
                _("The consent was given on %(date)s; the withdrawal cannot be earlier.")
                % {"date": day_text(self.consent.given_on)}
            )
        return day


class DiagnosisForm(ModelForm):
    comorbidities = forms.MultipleChoiceField(
        label=_lazy("Autoimmune comorbidities"),
        choices=Comorbidity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Diagnosis
        fields = [
            "vitiligo_type",
            "onset_year",
            "activity",
            "confetti_lesions",
            "trichrome",
            "koebner",
            "facial_involvement",
            "comorbidities",
            "other_comorbidities",
            "recorded_on",
            "notes",
        ]
        widgets = {
            "vitiligo_type": forms.RadioSelect,
            "activity": forms.RadioSelect,
            "recorded_on": DateInput(),
            "onset_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "confetti_lesions": _lazy("Signs of activity seen at examination."),
            "icd10_code": _lazy("L80 (vitiligo) is recorded for exchange."),
        }

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_onset_year(self) -> int:
        year: int = self.cleaned_data["onset_year"]
        born = self.patient.date_of_birth.year
        if not born <= year <= _today().year:
            raise forms.ValidationError(
                _("The year of onset must be between %(born)s (birth) and this year.")
                % {"born": born}
            )
        return year

    def clean_recorded_on(self) -> date:
        day: date = self.cleaned_data["recorded_on"]
        if day > _today():
            raise forms.ValidationError(_("The diagnosis cannot be dated in the future."))
        return day


class PatientSearchForm(Form):
    q = forms.CharField(
        label=_lazy("Name, record number or ID number"), required=False, max_length=100
    )
