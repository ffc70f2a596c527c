from django.urls import path

from repigment.supply import pharmacy_views as pharmacy
from repigment.supply import views

app_name = "supply"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("check/", views.check_code, name="check_code"),
    path("recalls/", views.recall_list, name="recall_list"),
    path("recalls/import/", views.recall_import, name="recall_import"),
    path("recalls/template.csv", views.recall_template, name="recall_template"),
    path("orders/", pharmacy.order_list, name="order_list"),
    path("orders/new/", pharmacy.order_create, name="order_create"),
    path("orders/<int:order_id>/", pharmacy.order_detail, name="order_detail"),
    path("orders/<int:order_id>/receive/", pharmacy.session_open, name="session_open"),
    path("orders/<int:order_id>/close/", pharmacy.order_close, name="order_close"),
    path("receiving/<int:session_id>/", pharmacy.receive, name="receive"),
    path(
        "receiving/<int:session_id>/scans/<int:scan_id>/quarantine/",
        pharmacy.quarantine_scan,
        name="quarantine_scan",
    ),
    path("orders/<int:order_id>/batches/", pharmacy.batch_receive, name="batch_receive"),
    path("batches/<int:batch_id>/", pharmacy.batch_detail, name="batch_detail"),
    path(
        "batches/<int:batch_id>/certificate/", pharmacy.batch_certificate, name="batch_certificate"
    ),
    path(
        "batches/<int:batch_id>/certificate/<int:certificate_id>/",
        pharmacy.certificate_file,
        name="certificate_file",
    ),
    path("batches/<int:batch_id>/release/", pharmacy.batch_release, name="batch_release"),
    path("stock/", pharmacy.stock_list, name="stock"),
    path("dispensing/", pharmacy.dispensing_list, name="dispensing_list"),
    path("dispensing/<int:authorisation_id>/", pharmacy.dispense, name="dispense"),
    path("dispensing/<int:authorisation_id>/register/", pharmacy.register, name="register"),
    path(
        "dispensing/<int:authorisation_id>/register.csv", pharmacy.register_csv, name="register_csv"
    ),
    path(
        "dispensing/<int:authorisation_id>/register.pdf", pharmacy.register_pdf, name="register_pdf"
    ),
    path("incidents/", pharmacy.incident_list, name="incident_list"),
    path(
        "incidents/<int:incident_id>/report.pdf", pharmacy.incident_report, name="incident_report"
    ),
]
