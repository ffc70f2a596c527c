"""The patient portal, mounted inside i18n_patterns so the language is in the URL."""

from django.urls import path

from repigment.assessments import portal

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("photos/", portal.photos, name="photos"),
    path("trials/", portal.trials, name="trials"),
]
