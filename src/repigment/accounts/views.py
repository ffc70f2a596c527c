"""Dashboard, clinic switcher, clinic members, audit trail and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from repigment.accounts import audit, invitations, permissions, services, trail
from repigment.accounts.forms import (
    AddMemberForm,
    ApiTokenForm,
    AuditFilterForm,
    ClinicSettingsForm,
    InviteForm,
    SetPasswordForm,
)
from repigment.accounts.middleware import ACTIVE_CLINIC_KEY, active_clinic
from repigment.accounts.models import (
    ApiToken,
    AuditAction,
    AuditEntry,
    Clinic,
    Membership,
    Role,
    User,
)
from repigment.accounts.permissions import clinic_member_required, role_required, user_clinics


def home(request: HttpRequest) -> HttpResponse:
    """Staff go to their dashboard; a visitor goes to the public pages in their language."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return redirect("knowledge:home")  # LocaleMiddleware chose the language: cookie, browser


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    panels = services.dashboard_panels(request.user, active_clinic(request))  # type: ignore[arg-type]
    if not panels and hasattr(request.user, "patient_record"):
        return redirect("portal:home")  # a patient's home is their portal
    return render(request, "accounts/dashboard.html", {"panels": panels})


@login_required
@require_POST
def switch_clinic(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("clinic", "")
    if wanted == "":
        request.session.pop(ACTIVE_CLINIC_KEY, None)
    elif wanted.isdigit() and user_clinics(request.user).filter(pk=int(wanted)).exists():  # type: ignore[arg-type]
        request.session[ACTIVE_CLINIC_KEY] = int(wanted)
    else:
        messages.error(request, _("You are not a member of that clinic."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    return redirect(target or "accounts:dashboard")


@clinic_member_required()
def clinic_detail(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    my_roles = Membership.objects.filter(user=request.user, clinic=clinic)
    return render(request, "accounts/clinic_detail.html", {"clinic": clinic, "my_roles": my_roles})


@clinic_member_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def clinic_members(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = AddMemberForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        member = Membership.objects.create(
            user=form.cleaned_data["email"], clinic=clinic, role=form.cleaned_data["role"]
        )
        audit.record(request, AuditAction.MEMBERSHIP, object_type="membership",
                     object_id=member.pk, clinic=clinic, role=Role.CLINIC_ADMIN)  # fmt: skip
        messages.success(request, _("Membership added."))
        return redirect("accounts:clinic_members", clinic_id=clinic.pk)
    members = clinic.memberships.select_related("user").order_by("user__full_name", "role")
    return render(
        request,
        "accounts/clinic_members.html",
        {"clinic": clinic, "members": members, "form": form, "invite_form": InviteForm()},
    )


@clinic_member_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def invite_member(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """Invite a new member of staff by e-mail: an inactive account, a one-time link."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = invitations.invite(
            clinic=clinic, email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"], role=form.cleaned_data["role"],
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )  # fmt: skip
        audit.record(request, AuditAction.MEMBERSHIP, object_type="invitation",
                     object_id=member.pk, clinic=clinic, role=Role.CLINIC_ADMIN)  # fmt: skip
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": member.user.email})
        return redirect("accounts:clinic_members", clinic_id=clinic.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/clinic_invite.html", {"clinic": clinic, "form": form}, status=status
    )


@clinic_member_required(Role.CLINIC_ADMIN)
@require_POST
def resend_invitation(request: HttpRequest, clinic: Clinic, membership_id: int) -> HttpResponse:
    """A new link for someone invited who has not yet chosen a password."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "clinic"), pk=membership_id, clinic=clinic
    )
    base_url = request.build_absolute_uri("/").rstrip("/")
    if invitations.resend(membership, base_url):
        audit.record(request, AuditAction.MEMBERSHIP, object_type="invitation_resent",
                     object_id=membership.pk, clinic=clinic, role=Role.CLINIC_ADMIN)  # fmt: skip
        messages.success(
            request,
            _("A new invitation link was sent to %(email)s.") % {"email": membership.user.email},
        )
    else:
        messages.error(request, _("%(name)s has already accepted the invitation.")
                       % {"name": membership.user.full_name or membership.user.email})  # fmt: skip
    return redirect("accounts:clinic_members", clinic_id=clinic.pk)


@clinic_member_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def clinic_settings(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    form = ClinicSettingsForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(request, AuditAction.UPDATE, object_type="clinic_settings",
                     object_id=clinic.pk, clinic=clinic, role=Role.CLINIC_ADMIN)  # fmt: skip
        messages.success(request, _("The clinic settings were saved."))
        return redirect("accounts:clinic_detail", clinic_id=clinic.pk)
    return render(request, "accounts/clinic_settings.html", {"clinic": clinic, "form": form})


@clinic_member_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def remove_member(request: HttpRequest, clinic: Clinic, membership_id: int) -> HttpResponse:
    """Ask first, then remove; nobody removes their own administrator role, and a clinic keeps
    an active administrator."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "clinic"), pk=membership_id, clinic=clinic
    )
    user: User = request.user  # type: ignore[assignment]
    refused = services.removal_refused(membership, user)
    if request.method == "POST" and refused is None and request.POST.get("confirm") == "yes":
        try:
            services.remove_membership(membership, user)
        except services.MembershipRefused as error:
            refused = str(error)
        else:
            audit.record(
                request, AuditAction.MEMBERSHIP, object_type="membership",
                object_id=membership_id, clinic=clinic, role=Role.CLINIC_ADMIN,
            )  # fmt: skip
            messages.success(request, _("Membership removed."))
            return redirect("accounts:clinic_members", clinic_id=clinic.pk)
    status = 409 if refused and request.method == "POST" else 200
    context = {"clinic": clinic, "membership": membership, "refused": refused}
    return render(request, "accounts/clinic_member_remove.html", context, status=status)


class InviteAcceptView(auth_views.PasswordResetConfirmView):
    """The invited person chooses a password: the account opens and the link is spent."""

    template_name = "accounts/form_page.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:login")
    extra_context = {
        "heading": _lazy("Choose your password"),
        "invalid_link": _lazy(
            "This invitation link has expired or was already used. Ask your clinic "
            "administrator to invite you again."
        ),
    }

    def form_valid(self, form: Any) -> HttpResponse:
        form.user.is_active = True  # saved with the new password by SetPasswordForm.save
        response = super().form_valid(form)
        audit.record(self.request, AuditAction.UPDATE, object_type="invitation_accepted",
                     object_id=form.user.pk)  # fmt: skip
        messages.success(self.request, _("Your password is set. You can log in now."))
        return response


@role_required(Role.AUDITOR)
def audit_list(request: HttpRequest) -> HttpResponse:
    """A page of the trail, newest first; reading it names the patients it shows."""
    form = AuditFilterForm(request.GET or None)
    try:
        before = trail.Cursor.parse(request.GET["before"]) if request.GET.get("before") else None
    except ValueError:
        return HttpResponse(
            _("This page link is not valid."), status=400, content_type="text/plain"
        )
    rows: list[AuditEntry] = []
    older = None
    if form.is_valid() or not form.is_bound:
        scope = trail.visible(request.user, active_clinic(request))  # type: ignore[arg-type]
        rows, older = trail.page(scope, form.cleaned_data if form.is_bound else {}, before)
    audit.record(request, AuditAction.VIEW, object_type="audit_trail", role=Role.AUDITOR,
                 patient_ids=trail.shown_patient_ids(rows))  # fmt: skip
    query = request.GET.copy()
    query.pop("before", None)
    context = {"form": form, "page": rows, "query": query.urlencode(), "older": older}
    return render(request, "accounts/audit_list.html", context)


@role_required(Role.AUDITOR)
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered trail as CSV, streamed; the export names every patient it discloses."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    scope = trail.visible(request.user, active_clinic(request))  # type: ignore[arg-type]
    data = form.cleaned_data if form.is_bound else {}
    entries = trail.for_export(trail.filtered(scope.entries(), data))
    audit.record(request, AuditAction.EXPORT, object_type="audit_trail", role=Role.AUDITOR,
                 patient_ids=trail.patients_named(entries))  # fmt: skip
    response = StreamingHttpResponse(trail.csv_lines(entries), content_type="text/csv")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    # Tokens are for staff who script the API; a patient (no clinic role) is offered none.
    may_use_api = bool(permissions.user_roles(request.user))  # type: ignore[arg-type]
    if request.method == "POST" and not may_use_api:
        raise permissions.deny(request, "api_token")
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, new_token = ApiToken.issue(
            request.user,  # type: ignore[arg-type]
            data["name"],
            [ApiToken.SCOPE_FHIR] if data["fhir"] else [],
            days=data["days"],
            read_only=data["read_only"],
        )
        audit.record(request, AuditAction.TOKEN, object_type="api_token", object_id=token.pk)
        form = ApiTokenForm()
    tokens = request.user.api_tokens.all()  # type: ignore[union-attr]
    context = {"form": form, "tokens": tokens, "new_token": new_token, "may_use_api": may_use_api}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(request, AuditAction.TOKEN, object_type="api_token", object_id=token.pk)
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("accounts:profile")
