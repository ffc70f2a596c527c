"""Demo authorisation applications: one in every state, taken there through the real steps on
past days, so the pipeline has ages and turnaround to show and reminders have something due.

Invented throughout: the HPCSA and practice numbers, the importer's licence and SMF numbers,
the regulator's reference and authorisation numbers. Idempotent: a patient who already has an
application is left as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from repigment.access.models import AccessRoute
from repigment.accounts.models import Clinic, Role, User
from repigment.authorisations import checklist, reporting, services, states
from repigment.authorisations.models import (
    AuthorisationApplication,
    Importer,
    PrescriberRecord,
)
from repigment.treatment.models import Prescription

MOTIVATION = (
    "Facial non-segmental vitiligo has not responded to topical tacrolimus and a course of "
    "narrow-band UVB phototherapy. No medicine registered in South Africa is indicated to "
    "repigment vitiligo; ruxolitinib cream is approved for it in the United States and the "
    "European Union. (Invented demo motivation.)"
)
PRESCRIBERS = {
    "prescriber@example.org": ("MP 0712345", "0412345", "MBChB (Wits), FC Derm (SA)"),
    "prescriber.cpt@example.org": ("MP 0654321", "0354321", "MBChB (UCT), MMed (Derm)"),
}
PHARMACY = "Gauteng Import Pharmacy"
HOME_CLINIC = "Johannesburg Skin Clinic"


@dataclass(frozen=True)
class Plan:
    """Steps (action, days before today) that take a new application to its state."""

    name: str
    started_days_ago: int
    steps: tuple[tuple[str, int], ...]
    approved_for_days: int = 182
    renew_to: tuple[tuple[str, int], ...] | None = None


PLANS = (
    Plan("draft", 2, ()),
    Plan("ready", 4, ((states.MARK_READY, 3),)),
    Plan("submitted", 6, ((states.MARK_READY, 5), (states.SUBMIT, 2))),
    Plan(
        "queried",
        12,
        ((states.MARK_READY, 11), (states.SUBMIT, 10), (states.QUERY, 6)),
    ),
    Plan(
        "approved, expiring soon",
        175,
        ((states.MARK_READY, 172), (states.SUBMIT, 170), (states.APPROVE, 165)),
        approved_for_days=182,
    ),
    Plan(
        "approved after a query",
        40,
        (
            (states.MARK_READY, 38),
            (states.SUBMIT, 37),
            (states.QUERY, 33),
            (states.ANSWER, 30),
            (states.APPROVE, 26),
        ),
    ),
    Plan(
        "rejected",
        60,
        ((states.MARK_READY, 58), (states.SUBMIT, 57), (states.REJECT, 50)),
    ),
    Plan(
        "expired, renewal submitted",
        220,
        ((states.MARK_READY, 218), (states.SUBMIT, 216), (states.APPROVE, 212)),
        approved_for_days=200,
        renew_to=((states.MARK_READY, 9), (states.SUBMIT, 8)),
    ),
    Plan(
        "withdrawn",
        120,
        (
            (states.MARK_READY, 118),
            (states.SUBMIT, 117),
            (states.APPROVE, 113),
            (states.WITHDRAW, 30),
        ),
    ),
)

NOTES = {
    states.QUERY: "SAHPRA asks for the GMP certificate of the finished-product manufacturer "
    "and the patient's previous phototherapy dates.",
    states.ANSWER: "Uploaded the GMP certificate; phototherapy from March to November 2024.",
    states.REJECT: "The motivation does not show that registered alternatives were tried.",
    states.WITHDRAW: "Treatment stopped at the patient's request.",
}


def build(step: Callable[[str], None]) -> None:
    route = AccessRoute.objects.filter(country__code="ZA", slug="section-21").first()
    if route is None:
        return
    _records()
    # There are more patients with a prescription than plans: once the demo applications
    # exist, a second run must not give the plans to the next nine patients.
    done = AuthorisationApplication.objects.exists()
    for plan, prescription in [] if done else _matched(_candidates()):
        application = _apply(plan, prescription, route)
        step(f"authorisation application ({plan.name}) for {prescription.patient.record_number}")
        if plan.renew_to is not None:
            _renew(plan, application)
    services.expire_lapsed(timezone.localdate())
    reporting.sync_all(timezone.localdate())


def _records() -> None:
    for email, (hpcsa, practice, qualifications) in PRESCRIBERS.items():
        user = User.objects.filter(email=email).first()
        if user is not None:
            PrescriberRecord.objects.get_or_create(
                user=user,
                defaults={
                    "title": "Dr",
                    "hpcsa_number": hpcsa,
                    "qualifications": qualifications,
                    "specialty": "Dermatology",
                    "practice_number": practice,
                },
            )
    pharmacy = Clinic.objects.filter(name=PHARMACY).first()
    Importer.objects.get_or_create(
        sahpra_licence_number="DEMO-IMP-2026-017",
        defaults={
            "name": "Gauteng Import Pharmacy (Pty) Ltd",
            "site_master_file_number": "DEMO-SMF-0042",
            "address": "14 Demo Street\nJohannesburg 2001",
            "pharmacy": pharmacy,
        },
    )


def _candidates() -> list[Prescription]:
    """Current cream prescriptions of patients with no application yet."""
    found = (
        Prescription.objects.ruxolitinib()
        .filter(stop_date__isnull=True, patient__authorisation_applications__isnull=True)
        .filter(patient__clinic__country="ZA", prescriber__prescriber_record__isnull=False)
        .select_related("patient__clinic")
        .order_by("patient__clinic__name", "patient__record_number")
    )
    chosen, seen = [], set()
    for prescription in found:
        if prescription.patient_id not in seen:
            seen.add(prescription.patient_id)
            chosen.append(prescription)
    # The demo prescriber's clinic first; its first patient stays free for the walk-through.
    home = [p for p in chosen if p.patient.clinic.name == HOME_CLINIC]
    return home[1:] + [p for p in chosen if p.patient.clinic.name != HOME_CLINIC]


def _matched(candidates: list[Prescription]) -> list[tuple[Plan, Prescription]]:
    """Each plan with a prescription old enough for its history (the longest histories first)."""
    today, left, pairs = timezone.localdate(), list(candidates), []
    for plan in sorted(PLANS, key=lambda p: -p.started_days_ago):
        if not left:
            break
        old_enough = [p for p in left if p.start_date <= today - timedelta(plan.started_days_ago)]
        chosen = (old_enough or sorted(left, key=lambda p: p.start_date))[0]
        left.remove(chosen)
        pairs.append((plan, chosen))
    return sorted(pairs, key=lambda pair: PLANS.index(pair[0]))


def _actor(prescription: Prescription) -> services.Actor:
    return services.Actor(prescription.prescriber, Role.PRESCRIBER)


def _apply(plan: Plan, prescription: Prescription, route: AccessRoute) -> AuthorisationApplication:
    today = timezone.localdate()
    started = max(prescription.start_date, today - timedelta(days=plan.started_days_ago))
    actor = _actor(prescription)
    application = services.create_application(prescription, route, actor, started)
    if plan.steps:
        _complete(application, actor)
    _walk(application, plan.steps, plan, actor, started)
    return application


def _renew(plan: Plan, previous: AuthorisationApplication) -> None:
    assert plan.renew_to is not None
    today = timezone.localdate()
    actor = _actor(previous.prescription)
    renewal = services.start_reauthorisation(previous, actor, today - timedelta(days=10))
    _complete(renewal, actor)
    _walk(renewal, plan.renew_to, plan, actor, today - timedelta(days=10))


def _walk(
    application: AuthorisationApplication,
    steps: tuple[tuple[str, int], ...],
    plan: Plan,
    actor: services.Actor,
    started: date,
) -> None:
    today = timezone.localdate()
    for code, days_ago in steps:
        day = max(today - timedelta(days=days_ago), started)
        services.transition(application, code, _step(code, day, plan, application), actor, day)
    last = application.events.order_by("-at", "-pk").first()
    if last is not None:
        noon = timezone.make_aware(datetime.combine(last.on, time(12)))
        AuthorisationApplication.objects.filter(pk=application.pk).update(state_changed_at=noon)


def _step(code: str, day: date, plan: Plan, application: AuthorisationApplication) -> services.Step:
    if code == states.SUBMIT:
        return services.Step(on=day, reference_number=f"DEMO-S21-{application.pk:05d}")
    if code == states.APPROVE:
        return services.Step(
            on=day,
            authorisation_number=f"DEMO-AUTH-{application.pk:05d}",
            valid_until=day + timedelta(days=plan.approved_for_days),
            authorised_packs=application.requested_packs,
            pack_grams=application.requested_pack_grams,
        )
    return services.Step(on=day, note=NOTES.get(code, ""))


def _complete(application: AuthorisationApplication, actor: services.Actor) -> None:
    if application.renews_id is None:
        services.save_motivation(application, MOTIVATION, actor)
    for row in checklist.rows(application):
        if not row.gates or row.done:
            continue
        if row.how == "generate":
            services.generate_document(application, row.item.code, actor)
            continue
        content = demo_pdf(f"Demo document: {row.item.label}")
        document = services.add_upload(
            application, row.item.code, _Bytes(content), "demo.pdf", len(content), actor
        )
        services.check_document(document, actor)


class _Bytes:
    def __init__(self, content: bytes) -> None:
        self.content = content

    def read(self, size: int = -1) -> bytes:
        return self.content if size < 0 else self.content[:size]


def demo_pdf(text: str) -> bytes:
    """A one-page PDF with one line of text (the demo's stand-in for scanned documents)."""
    safe = text.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 11 Tf 40 800 Td ({safe[:110]}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
