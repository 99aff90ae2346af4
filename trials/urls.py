"""The filterable trial list and its exports (?format=csv / ?format=json)."""

from django.urls import path

from trials import views

app_name = "trials"

urlpatterns = [
    path("trials/", views.trial_list, name="list"),
]
