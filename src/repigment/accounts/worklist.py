"""The work queues of the clinic administrator, the auditor and the analyst.

Each role's groups are listed in ``settings.WORKLISTS`` as dotted paths to functions of
``(user, clinics, today)`` returning a ``core.worklist.Group``, so an app above this one adds
its own group (the administrator's missing tube prices come from ``treatment``) without this
app importing it. Every function asks a fixed number of queries whatever the number of
clinics or the size of the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from repigment.accounts import trail
from repigment.accounts.models import AuditAction, Clinic, Membership, User
from repigment.core.models import Job, JobState
from repigment.core.worklist import Group, Item, first_few

GroupMaker = Callable[[User, Sequence[Clinic], date], Group]
#: How far back the auditor's queue and the failed jobs look.
RECENT_DAYS = 7
#: What an auditor looks at first, most pressing first: signs of someone trying to get in,
#: refusals, then data leaving the system and changes to who may do what.
SENSITIVE = (
    AuditAction.LOCKED_OUT,
    AuditAction.LOGIN_FAILED,
    AuditAction.TWO_FACTOR_FAILED,
    AuditAction.API_AUTH_FAILED,
    AuditAction.ACCESS_DENIED,
    AuditAction.RECOVERY_CODE_USED,
    AuditAction.TWO_FACTOR_REMOVED,
    AuditAction.EXPORT,
    AuditAction.MEMBERSHIP,
)


@cache
def makers(role: str) -> tuple[GroupMaker, ...]:
    return tuple(import_string(path) for path in settings.WORKLISTS.get(role, ()))


def groups_for(role: str, user: User, clinics: Sequence[Clinic], today: date) -> list[Group]:
    return [make(user, clinics, today) for make in makers(role)]


def _since(today: date, days: int) -> datetime:
    start = datetime.combine(today - timedelta(days=days), time.min)
    return timezone.make_aware(start)


# --- the clinic administrator ---------------------------------------------------------------


def invitations(user: User, clinics: Sequence[Clinic], today: date) -> Group:
    """People invited who have not yet chosen a password; a link lapses after
    PASSWORD_RESET_TIMEOUT, so the oldest (expired first) lead."""
    rows = (
        Membership.objects.filter(
            clinic__in=clinics, user__is_active=False, user__last_login__isnull=True
        )
        .select_related("user", "clinic")
        .order_by("user__date_joined", "pk")
    )
    shown, count = first_few(rows)
    lapse = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    items = []
    for member in shown:
        expired = member.user.date_joined + lapse < timezone.now()
        text = (
            _("%(name)s (%(role)s at %(clinic)s): the invitation link has expired, send a new one")
            if expired
            else _("%(name)s (%(role)s at %(clinic)s) has not yet accepted the invitation")
        ) % {"name": member.user.full_name or member.user.email,
             "role": member.get_role_display(), "clinic": member.clinic.name}  # fmt: skip
        url = reverse("accounts:clinic_members", args=[member.clinic_id])
        items.append(Item(text, url, member.user.date_joined, _("invited")))
    more = reverse("accounts:clinic_members", args=[clinics[0].pk]) if len(clinics) == 1 else ""
    return Group("invitations", _("Invitations not yet accepted"), count, tuple(items), more)


def without_two_factor(user: User, clinics: Sequence[Clinic], today: date) -> Group:
    """Active members who have never turned on a second factor at log-in."""
    rows = (
        Membership.objects.filter(
            clinic__in=clinics, user__is_active=True, user__two_factor_since__isnull=True
        )
        .select_related("user", "clinic")
        .order_by("user__full_name", "pk")
    )
    shown, count = first_few(rows)
    items = tuple(
        Item(
            _("%(name)s (%(role)s at %(clinic)s) logs in with a password only")
            % {"name": m.user.full_name or m.user.email, "role": m.get_role_display(),
               "clinic": m.clinic.name},
            reverse("accounts:clinic_members", args=[m.clinic_id]),
        )
        for m in shown
    )  # fmt: skip
    more = reverse("accounts:clinic_members", args=[clinics[0].pk]) if len(clinics) == 1 else ""
    return Group("two_factor", _("Members without two-factor log-in"), count, items, more)


def _job_title(job: Job) -> str:
    titles = {"redcap-import": _("REDCap import"), "file:registry-report": _("Registry report")}
    return str(titles.get(job.kind, job.kind))


def failed_jobs(user: User, clinics: Sequence[Clinic], today: date) -> Group:
    """Background work this person started that failed in the last few days."""
    rows = Job.objects.filter(
        requester_id=user.pk, state=JobState.FAILED, created__gte=_since(today, RECENT_DAYS)
    ).order_by("-created", "-pk")
    shown, count = first_few(rows)
    items = tuple(
        Item(_("%(job)s failed: see why and start it again") % {"job": _job_title(job)},
             reverse("accounts:job", args=[job.public_id]), job.finished or job.created,
             _("failed"))
        for job in shown
    )  # fmt: skip
    return Group("failed_jobs", _("Jobs that failed"), count, items)


# --- the auditor ----------------------------------------------------------------------------


def sensitive_events(user: User, clinics: Sequence[Clinic], today: date) -> Group:
    """Failed log-ins, refusals, exports and role changes in the auditor's part of the trail
    over the last days, counted per kind in one query; each links to the filtered trail."""
    since = today - timedelta(days=RECENT_DAYS)
    only = clinics[0] if len(clinics) == 1 else None
    entries = trail.visible(user, only).entries().filter(time__gte=_since(today, RECENT_DAYS))
    found = dict(
        entries.filter(action__in=SENSITIVE)
        .values_list("action")
        .annotate(n=Count("pk"))
        .values_list("action", "n")
        .order_by()
    )
    base = reverse("accounts:audit_list")
    items = tuple(
        Item(
            _("%(action)s: %(n)s") % {"n": found[action], "action": AuditAction(action).label},
            f"{base}?action={action}&date_from={since.isoformat()}",
        )
        for action in SENSITIVE
        if found.get(action)
    )
    title = _("Sensitive events in the last %(days)s days") % {"days": RECENT_DAYS}
    return Group("sensitive", title, sum(found.values()), items, safety=True)


# --- the analyst ----------------------------------------------------------------------------


def report_jobs(user: User, clinics: Sequence[Clinic], today: date) -> Group:
    """The registry reports this person asked for in the last days: ready, running or failed."""
    rows = Job.objects.filter(
        requester_id=user.pk, kind="file:registry-report", created__gte=_since(today, RECENT_DAYS)
    ).order_by("-created", "-pk")
    shown, count = first_few(rows)
    words = {JobState.SUCCEEDED: _("Registry report ready to download"),
             JobState.FAILED: _("Registry report failed: see why")}  # fmt: skip
    items = tuple(
        Item(str(words.get(job.state, _("Registry report being made"))),
             reverse("accounts:job", args=[job.public_id]), job.created, _("asked"))
        for job in shown
    )  # fmt: skip
    return Group("reports", _("Your registry reports"), count, items)
