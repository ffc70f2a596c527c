"""Forms for the audit filter, API tokens and clinic memberships."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import AuditAction, Clinic, Membership, Role, User
from repigment.core.forms import Form, ModelForm, SpecificRequired


class AuditFilterForm(Form):
    user = forms.CharField(label=_("User e-mail contains"), required=False, max_length=254)
    patient = forms.IntegerField(label=_("Patient id"), required=False, min_value=1)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *list(AuditAction.choices)]
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ApiTokenForm(Form):
    name = forms.CharField(
        label=_("What is this token for?"),
        max_length=80,
        help_text=_("For example: the clinic's reporting script."),
    )
    fhir = forms.BooleanField(
        label=_("Also for a FHIR client (read only, /fhir/R4)"),
        required=False,
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for the usual period."),
    )
    read_only = forms.BooleanField(
        label=_("Read-only"),
        required=False,
        help_text=_("It may only read: the API refuses it any change."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        days.max_value = settings.API_TOKEN_MAX_DAYS
        days.validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        days.widget.attrs.update({"min": 1, "max": settings.API_TOKEN_MAX_DAYS})
        days.widget.attrs["placeholder"] = str(settings.API_TOKEN_DAYS)
        days.help_text = _("Leave empty for %(days)d days; at most %(max)d.") % {
            "days": settings.API_TOKEN_DAYS,
            "max": settings.API_TOKEN_MAX_DAYS,
        }


class InviteForm(Form):
    """A new member of staff, invited by e-mail to set their own password."""

    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("This person already has an account: add the role to it below instead.")
            )
        return email


class AddMemberForm(Form):
    email = forms.EmailField(label=_("E-mail of an existing user"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user has this e-mail address."))
        return user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user, role = data.get("email"), data.get("role")
        if (
            user
            and role
            and Membership.objects.filter(user=user, clinic=self.clinic, role=role).exists()
        ):
            raise forms.ValidationError(_("This person already holds that role here."))
        return data


class ClinicSettingsForm(ModelForm):
    """What the clinic administrator chooses for the clinic (the label prescriptions follow)."""

    class Meta:
        model = Clinic
        fields = ["label_jurisdiction"]
        widgets = {"label_jurisdiction": forms.RadioSelect}


# Django's password forms, with errors that name their field like every other form here.
class PasswordResetForm(SpecificRequired, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(SpecificRequired, auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    pass


class PasswordChangeForm(SpecificRequired, auth_forms.PasswordChangeForm):  # type: ignore[type-arg]
    pass
