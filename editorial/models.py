"""What every curated record shares: its sources, verification and editorial state.

The lowest layer: curated trials and every ``evidence`` record build on it, so it
imports neither.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone

SOURCES_HELP = (
    "One source per line: a URL, a DOI (doi:10.…), a PMID (PMID:12345678) "
    "or the citation of an archived page."
)

_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.I)
_PMID = re.compile(r"^PMID:?\s*(\d{1,9})$", re.I)
_URL = re.compile(r"^https?://\S+$", re.I)
_BARE_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", re.I)


# The only schemes a stored link may have: anything else (javascript:, data:,
# a relative path) would run or go somewhere unexpected when clicked.
LINK_SCHEMES = ("http", "https")
validate_http_url = URLValidator(
    schemes=list(LINK_SCHEMES), message="Enter a web address starting with http:// or https://."
)


def is_http_url(value) -> bool:
    """True for a well-formed http(s) URL; the one test every link passes before an href."""
    try:
        validate_http_url(str(value or "").strip())
    except ValidationError:
        return False
    return True


def check_url_fields(instance) -> None:
    """Refuse to store a non-http(s) value in any URLField, whoever the writer.

    ``full_clean`` covers forms and the seed; this covers ``save()`` from the
    ORM, an import or an API, which skip validation.
    """
    errors = {
        f.name: "Enter a web address starting with http:// or https://."
        for f in instance._meta.concrete_fields
        if isinstance(f, models.URLField)
        and getattr(instance, f.attname)
        and not is_http_url(getattr(instance, f.attname))
    }
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class SourceRef:
    text: str
    url: str  # empty when the source cannot be linked (e.g. a truncated archive path)
    kind: str  # "doi", "pmid", "url" or "citation"


def parse_source(line: str) -> SourceRef:
    text = line.strip()
    if match := _DOI.match(text):
        return SourceRef(text, f"https://doi.org/{match.group(1)}", "doi")
    if match := _PMID.match(text):
        return SourceRef(text, f"https://pubmed.ncbi.nlm.nih.gov/{match.group(1)}/", "pmid")
    if _URL.match(text):
        return SourceRef(text, text, "url")
    # The fact sheet cites archived pages as bare host/path; a path shortened
    # with "…" would be a broken link, so it stays a citation.
    if _BARE_HOST.match(text) and "…" not in text:
        return SourceRef(text, f"https://{text}", "url")
    return SourceRef(text, "", "citation")


def split_sources(sources: str) -> list[SourceRef]:
    return [parse_source(line) for line in sources.splitlines() if line.strip()]


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EditorialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=State.PUBLISHED)

    def in_review(self):
        return self.filter(state=State.IN_REVIEW)

    def publicly_addressable(self):
        """Published records, and withdrawn ones that keep an explanatory page."""
        return self.filter(state__in=[State.PUBLISHED, State.WITHDRAWN])


def _step_by():
    """Who took a workflow step; the record keeps its state if the account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )


class Editorial(models.Model):
    """Sources, verification and publishing state of a record editors curate."""

    sources = models.TextField(blank=True, help_text=SOURCES_HELP)
    verified = models.BooleanField(
        default=False,
        help_text="Checked against a primary, registry or regulator source. "
        "Unverified facts are shown as unverified on public pages.",
    )
    unverified_note = models.CharField(
        max_length=500, blank=True, help_text="What exactly could not be confirmed."
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    editor_notes = models.TextField(blank=True, help_text="Internal; never shown publicly.")
    last_edited_by = _step_by()
    submitted_by = _step_by()
    published_by = _step_by()
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EditorialQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def source_list(self) -> list[SourceRef]:
        return split_sources(self.sources)

    @property
    def verification_badge(self) -> str:
        """ "unverified", "partly unverified" (verified, but with a caveat) or "" when settled."""
        if not self.verified:
            return "unverified"
        return "partly unverified" if self.unverified_note.strip() else ""

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.state == State.WITHDRAWN

    def sources_required(self) -> bool:
        return True

    def clean(self):
        super().clean()
        self.sources = "\n".join(line.strip() for line in self.sources.splitlines() if line.strip())
        if self.sources_required() and not self.sources:
            raise ValidationError({"sources": "Give at least one source (URL, DOI or PMID)."})

    def mark_published(self, user=None, when=None):
        self.state = State.PUBLISHED
        self.published_by = user
        self.published_at = when or timezone.now()
        self.withdrawn_at = None

    def mark_withdrawn(self, reason: str, when=None):
        self.state = State.WITHDRAWN
        self.withdrawn_reason = reason
        self.withdrawn_at = when or timezone.now()


SEED_KEY_HELP = "Stable key of a record loaded from fixtures/, so seeding twice adds nothing."


def seed_key_field(field_class=models.SlugField, help_text: str = SEED_KEY_HELP):
    """The key a record loaded from fixtures/ keeps, so seeding twice adds nothing."""
    return field_class(
        max_length=80, unique=True, null=True, blank=True, editable=False, help_text=help_text
    )


def publish_permission(model_name: str, records: str) -> tuple[str, str]:
    """The permission to move a curated model's records through the workflow."""
    return (f"publish_{model_name}", f"Can publish, unpublish and withdraw {records}")


def has_source_constraint(name: str, condition=None) -> models.CheckConstraint:
    """A database rule that a curated row always carries a source."""
    rule = ~models.Q(sources="")
    if condition is not None:
        rule = rule | condition
    return models.CheckConstraint(condition=rule, name=name)


def http_url_constraint(field: str, name: str) -> models.CheckConstraint:
    """A database rule that a URL column is empty or starts with http:// or https://."""
    rule = models.Q(**{field: ""})
    for scheme in LINK_SCHEMES:
        rule |= models.Q(**{f"{field}__istartswith": f"{scheme}://"})
    return models.CheckConstraint(condition=rule, name=name)
