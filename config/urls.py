"""URL configuration: the admin for editors, the public pages for everyone."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("trials.urls")),
    path("", include("evidence.urls")),
    path("", include("public.urls")),
]
