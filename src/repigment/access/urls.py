from django.urls import path

from repigment.access import views

app_name = "access"

urlpatterns = [
    path("", views.country_list, name="country_list"),
    path("trials/", views.trial_list, name="trial_list"),
    path("<str:code>/", views.country_detail, name="country_detail"),
]
