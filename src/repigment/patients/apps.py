from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "repigment.patients"
    verbose_name = _("Patients, consent and diagnosis")

    def ready(self) -> None:
        # The audit trail (a lower app) shows an auditor entries naming their clinics' patients.
        from repigment.accounts import trail
        from repigment.patients.models import Patient

        trail.register_patients_of(
            lambda clinics: Patient.objects.filter(clinic__in=clinics).values("pk")
        )
