"""The visit form: general fields, then F-VASI and T-VASI rows region by region.

Each region is a small formset of rows (hand units, depigmentation chosen from the ladder).
Without JavaScript the page still works: "Add a row" and "Calculate" are ordinary submit
buttons that re-render the page with everything typed kept; with HTMX the same server code
updates the subtotals as the user types.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from repigment.accounts.models import Membership, Role, User
from repigment.assessments.models import (
    LADDER_CHOICES,
    REGION_LABELS,
    REGIONS,
    BodySite,
    Instrument,
    Lighting,
    Noticeability,
    Visit,
)
from repigment.assessments.services import (
    LADDER_TEXT,
    EntryInput,
    PhotosRejected,
    Scores,
    VisitInput,
    VisitInvalid,
    clean_photos,
    score_entries,
)
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.scoring import VasiEntry, score_fvasi, score_tvasi
from repigment.core.forms import DecimalCommaField, Form
from repigment.core.templatetags.formhelp import Problem, field_target
from repigment.patients.forms import DateInput
from repigment.patients.models import Patient
from repigment.patients.uploads import CleanFile

MAX_ROWS_PER_REGION = 30
BLANK_ROWS = 1


class VisitForm(Form):
    visit_date = forms.DateField(label=_lazy("Visit date"), widget=DateInput())
    assessor = forms.ModelChoiceField(label=_lazy("Assessor"), queryset=User.objects.none())
    affected_bsa_percent = DecimalCommaField(
        label=_lazy("Affected body surface area (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_lazy("Percent of the whole body surface; one hand unit is about 1 %."),
    )
    facial_bsa_percent = DecimalCommaField(
        label=_lazy("Facial body surface area (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_lazy("Percent of the whole body surface, part of the affected area."),
    )
    vns = forms.TypedChoiceField(
        label=_lazy("Vitiligo Noticeability Scale (face)"),
        choices=[("", _lazy("not asked")), *Noticeability.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_lazy(
            "Ask the patient: “Compared to before treatment, how noticeable is the vitiligo "
            "now?” From the first follow-up visit on."
        ),
    )
    notes = forms.CharField(
        label=_lazy("Clinical notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    fvasi_scored = forms.BooleanField(label=_lazy("F-VASI scored at this visit"), required=False)
    tvasi_scored = forms.BooleanField(label=_lazy("T-VASI scored at this visit"), required=False)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prescribers = Membership.objects.filter(clinic=patient.clinic, role=Role.PRESCRIBER)
        self.fields["assessor"].queryset = User.objects.filter(
            pk__in=prescribers.values("user_id"), is_active=True
        ).order_by("full_name")
        self.fields["assessor"].label_from_instance = lambda user: user.full_name or user.email


class LadderField(forms.TypedChoiceField):
    """A grade from the VASI ladder; anything else gets the ladder spelled out."""

    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            super().validate(value)
        elif not self.valid_value(value):
            raise forms.ValidationError(
                _("Depigmentation must be one of %(ladder)s %%.") % {"ladder": LADDER_TEXT},
                code="invalid_choice",
            )


class EntryRowForm(Form):
    hand_units = DecimalCommaField(
        label=_lazy("Hand units"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "invalid": _lazy("Hand units must be a number, for example 0.5, 0,5 or 2."),
            "min_value": _lazy("Hand units cannot be negative."),
            "max_decimal_places": _lazy("Hand units take at most two decimals, e.g. 0.25."),
            "max_digits": _lazy("That is more hand units than a body has."),
            "max_whole_digits": _lazy("That is more hand units than a body has."),
        },
    )
    depigmentation = LadderField(
        label=_lazy("Depigmentation"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *LADDER_CHOICES],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        units, grade = data.get("hand_units"), data.get("depigmentation")
        has_units = units is not None or "hand_units" in self.errors
        has_grade = grade is not None or "depigmentation" in self.errors
        if has_units and not has_grade:
            self.add_error("depigmentation", _("Choose the depigmentation for this row."))
        if has_grade and not has_units:
            self.add_error("hand_units", _("Enter the hand units for this row."))
        return data


EntryFormSet = formset_factory(
    EntryRowForm, extra=0, max_num=MAX_ROWS_PER_REGION, validate_max=True, absolute_max=60
)


@dataclass
class RegionRows:
    instrument: str
    region: str
    label: str
    formset: Any
    subtotal: Decimal | None = None

    @property
    def prefix(self) -> str:
        return self.region


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """One or more files from one input; each is checked by the upload code afterwards."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class PhotoUploadForm(Form):
    images = MultipleImageField(
        label=_lazy("Photos"),
        help_text=_lazy(
            "One or more photos of the same site and lighting: JPEG, PNG, HEIC or "
            "WEBP. Location and camera data are removed before storing."
        ),
    )
    body_site = forms.ChoiceField(label=_lazy("Body site"), choices=BodySite.choices)
    site_detail = forms.CharField(
        label=_lazy("Where exactly"),
        required=False,
        max_length=100,
        help_text=_lazy("For example: left hand, back; or right cheek."),
    )
    lighting = forms.ChoiceField(
        label=_lazy("Lighting"),
        choices=Lighting.choices,
        widget=forms.RadioSelect,
        initial=Lighting.DAYLIGHT,
    )

    def clean_images(self) -> list[CleanFile]:
        try:
            return clean_photos(self.cleaned_data["images"])
        except PhotosRejected as refused:
            raise forms.ValidationError([*refused.problems, _("Nothing was saved.")]) from None


