"""Atom feeds: any /trials/ search, one trial's changes, milestones, publications, retractions,
and changes of any pooled result.

Each entry has a stable id, a title, a link and an <updated> time; the feed names the
site as its author, so every feed is valid Atom 1.0 (RFC 4287).
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from evidence.models import Publication, RegulatoryMilestone
from evidence.snapshot_changes import pooled_changes
from public.citations import SITE_NAME
from public.filters import TrialFilter
from trials.changes import public_changes
from trials.choices import OverallStatus, label_for
from trials.models import Trial, TrialChange

# Entry ids are tag URIs (RFC 4151): valid Atom ids that stay the same on any host name.
TAG = "tag:mdma-evidence-tracker,2024:"
ENTRIES = 50
# Registry changes a follower of a search is told about.
FOLLOWED_FIELDS = {
    "overall_status": "status",
    "start_date": "start date",
    "primary_completion_date": "primary completion date",
    "completion_date": "completion date",
    "enrollment": "enrollment",
    "has_results": "results posted",
    "results_first_posted": "results first posted",
}


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    link: str
    when: datetime.datetime
    text: str = ""


@dataclass(frozen=True)
class Search:
    trials: object
    query: str


def publication_title(publication) -> str:
    who = publication.first_author or "Anon."
    year = f" {publication.year}" if publication.year else ""
    return f"{who}{year}: {publication.title}"


def at_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class AtomFeed(Feed):
    feed_type = Atom1Feed
    author_name = SITE_NAME

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return TAG + entry.guid

    item_guid_is_permalink = False

    def item_description(self, entry):
        return entry.text

    def item_pubdate(self, entry):
        return entry.when

    def item_updateddate(self, entry):
        return entry.when


def _change_text(field: str, old: str, new: str) -> str:
    if field == "overall_status":
        old, new = label_for(OverallStatus, old), label_for(OverallStatus, new)
    return f"{FOLLOWED_FIELDS.get(field, field)}: {old or 'not given'} → {new or 'not given'}"


class TrialSearchFeed(AtomFeed):
    """New trials matching a /trials/ search, and registry changes to them."""

    def __call__(self, request, *args, **kwargs):
        filterset = TrialFilter(request.GET, queryset=Trial.objects.published())
        if not filterset.is_valid():
            lines = [f"{name}: {' '.join(m)}" for name, m in filterset.clean_errors().items()]
            return HttpResponse("\n".join(lines), status=400, content_type="text/plain")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        # The feed object is shared by all requests, so the search travels with the result.
        return Search(
            TrialFilter(request.GET, queryset=Trial.objects.published()).qs,
            request.GET.urlencode(),
        )

    def title(self, search):
        return f"{SITE_NAME}: trials matching your search"

    def link(self, search):
        return reverse("public:trials") + (f"?{search.query}" if search.query else "")

    def subtitle(self, search):
        return "New matching trials and registry changes of status, dates, enrollment, results."

    def items(self, search):
        trials = search.trials
        new = [
            Entry(
                f"trial/{t.pk}/published",
                f"New trial: {t}",
                t.get_absolute_url(),
                t.published_at or t.created_at,
                t.brief_title,
            )
            for t in trials.order_by(F("published_at").desc(nulls_last=True), "-pk")[:ENTRIES]
        ]
        changes = (
            TrialChange.objects.filter(
                trial__in=trials, applied=True, field__in=list(FOLLOWED_FIELDS)
            )
            .select_related("trial")
            .order_by("-created_at", "-pk")[:ENTRIES]
        )
        changed = [
            Entry(
                f"change/{c.pk}",
                f"{c.trial}: {FOLLOWED_FIELDS[c.field]} changed",
                c.trial.get_absolute_url(),
                c.created_at,
                _change_text(c.field, c.old_value, c.new_value),
            )
            for c in changes
        ]
        return sorted(new + changed, key=lambda e: e.when, reverse=True)[:ENTRIES]


class TrialChangesFeed(AtomFeed):
    """Registry changes and editors' published corrections of one trial."""

    def get_object(self, request, key):
        trial = Trial.objects.published().by_key(key)
        if trial is None:
            raise Http404("No published trial has this id.")
        return trial

    def title(self, trial):
        return f"{SITE_NAME}: changes to {trial}"

    def link(self, trial):
        return trial.get_absolute_url()

    def items(self, trial):
        return [
            Entry(
                f"trial/{trial.pk}/{c.source}/{c.when:%Y%m%dT%H%M%S.%f}/{c.field}",
                f"{trial}: {c.field} changed ({c.source})",
                trial.get_absolute_url(),
                c.when,
                f"{c.old or 'not given'} → {c.new or 'not given'}",
            )
            for c in public_changes(trial, limit=ENTRIES)
        ]


class MilestoneFeed(AtomFeed):
    title = f"{SITE_NAME}: regulatory milestones"
    subtitle = "Designations, applications, votes, decisions and retractions, newest first."

    def link(self):
        return reverse("public:milestones")

    def items(self):
        milestones = RegulatoryMilestone.objects.published().order_by("-date", "-pk")
        return [
            Entry(
                f"milestone/{m.pk}",
                f"{m.when} · {m.agency}: {m.title}",
                m.get_absolute_url(),
                at_midnight(m.date),
                m.summary + ("" if m.verified else " (unverified)"),
            )
            for m in milestones[:ENTRIES]
        ]


class PublicationFeed(AtomFeed):
    title = f"{SITE_NAME}: publications"
    subtitle = "Papers, reviews and regulatory documents as they are added."

    def link(self):
        return reverse("public:publications")

    def items(self):
        publications = Publication.objects.published().order_by(
            F("published_at").desc(nulls_last=True), "-pk"
        )
        return [
            Entry(
                f"publication/{p.pk}",
                publication_title(p) + (" [RETRACTED]" if p.is_retracted else ""),
                p.get_absolute_url(),
                p.published_at or p.created_at,
                p.summary,
            )
            for p in publications[:ENTRIES]
        ]


class RetractionFeed(AtomFeed):
    title = f"{SITE_NAME}: retractions"
    subtitle = "Publications retracted, newest retraction first."

    def link(self):
        return reverse("public:publications") + "?retraction=retracted"

    def items(self):
        retracted = Publication.objects.published().retracted()
        retracted = retracted.order_by("-retraction_date", "-pk")
        return [
            Entry(
                f"retraction/{p.pk}",
                f"Retracted: {publication_title(p)}",
                p.get_absolute_url(),
                at_midnight(p.retraction_date) if p.retraction_date else p.updated_at,
                p.retraction_notice,
            )
            for p in retracted[:ENTRIES]
        ]


class PooledResultFeed(AtomFeed):
    """Each synthesis snapshot in which a family's pooled estimate, interval or k moved."""

    title = f"{SITE_NAME}: changes of pooled results"
    subtitle = "When a pooled estimate, its interval or the number of trials changed, old → new."

    def link(self):
        return reverse("public:synthesis")

    def items(self):
        return [
            Entry(
                f"snapshot/{c.snapshot.pk}",
                f"{c.snapshot.family.name}: pooled result changed",
                c.snapshot.family.get_absolute_url(),
                c.snapshot.taken_at,
                c.text,
            )
            for c in pooled_changes(ENTRIES)
        ]
