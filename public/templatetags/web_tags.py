"""Tags for what every public page tells browsers, search engines and link previews."""

import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# JSON inside <script> must not be able to close the element or open a comment.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@register.filter
def jsonld(data: dict) -> str:
    """A schema.org object as the body of a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE))


@register.filter
def trial_jsonld(trial, request) -> str:
    """schema.org MedicalTrial for a trial page: only what the record states."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "name": trial.brief_title,
        "url": request.build_absolute_uri(trial.get_absolute_url()),
        "healthCondition": [
            {"@type": "MedicalCondition", "name": c.name} for c in trial.conditions.all()
        ],
    }
    if trial.official_title:
        data["alternateName"] = trial.official_title
    if trial.nct_id:
        data["identifier"] = trial.nct_id
        data["sameAs"] = trial.registry_url
    if trial.lead_sponsor_id:
        data["sponsor"] = {"@type": "Organization", "name": trial.lead_sponsor.name}
    phases = [p.label for p in trial.phases.all()]
    if phases:
        data["phase"] = phases
    return jsonld(data)


@register.filter
def publication_jsonld(publication, request) -> str:
    """schema.org ScholarlyArticle for a publication page, retraction included."""
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": publication.title[:110],
        "name": publication.title,
        "url": request.build_absolute_uri(publication.get_absolute_url()),
        "author": [
            {"@type": "Person", "name": name}
            for name in publication.author_list or [publication.first_author]
            if name
        ],
    }
    if publication.year:
        data["datePublished"] = str(publication.year)
    if publication.journal:
        data["isPartOf"] = {"@type": "Periodical", "name": publication.journal}
    if publication.doi:
        data["identifier"] = f"doi:{publication.doi}"
        data["sameAs"] = f"https://doi.org/{publication.doi}"
    if publication.is_retracted:
        data["creativeWorkStatus"] = "Retracted"
    return jsonld(data)
