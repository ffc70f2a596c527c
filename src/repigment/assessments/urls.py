"""Staff pages for visits, scoring, photos and the course."""

from django.urls import path

from repigment.assessments import views

app_name = "assessments"

urlpatterns = [
    path("patients/<int:patient_id>/visits/new/", views.visit_new, name="visit_new"),
    path("patients/<int:patient_id>/visits/preview/", views.score_preview, name="score_preview"),
    path("patients/<int:patient_id>/course/", views.course, name="course"),
    path("patients/<int:patient_id>/photos/", views.photos, name="photos"),
    path("visits/<int:visit_id>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:visit_id>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:visit_id>/history/", views.visit_history, name="visit_history"),
    path("visits/<int:visit_id>/photos/new/", views.photo_upload, name="photo_upload"),
    path("photos/<int:photo_id>/<str:size>/", views.photo_file, name="photo_file"),
]
