"""Public pages that combine registry data with curated evidence."""

from django.urls import path

from evidence.views import pages, synthesis

app_name = "evidence"

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("trials/<str:key>/", pages.trial_detail, name="trial"),
    path("milestones/", pages.milestone_list, name="milestones"),
    path("milestones/<int:pk>/", pages.milestone_detail, name="milestone"),
    path("publications/", pages.publication_list, name="publications"),
    path("publications/<int:pk>/", pages.publication_detail, name="publication"),
    path("evidence/", synthesis.synthesis_page, name="synthesis"),
    path("evidence/forest.svg", synthesis.forest_svg, name="forest_svg"),
    path("evidence/rows.csv", synthesis.rows_csv, name="rows_csv"),
]
