"""Forms for checking a scanned code and for uploading a recall file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from repigment.core.forms import Form
from repigment.supply import gs1, recalls
from repigment.supply.batches import RELEASE_CHECKLIST


def read_limited(upload: UploadedFile, limit: int, too_large: str) -> bytes:
    """The upload's bytes, refused (before reading it all) when over ``limit``."""
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(too_large)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise forms.ValidationError(too_large)
    return data


class CheckCodeForm(Form):
    """Scanner text (the scanner types into the field and presses Enter) or a photo."""

    code = forms.CharField(
        label=_("Code"),
        required=False,
        strip=False,
        max_length=500,
        help_text=_(
            "Put the cursor here and scan the pack's square code, or type the text printed "
            "beside it, e.g. (01)…(17)…(10)…(21)…"
        ),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    photo = forms.FileField(
        label=_("Or a photo of the code"),
        required=False,
        help_text=_("PNG, JPEG or WEBP, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    treatment_weeks = forms.IntegerField(
        label=_("Weeks the pack must stay in date"),
        required=False,
        min_value=1,
        max_value=104,
        help_text=_("Optional. Leave empty to check only that the pack has not expired."),
    )

    def clean_photo(self) -> bytes | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return read_limited(upload, gs1.MAX_IMAGE_BYTES, str(_("The photo is larger than 10 MB.")))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("code") or "").strip() and not data.get("photo") and not self.errors:
            raise forms.ValidationError(_("Scan or type a code, or choose a photo of one."))
        return data


class RecallImportForm(Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma- or semicolon-separated, up to 1 MB, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload:
            data["data"] = read_limited(
                upload, recalls.MAX_BYTES, str(_("The file is larger than 1 MB."))
            )
        return data


class OrderForm(Form):
    """An import order; the choices are the authorisations and packs this pharmacy may order."""

    authorisation = forms.ModelChoiceField(queryset=None, label=_("Authorisation"))  # type: ignore[arg-type]
    product_pack = forms.ModelChoiceField(queryset=None, label=_("Pack"))  # type: ignore[arg-type]
    quantity = forms.IntegerField(label=_("Packs"), min_value=1, max_value=1000)
    expected_lots = forms.CharField(
        label=_("Lots declared by the supplier"),
        max_length=300,
        help_text=_("Lot numbers on the supplier's documents, separated by commas."),
    )
    supplier_reference = forms.CharField(
        label=_("Supplier's reference"), max_length=80, required=False
    )

    def __init__(self, *args: Any, authorisations: Any, packs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authorisation"].queryset = authorisations  # type: ignore[attr-defined]
        self.fields["product_pack"].queryset = packs  # type: ignore[attr-defined]

    def clean_expected_lots(self) -> list[str]:
        lots = [lot.strip() for lot in self.cleaned_data["expected_lots"].split(",")]
        return [lot for lot in lots if lot]


class ReceiveScanForm(CheckCodeForm):
    """The scanner's text or a photo, checked against the order in this receiving session."""

    treatment_weeks = None  # type: ignore[assignment]


class QuarantineForm(Form):
    """Why a pack refused for warnings alone goes into quarantine on purpose."""

    reason = forms.CharField(label=_("Reason for quarantining this pack"), max_length=500)


class DispenseForm(Form):
    pack = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("Pack from available stock"),
        required=False,
    )
    code = forms.CharField(
        label=_("Or scan the pack"),
        required=False,
        strip=False,
        max_length=500,
        # The counter's scanner types into this field: focused on load, like receiving.
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, packs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"].queryset = packs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("pack") and not (data.get("code") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Choose a pack or scan one."))
        return data


class _Date(forms.DateInput):
    input_type = "date"


class BatchReceiveForm(Form):
    """One batch of an unapproved product, as its labels and documents state it."""

    lot_number = forms.CharField(label=_("Batch number"), max_length=20)
    expiry = forms.DateField(label=_("Expiry date"), widget=_Date)
    maker = forms.CharField(
        label=_("Maker"),
        max_length=200,
        help_text=_("The manufacturer or compounding pharmacy, as named on its licence."),
    )
    maker_licence = forms.CharField(
        label=_("Maker's licence number"),
        max_length=100,
        help_text=_("As seen on the maker's manufacturing or pharmacy licence."),
    )
    packs = forms.IntegerField(label=_("Packs received"), min_value=1, max_value=1000)


class CertificateForm(Form):
    """The certificate of analysis and what the pharmacist read on it."""

    file = forms.FileField(
        label=_("Certificate of analysis"),
        help_text=_("A PDF or a photo (JPEG, PNG, HEIC or WEBP), judged by its content."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg,image/webp,image/heic"}
        ),
    )
    product_name = forms.CharField(label=_("Product named on the certificate"), max_length=200)
    batch_number = forms.CharField(label=_("Batch on the certificate"), max_length=20)
    strength = forms.CharField(label=_("Strength on the certificate"), max_length=20)
    expiry = forms.DateField(label=_("Expiry on the certificate"), widget=_Date)
    results_conform = forms.BooleanField(
        label=_("Identity, assay and impurity results are within the stated specification"),
        required=False,
    )


class ReleaseForm(Form):
    """The release checklist; the service refuses the release unless every item is ticked."""

    ticked = forms.MultipleChoiceField(
        label=_("Checklist"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ticked"].choices = [(i.key, i.label) for i in RELEASE_CHECKLIST]  # type: ignore[attr-defined]
