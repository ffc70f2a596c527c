from django.urls import path

from repigment.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.outcomes_page, name="outcomes"),
    path("time-to-response.svg", views.km_chart, name="km_chart"),
    path("subgroups.svg", views.forest_chart, name="forest_chart"),
    path("outcomes.csv", views.outcomes_csv, name="outcomes_csv"),
    path("report.pdf", views.outcomes_pdf, name="outcomes_pdf"),
]
