"""Small presentation helpers for trial templates."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.http import QueryDict

from trials.choices import OverallStatus, label_for
from trials.facets import country_name
from trials.registry_labels import registry_label as _registry_label

register = template.Library()


@register.filter
def site_countries(trial) -> str:
    """Country names of a trial's sites and curated country list, read from what the
    view prefetched (no query)."""
    codes = {s.country_code for s in trial.sites.all() if s.country_code}
    codes.update(curated_facts_of(trial).country_codes if curated_facts_of(trial) else [])
    return ", ".join(country_name(code) for code in sorted(codes))


def curated_facts_of(trial):
    """The trial's CuratedTrialFacts, or None (a curated trial may have none)."""
    try:
        return trial.curated_facts
    except ObjectDoesNotExist:
        return None


@register.filter
def arm_doses(trial) -> list[str]:
    """Each arm's dose in words (Arm.dose_text), from the prefetched arms, without repeats."""
    return list(dict.fromkeys(arm.dose_text for arm in trial.arms.all() if arm.dose_text))


@register.filter
def phase_labels(trial) -> str:
    return "/".join(p.label for p in trial.phases.all()) or "Phase not given"


@register.filter
def country(code: str) -> str:
    return country_name(code) if code else "Country not given"


@register.filter
def registry_label(value: str) -> str:
    """A registry enum value in words; an unknown value as the registry wrote it."""
    return _registry_label(value)


@register.filter
def site_status(value: str) -> str:
    """A site's recruitment status in words ("NOT_YET_RECRUITING" -> "not yet recruiting")."""
    label = label_for(OverallStatus, value)
    return label.lower() if label != value else value


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current query string with another page number (read by offset)."""
    params: QueryDict = context["request"].GET.copy()
    params["page"] = str(number)
    params.pop("after", None)
    return params.urlencode()
