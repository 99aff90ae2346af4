"""``{% review_queue as queue %}``: the editors' review queue, for the admin index."""

from django import template

from trials.admin.queue import review_queue as build_queue

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue(context):
    return build_queue(context["request"])
