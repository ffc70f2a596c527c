"""What the patient's course may cost, mounted inside i18n_patterns (/en/my/cost/, …)."""

from django.urls import path

from repigment.treatment import portal

app_name = "cost"

urlpatterns = [path("", portal.cost, name="home")]
