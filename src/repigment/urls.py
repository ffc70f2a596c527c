"""Project URLs: pages per app, the REST API under /api/v1/, site administration."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from repigment.interop.api import api, api_not_found
from repigment.knowledge.i18n import set_language

admin.site.site_header = "Repigment administration"

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_not_found, name="api_not_found"),
    path("fhir/R4/", include("repigment.interop.fhir.urls")),
    path("admin/", admin.site.urls),
    path("supply/", include("repigment.supply.urls")),
    path("authorisations/", include("repigment.authorisations.urls")),
    path("registry/", include("repigment.registry.urls")),
    path("maintain/", include("repigment.knowledge.maintain_urls")),
    # The switcher keeps the visitor on the same page, in the chosen language.
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("repigment.accounts.urls")),
    path("", include("repigment.patients.urls")),
    path("", include("repigment.assessments.urls")),
    path("", include("repigment.treatment.urls")),
    path("", include("repigment.safety.urls")),
    path("", include("repigment.reminders.urls")),
    path("", include("repigment.interop.urls")),
]

# Public pages carry their language in the URL (/en/…, /fr/…, /pt/…).
urlpatterns += i18n_patterns(
    path("my/side-effects/", include("repigment.safety.portal_urls")),
    path("my/diary/", include("repigment.treatment.portal_urls")),
    path("my/cost/", include("repigment.treatment.portal_cost_urls")),
    path("my/", include("repigment.assessments.portal_urls")),
    path("access/", include("repigment.access.urls")),
    path("", include("repigment.knowledge.urls")),
    prefix_default_language=True,
)

handler403 = "repigment.accounts.errors.forbidden"
handler404 = "repigment.accounts.errors.not_found"
handler500 = "repigment.accounts.errors.server_error"
