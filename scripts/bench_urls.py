"""The project's URLs plus /bench/bare/: 100 trial rows rendered from one query.

The bare view is the yardstick every page is divided by: what Django, the
database and a template cost at the least on this machine, measured in the same run.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from trials.models import Trial

ROWS = engines["django"].from_string(
    "<table>{% for t in trials %}<tr><td>{{ t.nct_id }}</td><td>{{ t.brief_title }}</td>"
    "<td>{{ t.overall_status }}</td><td>{{ t.start_date }}</td><td>{{ t.enrollment }}</td>"
    "</tr>{% endfor %}</table>"
)


def bare(request):
    trials = Trial.objects.only(
        "nct_id", "brief_title", "overall_status", "start_date", "enrollment"
    ).order_by("pk")[:100]
    return HttpResponse(ROWS.render({"trials": trials}))


urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
