"""Reminders on the dashboard."""

from django.urls import path

from repigment.reminders import views

app_name = "reminders"

urlpatterns = [
    path("reminders/", views.reminder_list, name="list"),
    path("reminders/<int:reminder_id>/done/", views.mark_done, name="done"),
]
