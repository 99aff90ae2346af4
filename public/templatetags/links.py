"""The one way a stored address becomes an href."""

from django import template

from editorial.models import is_http_url

register = template.Library()


@register.filter
def http_href(value) -> str:
    """The value if it is an http(s) URL, else "" (so the template shows no link)."""
    return str(value).strip() if is_http_url(value) else ""
