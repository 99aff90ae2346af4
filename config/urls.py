"""URL configuration: the admin for editors, the public pages for everyone."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from evidence.sitemaps import SITEMAPS
from evidence.views.site import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("trials.urls")),
    path("", include("evidence.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("public.urls")),
]
