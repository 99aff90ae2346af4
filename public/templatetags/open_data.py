"""Links from the public pages to the open-data addresses of the record they show."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag
def synthesis_citation_url(synthesis, fmt: str) -> str:
    """The citation of a synthesis under the options the page shows."""
    url = reverse("public:synthesis-citation", args=[synthesis.family.slug, fmt])
    query = urlencode(synthesis.options.as_query())
    return f"{url}?{query}" if query else url


@register.simple_tag
def synthesis_api_url(synthesis) -> str:
    url = reverse("public:api-synthesis", args=[synthesis.family.slug])
    query = urlencode(synthesis.options.as_query())
    return f"{url}?{query}" if query else url
