"""Everything the public app serves: the API and its docs, feeds, citations, the data package."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.negotiation import DefaultContentNegotiation

from public import citation_views, data_views, feeds, safety_data
from public.api.base import NotFoundView

app_name = "public"

urlpatterns = [
    path("api/v1/", include("public.api.urls")),
    # YAML by default; JSON with Accept: application/vnd.oai.openapi+json.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(content_negotiation_class=DefaultContentNegotiation),
        name="schema",
    ),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="public:schema"), name="docs"),
    path(
        "cite/publications/<int:pk>.<str:fmt>",
        citation_views.publication_citation,
        name="publication-citation",
    ),
    path(
        "cite/publications.<str:fmt>",
        citation_views.publications_citation,
        name="publications-citation",
    ),
    path("cite/trials/<str:key>.<str:fmt>", citation_views.trial_citation, name="trial-citation"),
    path(
        "cite/syntheses/<slug:slug>.<str:fmt>",
        citation_views.synthesis_citation,
        name="synthesis-citation",
    ),
    path("feeds/trials/", feeds.TrialSearchFeed(), name="trial-search-feed"),
    path("feeds/trials/<str:key>/changes/", feeds.TrialChangesFeed(), name="trial-changes-feed"),
    path("feeds/milestones/", feeds.MilestoneFeed(), name="milestones-feed"),
    path("feeds/publications/", feeds.PublicationFeed(), name="publications-feed"),
    path("feeds/retractions/", feeds.RetractionFeed(), name="retractions-feed"),
    path("feeds/syntheses/", feeds.PooledResultFeed(), name="syntheses-feed"),
    path(
        "safety/findings.<str:fmt>",
        safety_data.safety_findings_export,
        name="safety-findings-export",
    ),
    path("data/", data_views.data_index, name="data"),
    path("data/<str:filename>", data_views.data_file, name="data-file"),
    re_path(r"^api/", NotFoundView.as_view(), name="api-not-found"),
]
