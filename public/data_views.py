"""/data/: the data package the build_datapackage command wrote, as files and an index page."""

import json

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

DESCRIPTOR = "datapackage.json"


def _package() -> dict:
    path = settings.DATA_PACKAGE_DIR / DESCRIPTOR
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Http404("The data package has not been built yet.") from None


def dataset(package: dict, absolute) -> dict:
    """schema.org Dataset for the package: each file, and the trial list's own exports,
    as a DataDownload. `absolute` turns a site path into a full URL."""
    data_url = reverse("public:data")
    files = [(DESCRIPTOR, "application/json")]
    files += [(r["path"], "text/csv") for r in package["resources"]]
    downloads = [(data_url + name, kind) for name, kind in files]
    trials_url = reverse("public:trials")
    downloads += [(trials_url + "?format=csv", "text/csv")]
    downloads += [(trials_url + "?format=json", "application/json")]
    licence = package["licenses"][0]
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": package["title"],
        "description": f"Clinical trials of MDMA-assisted therapy and the curated evidence "
        f"about them. {package['description']}",
        "url": absolute(data_url),
        "version": package["version"],
        "license": licence["path"],
        "isBasedOn": [source["path"] for source in package.get("sources", [])],
        "dateModified": package["created"],
        "distribution": [
            {"@type": "DataDownload", "contentUrl": absolute(url), "encodingFormat": kind}
            for url, kind in downloads
        ],
    }


@require_safe
def data_index(request):
    package = _package()
    context = {"package": package, "dataset": dataset(package, request.build_absolute_uri)}
    return render(request, "public/data_index.html", context)


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
