"""/data/: the data package the build_datapackage command wrote, as files and an index page."""

import json

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

DESCRIPTOR = "datapackage.json"


def _package() -> dict:
    path = settings.DATA_PACKAGE_DIR / DESCRIPTOR
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Http404("The data package has not been built yet.") from None


@require_safe
def data_index(request):
    return render(request, "public/data_index.html", {"package": _package()})


@require_safe
def data_file(request, filename):
    """datapackage.json or a CSV it lists; nothing else in the folder is served."""
    package = _package()
    allowed = {DESCRIPTOR: "application/json"}
    allowed.update({r["path"]: "text/csv; charset=utf-8" for r in package["resources"]})
    if filename not in allowed:
        raise Http404("No such file in the data package.")
    path = settings.DATA_PACKAGE_DIR / filename
    response = FileResponse(path.open("rb"), content_type=allowed[filename])
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
