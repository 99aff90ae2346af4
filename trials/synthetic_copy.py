"""PostgreSQL's fast path for `generate_synthetic`: rows as plain tuples, written with COPY.

bulk_create spends most of its time building model instances and compiling one
huge INSERT per batch; COPY streams tuples. Ids are taken from each table's
sequence up front (one query per table and chunk), so child rows can point at
their parents without reading anything back. The rows are the ones the ORM path
writes: constant columns come from a model instance built the same way, so
defaults and auto_now fields stay the model's.
"""

from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

from trials.ctgov.parse import raw_text_hash
from trials.models import (
    Arm,
    Intervention,
    OutcomeMeasure,
    Site,
    Trial,
    TrialFacetValue,
    TrialIdentifier,
)
from trials.models.facet_values import FacetKind, results_bucket
from trials.synthetic import COUNTRIES, Plan, raw_text

OUTCOME_KIND = {"primaryOutcomes": "PRIMARY", "secondaryOutcomes": "SECONDARY"}
CODES = dict(COUNTRIES)


class Table:
    """The rows of one table for one chunk: the varying columns first, then the constant ones."""

    def __init__(self, model, varying: tuple[str, ...], skip=(), **known):
        instance = model(**known)
        template = {
            f.column: f.get_db_prep_save(f.pre_save(instance, add=True), connection)
            for f in model._meta.concrete_fields
            if not f.primary_key and f.column not in skip
        }
        self.table = model._meta.db_table
        self.columns = [*varying, *(c for c in template if c not in varying)]
        self.constant = tuple(template[c] for c in self.columns[len(varying) :])
        self.rows: list[tuple] = []

    def add(self, *values) -> None:
        self.rows.append((*values, *self.constant))

    def copy(self, cursor, into: str = "") -> None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with cursor.copy(f"COPY {quote(into or self.table)} ({columns}) FROM STDIN") as copy:
            for row in self.rows:
                copy.write_row(row)


def tables() -> list[str]:
    """The tables `write` fills."""
    return [t.table for t in _tables({}).values()]


@contextmanager
def indexes_built_after(tables: list[str]):
    """Drop the tables' plain indexes and foreign keys, then build them again on leaving.

    One index build and one foreign-key check per table cost far less than
    updating ~40 indexes and checking each key row by row. Run it inside a
    transaction: a failure then brings every index and key back untouched.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('DROP INDEX %%I', indexname), indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema() AND tablename = ANY(%s)"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', c.relname, conname),"
            " format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', c.relname, conname,"
            " pg_get_constraintdef(k.oid))"
            " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
            " WHERE k.contype = 'f' AND c.relname = ANY(%s)"
            " AND c.relnamespace = current_schema()::regnamespace",
            [tables],
        )
        keys = cursor.fetchall()
        try:
            with transaction.atomic():
                for drop, _ in [*keys, *indexes]:
                    cursor.execute(drop)
        except OperationalError:  # earlier writes in this transaction left checks pending
            indexes = keys = []
        yield
        for _, create in [*indexes, *keys]:
            cursor.execute(create)


def _ids(model, count: int) -> list[int]:
    """`count` fresh primary keys from the table's own sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def write(chunk: list[Plan], lookups: dict, trial_fields: dict, search_text) -> list[int]:
    """Write the chunk's trials and every related row; returns the new trial ids."""
    tables = _tables(trial_fields)
    trial_ids = _ids(Trial, len(chunk))
    arm_ids = iter(_ids(Arm, sum(len(p.arms) for p in chunk)))
    intervention_ids = _ids(Intervention, len(chunk))
    for p, tid, iid in zip(chunk, trial_ids, intervention_ids, strict=True):
        _trial_row(tables, p, tid, lookups, search_text)
        tables["intervention"].add(iid, tid)
        for order, (label, kind, dose) in enumerate(p.arms):
            arm_id = next(arm_ids)
            tables["arm"].add(arm_id, tid, order, label, kind, *_doses(dose))
            if dose[0]:
                tables["intervention_arm"].add(iid, arm_id)
        _related_rows(tables, p, tid, lookups)
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor() as copying:
            _copy_trials(tables.pop("trial"), cursor, copying)
            for table in tables.values():
                table.copy(copying)
    return trial_ids


