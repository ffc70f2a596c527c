from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from repigment.accounts import job_views, throttle, views
from repigment.accounts.forms import SetPasswordForm
from repigment.accounts.twofactor import views as two_factor_views

app_name = "accounts"

_reset_done = reverse_lazy("accounts:password_reset_complete")

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("clinic/switch/", views.switch_clinic, name="switch_clinic"),
    path("clinics/<int:clinic_id>/", views.clinic_detail, name="clinic_detail"),
    path("clinics/<int:clinic_id>/members/", views.clinic_members, name="clinic_members"),
    path("clinics/<int:clinic_id>/settings/", views.clinic_settings, name="clinic_settings"),
    path(
        "clinics/<int:clinic_id>/members/<int:membership_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("clinics/<int:clinic_id>/members/invite/", views.invite_member, name="invite_member"),
    path(
        "clinics/<int:clinic_id>/members/<int:membership_id>/resend/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        views.InviteAcceptView.as_view(),
        name="invite_accept",
    ),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("profile/", views.profile, name="profile"),
    path("jobs/<uuid:public_id>/", job_views.job, name="job"),
    path("jobs/<uuid:public_id>/file", job_views.job_file, name="job_file"),
    path("profile/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor_views.two_factor, name="two_factor"),
    path("accounts/two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.new_recovery_codes,
        name="two_factor_codes",
    ),
    path("accounts/two-factor/off/", two_factor_views.turn_off, name="two_factor_off"),
    path(
        "accounts/password/change/",
        throttle.PasswordChangeView.as_view(
            template_name="accounts/form_page.html",
            success_url=reverse_lazy("accounts:password_change_done"),
            extra_context={"heading": _("Change your password")},
        ),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={"heading": _("Your password was changed")},
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        throttle.PasswordResetView.as_view(
            template_name="accounts/form_page.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_context={"heading": _("Reset your password")},
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={"heading": _("Check your e-mail")},
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/form_page.html",
            form_class=SetPasswordForm,
            success_url=_reset_done,
            extra_context={"heading": _("Choose a new password")},
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message_page.html",
            extra_context={"heading": _("Your password was reset")},
        ),
        name="password_reset_complete",
    ),
]
