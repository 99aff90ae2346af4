"""Pooled effect sizes and forest plots (placeholder until the synthesis work lands)."""

from django.http import Http404


def synthesis_page(request):
    raise Http404


def forest_svg(request):
    raise Http404


def rows_csv(request):
    raise Http404