def _copy_trials(table: Table, cursor, copying) -> None:
    """Trials go through a bare temporary table so search_vector is filled as they land.

    An UPDATE afterwards would write every trial twice and touch each of its ~30
    indexes again; it cost more than the COPY itself.
    """
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    cursor.execute("CREATE TEMPORARY TABLE synthetic_trial (LIKE trials_trial)")
    table.copy(copying, into="synthetic_trial")
    cursor.execute(
        f"INSERT INTO trials_trial ({columns}, search_vector) SELECT {columns},"
        " to_tsvector('english'::regconfig, COALESCE(search_text, '')) FROM synthetic_trial"
    )
    cursor.execute("DROP TABLE synthetic_trial")


def _tables(trial_fields: dict) -> dict[str, Table]:
    trial_vary = (
        *("id", "nct_id", "slug", "brief_title", "official_title", "summary"),
        *("overall_status", "enrollment", "start_date", "first_posted", "lead_sponsor_id"),
        *("raw_json", "raw_hash", "search_text"),
    )
    dose_vary = ("dose_unit", "dose_initial_min", "dose_initial_max")
    dose_vary += ("dose_supplemental_min", "dose_supplemental_max", "dosing_sessions")
    return {
        "trial": Table(Trial, trial_vary, skip=("search_vector",), **trial_fields),
        "phase": Table(Trial.phases.through, ("trial_id", "phase_id")),
        "condition": Table(Trial.conditions.through, ("trial_id", "condition_id")),
        "site": Table(Site, ("trial_id", "facility", "city", "country", "country_code", "status")),
        "outcome": Table(OutcomeMeasure, ("trial_id", "order", "kind", "measure", "time_frame")),
        "identifier": Table(TrialIdentifier, ("trial_id", "value"), kind="SPONSOR"),
        "arm": Table(Arm, ("id", "trial_id", "order", "label", "arm_type", *dose_vary)),
        "intervention": Table(
            Intervention,
            ("id", "trial_id"),
            name="Midomafetamine",
            intervention_type="DRUG",
            other_names=["MDMA"],
        ),
        "intervention_arm": Table(Intervention.arms.through, ("intervention_id", "arm_id")),
        "facet": Table(TrialFacetValue, ("trial_id", "facet", "value"), published=True),
    }


def _trial_row(tables: dict, p: Plan, tid: int, lookups: dict, search_text) -> None:
    # One text serves both the jsonb column and the hash.
    text = raw_text(p)
    digest = raw_text_hash(text)
    official = f"A Randomized Study: {p.title}"
    tables["trial"].add(
        *(tid, p.nct_id, p.nct_id.lower(), p.title, official, p.summary, p.status),
        *(p.enrollment, p.start, p.start, lookups["sponsor"][p.sponsor], text, digest),
        search_text(p),
    )


def _doses(dose: tuple) -> tuple:
    initial, supplemental = dose
    if not initial:
        return ("", None, None, None, None, None)
    return ("mg", initial, initial, supplemental, supplemental, 3)


def _related_rows(tables: dict, p: Plan, tid: int, lookups: dict) -> None:
    """Phases, conditions, sites, outcomes, the sponsor id, and the list's facet rows."""
    facet = tables["facet"]
    for code in p.phases:
        tables["phase"].add(tid, lookups["phase"][code])
    for name in p.conditions:
        tables["condition"].add(tid, lookups["condition"][name])
    for facility, city, country, status in p.sites:
        tables["site"].add(tid, facility, city, country, CODES[country], status)
    for order, (kind, measure, time_frame) in enumerate(p.outcomes):
        tables["outcome"].add(tid, order, OUTCOME_KIND[kind], measure, time_frame)
    tables["identifier"].add(tid, f"SYN-{p.index}")
    # The rows facet_rows() would read back: the trial's own values, then its related ones.
    facet.add(tid, FacetKind.RESULTS.value, results_bucket(False, None))
    facet.add(tid, FacetKind.STATUS.value, p.status)
    facet.add(tid, FacetKind.STUDY_TYPE.value, "INTERVENTIONAL")
    for code in set(p.phases):
        facet.add(tid, FacetKind.PHASE.value, code)
    for name in set(p.conditions):
        facet.add(tid, FacetKind.CONDITION.value, name)
    for code in {CODES[s[2]] for s in p.sites}:
        facet.add(tid, FacetKind.COUNTRY.value, code)
