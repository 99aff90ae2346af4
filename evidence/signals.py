"""Signal receivers, kept light: the synthesis code (numpy, scipy, statsmodels) is imported
when a snapshot is taken, not by every process that loads the apps."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def snapshot_after_commit(**kwargs) -> None:
    """A published, corrected or withdrawn estimate, or a retraction, changes what is
    pooled: once the saving transaction has committed, snapshot each family it changed."""
    if not kwargs.get("raw"):
        transaction.on_commit(_record_quietly)


def _record_quietly() -> None:
    # The edit is already committed; a failed snapshot must not turn it into an error
    # page. It is logged, and the next save or `snapshot_syntheses` catches up.
    from evidence.snapshots import record_snapshots

    try:
        record_snapshots()
    except Exception:
        logger.exception("could not record synthesis snapshots")
