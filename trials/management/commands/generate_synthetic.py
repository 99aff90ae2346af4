"""Create realistic synthetic published trials in bulk, for benchmarks (never in production)."""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from editorial.models import State
from trials import synthetic_copy, synthetic_orm
from trials.bulk import ids_by_name
from trials.choices import RecordSource
from trials.datacache import bump_data_version
from trials.models import Condition, Organization, Phase, Trial
from trials.search import fold
from trials.synthetic import CONDITIONS, PHASES, Plan, plans

CHUNK = 2000


class Command(BaseCommand):
    help = "Create N synthetic published trials (NCT8xxxxxxx), the same ones for the same seed."

    def add_arguments(self, parser):
        parser.add_argument("--trials", type=int, required=True)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, trials, seed, **options):
        started = time.perf_counter()
        # One transaction: on PostgreSQL the indexes may be dropped while the rows land.
        with transaction.atomic():
            created = _generate(trials, seed)
        bump_data_version()  # the list's cached counts now include these trials
        seconds = time.perf_counter() - started
        rate = created / seconds if seconds else 0
        self.stdout.write(f"created {created:,} synthetic trials in {seconds:.1f}s ({rate:,.0f}/s)")


def _generate(count: int, seed: int) -> int:
    """Write the plans not there yet, in chunks; returns how many were new."""
    existing = set(Trial.objects.filter(nct_id__startswith="NCT8").values_list("nct_id", flat=True))
    if connection.vendor != "postgresql":
        return _write_chunks(count, seed, existing, _write_orm)
    with connection.cursor() as cursor:
        # Benchmark rows: a crash may lose the last commit, never corrupt it.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
    if count - len(existing) < Trial.objects.count():
        return _write_chunks(count, seed, existing, _write_copy)
    # Mostly new rows: building the indexes once at the end is far cheaper.
    with synthetic_copy.indexes_built_after(synthetic_copy.tables()):
        return _write_chunks(count, seed, existing, _write_copy)


def _write_chunks(count: int, seed: int, existing: set[str], write) -> int:
    lookups = _lookups()
    created = 0
    for start in range(0, count, CHUNK):
        chunk = [p for p in plans(min(CHUNK, count - start), seed, start)]
        chunk = [p for p in chunk if p.nct_id not in existing]  # reuse what is there
        if chunk:
            _sponsors(chunk, lookups)
            write(chunk, lookups)
            created += len(chunk)
    return created


def _write_copy(chunk: list[Plan], lookups: dict) -> None:
    # COPY writes the facet rows with the trials (see trials.synthetic_copy).
    synthetic_copy.write(chunk, lookups, _trial_fields(), _search_text)


def _write_orm(chunk: list[Plan], lookups: dict) -> None:
    ids = synthetic_orm.write(chunk, lookups, _trial_fields(), _search_text)
    Trial.objects.filter(pk__in=ids).refresh_facets()


def _lookups() -> dict:
    """Phases, conditions, sponsors the plans name, created where missing."""
    for codes in PHASES:
        for code in codes:
            Phase.objects.get_or_create(code=code, defaults={"label": code, "order": 50})
    return {
        "phase": {p.code: p.pk for p in Phase.objects.all()},
        "condition": ids_by_name(Condition, CONDITIONS),
        "sponsor": {},
    }


def _sponsors(chunk: list[Plan], lookups: dict) -> None:
    known = lookups["sponsor"]
    names = {p.sponsor for p in chunk} - set(known)
    known.update(ids_by_name(Organization, names, agency_class="OTHER"))


def _search_text(p: Plan) -> str:
    parts = [p.nct_id, p.title, f"A Randomized Study: {p.title}", p.summary, *p.conditions]
    text = "\n".join([*parts, "Midomafetamine", f"SYN-{p.index}"])
    return text if text.isascii() else fold(text)  # folding ASCII changes nothing, slowly


def _trial_fields() -> dict:
    """What every synthetic trial has in common."""
    now = timezone.now()
    return {
        "study_type": "INTERVENTIONAL",
        "enrollment_type": "ACTUAL",
        "start_date_precision": "day",
        "start_date_type": "ACTUAL",
        "record_source": RecordSource.REGISTRY,
        "state": State.PUBLISHED,
        "published_at": now,
        "last_imported_at": now,
        "last_checked_at": now,
    }
