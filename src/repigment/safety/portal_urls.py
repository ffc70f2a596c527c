"""The patient's side-effect pages, mounted in the portal inside i18n_patterns."""

from django.urls import path

from repigment.safety import portal

app_name = "safety_portal"

urlpatterns = [
    path("", portal.my_events, name="list"),
    path("new/", portal.report_new, name="new"),
]