class VisitEditor:
    """The visit form and its region formsets, bound to a POST or filled from a visit."""

    def __init__(
        self,
        patient: Patient,
        *,
        data: QueryDict | None = None,
        visit: Visit | None = None,
        assessor: User | None = None,
    ) -> None:
        self.patient = patient
        self.visit = visit
        self.errors_from_save: dict[str, list[str]] = {}
        self.scores: Scores | None = None
        self.form = VisitForm(data, patient=patient, initial=self._initial(visit, assessor))
        self.regions = [
            self._region(instrument, region, data, visit)
            for instrument, regions in REGIONS.items()
            for region in regions
        ]

    @staticmethod
    def _initial(visit: Visit | None, assessor: User | None) -> dict[str, Any]:
        if visit is None:
            return {
                "visit_date": timezone.localdate(),
                "assessor": assessor,
                "fvasi_scored": True,
                "tvasi_scored": True,
            }
        names = (
            "visit_date",
            "assessor",
            "affected_bsa_percent",
            "facial_bsa_percent",
            "vns",
            "notes",
            "fvasi_scored",
            "tvasi_scored",
        )
        return {name: getattr(visit, name) for name in names}

    def _region(
        self, instrument: str, region: str, data: QueryDict | None, visit: Visit | None
    ) -> RegionRows:
        label = str(REGION_LABELS[region])
        if data is not None:
            formset = EntryFormSet(data, prefix=region)
        else:
            rows = [
                {"hand_units": e.hand_units, "depigmentation": e.depigmentation}
                for e in (
                    visit.entries.filter(instrument=instrument, region=region) if visit else []
                )
            ]
            formset = EntryFormSet(prefix=region, initial=rows)
            formset.extra = BLANK_ROWS
        return RegionRows(instrument, region, label, formset)

    def instrument_regions(self, instrument: str) -> list[RegionRows]:
        return [r for r in self.regions if r.instrument == instrument]

    @property
    def fvasi_regions(self) -> list[RegionRows]:
        return self.instrument_regions(Instrument.FVASI)

    @property
    def tvasi_regions(self) -> list[RegionRows]:
        return self.instrument_regions(Instrument.TVASI)

    def row_problems(self) -> list[Problem]:
        """The rows' errors for the error summary, each naming its region and row and linking
        to the row's field."""
        found: list[Problem] = []
        for rows in self.regions:
            if not rows.formset.is_bound:
                continue
            for number, row in enumerate(rows.formset.forms, start=1):
                for name, messages in row.errors.items():
                    target = field_target(row[name if name in row.fields else "hand_units"])
                    for message in messages:
                        text = _("%(region)s, row %(n)s: %(message)s") % {
                            "region": rows.label,
                            "n": number,
                            "message": message,
                        }
                        found.append(Problem(text, target))
            found += [Problem(str(m)) for m in rows.formset.non_form_errors()]
        return found

    def rows_valid(self) -> bool:
        return all(r.formset.is_valid() for r in self.regions)

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        return self.rows_valid() and form_ok

    def entries(self) -> tuple[list[EntryInput], list[tuple[RegionRows, int]]]:
        """The filled rows, in order, and where each came from (for putting errors back)."""
        found: list[EntryInput] = []
        origin: list[tuple[RegionRows, int]] = []
        for rows in self.regions:
            bound = rows.formset.is_bound
            for index, row in enumerate(rows.formset.forms):
                data = getattr(row, "cleaned_data", {}) if bound else row.initial
                if data.get("hand_units") is None or data.get("depigmentation") is None:
                    continue
                found.append(
                    EntryInput(
                        rows.instrument, rows.region, data["hand_units"], data["depigmentation"]
                    )
                )
                origin.append((rows, index))
        return found, origin

    def visit_input(self) -> VisitInput:
        data = self.form.cleaned_data
        entries, _origin = self.entries()
        return VisitInput(
            visit_date=data["visit_date"],
            assessor=data["assessor"],
            fvasi_scored=data["fvasi_scored"],
            tvasi_scored=data["tvasi_scored"],
            affected_bsa_percent=data["affected_bsa_percent"],
            facial_bsa_percent=data["facial_bsa_percent"],
            vns=data["vns"],
            notes=data["notes"],
            entries=entries,
        )

    def calculate(self) -> None:
        """Subtotals and totals from the valid rows, for showing while the user types."""
        entries, _origin = self.entries()
        scored = self._scored()
        for rows in self.regions:
            rows.subtotal = None
        try:
            self.scores = score_entries(entries, scored[Instrument.FVASI], scored[Instrument.TVASI])
        except VisitInvalid as invalid:
            self.scores = None
            self.show_errors(invalid.fields)
            self._fallback_subtotals(entries)
            return
        for rows in self.regions:
            score = self.scores.of(rows.instrument)
            rows.subtotal = score.region_subtotals.get(rows.region) if score else None

    def _fallback_subtotals(self, entries: list[EntryInput]) -> None:
        """Each region scored on its own, when the instrument as a whole cannot be."""
        for rows in self.regions:
            mine = [e for e in entries if e.region == rows.region]
            score = score_fvasi if rows.instrument == Instrument.FVASI else score_tvasi
            try:
                vasi = [
                    VasiEntry.from_values(e.region, e.hand_units, e.depigmentation) for e in mine
                ]
                rows.subtotal = score(vasi).region_subtotals[rows.region]
            except ClinicalInputError:
                rows.subtotal = None

    def messages(self) -> list[str]:
        """Every problem on the page in one list, each naming its region and row."""
        found = [str(m) for m in self.form.non_field_errors()] if self.form.is_bound else []
        for rows in self.regions:
            for number, row in enumerate(rows.formset.forms, start=1):
                for message in (m for errors in row.errors.values() for m in errors):
                    found.append(
                        _("%(region)s, row %(n)s: %(message)s")
                        % {"region": rows.label, "n": number, "message": message}
                    )
            found += [str(m) for m in rows.formset.non_form_errors()]
        for key in ("fvasi", "tvasi"):
            found += self.errors_from_save.get(key, [])
        return found

    def _scored(self) -> dict[str, bool]:
        data = self.form.data
        if not self.form.is_bound:
            return {Instrument.FVASI: True, Instrument.TVASI: True}
        return {
            Instrument.FVASI: data.get("fvasi_scored") in ("on", "true", "True", "1"),
            Instrument.TVASI: data.get("tvasi_scored") in ("on", "true", "True", "1"),
        }

    def show_errors(self, fields: dict[str, list[str]]) -> None:
        """Put errors from the checks onto the field or row they concern."""
        _entries, origin = self.entries()
        for key, messages in fields.items():
            parts = key.split(".")
            if parts[0] == "entries" and len(parts) >= 2 and parts[1].isdigit():
                rows, index = origin[int(parts[1])]
                field = parts[2] if len(parts) > 2 else None
                form = rows.formset.forms[index]
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            elif key in ("fvasi", "tvasi"):
                self.errors_from_save.setdefault(key, []).extend(messages)
            elif key in self.form.fields and hasattr(self.form, "cleaned_data"):
                for message in messages:
                    self.form.add_error(key, message)
            else:
                self.errors_from_save.setdefault("general", []).extend(messages)

    def add_row(self, region: str) -> None:
        """One more blank row for ``region`` (the page's "Add a row" button)."""
        for rows in self.regions:
            if rows.region == region and rows.formset.is_bound:
                data = rows.formset.data.copy()
                key = f"{region}-TOTAL_FORMS"
                data[key] = str(min(int(data.get(key, 0)) + 1, MAX_ROWS_PER_REGION))
                rows.formset = EntryFormSet(data, prefix=region)
