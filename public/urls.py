"""Everything the public app serves: the pages, the trial list and its exports, the API and
its docs, feeds, citations, the data package. Paths are users' bookmarks: never change one."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.negotiation import DefaultContentNegotiation

from public import citation_views, data_views, feeds, safety_data
from public.api.base import NotFoundView
from public.views import (
    milestones,
    overview,
    publications,
    safety,
    site,
    snapshots,
    synthesis,
    trial,
    trial_list,
)

app_name = "public"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("trials/", trial_list.trial_list, name="trials"),
    path("trials/<str:key>/", trial.trial_detail, name="trial"),
    path("milestones/", milestones.milestone_list, name="milestones"),
    path("milestones/<int:pk>/", milestones.milestone_detail, name="milestone"),
    path("publications/", publications.publication_list, name="publications"),
    path("publications/<int:pk>/", publications.publication_detail, name="publication"),
    path("evidence/", synthesis.synthesis_page, name="synthesis"),
    path("evidence/forest.svg", synthesis.forest_svg, name="forest_svg"),
    path("evidence/rows.csv", synthesis.rows_csv, name="rows_csv"),
    path("evidence/rows.json", synthesis.rows_json, name="rows_json"),
    path("evidence/snapshots/<int:pk>/", snapshots.snapshot_detail, name="snapshot"),
    path("about/", site.about, name="about"),
    path("report/", site.report_problem, name="report_problem"),
    path("safety/", safety.safety_page, name="safety"),
    path("safety/adverse-events/", safety.adverse_events_page, name="safety_adverse_events"),
    path("safety/adverse-events/forest.svg", safety.harm_forest_svg, name="safety_harm_forest"),
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
