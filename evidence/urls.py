"""Public pages that combine registry data with curated evidence."""

from django.urls import path

from evidence.views import (
    milestones,
    overview,
    publications,
    safety,
    site,
    snapshots,
    synthesis,
    trial,
)

app_name = "evidence"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("trials/<str:key>/", trial.trial_detail, name="trial"),
    path("milestones/", milestones.milestone_list, name="milestones"),
    path("milestones/<int:pk>/", milestones.milestone_detail, name="milestone"),
    path("publications/", publications.publication_list, name="publications"),
    path("publications/<int:pk>/", publications.publication_detail, name="publication"),
    path("evidence/", synthesis.synthesis_page, name="synthesis"),
    path("evidence/forest.svg", synthesis.forest_svg, name="forest_svg"),
    path("evidence/rows.csv", synthesis.rows_csv, name="rows_csv"),
    path("about/", site.about, name="about"),
    path("report/", site.report_problem, name="report_problem"),
    path("safety/", safety.safety_page, name="safety"),
    path("safety/adverse-events/", safety.adverse_events_page, name="safety_adverse_events"),
    path("safety/adverse-events/forest.svg", safety.harm_forest_svg, name="safety_harm_forest"),
    path("evidence/rows.json", synthesis.rows_json, name="rows_json"),
    path("evidence/snapshots/<int:pk>/", snapshots.snapshot_detail, name="snapshot"),
]
