"""A synthesis snapshot's permanent page, with a "cite this" block (RIS and BibTeX)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from evidence.models import SynthesisSnapshot
from public.citations import SITE_NAME


def citation(snapshot: SynthesisSnapshot, url: str) -> dict[str, str]:
    """RIS and BibTeX records of a snapshot, dated the day it was taken."""
    day = snapshot.taken_at.date()
    title = f"{snapshot.family.name}: pooled estimate as of {day.isoformat()}"
    ris = "\n".join([
        "TY  - DATA",
        f"TI  - {title}",
        f"PB  - {SITE_NAME}",
        f"PY  - {day.year}",
        f"DA  - {day:%Y/%m/%d}",
        f"UR  - {url}",
        "ER  - ",
    ])  # fmt: skip
    bibtex = (
        f"@misc{{mdma-evidence-snapshot-{snapshot.pk},\n"
        f"  title = {{{title}}},\n"
        f"  publisher = {{{SITE_NAME}}},\n"
        f"  year = {{{day.year}}},\n"
        f"  date = {{{day.isoformat()}}},\n"
        f"  url = {{{url}}}\n"
        "}"
    )
    return {"ris": ris, "bibtex": bibtex}


@require_safe
def snapshot_detail(request, pk: int):
    snapshot = get_object_or_404(SynthesisSnapshot.objects.select_related("family"), pk=pk)
    url = request.build_absolute_uri(snapshot.get_absolute_url())
    context = {"snapshot": snapshot, "cite": citation(snapshot, url)}
    return render(request, "public/snapshot_detail.html", context)
