from django.urls import path

from repigment.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.home_page, name="home"),
    path("medicine/", views.medicine_page, name="medicine"),
    path("evidence/", views.evidence_page, name="evidence"),
    path("what-to-expect/", views.expect_page, name="expect"),
    path("safety/", views.safety_page, name="safety"),
    path("getting-the-cream/", views.access_page, name="access"),
    path("unapproved-products/", views.unapproved_page, name="unapproved"),
    path("clinicians/", views.clinicians_page, name="clinicians"),
    path("references/", views.references_page, name="references"),
]
