from django.urls import path

from repigment.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.home, name="home"),
    path("medicine/", views.medicine, name="medicine"),
    path("evidence/", views.evidence, name="evidence"),
    path("what-to-expect/", views.expect, name="expect"),
    path("safety/", views.safety, name="safety"),
    path("getting-the-cream/", views.access, name="access"),
    path("clinicians/", views.clinicians, name="clinicians"),
    path("references/", views.references, name="references"),
]
