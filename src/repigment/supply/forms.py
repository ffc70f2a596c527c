"""Forms for checking a scanned code and for uploading a recall file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from repigment.supply import gs1, recalls


def read_limited(upload: UploadedFile, limit: int, too_large: str) -> bytes:
    """The upload's bytes, refused (before reading it all) when over ``limit``."""
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(too_large)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise forms.ValidationError(too_large)
    return data


class CheckCodeForm(forms.Form):
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


class RecallImportForm(forms.Form):
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


class OrderForm(forms.Form):
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


class QuarantineForm(forms.Form):
    """Why a pack refused for warnings alone goes into quarantine on purpose."""

    reason = forms.CharField(label=_("Reason for quarantining this pack"), max_length=500)


class DispenseForm(forms.Form):
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
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, packs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack"].queryset = packs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("pack") and not (data.get("code") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Choose a pack or scan one."))
        return data
