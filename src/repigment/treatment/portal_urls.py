"""The patient's diary, mounted inside i18n_patterns (/en/my/diary/, /fr/my/diary/, …)."""

from django.urls import path

from repigment.treatment import portal

app_name = "diary"

urlpatterns = [path("", portal.diary, name="home")]
