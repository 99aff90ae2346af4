"""sitemap.xml: every published record with a page of its own, and the fixed pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from evidence.models import Publication, RegulatoryMilestone
from trials.models import Trial


class FixedPages(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "public:overview",
            "public:trials",
            "public:milestones",
            "public:publications",
            "public:synthesis",
            "public:about",
        ]

    def location(self, item):
        return reverse(item)


class PublishedRecords(Sitemap):
    """Published records only: a draft or withdrawn record is never announced."""

    model = None
    changefreq = "weekly"

    def items(self):
        return self.model.objects.published().order_by("pk").only("pk", "updated_at")

    def lastmod(self, record):
        return record.updated_at


class TrialPages(PublishedRecords):
    model = Trial

    def items(self):
        return Trial.objects.published().order_by("pk").only("pk", "slug", "nct_id", "updated_at")


class PublicationPages(PublishedRecords):
    model = Publication


class MilestonePages(PublishedRecords):
    model = RegulatoryMilestone


SITEMAPS = {
    "pages": FixedPages,
    "trials": TrialPages,
    "publications": PublicationPages,
    "milestones": MilestonePages,
}
