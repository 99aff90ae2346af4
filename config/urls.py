"""URL configuration: the admin for editors, the public app for everyone, and the two
site-wide files crawlers ask for at the root."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from public.sitemaps import SITEMAPS
from public.views.site import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include("public.urls")),
]
