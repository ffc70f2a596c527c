"""The maintainer's pages (site administrators only; not public, so no language prefix)."""

from django.urls import path

from repigment.knowledge import maintain_views

app_name = "maintain"

urlpatterns = [
    path("sources/", maintain_views.sources_due, name="sources_due"),
    path("sources/recheck/", maintain_views.recheck, name="recheck"),
]
