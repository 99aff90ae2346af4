"""/api/v1/: read-only resources, named public:api-<resource>."""

from django.urls import path

from public.api import evidence_views, safety_views, synthesis_views, trial_views

urlpatterns = [
    path("trials/", trial_views.TrialList.as_view(), name="api-trials"),
    path("trials/<str:key>/", trial_views.TrialDetail.as_view(), name="api-trial"),
    path("milestones/", evidence_views.MilestoneList.as_view(), name="api-milestones"),
    path("milestones/<int:pk>/", evidence_views.MilestoneDetail.as_view(), name="api-milestone"),
    path("publications/", evidence_views.PublicationList.as_view(), name="api-publications"),
    path(
        "publications/<int:pk>/",
        evidence_views.PublicationDetail.as_view(),
        name="api-publication",
    ),
    path("estimates/", evidence_views.EstimateList.as_view(), name="api-estimates"),
    path("estimates/<int:pk>/", evidence_views.EstimateDetail.as_view(), name="api-estimate"),
    path("families/", evidence_views.FamilyList.as_view(), name="api-families"),
    path("families/<slug:slug>/", evidence_views.FamilyDetail.as_view(), name="api-family"),
    path(
        "syntheses/<slug:slug>/",
        synthesis_views.SynthesisDetail.as_view(),
        name="api-synthesis",
    ),
    path("safety/", safety_views.SafetyFindingList.as_view(), name="api-safety-findings"),
    path(
        "safety/<int:pk>/",
        safety_views.SafetyFindingDetail.as_view(),
        name="api-safety-finding",
    ),
    path("import-runs/", trial_views.ImportRunList.as_view(), name="api-import-runs"),
]
