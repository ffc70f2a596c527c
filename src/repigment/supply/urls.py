from django.urls import path

from repigment.supply import views

app_name = "supply"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("check/", views.check_code, name="check_code"),
    path("recalls/", views.recall_list, name="recall_list"),
    path("recalls/import/", views.recall_import, name="recall_import"),
    path("recalls/template.csv", views.recall_template, name="recall_template"),
]
